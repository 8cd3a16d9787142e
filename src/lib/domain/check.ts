/**
 * Check one export file against the contract (exports.md §1–§4): decode, tabulate, detect
 * the kind, match the header, parse every cell as the kind's zod schema does (through its
 * fast path `parseRecord`), find duplicate keys. Every error is collected (not just the
 * first), with file, row, column and value.
 * Pure: the browser preview and the server import run exactly this.
 */
import { decodeBytes, isBlankRecord, parseTable, type Encoding } from './csv';
import { normalizeHeader } from './normalize';
import { siretOfSiren, siretValid, type Delimiter, type Expected } from './parsers';
import {
	COLUMNS,
	KEYS,
	KIND_LABELS,
	detectKind,
	parseRecord,
	requiredColumns,
	cutText,
	TEXT_LIMITS,
	type ExportKind
} from './schemas';

export type IssueCode =
	| 'not_text'
	| 'empty_file'
	| 'bad_quotes'
	| 'unknown_kind'
	| 'missing_column'
	| 'duplicate_column'
	| 'extra_cells'
	| 'empty'
	| 'invalid'
	| 'duplicate_key'
	| 'unknown_column'
	| 'orphan'
	| 'kind_repeated'
	| 'truncated'
	| 'siret';

export interface ImportIssue {
	file: string;
	/** Row in the file, the header being row 1; null for the file as a whole. */
	row: number | null;
	column: string | null;
	value: string | null;
	code: IssueCode;
	/** `structure` for the file's shape (columns, quoting); `content` for cells. */
	category: 'structure' | 'content';
	message: Expected;
}

export type ParsedRow = Record<string, unknown> & { __row: number };

export interface CheckedExport {
	file: string;
	kind: ExportKind | null;
	encoding: Encoding | null;
	delimiter: Delimiter | null;
	/** Header as written and as normalised. */
	headers: { raw: string; normalized: string }[];
	unknownColumns: string[];
	/** Data rows read (blank lines excluded). */
	rowCount: number;
	rows: ParsedRow[];
	/** Each row's key (`KEYS[kind]`' values, joined by U+0001: the dossier number alone for applications) → its row number. */
	keys: Map<string, number>;
	errors: ImportIssue[];
	warnings: ImportIssue[];
	/** Cells of loaded rows whose text was cut to its column's limit (`TEXT_LIMITS`): one warning each for the first `CUT_WARNINGS`, then one for the rest. */
	cuts: number;
	/**
	 * How the text was cut into records, once it was: its length in UTF-16 units, the header's
	 * index, the records papaparse gave (trailing empty ones included) and the line break it
	 * used. What the check of a large file in two halves (server/import/split.ts) needs to join them.
	 */
	layout: { chars: number; headerIndex: number; parsed: number; linebreak: string } | null;
}

const MAX_ERRORS = 10_000;
/** Cut cells reported one by one per file; the rest are counted in one last warning. */
export const CUT_WARNINGS = 1000;
/** An issue's value is shown up to this many characters (a 30 000-character cell would swamp the report). */
export const ISSUE_VALUE_MAX = 500;

/** A value as an issue shows it: at most `ISSUE_VALUE_MAX` characters, then `…`. */
export function shownValue(value: string): string {
	return value.length <= ISSUE_VALUE_MAX ? value : `${cutText(value, ISSUE_VALUE_MAX)}…`;
}

/** `1 234` (grouped with a no-break space, as French writes it; the same in both languages, for the report's messages). */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');

/** The warning for one cell cut to its column's limit: where, how long it was, where it was cut. */
export function cutWarning(file: string, row: number, column: string, length: number, kept: string): ImportIssue {
	const max = TEXT_LIMITS[column] ?? kept.length;
	const end = kept.slice(-40);
	return issue(file, 'truncated', {
		fr: `Texte de ${count(length)} caractères coupé à ${count(max)} (la limite de la colonne ${column}) : chargé jusqu’à « …${end} », la suite est ignorée.`,
		en: `Text of ${count(length)} characters cut to ${count(max)} (the limit of column ${column}): loaded up to "…${end}", the rest is ignored.`
	}, { row, column, value: kept });
}

/** The one warning for the cut cells beyond the first `CUT_WARNINGS` of a file. */
export function cutSummary(file: string, more: number): ImportIssue {
	return issue(file, 'truncated', {
		fr: `${count(more)} autres textes coupés à la limite de leur colonne (non détaillés).`,
		en: `${count(more)} more texts cut to their column's limit (not listed).`
	});
}

