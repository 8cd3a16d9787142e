/**
 * A cell as a reader sees it, in the HTML page and in the PDF alike (one function, so the
 * two can be compared character for character): `1 234 567 €` (cents only when there are
 * some: a grant of 99 999,99 € is not rounded), `2,5`, `12,5 %`, `15/04/2026`.
 */
import { formatDate, formatEur, formatNumber, formatPercent } from '../../format';
import type { Lang } from '../../i18n';
import type { Cell, CellType, Column } from './model';

export const EMPTY = '—';

/** The most characters Excel holds in a cell. */
export const EXCEL_CELL_MAX = 32_767;

/** Text for a spreadsheet cell (XLSX, or a CSV meant for Excel): at most `EXCEL_CELL_MAX` characters, a longer one cut and ended with `…`. */
export function excelText(s: string): string {
	if (s.length <= EXCEL_CELL_MAX) return s;
	let end = EXCEL_CELL_MAX - 1;
	const last = s.charCodeAt(end - 1);
	if (last >= 0xd800 && last <= 0xdbff) end--;
	return `${s.slice(0, end)}…`;
}

/** Whether a decimal string has non-zero cents. */
export function hasCents(value: string): boolean {
	const m = /\.(\d+)$/.exec(value);
	return !!m && /[1-9]/.test(m[1]!);
}

/** Euros as the report writes them: cents only when there are some. */
export function moneyText(value: string | number, lang: Lang): string {
	return formatEur(value, lang, hasCents(String(value)));
}

export function cellText(cell: Cell, lang: Lang): string {
	if (cell.value === null || cell.value === '') return EMPTY;
	switch (cell.type) {
		case 'money':
			return formatEur(cell.value, lang, hasCents(cell.value));
		case 'integer':
			return formatNumber(cell.value, lang);
		case 'decimal':
			return formatNumber(cell.value, lang, 2);
		case 'percent':
			return formatPercent(cell.value, lang, 1);
		case 'date':
			return formatDate(cell.value, lang);
		case 'text':
			return cell.value;
	}
}

export function isNumeric(type: CellType): boolean {
	return type === 'money' || type === 'integer' || type === 'decimal' || type === 'percent';
}

/** Right-aligned: a figure, or an empty cell in a column of figures. */
export function alignRight(cell: Cell, column: Column | undefined): boolean {
	return isNumeric(cell.type) || (cell.value === null && !!column && isNumeric(column.type));
}
