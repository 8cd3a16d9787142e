/**
 * The one definition of every figure (exports.md §5): SQL over the current snapshots.
 * Pages, the CLI, the API, open data and the Bpifrance report all read these. Views are
 * code, not data: they are recreated each time the database is opened (the two over the
 * current snapshots also whenever those change: SNAPSHOT_VIEWS); the costlier building
 * blocks (DERIVED) are kept as tables, recomputed from their definitions here at each change
 * of a snapshot.
 */
import { createHash } from 'node:crypto';
import { MIGRATIONS } from '../db/migrations';
import {
	ADVANCE_MAX_RATE,
	AGREEMENT_DAYS,
	AID_RATE,
	DE_MINIMIS_CEILING_EUR,
	ENVELOPE_EUR,
	MAX_AID_EUR,
	MIN_ELIGIBLE_BASE_EUR,
	PROJECT_MONTHS,
	ROUNDS
} from '../../domain/programme';
import { BRICK_IDS } from '../../domain/bricks';

const current = (kind: string) => `(SELECT max(load_id) FROM current_snapshot WHERE kind = '${kind}')`;
const brickList = `[${BRICK_IDS.map((b) => `'${b}'`).join(', ')}]`;
const closing = (round: 1 | 2) => `TIMESTAMP '${ROUNDS[round].closes}:00'`;

/** `YYYY-MM-DD` → a SQL DATE literal; anything else is refused (the date ends up in SQL text). */
export function sqlDate(day: string): string {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
		throw new Error(`Invalid date: ${JSON.stringify(day)} (expected YYYY-MM-DD)`);
	}
	return `DATE '${day}'`;
}

/**
 * The definitions below are written once and used twice: as the views over the current
 * snapshots, and "as of" a date for the Bpifrance report (./period.ts), where only what had
 * happened by that day counts. Without `asOf` they are exactly the views.
 */

/** A project's latest report: latest date_rapport; on a tie, the final report wins. */
export function latestReportsSelect(reports: string): string {
	return `SELECT * FROM ${reports}
		QUALIFY row_number() OVER (
			PARTITION BY numero_dossier
			ORDER BY date_rapport DESC, CASE type_rapport WHEN 'final' THEN 0 ELSE 1 END, row_number
		) = 1`;
}

/**
 * Grant agreements with their money. A payment counts as made when both its amount and its
 * date are present (and, as of a day, when dated that day or before). As of a day, the
 * agreements are those signed by then (or with a payment made by then, should an export
 * date a payment before the signature); their status is the current one.
 */
export function agreementsSelect(options: { asOf?: string; applications?: string } = {}): string {
	const asOf = options.asOf ? sqlDate(options.asOf) : null;
	const made = (amount: string, date: string) =>
		`c.${amount} IS NOT NULL AND c.${date} IS NOT NULL${asOf ? ` AND c.${date} <= ${asOf}` : ''}`;
	const known = asOf
		? ` AND (c.date_signature <= ${asOf} OR (${made('montant_avance', 'date_avance')}) OR (${made('montant_solde', 'date_solde')}))`
		: '';
	return `SELECT c.* EXCLUDE (load_id),
			CASE WHEN ${made('montant_avance', 'date_avance')} THEN c.montant_avance ELSE 0 END::DECIMAL(14,2) AS advance_paid_eur,
			CASE WHEN ${made('montant_solde', 'date_solde')} THEN c.montant_solde ELSE 0 END::DECIMAL(14,2) AS balance_paid_eur,
			(advance_paid_eur + balance_paid_eur)::DECIMAL(14,2) AS paid_eur,
			c.statut <> 'resiliee' AS is_funded,
			-- Closed: status soldee. As of a day, a closed agreement whose balance is dated later was
			-- still running then (its closure is its balance); one without a dated balance is taken as
			-- closed (the exports date no closure otherwise).
			(c.statut = 'soldee'${asOf ? ` AND NOT (c.date_solde IS NOT NULL AND c.montant_solde IS NOT NULL AND c.date_solde > ${asOf})` : ''}) AS is_closed,
			-- A closed (soldee) or terminated (resiliee) grant commits only what was paid: the rest
			-- goes back to the envelope (exports.md §5).
			(CASE WHEN is_closed OR c.statut = 'resiliee' THEN paid_eur ELSE c.montant_aide END)::DECIMAL(14,2) AS committed_eur,
			(committed_eur - paid_eur)::DECIMAL(14,2) AS to_pay_eur,
			-- What closing a grant paid below its amount gave back to the envelope (never negative).
			(CASE WHEN is_closed THEN greatest(c.montant_aide - paid_eur, 0) ELSE 0 END)::DECIMAL(14,2) AS released_eur,
			c.numero_dossier IN (SELECT numero_dossier FROM ${options.applications ?? 'applications'}) AS has_application
		FROM conventions_rows c WHERE c.load_id = ${current('conventions')}${known}`;
}

