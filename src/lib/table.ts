/**
 * A table of figures as plain data: what a chart shows, given again as an accessible table
 * and as a CSV download, from the same rows. Server loads build `TableData`; the DataTable
 * component renders it; `tableCsv` writes it (through `toCsv`, which neutralises formulas).
 *
 * Values are kept as the database gives them: money as decimal strings (`"125000.50"`,
 * exact), dates as `YYYY-MM-DD`, timestamps as `YYYY-MM-DD HH:MM:SS`, lists as arrays.
 * They are formatted only at the edge (on screen by `formatCell`, in CSV by `csvCell`).
 */
import { brickName } from './domain/bricks';
import {
	AGREEMENT_STATUS_LABELS,
	APPLICATION_STATUS_LABELS,
	REPORT_TYPE_LABELS,
	type AgreementStatus,
	type ApplicationStatus,
	type ReportType
} from './domain/programme';
import { formatDate, formatEur, formatNumber, formatPercent } from './format';
import { t, type Lang } from './i18n';
import { toCsv, type Cell, type CsvOptions } from './spreadsheet';

export type ColumnKind =
	| 'text'
	| 'eur'
	| 'int'
	| 'dec'
	| 'pct'
	| 'date'
	| 'datetime'
	| 'instant'
	| 'bool'
	| 'bricks'
	| 'app_status'
	| 'agr_status'
	| 'report_type'
	| 'url';

export interface Label {
	fr: string;
	en: string;
}

export interface TableColumn {
	key: string;
	label: Label;
	kind?: ColumnKind;
	/** A link for the cell, with `{column}` placeholders: `/app/candidatures/{numero_dossier}`. */
	href?: string;
	/**
	 * The key of a row field holding a ready link for the cell (not written in the CSV): the
	 * applications behind a figure, with the page's filters (list-filter.ts, `rowsHref`).
	 */
	rowsLink?: string;
	/** A short explanation shown under the header (and not in the CSV). */
	hint?: Label;
	/** Right-align and tabular figures (default for numeric kinds). */
	numeric?: boolean;
	/** Keep on one line (default for numbers, dates and identifiers given this flag). */
	nowrap?: boolean;
	/** Minimum width in characters (long text columns: titles, names). */
	minWidth?: number;
}

export type TableValue = string | number | boolean | null | undefined | readonly string[];
export type TableRow = Record<string, TableValue>;

export interface TableData {
	/** Stable id, used in the CSV file name: `financement-par-releve`. */
	id: string;
	title: Label;
	columns: TableColumn[];
	rows: TableRow[];
	/** A last row of totals, drawn apart (and written last in the CSV). */
	total?: TableRow;
}

const NUMERIC: ReadonlySet<ColumnKind> = new Set(['eur', 'int', 'dec', 'pct']);

export function isNumericColumn(c: TableColumn): boolean {
	return c.numeric ?? NUMERIC.has(c.kind ?? 'text');
}

const NOWRAP: ReadonlySet<ColumnKind> = new Set(['date', 'datetime', 'instant', 'app_status', 'agr_status']);

export function isNowrapColumn(c: TableColumn): boolean {
	return c.nowrap ?? NOWRAP.has(c.kind ?? 'text');
}

function label<T extends string>(labels: Record<T, Label>, v: unknown, lang: Lang): string {
	const l = (labels as Record<string, Label>)[String(v)];
	return l ? l[lang] : String(v);
}

/**
 * A moment stored as UTC (`2026-11-23 02:30:45.6+00`, DuckDB TIMESTAMPTZ) shown as Paris
 * wall-clock time: `23/11/2026 03:30`.
 */
export function formatInstant(value: string | null | undefined, lang: Lang = 'fr'): string {
	if (!value) return '—';
	const wall = parisWallClock(value);
	return wall ? formatDate(wall, lang, true) : value;
}

