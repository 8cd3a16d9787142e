/**
 * Funding: commitments and payments over time against the envelope, per round, per project
 * (grant, advance, balance, still to pay) and terminated grants. Every amount comes from
 * the `agreements` view (committed_eur, paid_eur, to_pay_eur…), summed in SQL as DECIMAL.
 *
 * Over time: a grant counts as committed on its signature date, for the amount it commits
 * today (a terminated grant commits only what was paid); a payment counts on its date.
 */
import type { UrlFilter } from '../../../filter-params';
import { narrowedRowsHref } from '../../../list-filter';
import { barsSpec } from '../../../charts/bars';
import { COLORS } from '../../../charts/theme';
import { cumulativeSpec, type DatedAmount } from '../../../charts/timeline';
import { ENVELOPE_EUR } from '../../../domain/programme';
import { formatEur } from '../../../format';
import { t, type Lang } from '../../../i18n';
import type { TableData, TableRow } from '../../../table';
import { ctes, detailPredicate, type DashboardContext } from './context';
import { chart, FULL } from './render';

const L = (fr: string, en: string) => ({ fr, en });

export interface FundingTotals {
	requested: string;
	committed: string;
	paid: string;
	toPay: string;
	remaining: string;
	/** What closed agreements paid below their grant gave back to the envelope. */
	released: string;
	/** Σ montant_aide of every agreement (terminated and closed included): granted ≠ committed, reconciled on the page. */
	granted: string;
	terminatedUnpaid: string;
	closedOverpaid: string;
	agreements: number;
	funded: number;
	terminated: number;
	/** Rows of the per-project table hidden from this reader (consortium scope). */
	hiddenProjects: number;
}