/** Funded projects: agreements not terminated, with their application and latest report. */
export function fundedProjectsSelect(
	from: { agreements: string; applications: string; latestReports: string } = {
		agreements: 'agreements',
		applications: 'applications',
		latestReports: 'latest_reports'
	}
): string {
	return `SELECT g.numero_convention, g.numero_dossier, g.has_application, g.statut AS statut_convention,
			g.montant_aide, g.committed_eur, g.paid_eur, g.to_pay_eur, g.released_eur,
			a.releve, a.raison_sociale, a.region_name, a.briques, a.emplois_prevus, a.ca_prevu,
			a.background_ouvert, a.foreground_ouvert,
			r.emplois_crees, r.ca_genere, r.ca_prevu_3_ans, r.date_rapport AS date_dernier_rapport,
			r.type_rapport AS type_dernier_rapport,
			coalesce(r.publication_effective, false) AND r.depot_code_url IS NOT NULL AND trim(r.depot_code_url) <> '' AS published
		FROM ${from.agreements} g
		LEFT JOIN ${from.applications} a USING (numero_dossier)
		LEFT JOIN ${from.latestReports} r USING (numero_dossier)
		WHERE g.is_funded`;
}

/**
 * How the programme's agreements split between what the public list shows and what it cannot
 * (docs/DATA.md, "One label, one number"), over any `agreements`-shaped and
 * `applications`-shaped relations. Listed = the application is in the snapshot and a lauréat
 * (the public list's definition, public/projects.ts). Every part adds up to its whole:
 * funded = listed + orphan + unlisted; paid = paid to listed live + paid to terminated +
 * paid to orphans + paid to unlisted; granted (Σ montant_aide) = committed + released +
 * terminated_unpaid − closed_overpaid.
 */
export function reconciliationSelect(agreements = 'agreements', applications = 'applications'): string {
	return `WITH g AS (
			SELECT g.*, coalesce(a.statut = 'laureat', false) AS listed
			FROM ${agreements} g LEFT JOIN (SELECT numero_dossier, statut FROM ${applications}) a ON a.numero_dossier = g.numero_dossier)
		SELECT count(*) FILTER (WHERE is_funded)::INTEGER AS funded,
			count(*) FILTER (WHERE is_funded AND listed)::INTEGER AS funded_listed,
			count(*) FILTER (WHERE is_funded AND NOT has_application)::INTEGER AS funded_orphan,
			count(*) FILTER (WHERE is_funded AND has_application AND NOT listed)::INTEGER AS funded_unlisted,
			count(*) FILTER (WHERE NOT is_funded)::INTEGER AS terminated,
			count(*) FILTER (WHERE NOT is_funded AND listed)::INTEGER AS terminated_listed,
			count(*) FILTER (WHERE is_closed)::INTEGER AS closed,
			count(*) FILTER (WHERE released_eur > 0)::INTEGER AS closed_below_grant,
			coalesce(sum(montant_aide), 0)::VARCHAR AS granted_eur,
			coalesce(sum(committed_eur), 0)::VARCHAR AS committed_eur,
			coalesce(sum(released_eur), 0)::VARCHAR AS released_eur,
			coalesce(sum(montant_aide - paid_eur) FILTER (WHERE NOT is_funded), 0)::VARCHAR AS terminated_unpaid_eur,
			coalesce(sum(greatest(paid_eur - montant_aide, 0)) FILTER (WHERE is_closed), 0)::VARCHAR AS closed_overpaid_eur,
			coalesce(sum(paid_eur), 0)::VARCHAR AS paid_eur,
			coalesce(sum(paid_eur) FILTER (WHERE is_funded AND listed), 0)::VARCHAR AS paid_listed_eur,
			coalesce(sum(paid_eur) FILTER (WHERE NOT is_funded), 0)::VARCHAR AS paid_terminated_eur,
			coalesce(sum(paid_eur) FILTER (WHERE NOT is_funded AND listed), 0)::VARCHAR AS paid_terminated_listed_eur,
			coalesce(sum(paid_eur) FILTER (WHERE is_funded AND NOT has_application), 0)::VARCHAR AS paid_orphan_eur,
			coalesce(sum(paid_eur) FILTER (WHERE is_funded AND has_application AND NOT listed), 0)::VARCHAR AS paid_unlisted_eur,
			coalesce(sum(paid_eur) FILTER (WHERE NOT listed AND (has_application OR NOT is_funded)), 0)::VARCHAR AS paid_other_unlisted_eur,
			coalesce(sum(committed_eur) FILTER (WHERE listed), 0)::VARCHAR AS committed_listed_eur,
			coalesce(sum(committed_eur) FILTER (WHERE NOT listed), 0)::VARCHAR AS committed_unlisted_eur
		FROM g`;
}

