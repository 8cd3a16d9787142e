/**
 * Overview: the headline figures (exactly `computeKpis`, or `kpisFor` for a consortium
 * member), what they rest on, the rule flags by rule, and data freshness.
 */
import type { UrlFilter } from '../../../filter-params';
import { narrowedRowsHref, rowsHref } from '../../../list-filter';
import { APPLICATION_STATUSES, APPLICATION_STATUS_LABELS } from '../../../domain/programme';
import { EXPORT_KINDS, KIND_LABELS } from '../../../domain/schemas';
import type { TableData } from '../../../table';
import { kpisFor } from '../../auth/scope';
import { computeKpis, fundingReconciliation, type FundingReconciliation, type Kpis } from '../kpis';
import { basisFigures, ctes, scopeKey, type BasisFigures, type DashboardContext } from './context';
import { memoized } from '../memo';
import { memberApplications, type MemberApplications } from '../member-secrecy';
import { barsSpec } from '../../../charts/bars';
import { envelopeBulletSpec } from '../../../charts/bullet';
import { COLORS } from '../../../charts/theme';
import { t, type Lang } from '../../../i18n';
import { formatEur, formatNumber } from '../../../format';
import { chart } from './render';

export interface Freshness {
	kind: string;
	file: string | null;
	loadedAt: string | null;
	rows: number | null;
	actor: string | null;
}

export interface OverviewData {
	/** The headline figures but the list of rule flags (12 673 at 100 000 applications): the page shows their number. */
	kpis: Omit<Kpis, 'rule_flags'>;
	flagCount: number;
	basis: BasisFigures;
	/** Latest report per funded project: how many report any achieved figure. */
	freshness: Freshness[];
	flagsByRule: { rule: string; count: number }[];
	/** How funded projects and money split (programme team only): the one-line reconciliations. */
	reconciliation: FundingReconciliation | null;
	/** A consortium member's applications other than lauréats, under statistical secrecy (null for admins and auditors). */
	memberApplications: MemberApplications | null;
	tables: Record<'statuts' | 'envelope' | 'impact' | 'openSource' | 'freshness', TableData>;
}

export function overviewData(ctx: DashboardContext): Promise<OverviewData> {
	return memoized(ctx.db, `overview\u0000${scopeKey(ctx)}`, () => overviewNow(ctx));
}

