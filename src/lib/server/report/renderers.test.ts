/**
 * The same figures in every format: each renderer's output is read back (XLSX with exceljs,
 * the ZIP with fflate and a CSV parse, the PDF's text from its uncompressed streams) and
 * compared cell by cell with the model — which report.test.ts compares with computeKpis —
 * and with the page's view.
 */
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { computeKpis } from '../figures/kpis';
import { buildReport } from './build';
import { cellText } from './cells';
import { chartForPdf, chartHtml } from './charts';
import { reportView } from './html';
import { allTables, type Cell, type ReportModel } from './model';
import { pdfDocument, pdfSvg, pdfText as pdfString, renderPdf } from './pdf';
import { FRANCE_2030_SVG } from '../../logos';
import { pdfText } from './pdf-text';
import { DATE_FORMAT, HEADER_ROW, MONEY_CENTS_FORMAT, MONEY_FORMAT, PERCENT_FORMAT, renderXlsx, sheetNames } from './xlsx';
import { csvFileNames, renderZip } from './zip';
import { AFTER_ALL, H2_2026, reportFixtureDb } from './test-fixtures';

let db: Database;
let model: ReportModel;
let whole: ReportModel;
const NOW = new Date('2026-11-23T10:15:00Z');
const SECRETS = ['Secret Refusé SARL', 'Projet confidentiel', 'Zeta Tardive', 'Epsilon Pending', 'Theta Futur', 'Hors Délai SA', 'Iota Après'];

beforeAll(async () => {
	db = await reportFixtureDb();
	model = await buildReport(db, H2_2026, 'fr', { producedBy: 'auditor@test.local', now: NOW });
	whole = await buildReport(db, AFTER_ALL, 'fr', { producedBy: 'auditor@test.local', now: NOW });
});
afterAll(() => db.close());

/** Every cell of every table, with where it is. */
function* cells(m: ReportModel): Generator<{ table: string; r: number; c: number; cell: Cell }> {
	for (const t of allTables(m)) {
		const rows = [...t.rows, ...(t.total ? [t.total] : [])];
		for (let r = 0; r < rows.length; r++) for (let c = 0; c < rows[r]!.length; c++) yield { table: t.id, r, c, cell: rows[r]![c]! };
	}
}

describe('XLSX', () => {
	it('has a sheet per table, numbers stored as numbers with formats, days as dates', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(Buffer.from(await renderXlsx(model)) as unknown as ArrayBuffer);
		const names = sheetNames(model);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['Rapport', ...names]);
		const tables = allTables(model);
		let checked = 0;
		for (const { table, r, c, cell } of cells(model)) {
			const ws = wb.getWorksheet(names[tables.findIndex((t) => t.id === table)]!)!;
			const x = ws.getRow(HEADER_ROW + 1 + r).getCell(c + 1);
			const where = `${table}[${r}][${c}]`;
			if (cell.value === null) {
				expect(x.value ?? null, where).toBeNull();
				continue;
			}
			switch (cell.type) {
				case 'money':
					expect(x.value, where).toBe(Number(cell.value));
					expect(x.numFmt, where).toBe(/\.\d*[1-9]/.test(cell.value) ? MONEY_CENTS_FORMAT : MONEY_FORMAT);
					break;
				case 'integer':
				case 'percent':
					expect(x.value, where).toBe(cell.value);
					if (cell.type === 'percent') expect(x.numFmt).toBe(PERCENT_FORMAT);
					break;
				case 'decimal':
					expect(x.value, where).toBe(Number(cell.value));
					break;
				case 'date':
					expect(x.value, where).toEqual(new Date(`${cell.value}T00:00:00Z`));
					expect(x.numFmt).toBe(DATE_FORMAT);
					break;
				case 'text':
					expect(x.value, where).toBe(cell.value);
			}
			checked++;
		}
		expect(checked).toBeGreaterThan(300);
		// Headers, and the summary equal to computeKpis when the period covers everything.
		const first = wb.getWorksheet(names[0]!)!;
		expect(first.getRow(HEADER_ROW).getCell(1).value).toBe('Indicateur');
	});

	it('agrees with computeKpis over all the data', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(Buffer.from(await renderXlsx(whole)) as unknown as ArrayBuffer);
		const k = await computeKpis(db);
		const ws = wb.getWorksheet('synthese')!;
		const value = (label: string) => {
			for (let i = HEADER_ROW + 1; i <= ws.rowCount; i++) if (ws.getRow(i).getCell(1).value === label) return ws.getRow(i).getCell(2).value;
			throw new Error(label);
		};
		expect(value('Engagé')).toBe(k.funding.committed_eur);
		expect(value('Versé')).toBe(k.funding.paid_eur);
		expect(value('Restant sur l’enveloppe')).toBe(k.funding.remaining_eur);
		expect(value('Aide demandée')).toBe(k.funding.requested_eur);
		expect(value('Emplois créés (ETP, derniers rapports)')).toBe(k.jobs.created);
		expect(value('Chiffre d’affaires généré (derniers rapports)')).toBe(k.revenue.generated_eur);
	});
});