/** Where a check stands, for a progress bar (the browser preview runs it in a Web Worker). */
export interface CheckProgress {
	phase: 'decoding' | 'parsing' | 'checking' | 'done';
	/** Data records checked so far, out of `total` (0 before the `checking` phase). */
	done: number;
	total: number;
}

export interface CheckOptions {
	/** Called at each phase, then every 2 000 records while checking. */
	onProgress?: (progress: CheckProgress) => void;
	/** Receives the raw records as parsed (header at `headerIndex`), e.g. to preview cells. */
	onRecords?: (records: readonly string[][], headerIndex: number) => void;
}

const PROGRESS_EVERY = 2000;
const CHECKED: string[] = [];

function issue(
	file: string,
	code: IssueCode,
	message: Expected,
	at: { row?: number | null; column?: string | null; value?: string | null } = {}
): ImportIssue {
	const structure: IssueCode[] = ['not_text', 'empty_file', 'bad_quotes', 'unknown_kind', 'missing_column', 'duplicate_column', 'extra_cells', 'unknown_column', 'kind_repeated'];
	return {
		file,
		row: at.row ?? null,
		column: at.column ?? null,
		value: at.value === null || at.value === undefined ? null : shownValue(at.value),
		code,
		category: structure.includes(code) ? 'structure' : 'content',
		message
	};
}