async function overviewNow(ctx: DashboardContext): Promise<OverviewData> {
	const { rule_flags: flags, ...kpis } = ctx.seesAll ? await computeKpis(ctx.db, ctx.filter) : await kpisFor(ctx.db, ctx.user, ctx.filter);
	const basis = await basisFigures(ctx);
	const loads = await ctx.db.all<{ kind: string; file_name: string; loaded_at: string; rows: number; actor: string }>(`
		SELECT cs.kind, l.file_name, l.loaded_at::VARCHAR AS loaded_at, l.rows::INTEGER AS rows, l.actor
		FROM current_snapshot cs JOIN loads l USING (load_id)`);
	const freshness: Freshness[] = EXPORT_KINDS.map((kind) => {
		const l = loads.find((r) => r.kind === kind);
		return { kind, file: l?.file_name ?? null, loadedAt: l?.loaded_at ?? null, rows: l ? Number(l.rows) : null, actor: l?.actor ?? null };
	});
	const counts = new Map<string, number>();
	for (const f of flags) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
	const flagsByRule = [...counts].map(([rule, count]) => ({ rule, count }));

	const L = (fr: string, en: string) => ({ fr, en });
	/** The applications behind a figure, with the page's filters. */
	const rows = (extra: Record<string, string | number>) => rowsHref(ctx.filter, extra);
	const tables: OverviewData['tables'] = {
		statuts: {
			id: 'candidatures-par-statut',
			title: L('Candidatures par statut', 'Applications by status'),
			columns: [
				{ key: 'statut', label: L('Statut', 'Status'), kind: 'app_status' },
				{ key: 'releve1', label: L('Relève 1', 'Round 1'), kind: 'int', rowsLink: 'rows_releve1' },
				{ key: 'releve2', label: L('Relève 2', 'Round 2'), kind: 'int', rowsLink: 'rows_releve2' },
				{ key: 'total', label: L('Total', 'Total'), kind: 'int', rowsLink: 'rows_total' }
			],
			rows: [],
			total: { statut: null, total: kpis.applications.total, releve1: kpis.applications.by_releve['1'], releve2: kpis.applications.by_releve['2'] }
		},
		envelope: {
			id: 'enveloppe',
			title: L('Enveloppe : demandé, engagé, versé, restant', 'Envelope: requested, committed, paid, remaining'),
			columns: [
				{ key: 'figure', label: L('Montant', 'Amount') },
				{ key: 'eur', label: L('Euros', 'Euros'), kind: 'eur', rowsLink: 'rows' },
				{ key: 'share', label: L('Part de l’enveloppe', 'Share of the envelope'), kind: 'pct' }
			],
			rows: [
				{ figure: ctx.lang === 'fr' ? 'Enveloppe' : 'Envelope', eur: kpis.envelope_eur, share: 1 },
				{ figure: ctx.lang === 'fr' ? 'Aide demandée' : 'Aid requested', eur: kpis.funding.requested_eur, share: kpis.funding.requested_eur / kpis.envelope_eur, rows: rows({}) },
				{ figure: ctx.lang === 'fr' ? 'Engagé' : 'Committed', eur: kpis.funding.committed_eur, share: kpis.funding.committed_eur / kpis.envelope_eur, rows: rows({ convention: 'toute' }) },
				{ figure: ctx.lang === 'fr' ? 'Versé' : 'Paid', eur: kpis.funding.paid_eur, share: kpis.funding.paid_eur / kpis.envelope_eur, rows: rows({ verse: 1 }) },
				{ figure: ctx.lang === 'fr' ? 'Restant' : 'Remaining', eur: kpis.funding.remaining_eur, share: kpis.funding.remaining_eur / kpis.envelope_eur },
				{ figure: ctx.lang === 'fr' ? 'Rendu à l’enveloppe (conventions soldées)' : 'Released to the envelope (closed agreements)', eur: kpis.funding.released_eur, share: kpis.funding.released_eur / kpis.envelope_eur, rows: rows({ convention: 'soldee' }) }
			]
		},
		impact: {
			id: 'impact-prevu-realise',
			title: L('Emplois et chiffre d’affaires : prévu et réalisé', 'Jobs and revenue: forecast and achieved'),
			columns: [
				{ key: 'figure', label: L('Indicateur', 'Figure') },
				{ key: 'forecast', label: L('Prévu', 'Forecast'), kind: 'dec', rowsLink: 'rows' },
				{ key: 'achieved', label: L('Réalisé', 'Achieved'), kind: 'dec', rowsLink: 'rows' }
			],
			rows: [
				{ figure: ctx.lang === 'fr' ? 'Emplois (ETP)' : 'Jobs (FTE)', forecast: kpis.jobs.forecast, achieved: kpis.jobs.created, rows: rows({ convention: 'financee' }) },
				{ figure: ctx.lang === 'fr' ? 'Chiffre d’affaires (€)' : 'Revenue (€)', forecast: kpis.revenue.forecast_eur, achieved: kpis.revenue.generated_eur, rows: rows({ convention: 'financee' }) }
			]
		},
		openSource: {
			id: 'open-source',
			title: L('Open source : engagements et publications', 'Open source: commitments and publications'),
			columns: [
				{ key: 'figure', label: L('Indicateur', 'Figure') },
				{ key: 'projects', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows' }
			],
			rows: [
				{ figure: ctx.lang === 'fr' ? 'Background ouvert' : 'Open background', projects: kpis.open_source.background, rows: rows({ convention: 'financee', ouvert: 'background' }) },
				{ figure: ctx.lang === 'fr' ? 'Engagement foreground ouvert' : 'Open foreground committed', projects: kpis.open_source.foreground_committed, rows: rows({ convention: 'financee', ouvert: 'foreground' }) },
				{ figure: ctx.lang === 'fr' ? 'Code publié' : 'Code published', projects: kpis.open_source.published, rows: rows({ code: 'publie' }) }
			]
		},
		freshness: {
			id: 'fraicheur-des-donnees',
			title: L('Fraîcheur des données', 'Data freshness'),
			columns: [
				{ key: 'kind', label: L('Export', 'Export') },
				{ key: 'file', label: L('Fichier', 'File') },
				{ key: 'loadedAt', label: L('Chargé le', 'Loaded on'), kind: 'instant' },
				{ key: 'rows', label: L('Lignes', 'Rows'), kind: 'int' }
			],
			rows: freshness.map((f) => ({ kind: KIND_LABELS[f.kind as keyof typeof KIND_LABELS][ctx.lang], file: f.file, loadedAt: f.loadedAt, rows: f.rows }))
		}
	};
	const byStatut = await ctx.db.all<{ statut: string; releve: number; n: number }>(
		`WITH ${ctes(ctx)} SELECT statut, releve::INTEGER AS releve, count(*)::INTEGER AS n FROM app GROUP BY ALL`
	);
	tables.statuts.rows = APPLICATION_STATUSES.map((s) => {
		const r1 = byStatut.find((r) => r.statut === s && Number(r.releve) === 1)?.n ?? 0;
		const r2 = byStatut.find((r) => r.statut === s && Number(r.releve) === 2)?.n ?? 0;
		const total = kpis.applications.by_statut[s] ?? 0;
		// Each count opens its applications (none behind a zero).
		const link = (n: number, narrow: Partial<UrlFilter>) => (n > 0 ? narrowedRowsHref(ctx.filter, narrow) : null);
		return {
			statut: s,
			releve1: Number(r1),
			releve2: Number(r2),
			total,
			rows_releve1: link(Number(r1), { statut: [s], releve: [1] }),
			rows_releve2: link(Number(r2), { statut: [s], releve: [2] }),
			rows_total: link(total, { statut: [s] })
		};
	});
	const member = ctx.seesAll ? null : await memberApplications(ctx.db, ctx.orgBricks ?? [], ctx.filter);
	if (member) {
		// A member's figures are its lauréats' (`figureScope`); the other applications naming its
		// bricks come from the protected table only, « s » where hidden.
		const secret = (v: number | null) => (v === null ? 's' : v);
		const plus = (a: number, b: number | null) => (b === null ? 's' : a + b);
		const laureat = tables.statuts.rows.find((r) => r.statut === 'laureat')!;
		tables.statuts.columns = tables.statuts.columns.map((c) => (c.kind === 'int' ? { ...c, kind: 'text' as const, numeric: true } : c));
		tables.statuts.title = L('Candidatures par statut (secret statistique)', 'Applications by status (statistical secrecy)');
		tables.statuts.rows = [
			laureat,
			...member.rows.map((r) => ({ statut: r.statut, releve1: secret(r.releve1), releve2: secret(r.releve2), total: secret(r.total) }))
		];
		tables.statuts.total = {
			statut: null,
			releve1: plus(Number(laureat.releve1), member.byRound['1']),
			releve2: plus(Number(laureat.releve2), member.byRound['2']),
			total: plus(Number(laureat.total), member.total)
		};
	}
	const reconciliation = ctx.seesAll ? await fundingReconciliation(ctx.db, ctes(ctx)) : null;
	return { kpis, flagCount: flags.length, basis, freshness, flagsByRule, memberApplications: member, tables, reconciliation };
}

/** Rendered charts by what they show (they are a function of these figures and the language). */
const renderedCharts = new Map<string, ReturnType<typeof renderOverviewCharts>>();

export function overviewCharts(d: OverviewData, lang: Lang) {
	const k = d.kpis;
	const key = JSON.stringify([lang, k.envelope_eur, k.funding, k.applications.by_statut, k.open_source, d.memberApplications]);
	let charts = renderedCharts.get(key);
	if (!charts) {
		if (renderedCharts.size >= 200) renderedCharts.clear();
		charts = renderOverviewCharts(d, lang);
		renderedCharts.set(key, charts);
	}
	return structuredClone(charts);
}

/** Applications per status as a chart may draw them: a member's from its protected table (hidden ones not drawn). */
function statusCounts(d: OverviewData): Record<string, number | null> {
	const k = d.kpis;
	if (!d.memberApplications) return k.applications.by_statut;
	return Object.fromEntries([['laureat', k.applications.by_statut.laureat ?? 0], ...d.memberApplications.rows.map((r) => [r.statut, r.total])]);
}

function renderOverviewCharts(d: OverviewData, lang: Lang) {
	const k = d.kpis;
	const byStatut = statusCounts(d);
	const envelope = chart(
		(width) =>
			envelopeBulletSpec({ envelope: k.envelope_eur, committed: k.funding.committed_eur, paid: k.funding.paid_eur, requested: k.funding.requested_eur }, { lang, width }),
		t(lang, 'Enveloppe de l’appel à projets', 'Envelope of the open call'),
		t(
			lang,
			`Engagé ${formatEur(k.funding.committed_eur, lang)}, versé ${formatEur(k.funding.paid_eur, lang)}, demandé ${formatEur(k.funding.requested_eur, lang)}, sur une enveloppe de ${formatEur(k.envelope_eur, lang)}`,
			`Committed ${formatEur(k.funding.committed_eur, lang)}, paid ${formatEur(k.funding.paid_eur, lang)}, requested ${formatEur(k.funding.requested_eur, lang)}, of an envelope of ${formatEur(k.envelope_eur, lang)}`
		)
	);
	const statuses = chart(
		(width) =>
			barsSpec(
				APPLICATION_STATUSES.map((s) => ({ label: APPLICATION_STATUS_LABELS[s][lang], values: { n: s in byStatut ? byStatut[s] : 0 } })),
				{ lang, width, series: [{ id: 'n', label: t(lang, 'Candidatures', 'Applications'), color: COLORS.primary }] }
			),
		t(lang, 'Candidatures par statut', 'Applications by status'),
		APPLICATION_STATUSES.map((s) => `${APPLICATION_STATUS_LABELS[s][lang]} ${byStatut[s] === null ? t(lang, 's (secret statistique)', 's (withheld)') : formatNumber(byStatut[s] ?? 0, lang)}`).join(', ')
	);
	const openSource = chart(
		(width) =>
			barsSpec(
				[
					{ label: t(lang, 'Background ouvert', 'Open background'), values: { n: k.open_source.background } },
					{ label: t(lang, 'Foreground promis', 'Foreground committed'), values: { n: k.open_source.foreground_committed } },
					{ label: t(lang, 'Code publié', 'Code published'), values: { n: k.open_source.published } }
				],
				{ lang, width, series: [{ id: 'n', label: t(lang, 'Projets financés', 'Funded projects'), color: COLORS.primary }] }
			),
		t(lang, 'Engagements open source et publications', 'Open-source commitments and publications'),
		t(
			lang,
			`Background ouvert ${k.open_source.background}, foreground promis ${k.open_source.foreground_committed}, code publié ${k.open_source.published}`,
			`Open background ${k.open_source.background}, foreground committed ${k.open_source.foreground_committed}, code published ${k.open_source.published}`
		)
	);
	return { envelope, statuses, openSource };
}