describe('ZIP of CSV', () => {
	it('holds one French-Excel CSV per table (BOM, ;, decimal comma) with the same figures', () => {
		const files = unzipSync(renderZip(model));
		expect(Object.keys(files).sort()).toEqual(['00-rapport.csv', ...csvFileNames(model)].sort());
		const tables = allTables(model);
		let checked = 0;
		tables.forEach((t, i) => {
			const bytes = files[csvFileNames(model)[i]!]!;
			expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
			// (TextDecoder drops the BOM.)
			const text = strFromU8(bytes);
			const parsed = Papa.parse<string[]>(text, { delimiter: ';', skipEmptyLines: true }).data;
			expect(parsed[0]).toEqual(t.columns.map((c) => (c.type === 'percent' ? `${c.label} (%)` : c.label)));
			const rows = [...t.rows, ...(t.total ? [t.total] : [])];
			expect(parsed.length - 1).toBe(rows.length);
			rows.forEach((row, r) =>
				row.forEach((cell, c) => {
					const got = parsed[r + 1]![c]!;
					const where = `${t.id}[${r}][${c}]`;
					if (cell.value === null) return expect(got, where).toBe('');
					checked++;
					switch (cell.type) {
						case 'money':
						case 'decimal':
							expect(got, where).not.toContain('.');
							return expect(Number(got.replace(',', '.')), where).toBe(Number(cell.value));
						case 'integer':
							return expect(Number(got), where).toBe(cell.value);
						case 'percent':
							// The same rounding as on screen: 25,2 % → 25,2.
							return expect(got, where).toBe(cellText(cell, 'fr').replace(/[\s\u202f\u00a0]*%$/, ''));
						case 'date':
							return expect(got, where).toBe(cellText(cell, 'fr'));
						case 'text':
							return expect(got.replace(/^'/, ''), where).toBe(cell.value);
					}
				})
			);
		});
		expect(checked).toBeGreaterThan(300);
		const cover = strFromU8(files['00-rapport.csv']!);
		expect(cover).toContain('01/07/2026');
		expect(cover).toContain('Next Generation EU');
	});
});

describe('PDF', () => {
	it('shows every figure of every table as the page writes it', async () => {
		const pdf = await renderPdf(model, { compress: false });
		expect(Buffer.from(pdf.slice(0, 5)).toString()).toBe('%PDF-');
		const { runs, joined } = pdfText(pdf);
		const texts = new Set(runs.map((r) => r.trim()));
		const view = reportView(model);
		let checked = 0;
		for (const { table, r, c, cell } of cells(model)) {
			if (cell.value === null) continue;
			const shown = pdfString(cellText(cell, 'fr'));
			const where = `${table}[${r}][${c}] ${shown}`;
			if (cell.type === 'text') {
				expect(joined.replace(/\s+/g, ' '), where).toContain(shown.replace(/\s+/g, ' '));
			} else {
				// Figures never wrap: each is one run of text.
				expect(texts.has(shown), where).toBe(true);
			}
			// The page writes the same string.
			const vt = view.sections.flatMap((s) => s.tables).find((t) => t.id === table)!;
			const vrow = r < vt.rows.length ? vt.rows[r]! : vt.total!;
			expect(pdfString(vrow[c]!.text), where).toBe(shown);
			checked++;
		}
		expect(checked).toBeGreaterThan(300);
	});

	it('is a document one signs: title block, period, mentions, page numbers, signature block', async () => {
		const { joined } = pdfText(await renderPdf(model, { compress: false }));
		const text = joined.replace(/\s+/g, ' ');
		for (const s of [
			'Rapport à Bpifrance',
			'Période du 01/07/2026 au 31/12/2026',
			'Produit le 23/11/2026 11:15',
			'auditor@test.local',
			'Ce projet a été financé par le gouvernement dans le cadre de France 2030',
			"Financé par l'Union européenne - Next Generation EU dans le cadre du plan France Relance",
			'Sommaire',
			'Page 1 sur',
			'Pour Cap Digital'
		]) {
			expect(text).toContain(s);
		}
		for (const s of SECRETS) expect(text).not.toContain(s);
	});

	it('carries the France 2030 logo and the EU emblem with its caption beside the mentions', async () => {
		const doc = JSON.stringify(pdfDocument(model));
		// The logos' own SVG (the France 2030 file's style classes, the emblem's twelve stars), sized by the document.
		expect(doc).toContain('logo-france-2030-st0');
		expect(doc.match(/<polygon /g)?.length).toBeGreaterThanOrEqual(12);
		expect(pdfSvg(FRANCE_2030_SVG)).not.toMatch(/<svg\b[^>]*\s(width|height)=/);
		expect(pdfSvg(FRANCE_2030_SVG)).toContain('viewBox="0 0 150 150"');
		const { joined } = pdfText(await renderPdf(model, { compress: false }));
		expect(joined.replace(/\s+/g, ' ')).toContain("Financé par l'Union européenne – NextGenerationEU");
	});

	it('draws the charts as vector SVG that svg-to-pdfkit understands', () => {
		for (const chart of model.sections.flatMap((s) => s.charts)) {
			const c = chartForPdf(chart, 'fr', 680);
			expect(c.svg.startsWith('<svg')).toBe(true);
			expect(c.svg).not.toContain('<style');
			expect(c.svg).not.toContain('\u202f');
			expect(c.svg).not.toMatch(/class=/);
			expect(c.legend.length).toBeGreaterThan(0);
			// The page's chart is Plot's own markup, with the same numbers written on the bars.
			expect(chartHtml(chart, 'fr', 680)).toContain('<svg');
		}
		expect(model.sections.flatMap((s) => s.charts).map((c) => c.id)).toEqual(['enveloppe', 'briques', 'emplois', 'chiffre-affaires']);
	});

	it('compresses by default, with the same text', async () => {
		const small = await renderPdf(model);
		const big = await renderPdf(model, { compress: false });
		expect(small.byteLength).toBeLessThan(big.byteLength);
		expect(pdfText(small).runs).toEqual(pdfText(big).runs);
	});
});

describe('no format names a non-lauréat', () => {
	it('XLSX, CSV', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(Buffer.from(await renderXlsx(whole)) as unknown as ArrayBuffer);
		const strings: string[] = [];
		wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => strings.push(String(c.value)))));
		const csv = Object.values(unzipSync(renderZip(whole))).map((b) => strFromU8(b)).join('\n');
		for (const s of SECRETS) {
			expect(strings.join('\n')).not.toContain(s);
			expect(csv).not.toContain(s);
		}
	});
});
