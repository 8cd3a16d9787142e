/**
 * Report files are rendered in a worker thread, within a time and a memory limit (issue 18 #1):
 * the same files as the renderers make in this thread; a file that cannot be made within the
 * limits is a `ReportLimitError` while this thread keeps running; a 200 000-character title
 * (loaded around the import's bound) makes a PDF in bounded time; no spreadsheet cell exceeds
 * Excel's 32 767 characters.
 */
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { refreshDerived } from '../figures/views';
import { buildReport } from './build';
import { EXCEL_CELL_MAX, excelText } from './cells';
import { allTables, type ReportModel } from './model';
import { PDF_TEXT_MAX, pdfText as pdfString, renderPdf } from './pdf';
import { pdfText } from './pdf-text';
import { renderInWorker, ReportLimitError } from './render';
import { renderXlsx, sheetNames } from './xlsx';
import { renderZip } from './zip';
import { AFTER_ALL, reportFixtureDb } from './test-fixtures';

/**
 * The longest this thread may go without running its timer: far below the minutes a report
 * took on it before, above what a busy two-core machine shared with other jobs makes an idle
 * thread wait (100–400 ms seen here; the end-to-end test measures /login's answers).
 */
const PAUSE_MAX = 1000;
const NOW = new Date('2026-11-23T10:15:00Z');
const LONG = 200_000;
let db: Database;
let model: ReportModel;
let long: ReportModel;

/** The longest gap between ticks of a 10 ms timer while `work` runs: how long this thread was held. */
async function longestPause<T>(work: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; pause: number; ms: number }> {
	let last = performance.now();
	let pause = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		pause = Math.max(pause, now - last);
		last = now;
	}, 10);
	const start = performance.now();
	const [result] = await Promise.allSettled([work()]);
	clearInterval(timer);
	return { result, pause, ms: performance.now() - start };
}

beforeAll(async () => {
	db = await reportFixtureDb();
	model = await buildReport(db, AFTER_ALL, 'fr', { producedBy: 'auditor@test.local', now: NOW });
	// Around the import's bound (TEXT_LIMITS): a title of 200 000 characters, one word.
	await db.write(async (tx) => {
		await tx.run(`UPDATE candidatures_rows SET titre_projet = repeat('T', ${LONG}) WHERE numero_dossier = 'HOX-2024-001'`);
		await refreshDerived(tx);
	});
	long = await buildReport(db, AFTER_ALL, 'fr', { producedBy: 'auditor@test.local', now: NOW });
	expect(JSON.stringify(long)).toContain('T'.repeat(LONG));
});
afterAll(() => db.close());

