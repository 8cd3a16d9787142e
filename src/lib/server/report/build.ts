/**
 * `buildReport(db, period, lang)`: the Bpifrance report (issue 7) as one format-independent
 * model (./model.ts). Every figure comes from the shared definitions: the headline figures
 * from `computeFigures` over the CTEs "as of" the period's last day (figures/period.ts), the
 * flows from `periodFlows`, the detail rows from the same CTEs. Sums are made in SQL
 * (DECIMAL) and travel as decimal strings; nothing is summed here.
 *
 * Confidentiality: the report is for Bpifrance and Cap Digital; it names lauréats (their
 * company, SIREN, project, amounts). Applications that are not lauréats are never named:
 * they appear only in counts (statuses, DNSH, rule flags by rule). A grant whose application
 * is not a lauréat in the export (a data inconsistency) keeps its amounts, without a name.
 */
import { brickName, BRICK_IDS } from '../../domain/bricks';
import {
	AGREEMENT_STATUS_LABELS,
	APPLICATION_STATUSES,
	APPLICATION_STATUS_LABELS,
	DNSH_OBJECTIVES,
	DNSH_OBJECTIVE_LABELS,
	DNSH_SCORES,
	ENVELOPE_EUR,
	REPORT_TYPE_LABELS,
	type AgreementStatus,
	type ReportType
} from '../../domain/programme';
import { RULES } from '../../domain/rules';
import { KIND_LABELS, type ExportKind } from '../../domain/schemas';
import { COLORS } from '../../charts/theme';
import { formatDate, formatEur, formatNumber } from '../../format';
import { moneyText } from './cells';
import { t, type Lang } from '../../i18n';
import { parisWallClock } from '../../table';
import type { Database } from '../db/database';
import { computeFigures, fundingReconciliation } from '../figures/kpis';
import { asOfCtes, periodCtes, periodFlows, type Period } from '../figures/period';
import { date, decimal, integer, money, percent, text, type Cell, type ChartSpec, type ReportModel, type ReportTable, type Section } from './model';
import { parisNow, periodLabel } from './period';

export interface BuildOptions {
	/** Who produces the report (an e-mail), written on it. */
	producedBy?: string;
	/** The moment of production (tests pass a fixed one). */
	now?: Date;
}

const MENTIONS = [
	'Ce projet a été financé par le gouvernement dans le cadre de France 2030',
	"Financé par l'Union européenne - Next Generation EU dans le cadre du plan France Relance"
];

/** A number for a chart (display only: charts draw, they do not add up). */
const n = (v: string | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v));

const ratio = (a: string | number, b: string | number): number | null => (Number(b) === 0 ? null : Number(a) / Number(b));