export async function fundingData(ctx: DashboardContext) {
	const w = `WITH ${ctes(ctx)}`;
	const totals = (await ctx.db.one<Record<string, string | number>>(`${w}
		SELECT (SELECT coalesce(sum(aide_demandee), 0) FROM app)::VARCHAR AS requested,
			coalesce(sum(committed_eur), 0)::VARCHAR AS committed,
			coalesce(sum(paid_eur), 0)::VARCHAR AS paid,
			coalesce(sum(to_pay_eur), 0)::VARCHAR AS to_pay,
			(${ENVELOPE_EUR} - coalesce(sum(committed_eur), 0))::VARCHAR AS remaining,
			coalesce(sum(released_eur), 0)::VARCHAR AS released,
			coalesce(sum(montant_aide), 0)::VARCHAR AS granted,
			coalesce(sum(montant_aide - paid_eur) FILTER (WHERE statut = 'resiliee'), 0)::VARCHAR AS terminated_unpaid,
			coalesce(sum(greatest(paid_eur - montant_aide, 0)) FILTER (WHERE is_closed), 0)::VARCHAR AS closed_overpaid,
			count(*)::INTEGER AS agreements,
			count(*) FILTER (WHERE is_funded)::INTEGER AS funded,
			count(*) FILTER (WHERE statut = 'resiliee')::INTEGER AS terminated
		FROM agr`))!;
	// A consortium member's "remaining" is the programme's (one envelope for the whole call).
	const programme = await ctx.db.one<{ remaining: string }>(`SELECT remaining_eur::VARCHAR AS remaining FROM programme_totals`);

	const events = await ctx.db.all<{ date: string; series: string; amount: string }>(`${w}
		SELECT strftime(date_signature, '%Y-%m-%d') AS date, 'committed' AS series, committed_eur::VARCHAR AS amount FROM agr WHERE committed_eur > 0
		UNION ALL SELECT strftime(date_avance, '%Y-%m-%d'), 'paid', advance_paid_eur::VARCHAR FROM agr WHERE advance_paid_eur > 0
		UNION ALL SELECT strftime(date_solde, '%Y-%m-%d'), 'paid', balance_paid_eur::VARCHAR FROM agr WHERE balance_paid_eur > 0
		ORDER BY 1`);
	const monthly = await ctx.db.all<Record<string, string>>(`${w},
		ev AS (
			SELECT date_trunc('month', date_signature) AS m, committed_eur AS committed, 0::DECIMAL(14,2) AS paid FROM agr
			UNION ALL SELECT date_trunc('month', date_avance), 0, advance_paid_eur FROM agr WHERE advance_paid_eur > 0
			UNION ALL SELECT date_trunc('month', date_solde), 0, balance_paid_eur FROM agr WHERE balance_paid_eur > 0)
		SELECT strftime(m, '%Y-%m') AS month, sum(committed)::VARCHAR AS committed, sum(paid)::VARCHAR AS paid,
			(sum(sum(committed)) OVER (ORDER BY m))::VARCHAR AS committed_cum, (sum(sum(paid)) OVER (ORDER BY m))::VARCHAR AS paid_cum
		FROM ev GROUP BY m ORDER BY m`);

	const byRound = await ctx.db.all<Record<string, string | number | null>>(`${w},
		a AS (SELECT releve, count(*)::INTEGER AS applications, count(*) FILTER (WHERE statut = 'laureat')::INTEGER AS laureats, sum(aide_demandee) AS requested FROM app GROUP BY releve),
		g AS (SELECT ap.releve, count(*)::INTEGER AS agreements, sum(g.committed_eur) AS committed, sum(g.paid_eur) AS paid, sum(g.to_pay_eur) AS to_pay
			FROM agr g LEFT JOIN applications ap USING (numero_dossier) GROUP BY ap.releve)
		SELECT coalesce(a.releve, g.releve)::INTEGER AS releve, coalesce(a.applications, 0) AS applications, coalesce(a.laureats, 0) AS laureats,
			coalesce(a.requested, 0)::VARCHAR AS requested, coalesce(g.agreements, 0)::INTEGER AS agreements,
			coalesce(g.committed, 0)::VARCHAR AS committed, coalesce(g.paid, 0)::VARCHAR AS paid, coalesce(g.to_pay, 0)::VARCHAR AS to_pay
		FROM a FULL JOIN g ON a.releve = g.releve ORDER BY releve NULLS LAST`);

	const projectRows = await ctx.db.all<Record<string, string | number | boolean | null>>(`${w}
		SELECT g.numero_convention, g.numero_dossier, ap.raison_sociale, ap.releve::INTEGER AS releve, g.statut,
			strftime(g.date_signature, '%Y-%m-%d') AS date_signature, g.montant_aide::VARCHAR AS montant_aide,
			g.advance_paid_eur::VARCHAR AS advance, g.balance_paid_eur::VARCHAR AS balance, g.paid_eur::VARCHAR AS paid,
			g.committed_eur::VARCHAR AS committed, g.to_pay_eur::VARCHAR AS to_pay,
			g.released_eur::VARCHAR AS released, (g.montant_aide - g.paid_eur)::VARCHAR AS unpaid, g.has_application
		FROM agr g LEFT JOIN applications ap USING (numero_dossier)
		WHERE ${ctx.seesAll ? 'true' : `ap.numero_dossier IS NOT NULL AND ${detailPredicate(ctx, 'ap')}`}
		ORDER BY ap.releve NULLS LAST, g.date_signature, g.numero_convention`);

	const totalRow = {
		montant_aide: null,
		advance: null,
		balance: null,
		paid: String(totals.paid),
		committed: String(totals.committed),
		to_pay: String(totals.to_pay),
		released: String(totals.released)
	};
	const projectColumns: TableData['columns'] = [
		{ key: 'numero_convention', label: L('Convention', 'Agreement'), nowrap: true },
		{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
		{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
		{ key: 'statut', label: L('Statut', 'Status'), kind: 'agr_status' },
		{ key: 'date_signature', label: L('Signée le', 'Signed on'), kind: 'date' },
		{ key: 'montant_aide', label: L('Aide accordée', 'Grant'), kind: 'eur' },
		{ key: 'advance', label: L('Avance versée', 'Advance paid'), kind: 'eur' },
		{ key: 'balance', label: L('Solde versé', 'Balance paid'), kind: 'eur' },
		{ key: 'committed', label: L('Engagé', 'Committed'), kind: 'eur' },
		{ key: 'to_pay', label: L('Reste à verser', 'Still to pay'), kind: 'eur' },
		{ key: 'released', label: L('Rendu à l’enveloppe', 'Released'), kind: 'eur' }
	];
	const tables = {
		timeline: {
			id: 'engagements-versements-par-mois',
			title: L('Engagements et versements par mois', 'Commitments and payments by month'),
			columns: [
				{ key: 'month', label: L('Mois', 'Month') },
				{ key: 'committed', label: L('Engagé dans le mois', 'Committed in the month'), kind: 'eur' },
				{ key: 'paid', label: L('Versé dans le mois', 'Paid in the month'), kind: 'eur' },
				{ key: 'committed_cum', label: L('Engagé cumulé', 'Committed, cumulative'), kind: 'eur' },
				{ key: 'paid_cum', label: L('Versé cumulé', 'Paid, cumulative'), kind: 'eur' }
			],
			rows: monthly
		},
		rounds: {
			id: 'financement-par-releve',
			title: L('Financement par relève', 'Funding by round'),
			columns: [
				{ key: 'releve', label: L('Relève', 'Round') },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
				{ key: 'laureats', label: L('Lauréats', 'Winners'), kind: 'int', rowsLink: 'rows_laureats' },
				{ key: 'requested', label: L('Demandé', 'Requested'), kind: 'eur' },
				{ key: 'agreements', label: L('Conventions', 'Agreements'), kind: 'int', rowsLink: 'rows_agreements' },
				{ key: 'committed', label: L('Engagé', 'Committed'), kind: 'eur' },
				{ key: 'paid', label: L('Versé', 'Paid'), kind: 'eur' },
				{ key: 'to_pay', label: L('Reste à verser', 'Still to pay'), kind: 'eur' }
			],
			rows: byRound.map((r) => {
				// The applications behind each count of a round (none behind a zero; agreements without an application are on the quality page).
				const round = r.releve === 1 || r.releve === 2 ? (r.releve as 1 | 2) : null;
				const link = (n: unknown, narrow: Partial<UrlFilter>, extra: Record<string, string> = {}) =>
					round !== null && Number(n) > 0 ? narrowedRowsHref(ctx.filter, { releve: [round], ...narrow }, extra) : null;
				return {
					...r,
					releve: r.releve === null ? (ctx.lang === 'fr' ? 'Sans candidature' : 'No application') : String(r.releve),
					rows_applications: link(r.applications, {}),
					rows_laureats: link(r.laureats, { statut: ['laureat'] }),
					rows_agreements: link(r.agreements, {}, { convention: 'toute' })
				};
			}),
			total: {
				releve: null,
				applications: byRound.reduce((s, r) => s + Number(r.applications), 0),
				laureats: byRound.reduce((s, r) => s + Number(r.laureats), 0),
				requested: String(totals.requested),
				agreements: Number(totals.agreements),
				committed: String(totals.committed),
				paid: String(totals.paid),
				to_pay: String(totals.to_pay)
			}
		},
		projects: {
			id: 'financement-par-projet',
			title: L('Financement par projet', 'Funding by project'),
			columns: projectColumns,
			rows: projectRows,
			total: ctx.seesAll ? totalRow : undefined
		},
		terminated: {
			id: 'conventions-resiliees',
			title: L('Conventions résiliées', 'Terminated grants'),
			columns: [
				{ key: 'numero_convention', label: L('Convention', 'Agreement'), nowrap: true },
				{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
				{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
				{ key: 'montant_aide', label: L('Aide accordée', 'Grant'), kind: 'eur' },
				{ key: 'paid', label: L('Versé (reste engagé)', 'Paid (stays committed)'), kind: 'eur' },
				{ key: 'unpaid', label: L('Non versé (retourne à l’enveloppe)', 'Not paid (back to the envelope)'), kind: 'eur' }
			],
			rows: projectRows.filter((r) => r.statut === 'resiliee')
		}
	} satisfies Record<string, TableData>;
	const hiddenProjects = Number(totals.agreements) - projectRows.length;
	return {
		totals: {
			requested: String(totals.requested),
			committed: String(totals.committed),
			paid: String(totals.paid),
			toPay: String(totals.to_pay),
			remaining: ctx.seesAll ? String(totals.remaining) : String(programme?.remaining ?? totals.remaining),
			released: String(totals.released),
			granted: String(totals.granted),
			terminatedUnpaid: String(totals.terminated_unpaid),
			closedOverpaid: String(totals.closed_overpaid),
			agreements: Number(totals.agreements),
			funded: Number(totals.funded),
			terminated: Number(totals.terminated),
			hiddenProjects
		} satisfies FundingTotals,
		events: events.map((e) => ({ date: e.date, series: e.series, amount: Number(e.amount) })),
		tables
	};
}

export type FundingData = Awaited<ReturnType<typeof fundingData>>;

export function fundingCharts(d: FundingData, lang: Lang) {
	const series = [
		{ id: 'committed', label: t(lang, 'Engagé', 'Committed'), color: COLORS.primary },
		{ id: 'paid', label: t(lang, 'Versé', 'Paid'), color: COLORS.accent }
	];
	const events: DatedAmount[] = d.events;
	const timeline = chart(
		(width) => cumulativeSpec(events, { lang, width, series, ceiling: { value: ENVELOPE_EUR, label: t(lang, `Enveloppe ${formatEur(ENVELOPE_EUR, lang)}`, `Envelope ${formatEur(ENVELOPE_EUR, lang)}`) } }),
		t(lang, 'Engagements et versements cumulés', 'Cumulative commitments and payments'),
		t(lang, `Engagé ${formatEur(d.totals.committed, lang)}, versé ${formatEur(d.totals.paid, lang)}`, `Committed ${formatEur(d.totals.committed, lang)}, paid ${formatEur(d.totals.paid, lang)}`),
		{ wide: FULL }
	);
	const rounds = chart(
		(width) =>
			barsSpec(
				(d.tables.rounds.rows as TableRow[]).map((r) => ({
					label: /^\d$/.test(String(r.releve)) ? t(lang, `Relève ${r.releve}`, `Round ${r.releve}`) : String(r.releve),
					values: { requested: Number(r.requested), committed: Number(r.committed), paid: Number(r.paid) }
				})),
				{
					lang,
					width,
					format: 'eur',
					series: [
						{ id: 'requested', label: t(lang, 'Demandé', 'Requested'), color: COLORS.secondary },
						{ id: 'committed', label: t(lang, 'Engagé', 'Committed'), color: COLORS.primary },
						{ id: 'paid', label: t(lang, 'Versé', 'Paid'), color: COLORS.accent }
					]
				}
			),
		t(lang, 'Demandé, engagé et versé par relève', 'Requested, committed and paid by round')
	);
	const projects = chart(
		(width) =>
			barsSpec(
				d.tables.projects.rows
					.filter((r) => r.statut !== 'resiliee')
					.map((r) => ({ label: String(r.numero_dossier), values: { paid: Number(r.paid), to_pay: Number(r.to_pay) } })),
				{
					lang,
					width,
					format: 'eur',
					mode: 'stacked',
					series: [
						{ id: 'paid', label: t(lang, 'Versé', 'Paid'), color: COLORS.accent },
						{ id: 'to_pay', label: t(lang, 'Reste à verser', 'Still to pay'), color: COLORS.secondary }
					],
					reference: { value: 100000, label: t(lang, 'Plafond 100 000 €', 'Cap €100,000') }
				}
			),
		t(lang, 'Versé et reste à verser par projet', 'Paid and still to pay by project')
	);
	return { timeline, rounds, projects };
}
