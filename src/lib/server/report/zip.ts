/**
 * The report as a ZIP of CSV files for French Excel: UTF-8 with BOM, `;` between cells, a
 * decimal comma, CRLF; written by `toCsv` (src/lib/spreadsheet.ts), which also neutralises
 * formula-like text. `00-rapport.csv` holds the title block; then one file per table,
 * numbered in the report's order and named after the table (`07-financement-par-projet.csv`).
 *
 * Cells: money and decimals as numbers (`99999,99`), integers, ratios as percentages with
 * one decimal (`25,2`, the column header says `(%)`) — the same rounding as the page and the
 * PDF —, days as `15/04/2026`, text as text.
 */
import { zipSync, strToU8 } from 'fflate';
import { formatDate } from '../../format';
import { t } from '../../i18n';
import { toCsv, type Cell as CsvCell } from '../../spreadsheet';
import { excelText } from './cells';
import { allTables, type Cell, type ReportModel, type ReportTable } from './model';

const CSV_OPTIONS = { delimiter: ';', bom: true, decimalComma: true } as const;

export function csvValue(cell: Cell): CsvCell {
	if (cell.value === null) return null;
	switch (cell.type) {
		case 'money':
		case 'decimal':
			return Number(cell.value);
		case 'integer':
			return cell.value;
		case 'percent':
			return Math.round(cell.value * 1000) / 10;
		case 'date':
			return formatDate(cell.value);
		case 'text':
			// These files are for Excel: no cell longer than it holds.
			return excelText(cell.value);
	}
}

export function tableCsv(table: ReportTable): string {
	const header = table.columns.map((c) => (c.type === 'percent' ? `${c.label} (%)` : c.label));
	const rows: CsvCell[][] = [header, ...table.rows.map((r) => r.map(csvValue))];
	if (table.total) rows.push(table.total.map(csvValue));
	return toCsv(rows, CSV_OPTIONS);
}

export function coverCsv(model: ReportModel): string {
	const L = (fr: string, en: string) => t(model.lang, fr, en);
	const rows: CsvCell[][] = [
		[L('Rubrique', 'Item'), L('Valeur', 'Value')],
		[L('Rapport', 'Report'), model.title],
		[L('Programme', 'Programme'), model.programme],
		...model.subtitle.map((s) => ['', s]),
		[L('Début de période', 'Start of period'), formatDate(model.period.start)],
		[L('Fin de période', 'End of period'), formatDate(model.period.end)],
		[L('Produit le', 'Produced on'), formatDate(model.producedAt, model.lang, true)],
		[L('Par', 'By'), model.producedBy],
		[L('Données', 'Data'), model.provenance],
		...model.method.map((m) => [L('Lecture des chiffres', 'How to read'), m]),
		...model.mentions.map((m) => [L('Mention', 'Statement'), m]),
		...csvFileNames(model).map((name, i) => [L('Fichier', 'File'), `${name} — ${allTables(model)[i]!.title}`])
	];
	return toCsv(rows, CSV_OPTIONS);
}

/** `01-synthese.csv`, … in the report's order. */
export function csvFileNames(model: ReportModel): string[] {
	return allTables(model).map((table, i) => `${String(i + 1).padStart(2, '0')}-${table.id}.csv`);
}

export function renderZip(model: ReportModel): Uint8Array {
	const mtime = new Date(`${model.producedAt.replace(' ', 'T')}:00`);
	const files: Record<string, [Uint8Array, { mtime: Date }]> = {
		'00-rapport.csv': [strToU8(coverCsv(model)), { mtime }]
	};
	const names = csvFileNames(model);
	allTables(model).forEach((table, i) => {
		files[names[i]!] = [strToU8(tableCsv(table)), { mtime }];
	});
	return zipSync(files, { level: 6 });
}
