/**
 * Applications: the sortable, filterable, paginated list (sort, page and search in the URL),
 * and everything known about one application. A consortium member sees only lauréats naming
 * one of its bricks, without the confidential fields nor the rule flags (they rest on them).
 */
import { DNSH_OBJECTIVES } from '../../../domain/programme';
import { RULES, ruleById } from '../../../domain/rules';
import { parseRowFilter, rowFilterQuery, type RowFilter } from '../../../list-filter';
import type { TableData, TableRow } from '../../../table';
import { redactApplication } from '../../auth/scope';
import { sqlString } from '../filters';
import { ctes, detailPredicate, type DashboardContext } from './context';
import { pageParam } from '../../../filter-params';

const L = (fr: string, en: string) => ({ fr, en });

export const PAGE_SIZE = 25;

/** Sortable columns → SQL expression (a whitelist: the URL never reaches the SQL). */
const SORTS: Record<string, string> = {
	numero_dossier: 'numero_dossier',
	releve: 'releve_n',
	date_depot: 'depot_ts',
	statut: 'statut',
	raison_sociale: 'lower(raison_sociale)',
	region: 'region',
	aide_demandee: 'aide_n',
	flags: 'flags'
};

export const SORTABLE = Object.keys(SORTS);

export interface ListParams {
	sort: string;
	dir: 'asc' | 'desc';
	page: number;
	q: string;
	/** The figures' row filters (`?regle=R15`, `?convention=financee`…: list-filter.ts). */
	rows: RowFilter;
}

export function listParams(url: URL): ListParams {
	const sort = url.searchParams.get('tri') ?? 'numero_dossier';
	const dir = url.searchParams.get('ordre') === 'desc' ? 'desc' : 'asc';
	const page = pageParam(url.searchParams.get('page'));
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
	// Own keys only: `tri=toString` must not reach the ORDER BY (issue 18 #8, found by the fuzz).
	return { sort: Object.hasOwn(SORTS, sort) ? sort : 'numero_dossier', dir, page, q, rows: parseRowFilter(url.searchParams) };
}

/**
 * The row filters a reader may use: rule flags are the programme team's and the funder's
 * (they rest on confidential fields), so a consortium member's `regle` is ignored, as the
 * flags column is not shown to them.
 */
export function allowedRows(ctx: Pick<DashboardContext, 'seesAll'>, rows: RowFilter): RowFilter {
	if (ctx.seesAll || !rows.regle) return rows;
	const { regle: _ignored, ...rest } = rows;
	return rest;
}

const inList = (values: readonly string[]) => values.map(sqlString).join(', ');

/** Conditions on an agreement of `agr` (none when the filter says nothing about agreements). */
function agreementConditions(rows: RowFilter): string[] {
	const parts: string[] = [];
	if (rows.convention?.length) parts.push(`statut IN (${inList(rows.convention)})`);
	if (rows.verse) parts.push('paid_eur > 0');
	return parts;
}

/**
 * The row filters as a predicate over `a`, a row of `app` (the scoped CTEs of kpis.ts: `agr`,
 * `fp`, `app_flags`, `agr_flags` are those of the same scope, so a filtered list and its
 * figure count the same rows).
 */
export function rowPredicate(rows: RowFilter): string {
	const parts: string[] = [];
	const agreement = agreementConditions(rows);
	if (agreement.length) parts.push(`a.numero_dossier IN (SELECT numero_dossier FROM agr WHERE ${agreement.join(' AND ')})`);
	if (rows.regle?.length) {
		const rules = inList(rows.regle);
		parts.push(`a.numero_dossier IN (SELECT numero_dossier FROM app_flags WHERE rule IN (${rules}) UNION SELECT numero_dossier FROM agr_flags WHERE rule IN (${rules}))`);
	}
	if (rows.code === 'publie') parts.push(`a.numero_dossier IN (SELECT numero_dossier FROM fp WHERE published)`);
	if (rows.code === 'non') parts.push(`a.numero_dossier IN (SELECT numero_dossier FROM fp WHERE NOT published)`);
	for (const o of rows.ouvert ?? []) parts.push(o === 'background' ? 'a.background_ouvert' : 'a.foreground_ouvert');
	if (rows.rapport) parts.push(`a.numero_dossier ${rows.rapport === 'sans' ? 'NOT IN' : 'IN'} (SELECT numero_dossier FROM reports)`);
	if (rows.dnsh) parts.push(`-2 IN (${DNSH_OBJECTIVES.map((o) => `a.dnsh_${o}`).join(', ')})`);
	return parts.length ? parts.map((p) => `(${p})`).join(' AND ') : 'true';
}

