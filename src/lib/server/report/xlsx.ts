/**
 * The report as an XLSX workbook (exceljs 4): a first sheet « Rapport » with the title
 * block (programme, period, production, how to read, mentions, provenance, the list of
 * sheets), then one sheet per table. Figures are stored as numbers with a number format, so
 * that they add up in a spreadsheet: money `#,##0 "€"` (or with cents when there are some;
 * `,` is the format code's grouping mark, shown as a space by French Excel), integers
 * `#,##0`, ratios `0.0 %`, days as dates `dd/mm/yyyy`. Decimal strings become numbers only
 * here, cell by cell.
 */
import ExcelJS from 'exceljs';
import { t } from '../../i18n';
import { formatDate } from '../../format';
import { safeCellValue } from '../../spreadsheet';
import { excelText, hasCents } from './cells';
import type { Cell, ReportModel, ReportTable } from './model';
import { allTables } from './model';

export const MONEY_FORMAT = '#,##0 "€"';
export const MONEY_CENTS_FORMAT = '#,##0.00 "€"';
export const INTEGER_FORMAT = '#,##0';
export const DECIMAL_FORMAT = '#,##0.0#';
export const PERCENT_FORMAT = '0.0 %';
export const DATE_FORMAT = 'dd/mm/yyyy';

/** First row of the header in each table sheet (1-based): title, period, blank, header. */
export const HEADER_ROW = 4;

/** A cell's value and number format in the workbook. */
export function xlsxValue(cell: Cell): { value: ExcelJS.CellValue; numFmt?: string } {
	if (cell.value === null) return { value: null };
	switch (cell.type) {
		case 'money':
			return { value: Number(cell.value), numFmt: hasCents(cell.value) ? MONEY_CENTS_FORMAT : MONEY_FORMAT };
		case 'integer':
			return { value: cell.value, numFmt: INTEGER_FORMAT };
		case 'decimal':
			return { value: Number(cell.value), numFmt: DECIMAL_FORMAT };
		case 'percent':
			return { value: cell.value, numFmt: PERCENT_FORMAT };
		case 'date':
			return { value: new Date(`${cell.value}T00:00:00Z`), numFmt: DATE_FORMAT };
		case 'text':
			// Data (company names, titles…) may start with = + - @: never a formula (spreadsheet.ts);
			// and never more than Excel holds in a cell.
			return { value: excelText(safeCellValue(cell.value)) };
	}
}

/** Sheet names: the table ids, at most 31 characters, unique. */
export function sheetNames(model: ReportModel): string[] {
	const used = new Set<string>(['rapport']);
	return allTables(model).map((table) => {
		let name = table.id.slice(0, 31);
		for (let i = 2; used.has(name.toLowerCase()); i++) name = `${table.id.slice(0, 28)}-${i}`;
		used.add(name.toLowerCase());
		return name;
	});
}

const BRAND = 'FF1D3B6E';
const HEAD_FILL = 'FFE7EDF7';