/** Check the bytes of one export. Never throws on bad input: problems become errors. */
export function checkExport(file: string, bytes: Uint8Array, options: CheckOptions = {}): CheckedExport {
	const { onProgress, onRecords } = options;
	const result: CheckedExport = {
		file,
		kind: null,
		encoding: null,
		delimiter: null,
		headers: [],
		unknownColumns: [],
		rowCount: 0,
		rows: [],
		keys: new Map(),
		errors: [],
		warnings: [],
		cuts: 0,
		layout: null
	};
	onProgress?.({ phase: 'decoding', done: 0, total: 0 });
	const decoded = decodeBytes(bytes);
	if (!decoded) {
		result.errors.push(
			issue(file, 'not_text', {
				fr: 'Le fichier n’est pas un texte CSV lisible (fichier binaire, tableur .xlsx ?). Enregistrez-le au format CSV.',
				en: 'The file is not readable CSV text (a binary or .xlsx file?). Save it as CSV.'
			})
		);
		return result;
	}
	result.encoding = decoded.encoding;
	onProgress?.({ phase: 'parsing', done: 0, total: 0 });
	const table = parseTable(decoded.text);
	result.delimiter = table.delimiter;
	for (const e of table.parseErrors) {
		result.errors.push(
			issue(file, 'bad_quotes', {
				fr: `Guillemets mal fermés (${e.message}) : chaque champ entre guillemets doit se terminer par un guillemet, et un guillemet à l’intérieur s’écrit "".`,
				en: `Badly closed quotes (${e.message}): each quoted field must end with a quote; a quote inside is written "".`
			}, { row: e.row })
		);
	}
	const headerIndex = table.records.findIndex((r) => !isBlankRecord(r));
	if (headerIndex < 0) {
		result.errors.push(issue(file, 'empty_file', { fr: 'Le fichier est vide.', en: 'The file is empty.' }));
		return result;
	}
	result.layout = { chars: decoded.text.length, headerIndex, parsed: table.parsed, linebreak: table.linebreak };
	onRecords?.(table.records, headerIndex);
	const headerRecord = table.records[headerIndex]!;
	// Trailing empty header cells (a `;` at the end of each line) are ignored.
	let width = headerRecord.length;
	while (width > 0 && headerRecord[width - 1]!.trim() === '') width--;
	result.headers = headerRecord.slice(0, width).map((raw) => ({ raw, normalized: normalizeHeader(raw) }));
	const normalized = result.headers.map((h) => h.normalized);
	const kind = detectKind(normalized);
	if (!kind) {
		result.errors.push(
			issue(file, 'unknown_kind', {
				fr: 'L’en-tête ne correspond à aucun des trois exports (candidatures, conventions, rapports). Vérifiez que la première ligne contient les noms de colonnes.',
				en: 'The header matches none of the three exports (applications, agreements, reports). Check that the first line holds the column names.'
			}, { row: headerIndex + 1, value: headerRecord.join(table.delimiter).slice(0, 200) })
		);
		return result;
	}
	result.kind = kind;
	const known = new Set(COLUMNS[kind].map((c) => c.id));
	const seen = new Map<string, number>();
	normalized.forEach((name, i) => {
		const raw = result.headers[i]!.raw;
		if (name === '') return;
		if (seen.has(name)) {
			result.errors.push(
				issue(file, 'duplicate_column', {
					fr: `La colonne « ${name} » apparaît deux fois (colonnes ${seen.get(name)! + 1} et ${i + 1}) : supprimez l’une des deux.`,
					en: `Column "${name}" appears twice (columns ${seen.get(name)! + 1} and ${i + 1}): remove one.`
				}, { row: headerIndex + 1, column: name, value: raw })
			);
			return;
		}
		seen.set(name, i);
		if (!known.has(name)) {
			result.unknownColumns.push(raw);
			result.warnings.push(
				issue(file, 'unknown_column', {
					fr: `Colonne inconnue « ${raw} » ignorée.`,
					en: `Unknown column "${raw}" ignored.`
				}, { row: headerIndex + 1, column: raw, value: raw })
			);
		}
	});
	for (const id of requiredColumns(kind)) {
		if (!seen.has(id)) {
			result.errors.push(
				issue(file, 'missing_column', {
					fr: `Colonne obligatoire « ${id} » absente de l’export ${KIND_LABELS[kind].fr.toLowerCase()} : ajoutez-la.`,
					en: `Required column "${id}" is missing from the ${KIND_LABELS[kind].en.toLowerCase()} export: add it.`
				}, { row: headerIndex + 1, column: id })
			);
		}
	}
	if (result.errors.some((e) => e.code === 'missing_column' || e.code === 'duplicate_column')) {
		result.rowCount = table.records.slice(headerIndex + 1).filter((r) => !isBlankRecord(r)).length;
		return result;
	}

	const keyCols = KEYS[kind];
	const keys = result.keys;
	const indexOf = COLUMNS[kind].map((def) => seen.get(def.id));
	const total = table.records.length - headerIndex - 1;
	onProgress?.({ phase: 'checking', done: 0, total });
	for (let r = headerIndex + 1; r < table.records.length; r++) {
		if (onProgress && (r - headerIndex) % PROGRESS_EVERY === 0) onProgress({ phase: 'checking', done: r - headerIndex, total });
		const record = table.records[r]!;
		// Nobody else reads the records: let each go once checked (less memory held, less to collect).
		if (!onRecords) table.records[r] = CHECKED;
		if (isBlankRecord(record)) continue;
		const rowNumber = r + 1;
		result.rowCount++;
		if (result.errors.length >= MAX_ERRORS) continue;
		for (let c = width; c < record.length; c++) {
			if (record[c]!.trim() !== '') {
				result.errors.push(
					issue(file, 'extra_cells', {
						fr: `Cette ligne a plus de cellules (${record.length}) que l’en-tête n’a de colonnes (${width}) : un séparateur en trop, ou un texte contenant « ${table.delimiter} » non entouré de guillemets.`,
						en: `This row has more cells (${record.length}) than the header has columns (${width}): an extra delimiter, or text containing "${table.delimiter}" not in quotes.`
					}, { row: rowNumber, column: `#${c + 1}`, value: record[c]! })
				);
				break;
			}
		}
		// The fast path of rowSchema(kind, delimiter).safeParse(input) (input: the record's known
		// columns by name): same answer, without zod per row.
		const parsed = parseRecord(kind, table.delimiter, record, indexOf);
		if (!parsed.success) {
			for (const { column, params } of parsed.issues) {
				const index = seen.get(column);
				result.errors.push(issue(file, params.kind, params.expected, { row: rowNumber, column, value: (index === undefined ? undefined : record[index]) ?? '' }));
			}
			continue;
		}
		const row = parsed.data as ParsedRow;
		row.__row = rowNumber;
		const key = keyCols.length === 1 ? String(row[keyCols[0]!]) : keyCols.map((k) => String(row[k])).join('\u0001');
		const first = keys.get(key);
		if (first !== undefined) {
			const shown = keyCols.map((k) => String(row[k])).join(' / ');
			result.errors.push(
				issue(file, 'duplicate_key', {
					fr: `Identifiant en double : « ${shown} » figure déjà à la ligne ${first}. Chaque ${keyCols.join(' + ')} ne doit apparaître qu’une fois.`,
					en: `Duplicate key: "${shown}" already appears on row ${first}. Each ${keyCols.join(' + ')} must appear once.`
				}, { row: rowNumber, column: keyCols.join('+'), value: shown })
			);
			continue;
		}
		keys.set(key, rowNumber);
		result.rows.push(row);
		if (parsed.cuts) {
			for (const { column, length } of parsed.cuts) {
				if (result.cuts++ < CUT_WARNINGS) result.warnings.push(cutWarning(file, rowNumber, column, length, String(row[column] ?? '')));
			}
		}
		if (kind === 'candidatures') {
			const warning = siretWarning(file, row);
			if (warning) result.warnings.push(warning);
		}
	}
	if (result.cuts > CUT_WARNINGS) result.warnings.push(cutSummary(file, result.cuts - CUT_WARNINGS));
	onProgress?.({ phase: 'done', done: total, total });
	if (result.errors.length === 0 && result.rowCount === 0) {
		result.warnings.push(
			issue(file, 'empty_file', {
				fr: 'Le fichier ne contient aucune ligne de données : la photographie chargée sera vide.',
				en: 'The file holds no data row: the loaded snapshot will be empty.'
			})
		);
	}
	return result;
}