const PARIS_MINUTES = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** `2026-11-23 02:30:45+00` → `2026-11-23 03:30` (Europe/Paris), or null when unreadable. */
export function parisWallClock(value: string): string | null {
	const iso = value.trim().replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return null;
	const parts = Object.fromEntries(PARIS_MINUTES.formatToParts(d).map((p) => [p.type, p.value]));
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A cell as shown on screen. */
export function formatCell(value: TableValue, column: TableColumn, lang: Lang): string {
	if (value === null || value === undefined || value === '') return '—';
	switch (column.kind ?? 'text') {
		case 'eur':
			return formatEur(value as string | number, lang);
		case 'int':
			return formatNumber(value as string | number, lang);
		case 'dec':
			return formatNumber(value as string | number, lang, 1);
		case 'pct':
			return formatPercent(Number(value), lang);
		case 'date':
			return formatDate(String(value), lang);
		case 'datetime':
			return formatDate(String(value), lang, true);
		case 'instant':
			return formatInstant(String(value), lang);
		case 'bool':
			return value ? t(lang, 'oui', 'yes') : t(lang, 'non', 'no');
		case 'bricks':
			return (Array.isArray(value) ? value : [String(value)]).map(brickName).join(', ');
		case 'app_status':
			return label<ApplicationStatus>(APPLICATION_STATUS_LABELS, value, lang);
		case 'agr_status':
			return label<AgreementStatus>(AGREEMENT_STATUS_LABELS, value, lang);
		case 'report_type':
			return label<ReportType>(REPORT_TYPE_LABELS, value, lang);
		default:
			return Array.isArray(value) ? value.join(', ') : String(value);
	}
}

/** The link of a cell, or null when the column has none or a placeholder is empty. */
export function cellHref(row: TableRow, column: TableColumn): string | null {
	if (column.rowsLink) {
		const link = row[column.rowsLink];
		return typeof link === 'string' && link.startsWith('/') ? link : null;
	}
	if (!column.href) return null;
	let missing = false;
	const href = column.href.replace(/\{(\w+)\}/g, (_, k: string) => {
		const v = row[k];
		if (v === null || v === undefined || v === '') missing = true;
		return encodeURIComponent(String(v ?? ''));
	});
	return missing ? null : href;
}

/** A cell as written in CSV: numbers as numbers, dates ISO, labels in the reader's language. */
export function csvCell(value: TableValue, column: TableColumn, lang: Lang): Cell {
	if (value === null || value === undefined || value === '') return null;
	switch (column.kind ?? 'text') {
		case 'eur':
		case 'int':
		case 'dec':
		case 'pct':
			return Number(value);
		case 'date':
			return String(value).slice(0, 10);
		case 'datetime':
			return String(value).slice(0, 16);
		case 'instant':
			return parisWallClock(String(value)) ?? String(value);
		case 'bool':
			return value ? t(lang, 'oui', 'yes') : t(lang, 'non', 'no');
		case 'bricks':
			return (Array.isArray(value) ? value : [String(value)]).map(brickName).join(' | ');
		case 'url':
			return String(value);
		default:
			return formatCell(value, column, lang);
	}
}

/**
 * The CSV of a table. French: `;` with decimal comma and a byte-order mark (French Excel);
 * English: `,` with decimal point.
 */
export function tableCsv(table: TableData, lang: Lang): string {
	const header = table.columns.map((c) => c.label[lang]);
	const rows = table.rows.map((r) => table.columns.map((c) => csvCell(r[c.key], c, lang)));
	if (table.total) {
		const total = table.columns.map((c) => csvCell(table.total![c.key], c, lang));
		if (total[0] === null) total[0] = t(lang, 'Total', 'Total');
		rows.push(total);
	}
	const options: CsvOptions = lang === 'fr' ? { delimiter: ';', decimalComma: true, bom: true } : { delimiter: ',' };
	return toCsv([header, ...rows], options);
}
