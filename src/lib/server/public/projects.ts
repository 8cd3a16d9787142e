/**
 * Funded projects as the public may see them: lauréats that have a grant agreement, through an
 * explicit allow-list of columns. Every public page and open-data file reads projects from
 * here, never from the views: what is not in these lists cannot reach the public.
 *
 * Published = the application's status is `laureat` AND it has at least one agreement in the
 * current snapshot. A terminated agreement (`resiliee`) stays published, shown as « Résiliée »
 * with what was paid: that is public money already spent. An agreement whose application is
 * not a lauréat (or is missing: an orphan) is never published one by one; its money is only
 * part of the programme totals.
 */
import { httpUrl } from '../../safe-url';
import type { Database } from '../db/database';
import type { AgreementStatus } from '../../domain/programme';

/** Columns of `applications` that may be published, for lauréats only (exports.md §2). */
export const PUBLIC_APPLICATION_COLUMNS = [
	'numero_dossier',
	'releve',
	'raison_sociale',
	'siren',
	'siret',
	'region_name',
	'titre_projet',
	'resume',
	'site_web',
	'briques',
	'background_ouvert',
	'foreground_ouvert'
] as const;

/** Columns of `agreements` (the grant and its payments) that may be published. */
export const PUBLIC_AGREEMENT_COLUMNS = [
	'numero_convention',
	'numero_dossier',
	'statut',
	'date_signature',
	'date_debut',
	'date_fin',
	'montant_aide',
	'committed_eur',
	'paid_eur',
	'advance_paid_eur',
	'date_avance',
	'balance_paid_eur',
	'date_solde'
] as const;

/** Columns of a project's latest report that may be published. */
export const PUBLIC_REPORT_COLUMNS = [
	'numero_dossier',
	'type_rapport',
	'date_rapport',
	'depot_code_url',
	'licence',
	'publication_effective'
] as const;

/**
 * A company's declared jobs and revenue, forecast (application) and achieved (latest report):
 * not on the public list (exports.md §2), so never published company by company — only summed
 * over at least 3 projects, under statistical secrecy (`publishedTotals`). Checked against the
 * lists above, and against every public file, by the tests.
 */
export const AGGREGATE_ONLY_COLUMNS = ['emplois_prevus', 'ca_prevu', 'emplois_crees', 'ca_genere', 'ca_prevu_3_ans'] as const;

/** Never on a public page, for anyone (exports.md §2). Checked against the lists above by the tests. */
export const NEVER_PUBLIC_COLUMNS = [
	'effectif',
	'chiffre_affaires',
	'total_bilan',
	'aides_minimis_3_ans',
	'score_expertise',
	'dnsh_justification'
] as const;

const cols = (alias: string, list: readonly string[]) => list.map((c) => `${alias}.${c}`).join(', ');

/**
 * The published applications: the one place where `applications` is read for identities.
 * Everything else in this module selects from this CTE.
 */
export const PUBLISHED_CTE = `published AS (
	SELECT ${cols('a', PUBLIC_APPLICATION_COLUMNS)}
	FROM applications a
	WHERE a.statut = 'laureat' AND a.numero_dossier IN (SELECT numero_dossier FROM agreements)
)`;

export interface PublicPayment {
	amountEur: string;
	date: string;
}

export interface PublicAgreement {
	reference: string;
	status: AgreementStatus;
	signedOn: string;
	startsOn: string;
	endsOn: string;
	/** Grant amount of the agreement (montant_aide). */
	grantEur: string;
	/** As in the programme totals: the grant, or what was paid when terminated. */
	committedEur: string;
	paidEur: string;
	advance: PublicPayment | null;
	balance: PublicPayment | null;
}

export interface PublicProject {
	dossier: string;
	releve: number;
	company: string;
	siren: string;
	siret: string | null;
	region: string;
	title: string;
	summary: string | null;
	/** http(s) URL only; anything else is dropped. */
	website: string | null;
	bricks: string[];
	openSource: {
		background: boolean;
		foreground: boolean;
		/** The latest report says published and gives a code URL (the shared definition). */
		published: boolean;
		codeUrl: string | null;
		licence: string | null;
	};
	agreements: PublicAgreement[];
	grantEur: string;
	committedEur: string;
	paidEur: string;
	/** Every agreement terminated. */
	terminated: boolean;
}

export interface ProjectFilter {
	dossier?: string;
	brick?: string;
	region?: string;
	releve?: number;
}

/** Only http(s) links are published as links (the rule shared with the signed-in pages). */
export const safeUrl = (value: string | null | undefined): string | null => httpUrl(value);