/** An agreement counted in a figure but not listed: it names no loaded application. */
export interface UnlistedAgreement {
	numero_convention: string;
	numero_dossier: string;
	statut: string;
	/** Its flags among the rules filtered on. */
	rules: string[];
}

/**
 * The agreements the filter's figure counts that the list cannot show, having no application
 * (orphans: counted in the programme's figures, exports.md §5). Only when every condition is
 * about agreements (an orphan has no application to match the others) and for readers who see
 * everything (a consortium member's figures only count agreements of their applications).
 */
async function unlistedAgreements(ctx: DashboardContext, p: ListParams, rows: RowFilter): Promise<UnlistedAgreement[]> {
	const appLevel = p.q || rows.code || rows.ouvert || rows.rapport || rows.dnsh;
	const agreement = agreementConditions(rows);
	if (!ctx.seesAll || appLevel || (agreement.length === 0 && !rows.regle?.length)) return [];
	const flagged = rows.regle?.length ? `numero_convention IN (SELECT numero_convention FROM agr_flags WHERE rule IN (${inList(rows.regle)}))` : 'true';
	const found = await ctx.db.all<{ numero_convention: string; numero_dossier: string; statut: string; rules: string[] | null }>(`WITH ${ctes(ctx)}
		SELECT g.numero_convention, g.numero_dossier, g.statut,
			(SELECT list(rule ORDER BY CAST(substr(rule, 2) AS INTEGER)) FROM agr_flags f WHERE f.numero_convention = g.numero_convention${rows.regle?.length ? ` AND f.rule IN (${inList(rows.regle)})` : ''}) AS rules
		FROM agr g WHERE NOT g.has_application AND ${[...agreement, flagged].join(' AND ')}
		ORDER BY g.numero_dossier, g.numero_convention`);
	return found.map((r) => ({ ...r, rules: r.rules ?? [] }));
}