/** An application's bricks, a row each (the import removes repeats within a list). */
export function applicationBricksSelect(applications: string): string {
	return `SELECT numero_dossier, unnest(briques) AS brick FROM ${applications}`;
}

export const VIEWS: string[] = [
	// Macros of earlier versions, no longer used.
	`DROP MACRO IF EXISTS siren_luhn_ok`,
	`DROP MACRO IF EXISTS luhn_ok`,

	// The Luhn check of a nine-digit number (a SIREN, read once as an INTEGER), as arithmetic: no
	// list per row (5× faster than the check over the string's characters on 100 000 rows).
	`CREATE OR REPLACE MACRO luhn9(n) AS (
			${[0, 2, 4, 6, 8].map((p) => `(n // ${10 ** p}) % 10`).join(' + ')} +
			${[1, 3, 5, 7].map((p) => `((n // ${10 ** p}) % 10) * 2 - CASE WHEN (n // ${10 ** p}) % 10 > 4 THEN 9 ELSE 0 END`).join(' + ')}
		) % 10 = 0`,

	// Rule R22: a fourteen-digit SIRET (read once as a BIGINT) as the SCDL's french-siret-value
	// check accepts it (parsers.ts siretValid): Luhn over the 14 digits — for La Poste's
	// establishments (SIREN 356000000, head office aside) the digits' sum a multiple of 5 instead —
	// and its SIREN part passing Luhn.
	`CREATE OR REPLACE MACRO siret14_ok(n) AS (
			CASE WHEN n // 100000 = 356000000 AND n <> 35600000000048
				THEN (${Array.from({ length: 14 }, (_, p) => `(n // ${10 ** p}) % 10`).join(' + ')}) % 5 = 0
				ELSE (
					${[0, 2, 4, 6, 8, 10, 12].map((p) => `(n // ${10 ** p}) % 10`).join(' + ')} +
					${[1, 3, 5, 7, 9, 11, 13].map((p) => `((n // ${10 ** p}) % 10) * 2 - CASE WHEN (n // ${10 ** p}) % 10 > 4 THEN 9 ELSE 0 END`).join(' + ')}
				) % 10 = 0
			END AND luhn9(n // 100000)
		)`
];

/**
 * `applications` and `reports`: the rows of the current snapshot of their kind. The snapshot's
 * load id is written into the view as a constant, so that DuckDB skips the row groups of the
 * other snapshots kept for undo and compares nothing per row (a subquery there made every scan
 * a join: 4–6× the time of a `sum` or `count(*)` over 100 000 applications). So the views are recreated
 * whenever the current snapshots change, in the same transaction (`refreshDerived`), and on
 * opening (`createViews`).
 */
const SNAPSHOT_VIEWS = [
	{ name: 'applications', kind: 'candidatures' },
	{ name: 'reports', kind: 'rapports' }
] as const;

async function createSnapshotViews(db: Runner): Promise<void> {
	const loadIds = new Map(
		(await db.all<{ kind: string; id: string }>(`SELECT kind, max(load_id)::VARCHAR AS id FROM current_snapshot GROUP BY kind`)).map((r) => [r.kind, r.id])
	);
	for (const v of SNAPSHOT_VIEWS) {
		const id = loadIds.get(v.kind);
		await db.run(`CREATE OR REPLACE VIEW ${v.name} AS
			SELECT * EXCLUDE (load_id) FROM ${v.kind}_rows WHERE ${id === undefined ? 'false' : `load_id = ${BigInt(id)}`}`);
	}
}

/**
 * Rule checks as one query: for each `[rule, failed, detail]`, the rows of `from` where the
 * SQL condition `failed` holds, with their `keys`, the rule id and the values that triggered
 * it (`detail`, a struct, as JSON text).
 */
function ruleChecks(from: string, keys: string[], checks: [rule: string, failed: string, detail: string][]): string {
	return checks
		.map(([rule, failed, detail]) => `SELECT ${keys.join(', ')}, '${rule}' AS rule, to_json(${detail})::VARCHAR AS detail FROM ${from} WHERE ${failed}`)
		.join('\n\t\tUNION ALL ');
}

/** Rule R22, per application: a `siret`, when given, valid (siret14_ok) and starting with the `siren`. */
const R22_SELECT = `SELECT numero_dossier, 'R22' AS rule, to_json({siret: siret, siren: siren})::VARCHAR AS detail FROM applications
			WHERE siret IS NOT NULL AND NOT coalesce(
				regexp_full_match(siret, '[0-9]{14}') AND left(siret, 9) = siren AND siret14_ok(TRY_CAST(siret AS BIGINT)), false)`;

/**
 * The building blocks of the figures that cost the most to compute (the latest reports, the
 * agreements with their money, the funded projects, the applications' bricks one row each,
 * the rule flags), defined here as
 * queries over the current snapshots, and kept as tables of those names: recomputed in the
 * transaction of every write that changes a current snapshot (a load, an undo:
 * `refreshDerived`), and whenever these definitions change (`createViews`, on opening).
 * Listed in dependency order: each reads only the snapshots and the ones before it.
 */
export const DERIVED: readonly { name: string; select: string }[] = [
	{ name: 'latest_reports', select: latestReportsSelect('reports') },
	{ name: 'agreements', select: agreementsSelect() },
	{ name: 'funded_projects', select: fundedProjectsSelect() },
	{ name: 'application_bricks', select: applicationBricksSelect('applications') },

	// Rules R1–R13 and R22, per application, with the values that triggered each flag.
	{
		name: 'application_flags',
		// (siren_digits: the SIREN as a number when it is nine digits, read once for R13.)
		select: `${ruleChecks(`(SELECT *, CASE WHEN regexp_full_match(siren, '[0-9]{9}') THEN TRY_CAST(siren AS INTEGER) END AS siren_digits FROM applications)`, ['numero_dossier'], [
			['R1', `assiette_eligible < ${MIN_ELIGIBLE_BASE_EUR}`,
				`{assiette_eligible: assiette_eligible, minimum: ${MIN_ELIGIBLE_BASE_EUR}}`],
			['R2', `aide_demandee > least(assiette_eligible * ${AID_RATE}, ${MAX_AID_EUR})`,
				`{aide_demandee: aide_demandee, plafond: least(assiette_eligible * ${AID_RATE}, ${MAX_AID_EUR})::DECIMAL(14,2)}`],
			['R3', `len(briques) NOT BETWEEN 1 AND 2 OR len(list_filter(briques, b -> NOT list_contains(${brickList}, b))) > 0`,
				`{briques: briques, hors_programme: list_filter(briques, b -> NOT list_contains(${brickList}, b))}`],
			['R4', `NOT (effectif < 250 AND (chiffre_affaires <= 50000000 OR total_bilan <= 43000000))`,
				`{effectif: effectif, chiffre_affaires: chiffre_affaires, total_bilan: total_bilan}`],
			['R5', `aides_minimis_3_ans + aide_demandee > ${DE_MINIMIS_CEILING_EUR}`,
				`{aides_minimis_3_ans: aides_minimis_3_ans, aide_demandee: aide_demandee, total: aides_minimis_3_ans + aide_demandee, plafond: ${DE_MINIMIS_CEILING_EUR}}`],
			['R6', `couts_sous_traitance >= assiette_eligible * 0.2`,
				`{couts_sous_traitance: couts_sous_traitance, limite: (assiette_eligible * 0.2)::DECIMAL(14,2)}`],
			['R7', `couts_refacturation_interne >= depenses_salaires * 0.3`,
				`{couts_refacturation_interne: couts_refacturation_interne, limite: (depenses_salaires * 0.3)::DECIMAL(14,2)}`],
			['R8', `abs(frais_connexes - depenses_salaires * 0.2) > 1`,
				`{frais_connexes: frais_connexes, attendu: (depenses_salaires * 0.2)::DECIMAL(14,2)}`],
			['R9', `abs(assiette_eligible - (depenses_salaires + frais_connexes + couts_sous_traitance + couts_refacturation_interne)) > 1`,
				`{assiette_eligible: assiette_eligible, somme: depenses_salaires + frais_connexes + couts_sous_traitance + couts_refacturation_interne}`],
			['R10', `duree_mois <> ${PROJECT_MONTHS}`,
				`{duree_mois: duree_mois, attendu: ${PROJECT_MONTHS}}`],
			['R11', `date_trunc('minute', date_depot) > CASE releve WHEN 1 THEN ${closing(1)} ELSE ${closing(2)} END`,
				`{date_depot: date_depot, cloture: CASE releve WHEN 1 THEN ${closing(1)} ELSE ${closing(2)} END}`],
			['R12', `-2 IN (dnsh_attenuation, dnsh_adaptation, dnsh_eau, dnsh_economie_circulaire, dnsh_pollution, dnsh_biodiversite)`,
				`{attenuation: dnsh_attenuation, adaptation: dnsh_adaptation, eau: dnsh_eau, economie_circulaire: dnsh_economie_circulaire, pollution: dnsh_pollution, biodiversite: dnsh_biodiversite}`],
			['R13', `siren_digits IS NULL OR NOT luhn9(siren_digits)`,
				`{siren: siren}`]
		])}
		UNION ALL ${R22_SELECT}`
	},

	// Rules R14–R16 and R18–R21, per agreement. R18, R20 and R21 read the agreement's application:
	// for an orphan (no application in the snapshot) they are not evaluated (`has_application`).
	{
		name: 'agreement_flags',
		select: ruleChecks(
			`(SELECT g.*, a.aide_demandee AS app_aide_demandee, a.aides_minimis_3_ans AS app_minimis, a.date_depot AS app_date_depot
				FROM agreements g LEFT JOIN applications a ON a.numero_dossier = g.numero_dossier)`,
			['numero_convention', 'numero_dossier'], [
			['R14', `montant_aide > least(assiette_retenue * ${AID_RATE}, ${MAX_AID_EUR})`,
				`{montant_aide: montant_aide, plafond: least(assiette_retenue * ${AID_RATE}, ${MAX_AID_EUR})::DECIMAL(14,2)}`],
			['R15', `coalesce(montant_avance, 0) > montant_aide * ${ADVANCE_MAX_RATE}`,
				`{montant_avance: montant_avance, plafond: (montant_aide * ${ADVANCE_MAX_RATE})::DECIMAL(14,2)}`],
			['R16', `paid_eur > montant_aide`,
				`{verse: paid_eur, montant_aide: montant_aide}`],
			['R18', `has_application AND montant_aide > app_aide_demandee`,
				`{montant_aide: montant_aide, aide_demandee: app_aide_demandee}`],
			// Nine months ± 15 days: 259 to 289 days between the start and the end date, both inclusive.
			['R19', `(date_fin - date_debut) NOT BETWEEN ${AGREEMENT_DAYS.min} AND ${AGREEMENT_DAYS.max}`,
				`{date_debut: date_debut, date_fin: date_fin, jours: (date_fin - date_debut)::INTEGER, attendu: '${AGREEMENT_DAYS.min}–${AGREEMENT_DAYS.max}'}`],
			['R20', `has_application AND app_minimis + montant_aide > ${DE_MINIMIS_CEILING_EUR}`,
				`{aides_minimis_3_ans: app_minimis, montant_aide: montant_aide, total: app_minimis + montant_aide, plafond: ${DE_MINIMIS_CEILING_EUR}}`],
			// date_depot is a Paris wall-clock time: its date is the Paris date of filing.
			['R21', `has_application AND date_debut < app_date_depot::DATE + 1`,
				`{date_debut: date_debut, date_depot: app_date_depot, au_plus_tot: (app_date_depot::DATE + 1)}`]
		])
	}
];

/** Views over the tables of DERIVED. */
const DEPENDENT_VIEWS: string[] = [
	// Programme totals against the envelope (R17 reads this).
	`CREATE OR REPLACE VIEW programme_totals AS
		WITH t AS (SELECT
			(SELECT coalesce(sum(aide_demandee), 0) FROM applications) AS requested_eur,
			(SELECT coalesce(sum(committed_eur), 0) FROM agreements) AS committed_eur,
			(SELECT coalesce(sum(paid_eur), 0) FROM agreements) AS paid_eur,
			(SELECT coalesce(sum(released_eur), 0) FROM agreements) AS released_eur)
		SELECT ${ENVELOPE_EUR}::DECIMAL(14,2) AS envelope_eur, requested_eur::DECIMAL(14,2) AS requested_eur,
			committed_eur::DECIMAL(14,2) AS committed_eur, paid_eur::DECIMAL(14,2) AS paid_eur,
			(${ENVELOPE_EUR} - committed_eur)::DECIMAL(14,2) AS remaining_eur,
			released_eur::DECIMAL(14,2) AS released_eur
		FROM t`,

	// Orphans: agreements and reports naming an application not in the current snapshot.
	`CREATE OR REPLACE VIEW orphans AS
		SELECT 'conventions' AS kind, numero_dossier, numero_convention AS reference, row_number FROM agreements WHERE NOT has_application
		UNION ALL
		SELECT 'rapports', numero_dossier, type_rapport || ' ' || strftime(date_rapport, '%Y-%m-%d'), row_number FROM reports
		WHERE numero_dossier NOT IN (SELECT numero_dossier FROM applications)`
];

/** A write transaction, or the writer connection on opening (`Transaction` in database.ts either way). */
interface Runner {
	run(sql: string): Promise<unknown>;
	all<T>(sql: string): Promise<T[]>;
}

/**
 * Which version of DERIVED the tables hold: their definitions, and the schema of the tables
 * they read (every change to it is a migration), since `SELECT *` takes its columns from there.
 */
export const DERIVED_SHA256 = createHash('sha256')
	.update(JSON.stringify({ derived: DERIVED, schema: MIGRATIONS.map((m) => m.sql) }))
	.digest('hex');

/**
 * Point the snapshot views at the current snapshots and recompute the tables of DERIVED from
 * them, inside the caller's transaction.
 */
export async function refreshDerived(tx: Runner): Promise<void> {
	await createSnapshotViews(tx);
	for (const d of DERIVED) {
		await tx.run(`DELETE FROM ${d.name}`);
		await tx.run(`INSERT INTO ${d.name} SELECT * FROM (${d.select})`);
	}
}

/**
 * Make the tables of DERIVED match their definitions: on a new database, on one made before
 * they existed (when these were views), and after the definitions changed, they are
 * (re)created and filled, in one transaction.
 */
async function ensureDerived(db: Runner): Promise<void> {
	await db.run(`CREATE TABLE IF NOT EXISTS derived_tables (name VARCHAR PRIMARY KEY, definition_sha256 VARCHAR NOT NULL)`);
	const objects = new Map(
		(
			await db.all<{ name: string; type: string }>(
				`SELECT table_name AS name, 'table' AS type FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()
				 UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal`
			)
		).map((r) => [String(r.name), String(r.type)])
	);
	const recorded = new Map(
		(await db.all<{ name: string; definition_sha256: string }>(`SELECT name, definition_sha256 FROM derived_tables`)).map((r) => [String(r.name), String(r.definition_sha256)])
	);
	if (DERIVED.every((d) => objects.get(d.name) === 'table' && recorded.get(d.name) === DERIVED_SHA256)) return;
	await db.run('BEGIN TRANSACTION');
	try {
		for (const d of DERIVED) {
			const type = objects.get(d.name);
			if (type) await db.run(`DROP ${type === 'view' ? 'VIEW' : 'TABLE'} ${d.name}`);
			await db.run(`CREATE TABLE ${d.name} AS SELECT * FROM (${d.select})`);
		}
		await db.run(`DELETE FROM derived_tables`);
		for (const d of DERIVED) await db.run(`INSERT INTO derived_tables VALUES ('${d.name}', '${DERIVED_SHA256}')`);
		await db.run('COMMIT');
	} catch (error) {
		await db.run('ROLLBACK');
		throw error;
	}
}

/** On opening, through the writer connection (outside any transaction). */
export async function createViews(db: Runner): Promise<void> {
	for (const sql of VIEWS) await db.run(sql);
	await createSnapshotViews(db);
	await ensureDerived(db);
	for (const sql of DEPENDENT_VIEWS) await db.run(sql);
}