interface ProjectRow {
	numero_dossier: string;
	releve: number;
	raison_sociale: string;
	siren: string;
	siret: string | null;
	region_name: string | null;
	titre_projet: string;
	resume: string | null;
	site_web: string | null;
	briques: string[] | null;
	background_ouvert: boolean;
	foreground_ouvert: boolean;
	r_url: string | null;
	r_licence: string | null;
	r_published: boolean | null;
	grant_eur: string;
	committed_eur: string;
	paid_eur: string;
	terminated: boolean;
}

interface AgreementRow {
	numero_convention: string;
	numero_dossier: string;
	statut: AgreementStatus;
	date_signature: string;
	date_debut: string;
	date_fin: string;
	montant_aide: string;
	committed_eur: string;
	paid_eur: string;
	advance_paid_eur: string;
	date_avance: string | null;
	balance_paid_eur: string;
	date_solde: string | null;
}

function where(filter: ProjectFilter, params: unknown[]): string {
	const parts: string[] = [];
	if (filter.dossier !== undefined) {
		params.push(filter.dossier);
		parts.push(`p.numero_dossier = $${params.length}`);
	}
	if (filter.brick !== undefined) {
		params.push(filter.brick);
		parts.push(`list_contains(p.briques, $${params.length})`);
	}
	if (filter.region !== undefined) {
		params.push(filter.region);
		parts.push(`p.region_name = $${params.length}`);
	}
	if (filter.releve !== undefined) {
		params.push(filter.releve);
		parts.push(`p.releve = $${params.length}`);
	}
	return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** The published projects (sorted by company name), narrowed by a filter. */
export async function publishedProjects(db: Database, filter: ProjectFilter = {}): Promise<PublicProject[]> {
	const params: unknown[] = [];
	const w = where(filter, params);
	const rows = await db.all<ProjectRow>(
		`WITH ${PUBLISHED_CTE},
		money AS (
			SELECT numero_dossier, sum(montant_aide)::VARCHAR AS grant_eur, sum(committed_eur)::VARCHAR AS committed_eur,
				sum(paid_eur)::VARCHAR AS paid_eur, bool_and(statut = 'resiliee') AS terminated
			FROM agreements GROUP BY numero_dossier
		),
		report AS (SELECT ${cols('r', PUBLIC_REPORT_COLUMNS)} FROM latest_reports r)
		SELECT p.numero_dossier, p.releve::INTEGER AS releve, p.raison_sociale, p.siren, p.siret, p.region_name,
			p.titre_projet, p.resume, p.site_web, p.briques, p.background_ouvert, p.foreground_ouvert,
			r.depot_code_url AS r_url, r.licence AS r_licence,
			coalesce(r.publication_effective, false) AND r.depot_code_url IS NOT NULL AND trim(r.depot_code_url) <> '' AS r_published,
			m.grant_eur, m.committed_eur, m.paid_eur, m.terminated
		FROM published p
		JOIN money m USING (numero_dossier)
		LEFT JOIN report r USING (numero_dossier)
		${w}
		ORDER BY lower(strip_accents(p.raison_sociale)), p.numero_dossier`,
		params as never
	);
	if (rows.length === 0) return [];
	const agreementRows = await db.all<AgreementRow>(
		`WITH ${PUBLISHED_CTE}
		SELECT g.numero_convention, g.numero_dossier, g.statut,
			strftime(g.date_signature, '%Y-%m-%d') AS date_signature, strftime(g.date_debut, '%Y-%m-%d') AS date_debut,
			strftime(g.date_fin, '%Y-%m-%d') AS date_fin, g.montant_aide::VARCHAR AS montant_aide,
			g.committed_eur::VARCHAR AS committed_eur, g.paid_eur::VARCHAR AS paid_eur,
			g.advance_paid_eur::VARCHAR AS advance_paid_eur,
			CASE WHEN g.advance_paid_eur > 0 THEN strftime(g.date_avance, '%Y-%m-%d') END AS date_avance,
			g.balance_paid_eur::VARCHAR AS balance_paid_eur,
			CASE WHEN g.balance_paid_eur > 0 THEN strftime(g.date_solde, '%Y-%m-%d') END AS date_solde
		FROM agreements g
		WHERE g.numero_dossier IN (SELECT p.numero_dossier FROM published p ${w})
		ORDER BY g.date_signature, g.numero_convention`,
		params as never
	);
	const byDossier = new Map<string, PublicAgreement[]>();
	for (const g of agreementRows) {
		const list = byDossier.get(g.numero_dossier) ?? [];
		list.push({
			reference: g.numero_convention,
			status: g.statut,
			signedOn: g.date_signature,
			startsOn: g.date_debut,
			endsOn: g.date_fin,
			grantEur: g.montant_aide,
			committedEur: g.committed_eur,
			paidEur: g.paid_eur,
			advance: g.date_avance ? { amountEur: g.advance_paid_eur, date: g.date_avance } : null,
			balance: g.date_solde ? { amountEur: g.balance_paid_eur, date: g.date_solde } : null
		});
		byDossier.set(g.numero_dossier, list);
	}
	return rows.map((r) => ({
		dossier: r.numero_dossier,
		releve: Number(r.releve),
		company: r.raison_sociale,
		siren: r.siren,
		siret: r.siret,
		region: r.region_name ?? '',
		title: r.titre_projet,
		summary: r.resume,
		website: safeUrl(r.site_web),
		bricks: r.briques ?? [],
		openSource: {
			background: Boolean(r.background_ouvert),
			foreground: Boolean(r.foreground_ouvert),
			published: Boolean(r.r_published) && safeUrl(r.r_url) !== null,
			codeUrl: safeUrl(r.r_url),
			licence: r.r_licence
		},
		agreements: byDossier.get(r.numero_dossier) ?? [],
		grantEur: r.grant_eur,
		committedEur: r.committed_eur,
		paidEur: r.paid_eur,
		terminated: Boolean(r.terminated)
	}));
}

export async function publishedProject(db: Database, dossier: string): Promise<PublicProject | null> {
	return (await publishedProjects(db, { dossier }))[0] ?? null;
}

/**
 * Declared jobs and revenue summed over a group of published projects, or null when hidden by
 * statistical secrecy (fewer than 3 projects in the group, or in the rest of the published
 * list, which a reader could subtract from the published total).
 */
export interface ImpactSums {
	/** Projects summed (all of the group for forecasts; those with a report for what was achieved). */
	projects: number;
	jobs: string;
	revenueEur: string;
}

export interface PublishedTotals {
	/**
	 * Funded projects in the list: listed projects with at least one agreement not terminated.
	 * Jobs, revenue and published code below count only these (a terminated agreement is not a
	 * funded project: docs/DATA.md).
	 */
	projects: number;
	/** Listed projects whose every agreement was terminated (listed apart, with what was paid). */
	terminated: number;
	/** Rows of the list: `projects` + `terminated`. */
	listed: number;
	/** Money over every listed project, terminated ones included (what was paid to them stays committed). */
	grantEur: string;
	committedEur: string;
	paidEur: string;
	/** Of which the terminated projects: committed = paid. */
	terminatedPaidEur: string;
	/** From the applications (forecasts declared) of the funded projects, under secrecy. */
	forecast: ImpactSums | null;
	/** From each funded project's latest report (achieved, declared), under secrecy. */
	achieved: ImpactSums | null;
	published: number;
	/** Terminated projects whose latest report gives published code: shown apart, not counted in `published`. */
	terminatedPublished: number;
}

/** Sums over the published projects (optionally narrowed), computed in SQL (exact money). */
export async function publishedTotals(db: Database, filter: Omit<ProjectFilter, 'dossier'> = {}): Promise<PublishedTotals> {
	const params: unknown[] = [];
	const w = where(filter, params);
	const isPublished = `coalesce(r.publication_effective, false) AND r.depot_code_url IS NOT NULL AND trim(r.depot_code_url) <> ''`;
	const row = await db.one<Record<string, string | number>>(
		`WITH ${PUBLISHED_CTE},
		money AS (
			SELECT numero_dossier, sum(montant_aide) AS grant_eur, sum(committed_eur) AS committed_eur, sum(paid_eur) AS paid_eur,
				bool_and(statut = 'resiliee') AS terminated
			FROM agreements GROUP BY numero_dossier
		),
		report AS (SELECT ${cols('r', PUBLIC_REPORT_COLUMNS)} FROM latest_reports r),
		-- The aggregate-only columns, read for sums and nothing else (AGGREGATE_ONLY_COLUMNS).
		impact AS (SELECT a.numero_dossier, ${cols('a', AGGREGATE_ONLY_COLUMNS.slice(0, 2))} FROM applications a),
		achieved AS (SELECT r.numero_dossier, ${cols('r', AGGREGATE_ONLY_COLUMNS.slice(2, 4))} FROM latest_reports r),
		p AS (SELECT p.*, (${w ? w.replace(/^WHERE /, '') : 'true'}) AS in_group FROM published p)
		SELECT count(*) FILTER (WHERE in_group AND NOT m.terminated)::INTEGER AS projects,
			count(*) FILTER (WHERE in_group AND m.terminated)::INTEGER AS terminated,
			count(*) FILTER (WHERE in_group)::INTEGER AS listed,
			coalesce(sum(m.grant_eur) FILTER (WHERE in_group), 0)::VARCHAR AS grant_eur,
			coalesce(sum(m.committed_eur) FILTER (WHERE in_group), 0)::VARCHAR AS committed_eur,
			coalesce(sum(m.paid_eur) FILTER (WHERE in_group), 0)::VARCHAR AS paid_eur,
			coalesce(sum(m.paid_eur) FILTER (WHERE in_group AND m.terminated), 0)::VARCHAR AS terminated_paid_eur,
			count(*) FILTER (WHERE in_group AND NOT m.terminated AND ${isPublished})::INTEGER AS published,
			count(*) FILTER (WHERE in_group AND m.terminated AND ${isPublished})::INTEGER AS terminated_published,
			coalesce(sum(i.emplois_prevus) FILTER (WHERE in_group AND NOT m.terminated), 0)::VARCHAR AS jobs_forecast,
			coalesce(sum(i.ca_prevu) FILTER (WHERE in_group AND NOT m.terminated), 0)::VARCHAR AS revenue_forecast,
			count(*) FILTER (WHERE NOT in_group AND NOT m.terminated)::INTEGER AS rest,
			count(x.numero_dossier) FILTER (WHERE in_group AND NOT m.terminated)::INTEGER AS reported,
			count(x.numero_dossier) FILTER (WHERE NOT in_group AND NOT m.terminated)::INTEGER AS rest_reported,
			coalesce(sum(x.emplois_crees) FILTER (WHERE in_group AND NOT m.terminated), 0)::VARCHAR AS jobs_created,
			coalesce(sum(x.ca_genere) FILTER (WHERE in_group AND NOT m.terminated), 0)::VARCHAR AS revenue_generated
		FROM p JOIN money m USING (numero_dossier) LEFT JOIN report r USING (numero_dossier)
		LEFT JOIN impact i USING (numero_dossier) LEFT JOIN achieved x USING (numero_dossier)`,
		params as never
	);
	const r = row ?? {};
	const filtered = w !== '';
	const projects = Number(r.projects ?? 0);
	const reported = Number(r.reported ?? 0);
	return {
		projects,
		terminated: Number(r.terminated ?? 0),
		listed: Number(r.listed ?? 0),
		grantEur: String(r.grant_eur ?? '0'),
		committedEur: String(r.committed_eur ?? '0'),
		paidEur: String(r.paid_eur ?? '0'),
		terminatedPaidEur: String(r.terminated_paid_eur ?? '0'),
		forecast: impactUnderSecrecy(projects, Number(r.rest ?? 0), filtered, { jobs: String(r.jobs_forecast ?? '0'), revenueEur: String(r.revenue_forecast ?? '0') }),
		achieved: impactUnderSecrecy(reported, Number(r.rest_reported ?? 0), filtered, { jobs: String(r.jobs_created ?? '0'), revenueEur: String(r.revenue_generated ?? '0') }),
		published: Number(r.published ?? 0),
		terminatedPublished: Number(r.terminated_published ?? 0)
	};
}

/**
 * Sums of declared jobs and revenue over `projects` companies, under statistical secrecy
 * (`sumPublishable`): hidden when built from 1 or 2 companies. For a group of the published list
 * (a brick, a region, a round), the rest of the list is a second cell of the same table, whose
 * total (the whole list) is published: hidden when it holds 1 or 2 companies too, since the
 * group's sum subtracted from the total would give them away.
 */
function impactUnderSecrecy(projects: number, rest: number, filtered: boolean, sums: { jobs: string; revenueEur: string }): ImpactSums | null {
	if (projects === 0) return { projects, jobs: '0', revenueEur: '0' };
	if (!sumPublishable(projects) || (filtered && !sumPublishable(rest))) return null;
	return { projects, ...sums };
}

/**
 * A sum of companies' own declared figures (jobs, revenue) may be published when it is built from
 * no company or from at least 3. How many companies a sum is built from is public (the funded
 * projects are), so a hidden sum reveals nothing more; what it protects is one or two companies'
 * own figures.
 */
export function sumPublishable(companies: number): boolean {
	return companies === 0 || companies >= 3;
}