function tableSheet(wb: ExcelJS.Workbook, name: string, table: ReportTable, model: ReportModel): void {
	const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: HEADER_ROW }] });
	ws.getCell(1, 1).value = table.title;
	ws.getCell(1, 1).font = { bold: true, size: 13, color: { argb: BRAND } };
	ws.getCell(2, 1).value = `${model.title} — ${t(model.lang, 'période', 'period')} ${model.period.label}`;
	ws.getCell(2, 1).font = { italic: true, color: { argb: 'FF5B6472' } };
	const header = ws.getRow(HEADER_ROW);
	table.columns.forEach((c, i) => {
		const cell = header.getCell(i + 1);
		cell.value = c.label;
		cell.font = { bold: true };
		cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEAD_FILL } };
		cell.alignment = { wrapText: true, vertical: 'top', horizontal: c.type === 'text' || c.type === 'date' ? 'left' : 'right' };
		cell.border = { bottom: { style: 'thin', color: { argb: BRAND } } };
	});
	const write = (rowNumber: number, cells: Cell[], bold = false) => {
		const row = ws.getRow(rowNumber);
		cells.forEach((cell, i) => {
			const { value, numFmt } = xlsxValue(cell);
			const target = row.getCell(i + 1);
			target.value = value;
			if (numFmt) target.numFmt = numFmt;
			if (bold) {
				target.font = { bold: true };
				target.border = { top: { style: 'thin', color: { argb: BRAND } } };
			}
		});
	};
	table.rows.forEach((r, i) => write(HEADER_ROW + 1 + i, r));
	let next = HEADER_ROW + 1 + table.rows.length;
	if (table.total) write(next++, table.total, true);
	if (table.rows.length === 0 && table.empty) ws.getCell(next++, 1).value = table.empty;
	if (table.note) {
		ws.getCell(next + 1, 1).value = table.note;
		ws.getCell(next + 1, 1).font = { italic: true, color: { argb: 'FF5B6472' } };
	}
	table.columns.forEach((c, i) => {
		const longest = Math.max(
			c.label.length * 0.8,
			...table.rows.map((r) => {
				const cell = r[i];
				if (!cell || cell.value === null) return 1;
				return cell.type === 'text' ? Math.min(60, String(cell.value).length) : 14;
			})
		);
		ws.getColumn(i + 1).width = Math.max(9, Math.min(62, Math.ceil(longest) + 2));
	});
}

export async function renderXlsx(model: ReportModel): Promise<Uint8Array> {
	const L = (fr: string, en: string) => t(model.lang, fr, en);
	const wb = new ExcelJS.Workbook();
	wb.creator = 'Cap Digital — Hyper Open X';
	wb.title = `${model.title} — ${model.period.label}`;
	wb.subject = model.programme;
	wb.created = new Date(`${model.producedAt.replace(' ', 'T')}:00Z`);

	const cover = wb.addWorksheet(L('Rapport', 'Report'));
	cover.getColumn(1).width = 24;
	cover.getColumn(2).width = 110;
	const lines: [string, string | Date, string?][] = [
		[model.title, ''],
		[model.programme, ''],
		[model.subtitle.join(' · '), ''],
		['', ''],
		[L('Début de période', 'Start of period'), new Date(`${model.period.start}T00:00:00Z`), DATE_FORMAT],
		[L('Fin de période', 'End of period'), new Date(`${model.period.end}T00:00:00Z`), DATE_FORMAT],
		[L('Produit le', 'Produced on'), formatDate(model.producedAt, model.lang, true)],
		[L('Par', 'By'), model.producedBy],
		[L('Données', 'Data'), model.provenance],
		['', ''],
		...model.method.map((m, i): [string, string] => [i === 0 ? L('Lecture des chiffres', 'How to read') : '', m]),
		['', ''],
		...model.mentions.map((m, i): [string, string] => [i === 0 ? L('Mentions', 'Statements') : '', m]),
		['', ''],
		[L('Feuilles', 'Sheets'), '']
	];
	lines.forEach(([a, b, fmt], i) => {
		const row = cover.getRow(i + 1);
		row.getCell(1).value = excelText(safeCellValue(a));
		const v = safeCellValue(b); // provenance holds file names as uploaded
		row.getCell(2).value = typeof v === 'string' ? excelText(v) : v;
		if (fmt) row.getCell(2).numFmt = fmt;
		row.getCell(2).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
		row.getCell(1).alignment = { vertical: 'top' };
		if (i > 2) row.getCell(1).font = { bold: true };
	});
	cover.getCell(1, 1).font = { bold: true, size: 16, color: { argb: BRAND } };
	cover.getCell(2, 1).font = { bold: true };
	const names = sheetNames(model);
	const tables = allTables(model);
	tables.forEach((table, i) => {
		const row = cover.getRow(lines.length + 1 + i);
		row.getCell(1).value = { text: names[i]!, hyperlink: `#'${names[i]}'!A1` };
		row.getCell(1).font = { color: { argb: 'FF1D4ED8' }, underline: true };
		row.getCell(2).value = table.title;
	});
	tables.forEach((table, i) => tableSheet(wb, names[i]!, table, model));
	const buffer = await wb.xlsx.writeBuffer();
	return new Uint8Array(buffer as ArrayBuffer);
}