export async function buildReport(db: Database, period: Period, lang: Lang, options: BuildOptions = {}): Promise<ReportModel> {
	const L = (fr: string, en: string) => t(lang, fr, en);
	const now = options.now ?? new Date();
	const producedAt = parisNow(now);
	const end = formatDate(period.end);
	const atEnd = L(`au ${end}`, `at ${end}`);
	const inPeriod = L('sur la période', 'in the period');
	const ctes = periodCtes(period);

	const { kpis, exact } = await computeFigures(db, asOfCtes(period.end), { r17: 'scoped' });
	const flows = await periodFlows(db, period);
	// How the aid granted splits into committed, released and what terminated grants did not pay.
	const rc = await fundingReconciliation(db, asOfCtes(period.end));
	const grantedParts = [
		moneyText(rc.committed_eur, lang) + L(' engagés', ' committed'),
		moneyText(rc.released_eur, lang) + L(' rendus à l’enveloppe par les conventions soldées en dessous de leur aide', ' released by agreements closed below their grant'),
		moneyText(rc.terminated_unpaid_eur, lang) + L(' non versés aux conventions résiliées', ' not paid to terminated agreements')
	].join(' + ') +
		(Number(rc.closed_overpaid_eur) > 0
			? ` − ${moneyText(rc.closed_overpaid_eur, lang)}` + L(' versés au-delà de l’aide par des conventions soldées (R16)', ' paid beyond the grant by closed agreements (R16)')
			: '');

	// ---------------------------------------------------------------- programme status
	const rounds = await db.all<{ releve: number | null; total: number; in_period: number; laureats: number; rate: number | null; requested: string }>(`WITH ${ctes}
		SELECT releve::INTEGER AS releve, count(*)::INTEGER AS total,
			count(*) FILTER (WHERE numero_dossier NOT IN (SELECT numero_dossier FROM s_app))::INTEGER AS in_period,
			count(*) FILTER (WHERE statut = 'laureat')::INTEGER AS laureats,
			(count(*) FILTER (WHERE statut = 'laureat'))::DOUBLE / nullif(count(*), 0) AS rate,
			coalesce(sum(aide_demandee), 0)::VARCHAR AS requested
		FROM app GROUP BY GROUPING SETS ((releve), ()) ORDER BY releve NULLS LAST`);
	const roundRows = [1, 2].map((r) => rounds.find((x) => x.releve === r) ?? { releve: r, total: 0, in_period: 0, laureats: 0, rate: null, requested: '0' });
	const roundTotal = rounds.find((x) => x.releve === null) ?? { releve: null, total: 0, in_period: 0, laureats: 0, rate: null, requested: '0' };
	const byStatus = await db.all<{ statut: string; releve: number; n: number }>(
		`WITH ${ctes} SELECT statut, releve::INTEGER AS releve, count(*)::INTEGER AS n FROM app GROUP BY ALL`
	);
	const statusCount = (s: string, r: number) => byStatus.find((x) => x.statut === s && x.releve === r)?.n ?? 0;
	const reportsAtEnd = await db.one<{ n: number }>(`WITH ${ctes} SELECT count(*)::INTEGER AS n FROM rep`);

	// ---------------------------------------------------------------- money
	const moneyTotals = await db.one<{ to_pay: string; agreements: number; terminated: number }>(`WITH ${ctes}
		SELECT coalesce(sum(to_pay_eur), 0)::VARCHAR AS to_pay, count(*)::INTEGER AS agreements,
			count(*) FILTER (WHERE statut = 'resiliee')::INTEGER AS terminated FROM agr`);
	const perProject = await db.all<{
		numero_convention: string;
		numero_dossier: string;
		beneficiaire: string | null;
		releve: number | null;
		statut: AgreementStatus;
		date_signature: string;
		montant_aide: string;
		committed: string;
		paid: string;
		paid_period: string;
		to_pay: string;
	}>(`WITH ${ctes}
		SELECT e.numero_convention, e.numero_dossier,
			CASE WHEN a.statut = 'laureat' THEN a.raison_sociale END AS beneficiaire, a.releve::INTEGER AS releve,
			e.statut, e.date_signature::VARCHAR AS date_signature, e.montant_aide::VARCHAR AS montant_aide,
			e.committed_eur::VARCHAR AS committed, e.paid_eur::VARCHAR AS paid,
			(e.paid_eur - coalesce(s.paid_eur, 0))::VARCHAR AS paid_period, e.to_pay_eur::VARCHAR AS to_pay
		FROM agr e LEFT JOIN app a USING (numero_dossier) LEFT JOIN s_agr s USING (numero_convention)
		ORDER BY e.date_signature, e.numero_convention`);
	const perProjectTotal = await db.one<{ montant_aide: string; committed: string; paid: string; paid_period: string; to_pay: string }>(`WITH ${ctes}
		SELECT coalesce(sum(e.montant_aide), 0)::VARCHAR AS montant_aide, coalesce(sum(e.committed_eur), 0)::VARCHAR AS committed,
			coalesce(sum(e.paid_eur), 0)::VARCHAR AS paid, coalesce(sum(e.paid_eur - coalesce(s.paid_eur, 0)), 0)::VARCHAR AS paid_period,
			coalesce(sum(e.to_pay_eur), 0)::VARCHAR AS to_pay
		FROM agr e LEFT JOIN s_agr s USING (numero_convention)`);
	const unnamedGrants = perProject.filter((p) => p.beneficiaire === null).length;

	// ---------------------------------------------------------------- impact
	const impact = await db.all<{
		numero_dossier: string;
		beneficiaire: string | null;
		emplois_prevus: number | null;
		emplois_crees: string | null;
		ca_prevu: string | null;
		ca_genere: string | null;
		date_rapport: string | null;
		type_rapport: ReportType | null;
	}>(`WITH ${ctes}
		SELECT f.numero_dossier, CASE WHEN a.statut = 'laureat' THEN f.raison_sociale END AS beneficiaire,
			f.emplois_prevus::INTEGER AS emplois_prevus, f.emplois_crees::VARCHAR AS emplois_crees,
			f.ca_prevu::VARCHAR AS ca_prevu, f.ca_genere::VARCHAR AS ca_genere,
			f.date_dernier_rapport::VARCHAR AS date_rapport, f.type_dernier_rapport AS type_rapport
		FROM fp f LEFT JOIN app a USING (numero_dossier) WHERE f.has_application
		ORDER BY f.numero_dossier, f.numero_convention`);

	// ---------------------------------------------------------------- open source
	const publications = await db.all<{
		numero_dossier: string;
		beneficiaire: string | null;
		url: string;
		licence: string | null;
		contributions: number | null;
		date_rapport: string;
	}>(`WITH ${ctes}
		SELECT DISTINCT f.numero_dossier, CASE WHEN a.statut = 'laureat' THEN f.raison_sociale END AS beneficiaire,
			r.depot_code_url AS url, r.licence, r.contributions_amont::INTEGER AS contributions, r.date_rapport::VARCHAR AS date_rapport
		FROM fp f JOIN lrep r USING (numero_dossier) LEFT JOIN app a USING (numero_dossier)
		WHERE f.has_application AND f.published ORDER BY f.numero_dossier`);

	// ---------------------------------------------------------------- rule flags (who may be named)
	const identities = await db.all<{ numero_dossier: string; statut: string; raison_sociale: string }>(
		`WITH ${ctes} SELECT numero_dossier, statut, raison_sociale FROM app`
	);
	const who = new Map(identities.map((i) => [i.numero_dossier, i]));
	const nameable = (dossier?: string) => !!dossier && who.get(dossier)?.statut === 'laureat';

	// ---------------------------------------------------------------- lauréats
	const laureats = await db.all<{
		numero_dossier: string;
		releve: number;
		raison_sociale: string;
		siren: string;
		region_name: string | null;
		titre_projet: string;
		briques: string[];
		aide_demandee: string;
		numero_convention: string | null;
		montant_aide: string | null;
		statut: AgreementStatus | null;
		paid: string | null;
	}>(`WITH ${ctes}
		SELECT a.numero_dossier, a.releve::INTEGER AS releve, a.raison_sociale, a.siren, a.region_name, a.titre_projet, a.briques,
			a.aide_demandee::VARCHAR AS aide_demandee, g.numero_convention, g.montant_aide::VARCHAR AS montant_aide, g.statut,
			g.paid_eur::VARCHAR AS paid
		FROM app a LEFT JOIN agr g USING (numero_dossier)
		WHERE a.statut = 'laureat' ORDER BY a.releve, a.numero_dossier, g.numero_convention`);
	const laureatTotal = await db.one<{ n: number; requested: string; granted: string; paid: string }>(`WITH ${ctes},
		l AS (SELECT * FROM app WHERE statut = 'laureat')
		SELECT (SELECT count(*) FROM l)::INTEGER AS n, (SELECT coalesce(sum(aide_demandee), 0) FROM l)::VARCHAR AS requested,
			(SELECT coalesce(sum(montant_aide), 0) FROM agr WHERE numero_dossier IN (SELECT numero_dossier FROM l))::VARCHAR AS granted,
			(SELECT coalesce(sum(paid_eur), 0) FROM agr WHERE numero_dossier IN (SELECT numero_dossier FROM l))::VARCHAR AS paid`);

	// ---------------------------------------------------------------- provenance
	const loads = await db.all<{ kind: ExportKind; load_id: number; file_name: string; sha256: string | null; rows: number | null; loaded_at: string; actor: string }>(`
		SELECT cs.kind, l.load_id::INTEGER AS load_id, l.file_name, l.sha256, l.rows::INTEGER AS rows, l.loaded_at::VARCHAR AS loaded_at, l.actor
		FROM current_snapshot cs JOIN loads l USING (load_id) ORDER BY cs.kind`);

	// ================================================================ sections
	const sections: Section[] = [];
	const statutLabel = (s: string | null) => (s ? (AGREEMENT_STATUS_LABELS[s as AgreementStatus]?.[lang] ?? s) : null);
	const unnamed = L('(non nommé)', '(not named)');

	// 1. Summary
	sections.push({
		id: 'synthese',
		title: L('Synthèse', 'Summary'),
		paragraphs: [
			L(
				`Au ${end}, ${formatNumber(kpis.funding.funded_projects, lang)} projets sont financés pour ${moneyText(exact.committed_eur, lang)} engagés, dont ${moneyText(exact.paid_eur, lang)} versés, sur une enveloppe de ${formatEur(ENVELOPE_EUR, lang)}.`,
				`At ${end}, ${formatNumber(kpis.funding.funded_projects, lang)} projects are funded for ${moneyText(exact.committed_eur, lang)} committed, of which ${moneyText(exact.paid_eur, lang)} paid, out of an envelope of ${formatEur(ENVELOPE_EUR, lang)}.`
			)
		],
		charts: [],
		tables: [
			{
				id: 'synthese',
				title: L('Chiffres clés', 'Key figures'),
				columns: [
					{ label: L('Indicateur', 'Figure'), type: 'text', width: 3 },
					{ label: L(`Au ${end}`, `At ${end}`), type: 'money', width: 1.3 },
					{ label: L('Sur la période', 'In the period'), type: 'money', width: 1.3 }
				],
				rows: [
					[text(L('Candidatures déposées', 'Applications filed')), integer(kpis.applications.total), integer(flows.applications.total)],
					[text(L('Lauréats', 'Winners')), integer(kpis.applications.by_statut.laureat ?? 0), text(null)],
					[text(L('Taux de sélection (lauréats / candidatures)', 'Selection rate (winners / applications)')), percent(roundTotal.rate), text(null)],
					[text(L('Aide demandée', 'Aid requested')), money(exact.requested_eur), money(flows.applications.requested_eur)],
					[text(L('Projets financés (conventions non résiliées)', 'Funded projects (agreements not terminated)')), integer(kpis.funding.funded_projects), text(null)],
					[text(L('Conventions signées', 'Agreements signed')), integer(moneyTotals?.agreements ?? 0), integer(flows.agreements.signed)],
					[text(L('Aide accordée par les conventions signées (soldées et résiliées comprises)', 'Aid granted by the agreements signed (closed and terminated included)')), money(perProjectTotal?.montant_aide ?? '0'), money(flows.agreements.granted_eur)],
					[text(L('Engagé', 'Committed')), money(exact.committed_eur), text(null)],
					[text(L('Rendu à l’enveloppe (conventions soldées)', 'Released to the envelope (closed agreements)')), money(exact.released_eur), text(null)],
					[text(L('Versé', 'Paid')), money(exact.paid_eur), money(flows.payments.paid_eur)],
					[text(L('Restant sur l’enveloppe', 'Remaining in the envelope')), money(exact.remaining_eur), text(null)],
					[text(L('Emplois prévus (3 ans, projets financés)', 'Jobs forecast (3 years, funded projects)')), integer(kpis.jobs.forecast), text(null)],
					[text(L('Emplois créés (ETP, derniers rapports)', 'Jobs created (FTE, latest reports)')), decimal(exact.jobs_created), text(null)],
					[text(L('Chiffre d’affaires prévu (3 ans)', 'Revenue forecast (3 years)')), money(exact.revenue_forecast_eur), text(null)],
					[text(L('Chiffre d’affaires généré (derniers rapports)', 'Revenue generated (latest reports)')), money(exact.revenue_generated_eur), text(null)],
					[text(L('Rapports de projet reçus', 'Project reports received')), integer(reportsAtEnd?.n ?? 0), integer(flows.reports.intermediaire + flows.reports.final)],
					[text(L('Signalements de règles', 'Rule flags')), integer(kpis.rule_flags.length), text(null)]
				],
				note: L(
					`« Au ${end} » : stock à la fin de la période. « Sur la période » : ce qui s’est passé ${periodLabel(period, lang)}. Aide accordée ${moneyText(rc.granted_eur, lang)} = ${grantedParts} : une convention soldée ou résiliée n’engage que ce qui a été versé.`,
					`“At ${end}”: stock at the end of the period. “In the period”: what happened ${periodLabel(period, lang)}. Aid granted ${moneyText(rc.granted_eur, lang)} = ${grantedParts}: a closed or terminated agreement commits only what was paid.`
				)
			}
		]
	});

	// 2. Programme status
	sections.push({
		id: 'programme',
		title: L('État du programme', 'Programme status'),
		paragraphs: [
			L(
				'Les statuts sont ceux de l’export de candidatures chargé (l’export ne date pas les changements de statut).',
				'Statuses are those of the loaded applications export (the export does not date status changes).'
			)
		],
		charts: [],
		tables: [
			{
				id: 'releves',
				title: L('Candidatures par relève', 'Applications by round'),
				columns: [
					{ label: L('Relève', 'Round'), type: 'text', width: 1.2 },
					{ label: L(`Candidatures ${atEnd}`, `Applications ${atEnd}`), type: 'integer' },
					{ label: L(`Déposées ${inPeriod}`, `Filed ${inPeriod}`), type: 'integer' },
					{ label: L('Lauréats', 'Winners'), type: 'integer' },
					{ label: L('Taux de sélection', 'Selection rate'), type: 'percent' },
					{ label: L('Aide demandée', 'Aid requested'), type: 'money', width: 1.3 }
				],
				rows: roundRows.map((r) => [text(L(`Relève ${r.releve}`, `Round ${r.releve}`)), integer(r.total), integer(r.in_period), integer(r.laureats), percent(r.rate), money(r.requested)]),
				total: [text(L('Total', 'Total')), integer(roundTotal.total), integer(roundTotal.in_period), integer(roundTotal.laureats), percent(roundTotal.rate), money(roundTotal.requested)],
				note: L('Taux de sélection : lauréats rapportés aux candidatures déposées.', 'Selection rate: winners over applications filed.')
			},
			{
				id: 'statuts',
				title: L(`Candidatures par statut ${atEnd}`, `Applications by status ${atEnd}`),
				columns: [
					{ label: L('Statut', 'Status'), type: 'text', width: 1.4 },
					{ label: L('Relève 1', 'Round 1'), type: 'integer' },
					{ label: L('Relève 2', 'Round 2'), type: 'integer' },
					{ label: L('Total', 'Total'), type: 'integer' }
				],
				rows: APPLICATION_STATUSES.map((s) => [text(APPLICATION_STATUS_LABELS[s][lang]), integer(statusCount(s, 1)), integer(statusCount(s, 2)), integer(kpis.applications.by_statut[s] ?? 0)]),
				total: [text(L('Total', 'Total')), integer(kpis.applications.by_releve['1']), integer(kpis.applications.by_releve['2']), integer(kpis.applications.total)]
			}
		]
	});

	// 3. Money
	const envelopeChart: ChartSpec = {
		id: 'enveloppe',
		kind: 'envelope',
		title: L('Engagé et versé sur l’enveloppe', 'Committed and paid against the envelope'),
		description: L(
			`Engagé ${moneyText(exact.committed_eur, lang)}, versé ${moneyText(exact.paid_eur, lang)}, sur une enveloppe de ${formatEur(ENVELOPE_EUR, lang)}, ${atEnd}`,
			`Committed ${moneyText(exact.committed_eur, lang)}, paid ${moneyText(exact.paid_eur, lang)}, of an envelope of ${formatEur(ENVELOPE_EUR, lang)}, ${atEnd}`
		),
		envelope: ENVELOPE_EUR,
		committed: n(exact.committed_eur),
		paid: n(exact.paid_eur)
	};
	sections.push({
		id: 'financement',
		title: L('Financement', 'Funding'),
		paragraphs: [
			L(
				'Engagé : aide accordée par les conventions signées ou en cours, plus ce qui a été versé sur les conventions soldées et résiliées (le reste de leur aide revient à l’enveloppe ; pour les conventions soldées, c’est le « rendu à l’enveloppe »). Versé : avances et soldes dont le montant et la date sont connus.',
				'Committed: aid granted by agreements signed or in progress, plus what was paid on closed and terminated ones (the rest of their grant goes back to the envelope; for closed agreements, this is “released”). Paid: advances and balances whose amount and date are known.'
			)
		],
		charts: [envelopeChart],
		tables: [
			{
				id: 'enveloppe',
				title: L(`Enveloppe ${atEnd}`, `Envelope ${atEnd}`),
				columns: [
					{ label: L('Montant', 'Amount'), type: 'text', width: 2.5 },
					{ label: L('Euros', 'Euros'), type: 'money', width: 1.3 },
					{ label: L('Part de l’enveloppe', 'Share of the envelope'), type: 'percent' }
				],
				rows: [
					[text(L('Enveloppe de l’appel à projets', 'Envelope of the open call')), money(ENVELOPE_EUR), percent(1)],
					[text(L('Engagé', 'Committed')), money(exact.committed_eur), percent(ratio(exact.committed_eur, ENVELOPE_EUR))],
					[text(L('Versé', 'Paid')), money(exact.paid_eur), percent(ratio(exact.paid_eur, ENVELOPE_EUR))],
					[text(L('Engagé restant à verser', 'Committed, still to pay')), money(moneyTotals?.to_pay ?? '0'), percent(ratio(moneyTotals?.to_pay ?? 0, ENVELOPE_EUR))],
					[text(L('Restant sur l’enveloppe (non engagé)', 'Remaining in the envelope (not committed)')), money(exact.remaining_eur), percent(ratio(exact.remaining_eur, ENVELOPE_EUR))],
					[text(L('dont rendu par les conventions soldées', 'of which released by closed agreements')), money(exact.released_eur), percent(ratio(exact.released_eur, ENVELOPE_EUR))]
				]
			},
			{
				id: 'versements-periode',
				title: L(`Versements ${inPeriod}`, `Payments ${inPeriod}`),
				columns: [
					{ label: L('Versement', 'Payment'), type: 'text', width: 2.5 },
					{ label: L('Nombre', 'Count'), type: 'integer' },
					{ label: L('Euros', 'Euros'), type: 'money', width: 1.3 }
				],
				rows: [
					[text(L('Avances', 'Advances')), integer(flows.payments.advances), money(flows.payments.advance_eur)],
					[text(L('Soldes', 'Balances')), integer(flows.payments.balances), money(flows.payments.balance_eur)]
				],
				total: [text(L('Total', 'Total')), integer(flows.payments.advances + flows.payments.balances), money(flows.payments.paid_eur)]
			},
			{
				id: 'financement-par-projet',
				title: L(`Financement par projet ${atEnd}`, `Funding per project ${atEnd}`),
				columns: [
					{ label: L('Convention', 'Agreement'), type: 'text', width: 1.2, nowrap: true },
					{ label: L('Dossier', 'Application'), type: 'text', width: 1.2, nowrap: true },
					{ label: L('Bénéficiaire', 'Beneficiary'), type: 'text', width: 1.8 },
					{ label: L('Statut', 'Status'), type: 'text', width: 0.9, nowrap: true },
					{ label: L('Signée le', 'Signed on'), type: 'date', width: 1 },
					{ label: L('Aide accordée', 'Grant'), type: 'money', width: 1.1 },
					{ label: L('Engagé', 'Committed'), type: 'money', width: 1.1 },
					{ label: L(`Versé ${atEnd}`, `Paid ${atEnd}`), type: 'money', width: 1.1 },
					{ label: L(`dont ${inPeriod}`, `of which ${inPeriod}`), type: 'money', width: 1.1 },
					{ label: L('Reste à verser', 'Still to pay'), type: 'money', width: 1.1 }
				],
				rows: perProject.map((p) => [
					text(p.numero_convention),
					text(p.numero_dossier),
					text(p.beneficiaire ?? unnamed),
					text(statutLabel(p.statut)),
					date(p.date_signature),
					money(p.montant_aide),
					money(p.committed),
					money(p.paid),
					money(p.paid_period),
					money(p.to_pay)
				]),
				total: perProjectTotal
					? [text(L('Total', 'Total')), text(null), text(null), text(null), text(null), money(perProjectTotal.montant_aide), money(perProjectTotal.committed), money(perProjectTotal.paid), money(perProjectTotal.paid_period), money(perProjectTotal.to_pay)]
					: undefined,
				note: unnamedGrants
					? L(
							`(non nommé) : ${unnamedGrants} convention(s) dont la candidature n’est pas lauréate dans l’export, ou absente ; le rapport ne nomme que les lauréats (à vérifier dans la qualité des données).`,
							`(not named): ${unnamedGrants} agreement(s) whose application is not a winner in the export, or missing; the report names winners only (see data quality).`
						)
					: undefined,
				empty: L('Aucune convention signée à cette date.', 'No agreement signed by then.')
			}
		]
	});

	// 4. Bricks
	const brickIds = Object.keys(kpis.bricks);
	const brickOrder = [...BRICK_IDS, ...brickIds.filter((b) => !(BRICK_IDS as readonly string[]).includes(b)).sort()];
	sections.push({
		id: 'briques',
		title: L('Adoption des briques', 'Brick uptake'),
		paragraphs: [
			L(
				'Pour chaque brique : les candidatures qui la citent, et les projets financés qui la citent dans leur candidature.',
				'For each brick: the applications naming it, and the funded projects naming it in their application.'
			)
		],
		charts: [
			{
				id: 'briques',
				kind: 'bars',
				title: L('Adoption des briques', 'Brick uptake'),
				description: brickOrder.map((b) => `${brickName(b)} ${kpis.bricks[b]!.applications} / ${kpis.bricks[b]!.funded}`).join(', '),
				rows: brickOrder.map((b) => ({ label: brickName(b), values: { applications: kpis.bricks[b]!.applications, funded: kpis.bricks[b]!.funded } })),
				series: [
					{ id: 'applications', label: L('Candidatures', 'Applications'), color: COLORS.secondary },
					{ id: 'funded', label: L('Projets financés', 'Funded projects'), color: COLORS.primary }
				],
				format: 'number',
				mode: 'overlay'
			}
		],
		tables: [
			{
				id: 'briques',
				title: L(`Adoption des briques ${atEnd}`, `Brick uptake ${atEnd}`),
				columns: [
					{ label: L('Brique', 'Brick'), type: 'text', width: 2 },
					{ label: L('Candidatures', 'Applications'), type: 'integer' },
					{ label: L('Projets financés', 'Funded projects'), type: 'integer' }
				],
				rows: brickOrder.map((b) => [
					text((BRICK_IDS as readonly string[]).includes(b) ? brickName(b) : `${brickName(b)} ${L('(hors programme)', '(outside the programme)')}`),
					integer(kpis.bricks[b]!.applications),
					integer(kpis.bricks[b]!.funded)
				]),
				note: L('Un projet peut citer deux briques : les colonnes ne s’additionnent pas.', 'A project may name two bricks: columns do not add up.')
			}
		]
	});

	// 5. Impact
	sections.push({
		id: 'impact',
		title: L('Emplois et chiffre d’affaires : prévu et réalisé', 'Jobs and revenue: forecast and achieved'),
		paragraphs: [
			L(
				'Prévu : ce que les projets financés annonçaient dans leur candidature (à 3 ans). Réalisé : le dernier rapport de chaque projet reçu à la fin de la période.',
				'Forecast: what the funded projects announced in their application (3 years). Achieved: each project’s latest report received by the end of the period.'
			)
		],
		charts: [
			{
				id: 'emplois',
				kind: 'bars',
				title: L('Emplois (ETP) : prévus et créés', 'Jobs (FTE): forecast and created'),
				description: L(`Prévus ${formatNumber(kpis.jobs.forecast, lang)}, créés ${formatNumber(exact.jobs_created, lang, 2)} ETP`, `Forecast ${formatNumber(kpis.jobs.forecast, lang)}, created ${formatNumber(exact.jobs_created, lang, 2)} FTE`),
				rows: [
					{ label: L('Prévu', 'Forecast'), values: { jobs: kpis.jobs.forecast } },
					{ label: L('Réalisé', 'Achieved'), values: { jobs: n(exact.jobs_created) } }
				],
				series: [{ id: 'jobs', label: L('Emplois (ETP)', 'Jobs (FTE)'), color: COLORS.accent }],
				format: 'decimal',
				mode: 'grouped'
			},
			{
				id: 'chiffre-affaires',
				kind: 'bars',
				title: L('Chiffre d’affaires : prévu et généré', 'Revenue: forecast and generated'),
				description: L(`Prévu ${moneyText(exact.revenue_forecast_eur, lang)}, généré ${moneyText(exact.revenue_generated_eur, lang)}`, `Forecast ${moneyText(exact.revenue_forecast_eur, lang)}, generated ${moneyText(exact.revenue_generated_eur, lang)}`),
				rows: [
					{ label: L('Prévu', 'Forecast'), values: { revenue: n(exact.revenue_forecast_eur) } },
					{ label: L('Généré', 'Generated'), values: { revenue: n(exact.revenue_generated_eur) } }
				],
				series: [{ id: 'revenue', label: L('Chiffre d’affaires', 'Revenue'), color: COLORS.primary }],
				format: 'eur',
				mode: 'grouped'
			}
		],
		tables: [
			{
				id: 'impact',
				title: L(`Prévu et réalisé ${atEnd}`, `Forecast and achieved ${atEnd}`),
				columns: [
					{ label: L('Indicateur', 'Figure'), type: 'text', width: 2 },
					{ label: L('Prévu', 'Forecast'), type: 'money', width: 1.3 },
					{ label: L('Réalisé', 'Achieved'), type: 'money', width: 1.3 },
					{ label: L('Taux de réalisation', 'Achievement rate'), type: 'percent' }
				],
				rows: [
					[text(L('Emplois (ETP)', 'Jobs (FTE)')), integer(kpis.jobs.forecast), decimal(exact.jobs_created), percent(ratio(exact.jobs_created, kpis.jobs.forecast))],
					[text(L('Chiffre d’affaires', 'Revenue')), money(exact.revenue_forecast_eur), money(exact.revenue_generated_eur), percent(ratio(exact.revenue_generated_eur, exact.revenue_forecast_eur))]
				]
			},
			{
				id: 'impact-par-projet',
				title: L(`Prévu et réalisé par projet financé ${atEnd}`, `Forecast and achieved per funded project ${atEnd}`),
				columns: [
					{ label: L('Dossier', 'Application'), type: 'text', width: 1.2, nowrap: true },
					{ label: L('Bénéficiaire', 'Beneficiary'), type: 'text', width: 2 },
					{ label: L('Emplois prévus', 'Jobs forecast'), type: 'integer' },
					{ label: L('Emplois créés (ETP)', 'Jobs created (FTE)'), type: 'decimal' },
					{ label: L('CA prévu', 'Revenue forecast'), type: 'money', width: 1.2 },
					{ label: L('CA généré', 'Revenue generated'), type: 'money', width: 1.2 },
					{ label: L('Dernier rapport', 'Latest report'), type: 'date' },
					{ label: L('Type', 'Type'), type: 'text', width: 1.1 }
				],
				rows: impact.map((p) => [
					text(p.numero_dossier),
					text(p.beneficiaire ?? unnamed),
					integer(p.emplois_prevus),
					decimal(p.emplois_crees),
					money(p.ca_prevu),
					money(p.ca_genere),
					date(p.date_rapport),
					text(p.type_rapport ? REPORT_TYPE_LABELS[p.type_rapport][lang] : null)
				]),
				total: [text(L('Total', 'Total')), text(null), integer(kpis.jobs.forecast), decimal(exact.jobs_created), money(exact.revenue_forecast_eur), money(exact.revenue_generated_eur), text(null), text(null)],
				empty: L('Aucun projet financé à cette date.', 'No funded project by then.')
			}
		]
	});

	// 6. DNSH
	// No leading '+': a spreadsheet would read it as a formula (and the CSV writer neutralises it).
	const scoreLabel = (s: number) => (s < 0 ? `−${-s}` : String(s));
	sections.push({
		id: 'dnsh',
		title: L('DNSH : auto-évaluation environnementale', 'DNSH: environmental self-assessment'),
		paragraphs: [
			L(
				`Nombre de candidatures (déposées ${atEnd}) par note sur chaque objectif, de −2 (préjudice important) à +2 (très favorable). ${formatNumber(kpis.dnsh.flagged_applications, lang)} candidature(s) ont au moins un objectif noté −2 (règle R12).`,
				`Number of applications (filed ${atEnd}) per score on each objective, from −2 (significant harm) to +2 (very favourable). ${formatNumber(kpis.dnsh.flagged_applications, lang)} application(s) have at least one objective scored −2 (rule R12).`
			)
		],
		charts: [],
		tables: [
			{
				id: 'dnsh',
				title: L(`DNSH par objectif ${atEnd}`, `DNSH per objective ${atEnd}`),
				columns: [
					{ label: L('Objectif', 'Objective'), type: 'text', width: 2.6 },
					...DNSH_SCORES.map((s) => ({ label: scoreLabel(s), type: 'integer' as const, width: 0.7 }))
				],
				rows: DNSH_OBJECTIVES.map((o) => [text(DNSH_OBJECTIVE_LABELS[o][lang]), ...DNSH_SCORES.map((s) => integer(kpis.dnsh[o]![String(s)] ?? 0))]),
				total: [text(L('Candidatures avec au moins un −2', 'Applications with at least one −2')), integer(kpis.dnsh.flagged_applications), text(null), text(null), text(null), text(null)]
			}
		]
	});

	// 7. Open source
	sections.push({
		id: 'open-source',
		title: L('Open source : engagements et publications', 'Open source: commitments and publications'),
		paragraphs: [
			L(
				'Publié : projet financé dont le dernier rapport déclare la publication effective avec l’adresse du dépôt de code.',
				'Published: a funded project whose latest report declares the code published, with the repository address.'
			)
		],
		charts: [],
		tables: [
			{
				id: 'open-source',
				title: L(`Projets financés ${atEnd}`, `Funded projects ${atEnd}`),
				columns: [
					{ label: L('Indicateur', 'Figure'), type: 'text', width: 3 },
					{ label: L('Projets', 'Projects'), type: 'integer' }
				],
				rows: [
					[text(L('Background ouvert (existant open source)', 'Open background (existing open source)')), integer(kpis.open_source.background)],
					[text(L('Engagement à publier le foreground en open source', 'Commitment to publish the foreground as open source')), integer(kpis.open_source.foreground_committed)],
					[text(L('Code publié', 'Code published')), integer(kpis.open_source.published)]
				]
			},
			{
				id: 'publications',
				title: L('Publications', 'Publications'),
				columns: [
					{ label: L('Dossier', 'Application'), type: 'text', width: 1.1, nowrap: true },
					{ label: L('Bénéficiaire', 'Beneficiary'), type: 'text', width: 1.6 },
					{ label: L('Dépôt de code', 'Code repository'), type: 'text', width: 3 },
					{ label: L('Licence', 'Licence'), type: 'text', width: 1 },
					{ label: L('Contributions amont', 'Upstream contributions'), type: 'integer' },
					{ label: L('Rapport du', 'Report of'), type: 'date' }
				],
				rows: publications.map((p) => [text(p.numero_dossier), text(p.beneficiaire ?? unnamed), text(p.url), text(p.licence), integer(p.contributions), date(p.date_rapport)]),
				empty: L('Aucune publication déclarée à cette date.', 'No publication declared by then.')
			}
		]
	});

	// 8. Rule flags
	const flagRows = RULES.map((rule) => {
		const flags = kpis.rule_flags.filter((f) => f.rule === rule.id);
		const named = flags.filter((f) => nameable(f.dossier)).length;
		return { rule, total: flags.length, named, others: rule.scope === 'programme' ? 0 : flags.length - named };
	}).filter((r) => r.total > 0);
	const namedFlags = kpis.rule_flags.filter((f) => nameable(f.dossier));
	sections.push({
		id: 'regles',
		title: L('Points d’attention : règles du programme', 'Points of attention: programme rules'),
		paragraphs: [
			L(
				`Règles ${RULES[0]!.id} à ${RULES.at(-1)!.id} de l’appel à projets évaluées sur les candidatures déposées et les conventions signées à la fin de la période (montants actuels). Un signalement n’est pas un refus : il appelle une vérification (« Que faire »). Les candidatures non lauréates ne sont que comptées.`,
				`Rules ${RULES[0]!.id} to ${RULES.at(-1)!.id} of the call, checked on the applications filed and agreements signed by the end of the period (current amounts). A flag is not a refusal: it calls for a check (“What to do”). Applications that are not winners are only counted.`
			)
		],
		charts: [],
		tables: [
			{
				id: 'regles',
				title: L(`Signalements par règle ${atEnd}`, `Flags per rule ${atEnd}`),
				columns: [
					{ label: L('Règle', 'Rule'), type: 'text', width: 0.6 },
					{ label: L('Intitulé', 'Rule text'), type: 'text', width: 2.6 },
					{ label: L('Source (l’appel)', 'Source (the call)'), type: 'text', width: 2 },
					{ label: L('Que faire', 'What to do'), type: 'text', width: 2.6 },
					{ label: L('Lauréats', 'Winners'), type: 'integer', width: 0.9 },
					{ label: L('Autres', 'Others'), type: 'integer', width: 0.9 },
					{ label: L('Total', 'Total'), type: 'integer', width: 0.9 }
				],
				rows: flagRows.map((r) => [text(r.rule.id), text(r.rule[lang]), text(r.rule.source), text(r.rule.fix?.[lang] ?? null), integer(r.named), integer(r.others), integer(r.total)]),
				total: [text(L('Total', 'Total')), text(null), text(null), text(null), integer(namedFlags.length), integer(kpis.rule_flags.length - namedFlags.length - (kpis.rule_flags.some((f) => f.rule === 'R17') ? 1 : 0)), integer(kpis.rule_flags.length)],
				empty: L('Aucun signalement.', 'No flag.')
			},
			{
				id: 'regles-laureats',
				title: L('Signalements sur les lauréats', 'Flags on winners'),
				columns: [
					{ label: L('Règle', 'Rule'), type: 'text', width: 0.6 },
					{ label: L('Dossier', 'Application'), type: 'text', width: 1.2, nowrap: true },
					{ label: L('Convention', 'Agreement'), type: 'text', width: 1.2, nowrap: true },
					{ label: L('Bénéficiaire', 'Beneficiary'), type: 'text', width: 2 }
				],
				rows: namedFlags.map((f) => [text(f.rule), text(f.dossier ?? null), text(f.convention ?? null), text(who.get(f.dossier!)?.raison_sociale ?? null)]),
				empty: L('Aucun signalement sur un lauréat.', 'No flag on a winner.')
			}
		]
	});

	// 9. Lauréats
	sections.push({
		id: 'laureats',
		title: L('Liste des lauréats', 'List of winners'),
		paragraphs: [
			L(
				`Candidatures au statut « Lauréat » déposées ${atEnd}, avec leur convention lorsqu’elle est signée.`,
				`Applications with the status “Winner” filed ${atEnd}, with their agreement once signed.`
			)
		],
		charts: [],
		tables: [
			{
				id: 'laureats',
				title: L(`Lauréats ${atEnd}`, `Winners ${atEnd}`),
				columns: [
					{ label: L('Dossier', 'Application'), type: 'text', width: 1.15, nowrap: true },
					{ label: L('Rel.', 'Round'), type: 'integer', width: 0.45 },
					{ label: L('Bénéficiaire', 'Beneficiary'), type: 'text', width: 1.5 },
					{ label: 'SIREN', type: 'text', width: 0.95, nowrap: true },
					{ label: L('Région', 'Region'), type: 'text', width: 1.2 },
					{ label: L('Projet', 'Project'), type: 'text', width: 2 },
					{ label: L('Briques', 'Bricks'), type: 'text', width: 1.1 },
					{ label: L('Aide demandée', 'Aid requested'), type: 'money', width: 1.1 },
					{ label: L('Convention', 'Agreement'), type: 'text', width: 1.3 },
					{ label: L('Aide accordée', 'Grant'), type: 'money', width: 1.1 },
					{ label: L(`Versé ${atEnd}`, `Paid ${atEnd}`), type: 'money', width: 1.1 }
				],
				rows: laureats.map((l) => [
					text(l.numero_dossier),
					integer(l.releve),
					text(l.raison_sociale),
					text(l.siren),
					text(l.region_name),
					text(l.titre_projet),
					text((l.briques ?? []).map(brickName).join(', ')),
					money(l.aide_demandee),
					text(l.numero_convention ? `${l.numero_convention}${l.statut === 'resiliee' ? ` (${statutLabel(l.statut)})` : ''}` : L('à signer', 'to be signed')),
					money(l.montant_aide),
					money(l.paid)
				]),
				total: laureatTotal
					? [text(L(`${formatNumber(laureatTotal.n, lang)} lauréats`, `${formatNumber(laureatTotal.n, lang)} winners`)), text(null), text(null), text(null), text(null), text(null), text(null), money(laureatTotal.requested), text(null), money(laureatTotal.granted), money(laureatTotal.paid)]
					: undefined,
				empty: L('Aucun lauréat à cette date.', 'No winner by then.')
			}
		]
	});

	// 10. Provenance
	const loadLines = loads.map((l) => `${KIND_LABELS[l.kind]?.[lang] ?? l.kind} : ${l.file_name} (${(l.sha256 ?? '').slice(0, 12)}…)`);
	sections.push({
		id: 'provenance',
		title: L('Provenance des données', 'Data provenance'),
		paragraphs: [
			L(
				'Le rapport est calculé à partir des exports de la plateforme de candidature chargés dans le tableau de bord. L’empreinte SHA-256 identifie chaque fichier : recalculée sur le fichier d’origine, elle doit être identique.',
				'The report is computed from the application platform’s exports loaded into the dashboard. The SHA-256 fingerprint identifies each file: computed again on the original file, it must be identical.'
			)
		],
		charts: [],
		tables: [
			{
				id: 'provenance',
				title: L('Exports utilisés', 'Exports used'),
				columns: [
					{ label: L('Export', 'Export'), type: 'text', width: 1 },
					{ label: L('N°', 'No.'), type: 'integer', width: 0.5 },
					{ label: L('Fichier', 'File'), type: 'text', width: 1.5 },
					{ label: L('Chargé le', 'Loaded on'), type: 'text', width: 1.1 },
					{ label: L('Par', 'By'), type: 'text', width: 1.2 },
					{ label: L('Lignes', 'Rows'), type: 'integer', width: 0.6 },
					{ label: 'SHA-256', type: 'text', width: 3.4, mono: true }
				],
				rows: loads.map((l) => [
					text(KIND_LABELS[l.kind]?.[lang] ?? l.kind),
					integer(l.load_id),
					text(l.file_name),
					text(formatDate(parisWallClock(l.loaded_at) ?? l.loaded_at, lang, true)),
					text(l.actor),
					integer(l.rows),
					text(l.sha256)
				]),
				empty: L('Aucun export chargé.', 'No export loaded.')
			}
		]
	});

	return {
		lang,
		title: L('Rapport à Bpifrance', 'Report to Bpifrance'),
		programme: L('Hyper Open X — appel à projets opéré par Cap Digital', 'Hyper Open X — open call run by Cap Digital'),
		subtitle: [
			L('France 2030 — programme opéré par Bpifrance', 'France 2030 — programme operated by Bpifrance'),
			L(`Enveloppe de l’appel à projets : ${formatEur(ENVELOPE_EUR, lang)}`, `Envelope of the open call: ${formatEur(ENVELOPE_EUR, lang)}`)
		],
		period: { ...period, label: periodLabel(period, lang) },
		producedOn: producedAt.slice(0, 10),
		producedAt,
		producedBy: options.producedBy ?? '—',
		method: [
			L(
				`Période ${periodLabel(period, lang)}, bornes comprises.`,
				`Period ${periodLabel(period, lang)}, both days included.`
			),
			L(
				`Stocks « au ${end} » : candidatures déposées, conventions signées, versements datés et rapports datés jusqu’au ${end} inclus. Flux « sur la période » : ce qui a été déposé, signé, versé ou reçu entre le premier et le dernier jour.`,
				`Stocks “at ${end}”: applications filed, agreements signed, payments dated and reports dated up to ${end} included. Flows “in the period”: what was filed, signed, paid or received between the first and the last day.`
			),
			L(
				'Les statuts des candidatures et des conventions sont ceux des derniers exports chargés. Les définitions sont celles du tableau de bord : mêmes chiffres, même calcul.',
				'Statuses of applications and agreements are those of the latest loaded exports. Definitions are the dashboard’s: same figures, same computation.'
			)
		],
		mentions: MENTIONS,
		provenance: loadLines.length ? loadLines.join(' ; ') : L('aucun export chargé', 'no export loaded'),
		sections,
		figures: { stocks: kpis, exact, flows }
	};
}
