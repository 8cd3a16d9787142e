/**
 * Writing CSV for people and spreadsheets. Every cell that a spreadsheet would read as a
 * formula (starting with =, +, -, @, tab or carriage return, or their full-width forms that
 * some spreadsheets convert) is neutralised with a leading apostrophe (OWASP "CSV
 * injection"), except plain numbers written by us. XLSX writers use `safeCellValue`.
 */

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** Would a spreadsheet read this text as a formula? */
export function looksLikeFormula(value: string): boolean {
	return FORMULA_START.test(value);
}

/** A text cell made safe for spreadsheets. */
export function neutralizeFormula(value: string): string {
	return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * A cell value for an XLSX writer (exceljs): text is neutralised like CSV text (a text cell
 * is not evaluated when the file opens, but becomes a formula as soon as someone edits it, or
 * saves the sheet as CSV); numbers, booleans, dates and null pass unchanged. Never give a
 * writer `{ formula }` objects built from data.
 */
export function safeCellValue<T>(value: T): T | string {
	return typeof value === 'string' ? neutralizeFormula(value) : value;
}

export interface CsvOptions {
	delimiter?: ',' | ';';
	/** UTF-8 byte-order mark, so that French Excel reads accents right. */
	bom?: boolean;
	/** Decimal comma for numbers (French Excel with `;`). */
	decimalComma?: boolean;
}

function csvCell(value: Cell, options: CsvOptions): string {
	if (value === null || value === undefined) return '';
	let s: string;
	if (typeof value === 'number') {
		s = Number.isFinite(value) ? String(value) : '';
		if (options.decimalComma) s = s.replace('.', ',');
	} else if (typeof value === 'boolean') {
		s = value ? 'true' : 'false';
	} else {
		s = neutralizeFormula(value);
	}
	const delimiter = options.delimiter ?? ',';
	return s.includes(delimiter) || /["\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (header first) → CSV text, CRLF line ends as RFC 4180 says. */
export function toCsv(rows: readonly (readonly Cell[])[], options: CsvOptions = {}): string {
	const body = rows.map((r) => r.map((c) => csvCell(c, options)).join(options.delimiter ?? ',')).join('\r\n') + '\r\n';
	return options.bom ? `\ufeff${body}` : body;
}
