/**
 * Writing CSV for people and spreadsheets. Every cell that a spreadsheet would read as a
 * formula (starting with =, +, -, @, tab or carriage return) is neutralised with a leading
 * apostrophe (OWASP "CSV injection"), except plain numbers written by us.
 */

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made safe for spreadsheets. */
export function neutralizeFormula(value: string): string {
	return FORMULA_START.test(value) ? `'${value}` : value;
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