describe('rendering in a worker', () => {
	it('makes the same files as the renderers in this thread', { timeout: 120_000 }, async () => {
		expect(await renderInWorker('zip', model)).toEqual(renderZip(model));
		const [here, there] = [await renderPdf(model, { compress: false }), await renderInWorker('pdf', model, { compress: false })];
		expect(pdfText(there).joined).toBe(pdfText(here).joined);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(Buffer.from(await renderInWorker('xlsx', model)) as unknown as ArrayBuffer);
		expect(wb.worksheets.map((w) => w.name).slice(1)).toEqual(sheetNames(model));
	});

	it('makes the PDF of a 200 000-character title in bounded time, this thread never held', async () => {
		const { result, pause, ms } = await longestPause(() => renderInWorker('pdf', long, { compress: false, limits: { timeoutMs: 60_000, memoryMb: 1024 } }));
		expect(result.status).toBe('fulfilled');
		expect(ms).toBeLessThan(60_000);
		expect(pause).toBeLessThan(PAUSE_MAX);
		const { joined } = pdfText((result as PromiseFulfilledResult<Uint8Array>).value);
		// Shown cut, with break opportunities: pieces of 40 characters (one a line, each ended by
		// the zero-width space, which the text read back shows as a space), then `…`.
		expect(joined).not.toContain('T'.repeat(41));
		// The row is there, whole (pdfmake leaves out a row taller than a page), its title cut to PDF_TEXT_MAX (599 + …).
		expect(joined).toMatch(/HOX-2024-0011Alpha Cloud SAS732829320Auvergne-Rhône-Alpes(T{40}[\u200b ]?){14}T{39}…SlapOS100\u00a0000\u00a0€CONV-2024-001100\u00a0000\u00a0€/);
	});

	it('stops a worker over its time limit, and one over its memory limit, while this thread keeps running', async () => {
		const slow = await longestPause(() => renderInWorker('pdf', model, { limits: { timeoutMs: 30, memoryMb: 1024 } }));
		expect(slow.result.status).toBe('rejected');
		const timeError = (slow.result as PromiseRejectedResult).reason;
		expect(timeError).toBeInstanceOf(ReportLimitError);
		expect(timeError.reason).toBe('time');
		expect(slow.ms).toBeLessThan(2000);
		// A report of 15 000 rows of text in a worker allowed 16 MB of heap.
		const huge: ReportModel = { ...model, sections: [{ id: 'x', title: 'x', paragraphs: [], charts: [], tables: [{ id: 'x', title: 'x', columns: [{ label: 'a', type: 'text' }, { label: 'b', type: 'text' }], rows: Array.from({ length: 15_000 }, (_, i) => [{ type: 'text', value: `ligne ${i} ${'mot '.repeat(20)}` }, { type: 'text', value: String(i) }]) }] }] };
		await new Promise((resolve) => setTimeout(resolve, 50));
		const big = await longestPause(() => renderInWorker('pdf', huge, { limits: { timeoutMs: 120_000, memoryMb: 16 } }));
		expect(big.result.status).toBe('rejected');
		const memoryError = (big.result as PromiseRejectedResult).reason;
		expect(memoryError).toBeInstanceOf(ReportLimitError);
		expect(memoryError.reason).toBe('memory');
		expect(big.pause).toBeLessThan(PAUSE_MAX);
		// And the next report is made as usual.
		expect((await renderInWorker('zip', model)).byteLength).toBeGreaterThan(1000);
	});

	it('waits for a free worker within the time limit, else says the server is busy', async () => {
		process.env.HOX_REPORT_WORKERS = '1';
		try {
			const first = renderInWorker('pdf', model, { limits: { timeoutMs: 60_000, memoryMb: 1024 } });
			const second = renderInWorker('zip', model, { limits: { timeoutMs: 1, memoryMb: 1024 } });
			await expect(second).rejects.toMatchObject({ reason: 'busy' });
			const third = renderInWorker('zip', model, { limits: { timeoutMs: 60_000, memoryMb: 1024 } });
			expect((await first).byteLength).toBeGreaterThan(1000);
			expect(await third).toEqual(renderZip(model));
		} finally {
			delete process.env.HOX_REPORT_WORKERS;
		}
	});
});

describe('no spreadsheet cell over 32 767 characters', () => {
	it('cuts text cells of the XLSX and of the CSV files with `…`', async () => {
		expect(excelText('a'.repeat(EXCEL_CELL_MAX))).toBe('a'.repeat(EXCEL_CELL_MAX));
		expect(excelText('a'.repeat(EXCEL_CELL_MAX + 1))).toBe(`${'a'.repeat(EXCEL_CELL_MAX - 1)}…`);
		const index = allTables(long).findIndex((t) => t.id === 'laureats');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(Buffer.from(await renderXlsx(long)) as unknown as ArrayBuffer);
		let longest = 0;
		wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => (longest = Math.max(longest, String(cell.value ?? '').length)))));
		expect(longest).toBe(EXCEL_CELL_MAX);
		const titles: string[] = [];
		wb.getWorksheet(sheetNames(long)[index]!)!.eachRow((row) => row.eachCell((cell) => void (String(cell.value).startsWith('TTT') && titles.push(String(cell.value)))));
		expect(titles).toEqual([`${'T'.repeat(EXCEL_CELL_MAX - 1)}…`]);
		const csv = Object.entries(unzipSync(renderZip(long))).find(([name]) => /^\d+-laureats\.csv$/.test(name))![1];
		expect(strFromU8(csv)).toContain(`;${'T'.repeat(EXCEL_CELL_MAX - 1)}…;`);
		expect(strFromU8(csv)).not.toContain('T'.repeat(EXCEL_CELL_MAX));
	});

	it('gives a PDF text break opportunities and a length limit', () => {
		expect(pdfString('court texte')).toBe('court texte');
		expect(pdfString('x'.repeat(79))).toBe('x'.repeat(79));
		expect(pdfString('x'.repeat(100))).toBe(`${'x'.repeat(40)}\u200b${'x'.repeat(40)}\u200b${'x'.repeat(20)}`);
		expect(pdfString('mot '.repeat(1000))).toBe(`${'mot '.repeat(149)}mot…`);
		expect(pdfString('1\u202f234')).toBe('1\u00a0234');
	});
});
