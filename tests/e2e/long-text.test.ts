/**
 * Issue 18 #1 against the built server: with a 200 000-character title in the database (put
 * there around the import's bound, which would have cut it to 300: tests/unit/text-limits.test.ts),
 * the PDF is made in bounded time in a worker thread while /login keeps answering; the XLSX
 * holds no cell over Excel's 32 767 characters; and a report over the server's limits is a plain
 * 503 page, after which the server still answers. Each test runs its own server (aux-server.ts),
 * with its own limits (HOX_REPORT_TIMEOUT_MS).
 */
import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { refreshDerived } from '../../src/lib/server/figures/views';
import { AUX_BASE, median, poll, prepareDb, startServer, stopServer } from './aux-server';
import { signIn } from './helpers';

const DB_FILE = 'tests/.tmp/long-text.duckdb';
const LONG = 200_000;
const ALL = 'debut=2024-01-01&fin=2099-12-31';

test.use({ baseURL: AUX_BASE });
test.describe.configure({ mode: 'serial' });

/** The samples, then one lauréat's title made 200 000 characters long, straight in the table. */
const withLongTitle = () =>
	prepareDb(DB_FILE, async (db) => {
		await db.write(async (tx) => {
			await tx.run(`UPDATE candidatures_rows SET titre_projet = repeat('T', ${LONG}) WHERE numero_dossier = 'HOX-2024-001'`);
			await refreshDerived(tx);
		});
		const stored = await db.one<{ n: number }>(`SELECT length(titre_projet)::INTEGER AS n FROM applications WHERE numero_dossier = 'HOX-2024-001'`);
		expect(stored?.n).toBe(LONG);
	});

test('a 200 000-character title: the PDF in bounded time, /login answering meanwhile, no XLSX cell over 32 767', async ({ page }) => {
	test.setTimeout(240_000);
	await withLongTitle();
	const server = await startServer(DB_FILE);
	try {
		await signIn(page, 'auditor', '/app/rapport');
		const login = poll('/login');
		const start = performance.now();
		const pdf = await page.request.get(`/app/rapport/rapport.pdf?${ALL}`, { timeout: 180_000 });
		const pdfMs = performance.now() - start;
		const answers = await login.stop();
		const times = answers.map((a) => a.ms);
		console.log(`PDF with a ${LONG}-character title: ${Math.round(pdfMs)} ms; /login during it: ${answers.length} answers, median ${Math.round(median(times))} ms, max ${Math.round(Math.max(...times))} ms`);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		expect(pdfMs).toBeLessThan(130_000);
		expect(answers.length).toBeGreaterThan(0);
		expect(answers.every((a) => a.status === 200)).toBe(true);
		// Under 200 ms as a rule; a generous bound for the slowest on a machine shared with other jobs.
		expect(median(times)).toBeLessThan(200);
		expect(Math.max(...times)).toBeLessThan(1500);

		const xlsx = await page.request.get(`/app/rapport/rapport.xlsx?${ALL}`, { timeout: 180_000 });
		expect(xlsx.status()).toBe(200);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
		let longest = 0;
		wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => (longest = Math.max(longest, String(cell.value ?? '').length)))));
		expect(longest).toBe(32_767);
	} finally {
		await stopServer(server);
	}
});

test('a report over the server’s limits is a plain 503 page, and the server keeps answering', async ({ page }) => {
	test.setTimeout(120_000);
	await withLongTitle();
	const server = await startServer(DB_FILE, { HOX_REPORT_TIMEOUT_MS: '1' });
	try {
		await signIn(page, 'auditor', '/app/rapport');
		const response = await page.goto(`/app/rapport/rapport.pdf?${ALL}`);
		expect(response?.status()).toBe(503);
		await expect(page.locator('body')).toContainText('Le rapport n’a pas pu être produit dans la limite du serveur (0 s)');
		const api = await page.request.get(`/app/rapport/rapport.zip?${ALL}`, { headers: { accept: 'application/json' } });
		expect(api.status()).toBe(503);
		expect((await api.json()).message).toContain('HOX_REPORT_TIMEOUT_MS');
		expect((await fetch(`${AUX_BASE}/login`)).status).toBe(200);
		expect((await page.goto('/app/rapport'))?.status()).toBe(200);
	} finally {
		await stopServer(server);
	}
});