/**
 * Rule R22 on load: a `siret` that fails the check, or does not start with the row's `siren`,
 * is a warning naming row and column (the row is loaded, and flagged R22); a lauréat without a
 * valid SIRET is a warning naming it, for it will be left out of the SCDL open-data file.
 */
function siretWarning(file: string, row: ParsedRow): ImportIssue | null {
	const siret = typeof row.siret === 'string' && row.siret !== '' ? row.siret : null;
	const siren = String(row.siren ?? '');
	const laureat = row.statut === 'laureat';
	const who = `${String(row.numero_dossier)} (${String(row.raison_sociale ?? '')})`;
	const scdl = laureat
		? {
				fr: ` Lauréat ${who} : il restera hors du fichier SCDL « subventions » tant que son SIRET n’est pas valide.`,
				en: ` Winner ${who}: it stays out of the SCDL « subventions » file until its SIRET is valid.`
			}
		: { fr: '', en: '' };
	if (siret !== null) {
		if (siretOfSiren(siret, siren)) return null;
		const why = !/^\d{14}$/.test(siret)
			? { fr: 'il n’a pas 14 chiffres', en: 'it does not have 14 digits' }
			: !siretValid(siret)
				? { fr: 'sa clé de contrôle (Luhn) est fausse', en: 'its check digit (Luhn) is wrong' }
				: { fr: `il ne commence pas par le SIREN « ${siren} » de la ligne`, en: `it does not start with the row's SIREN "${siren}"` };
		return issue(file, 'siret', {
			fr: `SIRET invalide (règle R22) : ${why.fr}. La ligne est chargée et signalée ; corrigez le SIRET dans la plateforme.${scdl.fr}`,
			en: `Invalid SIRET (rule R22): ${why.en}. The row is loaded and flagged; correct the SIRET in the platform.${scdl.en}`
		}, { row: row.__row, column: 'siret', value: siret });
	}
	if (!laureat) return null;
	return issue(file, 'siret', {
		fr: `Lauréat ${who} sans SIRET : il restera hors du fichier SCDL « subventions », qui exige l’identifiant du bénéficiaire ; renseignez son SIRET dans la plateforme.`,
		en: `Winner ${who} has no SIRET: it stays out of the SCDL « subventions » file, which requires the beneficiary's identifier; fill in its SIRET in the platform.`
	}, { row: row.__row, column: 'siret', value: '' });
}

/** Files given together: at most one per kind (an export is a full snapshot). */
export function crossFileErrors(checked: readonly Pick<CheckedExport, 'file' | 'kind'>[]): ImportIssue[] {
	const errors: ImportIssue[] = [];
	const byKind = new Map<ExportKind, string>();
	for (const c of checked) {
		if (!c.kind) continue;
		const first = byKind.get(c.kind);
		if (first) {
			errors.push(
				issue(c.file, 'kind_repeated', {
					fr: `Deux exports ${KIND_LABELS[c.kind].fr.toLowerCase()} dans le même chargement (${first} et ${c.file}) : un export est une photographie complète, chargez-en un seul.`,
					en: `Two ${KIND_LABELS[c.kind].en.toLowerCase()} exports in one load (${first} and ${c.file}): an export is a full snapshot, load only one.`
				})
			);
		} else byKind.set(c.kind, c.file);
	}
	return errors;
}

/** One line of a report: `file:row: column « value » — message`. */
export function formatIssue(i: ImportIssue, lang: 'fr' | 'en' = 'fr'): string {
	const where = [i.file, i.row !== null ? (lang === 'fr' ? `ligne ${i.row}` : `row ${i.row}`) : null]
		.filter(Boolean)
		.join(', ');
	const col = i.column ? (lang === 'fr' ? `, colonne ${i.column}` : `, column ${i.column}`) : '';
	const val = i.value !== null && i.value !== undefined ? (lang === 'fr' ? `, valeur « ${i.value} »` : `, value "${i.value}"`) : '';
	const expected = i.code === 'invalid' || i.code === 'empty' ? (lang === 'fr' ? ' : attendu ' : ': expected ') : ' : ';
	return `${where}${col}${val}${expected}${i.message[lang]}`;
}
