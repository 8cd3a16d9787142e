/**
 * The three export kinds (exports.md §2–§4): their columns, their keys and one zod schema
 * per kind. The same schemas check a file in the browser preview and on the server.
 */
import { z } from 'zod';
import {
	AGREEMENT_STATUS_LABELS,
	APPLICATION_STATUS_LABELS,
	DNSH_OBJECTIVES,
	REPORT_TYPE_LABELS
} from './programme';
import { parseBrickList } from './bricks';
import {
	parseAmount,
	parseBoolean,
	parseBoundedDecimal,
	parseBoundedInteger,
	parseDate,
	parseDateTime,
	parseDecimal,
	parseEnum,
	parseInteger,
	parsePostalCode,
	parseReleve,
	parseSiren,
	parseSiret,
	parseText,
	type Delimiter,
	type Expected,
	type Parsed
} from './parsers';

export const EXPORT_KINDS = ['candidatures', 'conventions', 'rapports'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const KIND_LABELS: Record<ExportKind, { fr: string; en: string }> = {
	candidatures: { fr: 'Candidatures', en: 'Applications' },
	conventions: { fr: 'Conventions', en: 'Grant agreements' },
	rapports: { fr: 'Rapports', en: 'Reports' }
};

export type ColumnType =
	| 'text'
	| 'amount'
	| 'integer'
	| 'decimal'
	| 'date'
	| 'datetime'
	| 'boolean'
	| 'bricks'
	| 'releve'
	| 'siren'
	| 'siret'
	| 'postal'
	| 'dnsh'
	| 'score'
	| 'trl'
	| 'application_status'
	| 'agreement_status'
	| 'report_type';

export interface ColumnDef {
	id: string;
	type: ColumnType;
	required: boolean;
	/** SQL type of the stored column. */
	sql: string;
	/**
	 * Free text (`text`, and the raw cell of a brick list): the most characters (UTF-16 units)
	 * kept. A longer value is cut there and loaded with a warning; a longer identifier (a key
	 * column) is an error. See `TEXT_LIMITS`.
	 */
	max?: number;
	/** An identifier: too long is an error, never cut (two ids cut alike would become one). */
	identifier?: boolean;
}

/**
 * How long free text may be, per column (issue 18 #1: one title of 30 000 characters took the
 * PDF report and the server down). Generous for what each column holds — a company name, a
 * title, a summary, a URL — and small enough that no page, PDF or spreadsheet cell is ever
 * swamped. Identifiers (`numero_dossier`, `numero_convention`) are refused beyond theirs.
 */
export const TEXT_LIMITS: Record<string, number> = {
	numero_dossier: 100,
	numero_convention: 100,
	raison_sociale: 200,
	titre_projet: 300,
	region: 100,
	site_web: 2000,
	resume: 5000,
	licence_envisagee: 100,
	dnsh_solution_reference: 1000,
	dnsh_justification: 5000,
	depot_code_url: 2000,
	licence: 100,
	commentaire: 5000,
	briques: 1000,
	briques_integrees: 1000
};
const IDENTIFIERS = new Set(['numero_dossier', 'numero_convention']);

const col = (id: string, type: ColumnType, required: boolean): ColumnDef => {
	const def: ColumnDef = { id, type, required, sql: SQL_TYPES[type] };
	if (TEXT_LIMITS[id] !== undefined && (type === 'text' || type === 'bricks')) def.max = TEXT_LIMITS[id];
	if (IDENTIFIERS.has(id)) def.identifier = true;
	return def;
};

/**
 * `text` cut to at most `max` UTF-16 units, never inside a surrogate pair, trailing spaces
 * dropped; `text` itself when it fits.
 */
export function cutText(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = max;
	const last = text.charCodeAt(end - 1);
	if (last >= 0xd800 && last <= 0xdbff) end--;
	return text.slice(0, end).trimEnd();
}

const SQL_TYPES: Record<ColumnType, string> = {
	text: 'VARCHAR',
	amount: 'DECIMAL(14,2)',
	integer: 'INTEGER',
	decimal: 'DECIMAL(12,2)',
	date: 'DATE',
	datetime: 'TIMESTAMP',
	boolean: 'BOOLEAN',
	bricks: 'VARCHAR[]',
	releve: 'INTEGER',
	siren: 'VARCHAR',
	siret: 'VARCHAR',
	postal: 'VARCHAR',
	dnsh: 'INTEGER',
	score: 'DECIMAL(4,2)',
	trl: 'INTEGER',
	application_status: 'VARCHAR',
	agreement_status: 'VARCHAR',
	report_type: 'VARCHAR'
};

export const COLUMNS: Record<ExportKind, readonly ColumnDef[]> = {
	candidatures: [
		col('numero_dossier', 'text', true),
		col('releve', 'releve', true),
		col('date_depot', 'datetime', true),
		col('statut', 'application_status', true),
		col('raison_sociale', 'text', true),
		col('siren', 'siren', true),
		col('code_postal', 'postal', true),
		col('titre_projet', 'text', true),
		col('briques', 'bricks', true),
		col('depenses_salaires', 'amount', true),
		col('frais_connexes', 'amount', true),
		col('couts_sous_traitance', 'amount', true),
		col('couts_refacturation_interne', 'amount', true),
		col('assiette_eligible', 'amount', true),
		col('aide_demandee', 'amount', true),
		col('duree_mois', 'integer', true),
		col('effectif', 'integer', true),
		col('chiffre_affaires', 'amount', true),
		col('total_bilan', 'amount', true),
		col('aides_minimis_3_ans', 'amount', true),
		col('background_ouvert', 'boolean', true),
		col('foreground_ouvert', 'boolean', true),
		col('emplois_prevus', 'integer', true),
		col('ca_prevu', 'amount', true),
		...DNSH_OBJECTIVES.map((o) => col(`dnsh_${o}`, 'dnsh', true)),
		col('siret', 'siret', false),
		col('region', 'text', false),
		col('site_web', 'text', false),
		col('resume', 'text', false),
		col('licence_envisagee', 'text', false),
		col('dnsh_solution_reference', 'text', false),
		col('dnsh_justification', 'text', false),
		col('score_expertise', 'score', false)
	],
	conventions: [
		col('numero_convention', 'text', true),
		col('numero_dossier', 'text', true),
		col('date_signature', 'date', true),
		col('assiette_retenue', 'amount', true),
		col('montant_aide', 'amount', true),
		col('date_debut', 'date', true),
		col('date_fin', 'date', true),
		col('statut', 'agreement_status', true),
		col('montant_avance', 'amount', false),
		col('date_avance', 'date', false),
		col('montant_solde', 'amount', false),
		col('date_solde', 'date', false)
	],
	rapports: [
		col('numero_dossier', 'text', true),
		col('type_rapport', 'report_type', true),
		col('date_rapport', 'date', true),
		col('depenses_realisees', 'amount', true),
		col('emplois_crees', 'decimal', true),
		col('ca_genere', 'amount', true),
		col('ca_prevu_3_ans', 'amount', false),
		col('briques_integrees', 'bricks', false),
		col('depot_code_url', 'text', false),
		col('licence', 'text', false),
		col('publication_effective', 'boolean', false),
		col('contributions_amont', 'integer', false),
		col('trl', 'trl', false),
		col('commentaire', 'text', false)
	]
};

/** The columns whose values together identify a row, per kind. */
export const KEYS: Record<ExportKind, readonly string[]> = {
	candidatures: ['numero_dossier'],
	conventions: ['numero_convention'],
	rapports: ['numero_dossier', 'type_rapport', 'date_rapport']
};

export function requiredColumns(kind: ExportKind): string[] {
	return COLUMNS[kind].filter((c) => c.required).map((c) => c.id);
}

/** Parse one cell of a column type. */
export function parseCell(type: ColumnType, raw: string, delimiter: Delimiter): Parsed<unknown> {
	switch (type) {
		case 'text':
			return parseText(raw);
		case 'amount':
			return parseAmount(raw, delimiter);
		case 'integer':
			return parseInteger(raw, delimiter);
		case 'decimal':
			return parseDecimal(raw, delimiter);
		case 'date':
			return parseDate(raw);
		case 'datetime':
			return parseDateTime(raw);
		case 'boolean':
			return parseBoolean(raw);
		case 'bricks': {
			const ids = parseBrickList(raw);
			return ids.length > 0
				? { ok: true, value: ids }
				: { ok: false, expected: { fr: 'une liste de briques (ex. SlapOS | Sōzu)', en: 'a list of bricks (e.g. SlapOS | Sōzu)' } };
		}
		case 'releve':
			return parseReleve(raw);
		case 'siren':
			return parseSiren(raw);
		case 'siret':
			return parseSiret(raw);
		case 'postal':
			return parsePostalCode(raw);
		case 'dnsh': {
			const r = parseBoundedInteger(raw, delimiter, -2, 2);
			return r.ok
				? r
				: { ok: false, expected: { fr: 'une note DNSH entre -2 et +2', en: 'a DNSH score between -2 and +2' } };
		}
		case 'score':
			return parseBoundedDecimal(raw, delimiter, 0, 20);
		case 'trl':
			return parseBoundedInteger(raw, delimiter, 1, 9);
		case 'application_status':
			return parseEnum(raw, APPLICATION_STATUS_LABELS);
		case 'agreement_status':
			return parseEnum(raw, AGREEMENT_STATUS_LABELS);
		case 'report_type':
			return parseEnum(raw, REPORT_TYPE_LABELS);
	}
}

/** What a zod issue of ours carries, besides its path (the column). */
export interface CellIssueParams {
	expected: Expected;
	kind: 'empty' | 'invalid';
}

const EMPTY: Expected = {
	fr: 'une valeur : cette colonne est obligatoire',
	en: 'a value: this column is required'
};

/**
 * One cell of a column, as the row schema reads it: empty (required or null), invalid, or its
 * value — with `cut`, the length of the text before it was cut to the column's `max`.
 */
export type CellOutcome = { ok: true; value: unknown; cut?: number } | { ok: false; params: CellIssueParams };

const NULL_CELL: CellOutcome = Object.freeze({ ok: true, value: null });

export function parseColumn(def: ColumnDef, raw: string | undefined, delimiter: Delimiter): CellOutcome {
	const value = raw ?? '';
	if (value.trim() === '') {
		if (def.required) return { ok: false, params: { expected: EMPTY, kind: 'empty' } };
		return NULL_CELL;
	}
	const max = def.max;
	if (max !== undefined && value.length > max) return longCell(def, max, value, delimiter);
	const parsed = parseCell(def.type, value, delimiter);
	if (!parsed.ok) return { ok: false, params: { expected: parsed.expected, kind: 'invalid' } };
	return parsed;
}

/** A cell longer than its column's `max` (before trimming): an identifier is refused; other text is cut, and says so. */
function longCell(def: ColumnDef, max: number, raw: string, delimiter: Delimiter): CellOutcome {
	// A brick list is cut before it is read; text after it is read (trimmed, line breaks unified).
	const trimmed = def.type === 'bricks' ? raw.trim() : raw;
	const long = trimmed.length > max;
	const parsed = parseCell(def.type, def.type === 'bricks' ? cutText(trimmed, max) : raw, delimiter);
	if (!parsed.ok) return { ok: false, params: { expected: parsed.expected, kind: 'invalid' } };
	if (def.type === 'bricks') return long ? { ok: true, value: parsed.value, cut: trimmed.length } : parsed;
	const text = parsed.value as string;
	if (text.length <= max) return parsed;
	if (def.identifier) {
		return {
			ok: false,
			params: {
				expected: { fr: `un identifiant d’au plus ${max} caractères (celui-ci en a ${text.length})`, en: `an identifier of at most ${max} characters (this one has ${text.length})` },
				kind: 'invalid'
			}
		};
	}
	return { ok: true, value: cutText(text, max), cut: text.length };
}

function cellSchema(def: ColumnDef, delimiter: Delimiter) {
	return z
		.string()
		.optional()
		.transform((raw, ctx) => {
			const outcome = parseColumn(def, raw, delimiter);
			if (!outcome.ok) {
				ctx.addIssue({ code: 'custom', message: outcome.params.expected.fr, params: outcome.params });
				return z.NEVER;
			}
			return outcome.value;
		});
}

const cache = new Map<string, z.ZodType<Record<string, unknown>, Record<string, string | undefined>>>();

/** The zod schema of one row of an export kind, given the file's delimiter. */
export function rowSchema(kind: ExportKind, delimiter: Delimiter) {
	const key = `${kind}${delimiter}`;
	let schema = cache.get(key);
	if (!schema) {
		const shape: Record<string, ReturnType<typeof cellSchema>> = {};
		for (const def of COLUMNS[kind]) shape[def.id] = cellSchema(def, delimiter);
		schema = z.object(shape) as unknown as z.ZodType<Record<string, unknown>, Record<string, string | undefined>>;
		cache.set(key, schema);
	}
	return schema;
}

/**
 * A row checked by `parseRow`: its values in column order (with the columns whose text was
 * cut to its limit, and their length before: `cuts`), or one issue per bad cell.
 */
export type RowOutcome =
	| { success: true; data: Record<string, unknown>; cuts?: { column: string; length: number }[] }
	| { success: false; issues: { column: string; params: CellIssueParams }[] };

/**
 * Exactly what `rowSchema(kind, delimiter).safeParse(input)` answers (same values, same keys
 * in the same order, same issues in the same order: tests/unit/fuzz-fast-path.test.ts), without
 * zod's per-row machinery: the import of 100 000 rows runs this. `rowSchema` stays the
 * definition; both read cells through `parseColumn`.
 */
export function parseRow(kind: ExportKind, delimiter: Delimiter, input: Record<string, string | undefined>): RowOutcome {
	const defs = COLUMNS[kind];
	return parseRecord(kind, delimiter, defs.map((def) => input[def.id] ?? ''), defs.map((_, i) => i));
}

const ROW_TEMPLATES = Object.fromEntries(
	EXPORT_KINDS.map((kind) => [kind, Object.fromEntries(COLUMNS[kind].map((def) => [def.id, null]))])
) as Record<ExportKind, Record<string, unknown>>;

/**
 * `parseRow` on a record as parsed from the file, without building the input object:
 * `indexOf[i]` is the record index of `COLUMNS[kind][i]` (undefined when the file lacks it).
 */
export function parseRecord(
	kind: ExportKind,
	delimiter: Delimiter,
	record: readonly string[],
	indexOf: readonly (number | undefined)[]
): RowOutcome {
	const defs = COLUMNS[kind];
	// A copy of a row with every column (same keys, same order): the stores below then replace
	// values instead of adding properties one by one.
	const data: Record<string, unknown> = { ...ROW_TEMPLATES[kind] };
	let issues: { column: string; params: CellIssueParams }[] | null = null;
	let cuts: { column: string; length: number }[] | undefined;
	for (let i = 0; i < defs.length; i++) {
		const def = defs[i]!;
		const index = indexOf[i];
		const outcome = parseColumn(def, index === undefined ? undefined : record[index], delimiter);
		if (outcome.ok) {
			data[def.id] = outcome.value;
			if (outcome.cut !== undefined) (cuts ??= []).push({ column: def.id, length: outcome.cut });
		} else (issues ??= []).push({ column: def.id, params: outcome.params });
	}
	return issues ? { success: false, issues } : cuts ? { success: true, data, cuts } : { success: true, data };
}

/** Kind of a file from its normalised header: the kind whose distinguishing columns are present. */
export function detectKind(headers: readonly string[]): ExportKind | null {
	const has = (c: string) => headers.includes(c);
	let best: { kind: ExportKind; score: number } | null = null;
	for (const kind of EXPORT_KINDS) {
		const required = requiredColumns(kind);
		const score = required.filter(has).length / required.length;
		if (!best || score > best.score) best = { kind, score };
	}
	if (!best || best.score < 0.5) return null;
	return best.kind;
}