/** One page of the list; `counts` false leaves out what only the page shows (the flags of the rules filtered on, the unlisted agreements). */
export async function applicationsList(ctx: DashboardContext, p: ListParams, counts = true) {
	const rowFilter = allowedRows(ctx, p.rows);
	const search = p.q
		? `AND (a.numero_dossier ILIKE ${sqlString(`%${p.q}%`)} OR a.raison_sociale ILIKE ${sqlString(`%${p.q}%`)} OR a.titre_projet ILIKE ${sqlString(`%${p.q}%`)} OR a.siren = ${sqlString(p.q.replace(/\s/g, ''))})`
		: '';
	const from = `WITH ${ctes(ctx)},
		fl AS (SELECT numero_dossier, count(*)::INTEGER AS n, list(rule ORDER BY CAST(substr(rule, 2) AS INTEGER)) AS rules FROM (
			SELECT numero_dossier, rule FROM application_flags UNION ALL SELECT numero_dossier, rule FROM agreement_flags) GROUP BY numero_dossier)
		SELECT a.numero_dossier, a.releve::VARCHAR AS releve, strftime(a.date_depot, '%Y-%m-%d %H:%M') AS date_depot, a.statut,
			a.raison_sociale, a.titre_projet, a.briques, a.region_name AS region, a.aide_demandee::VARCHAR AS aide_demandee,
			${ctx.seesAll ? 'coalesce(fl.n, 0)' : '0'}::INTEGER AS flags, ${ctx.seesAll ? 'fl.rules' : 'NULL::VARCHAR[]'} AS rules,
			a.releve AS releve_n, a.date_depot AS depot_ts, a.aide_demandee AS aide_n
		FROM app a LEFT JOIN fl USING (numero_dossier)
		WHERE ${detailPredicate(ctx, 'a')} AND ${rowPredicate(rowFilter)} ${search}`;
	const total = Number((await ctx.db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${from})`))?.n ?? 0);
	const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
	const page = Math.min(p.page, pageCount);
	const order = `${SORTS[p.sort]!} ${p.dir.toUpperCase()} NULLS LAST, numero_dossier`;
	const rows = (
		await ctx.db.all<TableRow>(
			`SELECT * EXCLUDE (releve_n, depot_ts, aide_n) FROM (${from}) ORDER BY ${order} LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`
		)
	).map((r) => ({ ...r, flags: Array.isArray(r.rules) && r.rules.length ? (r.rules as string[]).join(' ') : null, rules: null }));
	const all = await ctx.db.one<{ n: number }>(`WITH ${ctes(ctx)} SELECT count(*)::INTEGER AS n FROM app a WHERE ${rowPredicate(rowFilter)}`);
	const table: TableData = {
		id: 'candidatures',
		title: L('Candidatures', 'Applications'),
		columns: [
			{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
			{ key: 'releve', label: L('Relève', 'Round') },
			{ key: 'date_depot', label: L('Déposée le', 'Filed on'), kind: 'date' },
			{ key: 'statut', label: L('Statut', 'Status'), kind: 'app_status' },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company'), minWidth: 9 },
			{ key: 'titre_projet', label: L('Projet', 'Project'), minWidth: 16 },
			{ key: 'briques', label: L('Briques', 'Bricks'), kind: 'bricks', minWidth: 7 },
			{ key: 'region', label: L('Région', 'Region'), minWidth: 8 },
			{ key: 'aide_demandee', label: L('Aide demandée', 'Aid requested'), kind: 'eur' },
			...(ctx.seesAll ? [{ key: 'flags', label: L('Signalements', 'Flags'), kind: 'text' as const, nowrap: true }] : [])
		],
		rows
	};
	// With rule filters: how many flags of those rules the listed dossiers carry (a figure counts flags).
	const rules = rowFilter.regle?.length ? inList(rowFilter.regle) : null;
	const flagCount = rules && counts
		? Number(
				(
					await ctx.db.one<{ n: number }>(`WITH ${ctes(ctx)}
						SELECT count(*)::INTEGER AS n FROM (SELECT rule, numero_dossier FROM app_flags UNION ALL SELECT rule, numero_dossier FROM agr_flags)
						WHERE rule IN (${rules}) AND numero_dossier IN (SELECT numero_dossier FROM (${from}))`)
				)?.n ?? 0
			)
		: null;
	return {
		table,
		total,
		page,
		pageCount,
		inScope: Number(all?.n ?? 0),
		rowFilter: rowFilterQuery(rowFilter),
		unlisted: counts ? await unlistedAgreements(ctx, p, rowFilter) : [],
		flagCount
	};
}

/** The whole list as CSV (every page, same sort and search). */
export async function applicationsCsvTable(ctx: DashboardContext, p: ListParams): Promise<TableData> {
	const first = await applicationsList(ctx, { ...p, page: 1 }, false);
	const rows: TableRow[] = [...first.table.rows];
	for (let page = 2; page <= first.pageCount; page++) rows.push(...(await applicationsList(ctx, { ...p, page }, false)).table.rows);
	return { ...first.table, rows };
}

export interface FlagDetail {
	rule: string;
	convention: string | null;
	text: { fr: string; en: string };
	source: string;
	/** What to do about it (rules.ts). */
	fix: { fr: string; en: string } | null;
	values: Record<string, unknown>;
}

/** Everything known about one application, or null when it does not exist or is out of the reader's scope. */
export async function applicationDetail(ctx: DashboardContext, dossier: string) {
	const row = await ctx.db.one<Record<string, unknown>>(
		`SELECT a.* EXCLUDE (date_depot, briques), strftime(a.date_depot, '%Y-%m-%d %H:%M') AS date_depot, a.briques,
			${detailPredicate(ctx, 'a')} AS visible
		 FROM applications a WHERE a.numero_dossier = $1`,
		[dossier]
	);
	if (!row || !row.visible) return null;
	delete row.visible;
	const application = redactApplication(ctx.user, row);
	const agreements = await ctx.db.all<TableRow>(
		`SELECT numero_convention, statut, strftime(date_signature, '%Y-%m-%d') AS date_signature, strftime(date_debut, '%Y-%m-%d') AS date_debut,
			strftime(date_fin, '%Y-%m-%d') AS date_fin, assiette_retenue::VARCHAR AS assiette_retenue, montant_aide::VARCHAR AS montant_aide,
			montant_avance::VARCHAR AS montant_avance, strftime(date_avance, '%Y-%m-%d') AS date_avance,
			montant_solde::VARCHAR AS montant_solde, strftime(date_solde, '%Y-%m-%d') AS date_solde,
			advance_paid_eur::VARCHAR AS advance_paid, balance_paid_eur::VARCHAR AS balance_paid, paid_eur::VARCHAR AS paid,
			committed_eur::VARCHAR AS committed, to_pay_eur::VARCHAR AS to_pay, is_funded
		 FROM agreements WHERE numero_dossier = $1 ORDER BY date_signature, numero_convention`,
		[dossier]
	);
	const reports = await ctx.db.all<TableRow>(
		`SELECT r.type_rapport, strftime(r.date_rapport, '%Y-%m-%d') AS date_rapport, r.depenses_realisees::VARCHAR AS depenses_realisees,
			r.emplois_crees::VARCHAR AS emplois_crees, r.ca_genere::VARCHAR AS ca_genere, r.ca_prevu_3_ans::VARCHAR AS ca_prevu_3_ans,
			r.briques_integrees, r.depot_code_url, r.licence, r.publication_effective, r.contributions_amont::INTEGER AS contributions_amont,
			r.trl::INTEGER AS trl, r.commentaire,
			(l.numero_dossier IS NOT NULL) AS latest
		 FROM reports r LEFT JOIN latest_reports l ON l.numero_dossier = r.numero_dossier AND l.type_rapport = r.type_rapport AND l.date_rapport = r.date_rapport
		 WHERE r.numero_dossier = $1 ORDER BY r.date_rapport, r.type_rapport DESC`,
		[dossier]
	);
	let flags: FlagDetail[] = [];
	if (ctx.seesAll) {
		const raw = await ctx.db.all<{ rule: string; convention: string | null; detail: string }>(
			`SELECT rule, NULL AS convention, detail FROM application_flags WHERE numero_dossier = $1
			 UNION ALL SELECT rule, numero_convention, detail FROM agreement_flags WHERE numero_dossier = $1`,
			[dossier]
		);
		flags = raw
			.map((f) => {
				const def = ruleById(f.rule);
				let values: Record<string, unknown> = {};
				try {
					values = JSON.parse(f.detail) as Record<string, unknown>;
				} catch {
					values = { detail: f.detail };
				}
				return { rule: f.rule, convention: f.convention, text: { fr: def?.fr ?? f.rule, en: def?.en ?? f.rule }, source: def?.source ?? '', fix: def?.fix ?? null, values };
			})
			.sort((a, b) => Number(a.rule.slice(1)) - Number(b.rule.slice(1)));
	}
	return { application, agreements, reports, flags, rulesChecked: ctx.seesAll ? RULES.filter((r) => r.scope !== 'programme').length : 0, provenance: await dossierProvenance(ctx, dossier) };
}

/** Where one row of a dossier came from: its export, the file and the load, and its line in the file. */
export interface RowSource {
	kind: 'candidatures' | 'conventions' | 'rapports';
	/** Which row: the dossier, the agreement's number, the report's type and date. */
	reference: string;
	/** Its row in the file, the header being row 1 (exports.md §1). */
	row: number;
	loadId: number;
	file: string;
	sha256: string | null;
	/** `YYYY-MM-DD HH:MM:SS+00` (formatInstant shows it in Paris time). */
	loadedAt: string;
	/** Who loaded it (admins and auditors only). */
	actor: string | null;
	/** Whether the original file is still kept, for download (admins and auditors only). */
	hasFile: boolean;
}

/**
 * The provenance of every row shown for a dossier (its application, agreements and reports):
 * each from the current snapshot of its kind, whose load says which file (name, SHA-256), when
 * and by whom. The caller has checked the dossier is visible to the reader.
 */
export async function dossierProvenance(ctx: DashboardContext, dossier: string): Promise<RowSource[]> {
	const rows = await ctx.db.all<Record<string, unknown>>(
		`WITH cur AS (SELECT kind, max(load_id) AS load_id FROM current_snapshot GROUP BY kind),
		src AS (
			SELECT 'candidatures' AS kind, 0 AS k, numero_dossier AS reference, row_number FROM applications WHERE numero_dossier = $1
			UNION ALL SELECT 'conventions', 1, numero_convention, row_number FROM agreements WHERE numero_dossier = $1
			UNION ALL SELECT 'rapports', 2, type_rapport || ' ' || strftime(date_rapport, '%Y-%m-%d'), row_number FROM reports WHERE numero_dossier = $1)
		SELECT src.kind, src.reference, src.row_number::INTEGER AS row, l.load_id::INTEGER AS load_id, l.file_name, l.sha256,
			l.loaded_at::VARCHAR AS loaded_at, l.actor, (f.load_id IS NOT NULL) AS has_file
		FROM src JOIN cur USING (kind) JOIN loads l ON l.load_id = cur.load_id LEFT JOIN load_files f ON f.load_id = l.load_id
		ORDER BY src.k, src.row_number`,
		[dossier]
	);
	return rows.map((r) => ({
		kind: r.kind as RowSource['kind'],
		reference: String(r.reference),
		row: Number(r.row),
		loadId: Number(r.load_id),
		file: String(r.file_name),
		sha256: (r.sha256 as string | null) ?? null,
		loadedAt: String(r.loaded_at),
		actor: ctx.seesAll ? String(r.actor) : null,
		hasFile: ctx.seesAll && r.has_file === true
	}));
}
