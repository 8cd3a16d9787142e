/**
 * The Bpifrance report (issue 7) end to end: admins and auditors open it and download it in
 * every format; the figures are the same on the page, in the PDF, the XLSX, the CSV and the
 * headline figures of /api/v1/kpis; consortium members are refused; every download lands
 * in the audit trail; the page works without JavaScript.
 */
import { expect, test, type APIResponse, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';
import { pdfText } from '../../src/lib/server/report/pdf-text';
import { signIn } from './helpers';

/** A period covering all the sample data: its stocks are the dashboard's figures. */
const ALL = 'debut=2024-01-01&fin=2099-12-31';

const parisToday = () =>
	new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const fr = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
const nbsp = (s: string) => s.replace(/\u202f/g, '\u00a0');

async function bytes(r: APIResponse): Promise<Uint8Array> {
	return new Uint8Array(await r.body());
}

/** The page's tables: id → rows of cell texts (body, then the total row). */
async function pageTables(page: Page): Promise<Record<string, string[][]>> {
	return page.evaluate(() => {
		const out: Record<string, string[][]> = {};
		for (const div of document.querySelectorAll<HTMLElement>('[data-table]')) {
			const rows = [...div.querySelectorAll('tbody tr, tfoot tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
			out[div.dataset.table!] = rows;
		}
		return out;
	});
}

test.describe('the Bpifrance report', () => {
	test('admin: the default period is the current half-year to date, stated on the report', async ({ page }) => {
		await signIn(page, 'admin', '/app/rapport');
		const today = parisToday();
		const start = Number(today.slice(5, 7)) <= 6 ? `${today.slice(0, 4)}-01-01` : `${today.slice(0, 4)}-07-01`;
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rapport à Bpifrance');
		await expect(page.locator('[data-period]')).toHaveText(`Période du ${fr(start)} au ${fr(today)}`);
		await expect(page.locator('input[name="debut"]')).toHaveValue(start);
		await expect(page.locator('input[name="fin"]')).toHaveValue(today);
		await expect(page.getByText('Financé par l\'Union européenne - Next Generation EU dans le cadre du plan France Relance')).toBeVisible();
		for (const f of ['pdf', 'xlsx', 'zip']) {
			await expect(page.locator(`a[data-format="${f}"]`)).toHaveAttribute('href', `/app/rapport/rapport.${f}?debut=${start}&fin=${today}`);
		}
		// Charts are server-rendered SVG.
		expect(await page.locator('.report figure.chart svg').count()).toBeGreaterThanOrEqual(4);
	});

	test('admin: the same figures on the page, in the PDF, the XLSX, the CSV and /api/v1/kpis', async ({ page }) => {
		await signIn(page, 'admin', `/app/rapport?${ALL}`);
		const tables = await pageTables(page);
		expect(Object.keys(tables)).toContain('synthese');
		const kpis = await (await page.request.get('/api/v1/kpis')).json();

		// Page ↔ computeKpis (through the API).
		const synth = Object.fromEntries(tables.synthese!.map((r) => [r[0], r[1]]));
		const eur = (n: number) => nbsp(new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: Number.isInteger(n) ? 0 : 2 }).format(n));
		expect(nbsp(synth['Engagé']!)).toBe(eur(kpis.funding.committed_eur));
		expect(nbsp(synth['Versé']!)).toBe(eur(kpis.funding.paid_eur));
		expect(nbsp(synth['Restant sur l’enveloppe']!)).toBe(eur(kpis.funding.remaining_eur));
		expect(nbsp(synth['Aide demandée']!)).toBe(eur(kpis.funding.requested_eur));
		expect(synth['Candidatures déposées']).toBe(String(kpis.applications.total));
		expect(synth['Projets financés (conventions non résiliées)']).toBe(String(kpis.funding.funded_projects));

		// XLSX ↔ /api/v1/kpis.
		const xlsx = await page.request.get(`/app/rapport/rapport.xlsx?${ALL}`);
		expect(xlsx.status()).toBe(200);
		expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
		expect(xlsx.headers()['content-disposition']).toContain('rapport-bpifrance_2024-01-01_2099-12-31.xlsx');
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
		const ws = wb.getWorksheet('synthese')!;
		const cell = (label: string) => {
			for (let i = 1; i <= ws.rowCount; i++) if (ws.getRow(i).getCell(1).value === label) return ws.getRow(i).getCell(2).value;
			throw new Error(label);
		};
		expect(cell('Engagé')).toBe(kpis.funding.committed_eur);
		expect(cell('Versé')).toBe(kpis.funding.paid_eur);
		expect(cell('Emplois créés (ETP, derniers rapports)')).toBe(kpis.jobs.created);
		expect(cell('Chiffre d’affaires généré (derniers rapports)')).toBe(kpis.revenue.generated_eur);

		// ZIP of CSV ↔ page, table by table.
		const zip = await page.request.get(`/app/rapport/rapport.zip?${ALL}`);
		expect(zip.status()).toBe(200);
		const files = unzipSync(await bytes(zip));
		const names = Object.keys(files).sort();
		expect(names[0]).toBe('00-rapport.csv');
		for (const [name, content] of Object.entries(files)) {
			expect([...content.slice(0, 3)], name).toEqual([0xef, 0xbb, 0xbf]);
			if (name === '00-rapport.csv') continue;
			const id = name.replace(/^\d+-/, '').replace(/\.csv$/, '');
			const rows = Papa.parse<string[]>(strFromU8(content), { delimiter: ';', skipEmptyLines: true }).data.slice(1);
			expect(rows.length, name).toBe(tables[id]?.length ?? 0);
		}
		const csvSynth = Papa.parse<string[]>(strFromU8(files[names.find((n) => n.endsWith('-synthese.csv'))!]!), { delimiter: ';' }).data;
		const committed = csvSynth.find((r) => r[0] === 'Engagé')![1]!;
		expect(Number(committed.replace(',', '.'))).toBe(kpis.funding.committed_eur);

		// PDF ↔ page: every figure of every table, written the same way.
		const pdf = await page.request.get(`/app/rapport/rapport.pdf?${ALL}`);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		const body = await bytes(pdf);
		expect(Buffer.from(body.slice(0, 5)).toString()).toBe('%PDF-');
		const { runs, joined } = pdfText(body);
		const texts = new Set(runs.map((r) => r.trim()));
		let figures = 0;
		for (const [id, rows] of Object.entries(tables)) {
			for (const row of rows) {
				for (const text of row) {
					if (!/^[−-]?[\d\s\u00a0\u202f]+(,\d+)?\s?[€%]?$|^\d\d\/\d\d\/\d{4}$/.test(text.trim()) || text.trim() === '') continue;
					expect(texts.has(nbsp(text.trim())), `${id}: ${text}`).toBe(true);
					figures++;
				}
			}
		}
		expect(figures).toBeGreaterThan(200);
		expect(joined).toContain('Rapport à Bpifrance');
	});

	test('auditor: opens the report and downloads every format', async ({ page }) => {
		await signIn(page, 'auditor', '/app/rapport');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rapport à Bpifrance');
		for (const [format, type, magic] of [
			['pdf', 'application/pdf', '%PDF-'],
			['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK'],
			['zip', 'application/zip', 'PK']
		] as const) {
			const href = await page.locator(`a[data-format="${format}"]`).getAttribute('href');
			const r = await page.request.get(href!);
			expect(r.status(), format).toBe(200);
			expect(r.headers()['content-type']).toBe(type);
			expect(r.headers()['cache-control']).toContain('no-store');
			expect(Buffer.from((await r.body()).subarray(0, magic.length)).toString()).toBe(magic);
		}
	});

	test('consortium members are refused the page and every format', async ({ page }) => {
		await signIn(page, 'nexedi', '/app');
		await expect(page.locator('a[href="/app/rapport"]')).toHaveCount(0);
		const r = await page.goto('/app/rapport');
		expect(r?.status()).toBe(403);
		for (const f of ['pdf', 'xlsx', 'zip']) {
			const d = await page.request.get(`/app/rapport/rapport.${f}`);
			expect(d.status(), f).toBe(403);
		}
	});

	test('anonymous visitors are sent to sign in', async ({ page }) => {
		const r = await page.request.get('/app/rapport/rapport.pdf', { maxRedirects: 0 });
		expect(r.status()).toBe(303);
		expect(r.headers()['location']).toContain('/login?redirectTo=');
	});

	test('every download is recorded in the audit trail, with its period', async ({ page }) => {
		await signIn(page, 'auditor', '/app/rapport');
		const period = 'debut=2025-07-01&fin=2025-12-31';
		for (const f of ['pdf', 'xlsx', 'zip']) expect((await page.request.get(`/app/rapport/rapport.${f}?${period}`)).status()).toBe(200);
		await page.context().clearCookies();
		await signIn(page, 'admin', '/app/admin/journal?action=report.export');
		const rows = page.locator('tbody tr', { hasText: 'auditor@test.local' });
		for (const f of ['pdf', 'xlsx', 'zip']) {
			const row = rows.filter({ has: page.locator('td', { hasText: new RegExp(`^${f}$`) }) }).first();
			await expect(row).toContainText('Rapport Bpifrance téléchargé');
			await expect(row).toContainText('2025-07-01');
			await expect(row).toContainText('2025-12-31');
			await expect(row).toContainText('sha256');
		}
	});

	test('a bad period is explained, not computed', async ({ page }) => {
		await signIn(page, 'admin', '/app/rapport?debut=2026-12-31&fin=2026-01-01');
		await expect(page.getByRole('alert')).toContainText('La période commence (31/12/2026) après sa fin (01/01/2026).');
		await expect(page.locator('article.report')).toHaveCount(0);
		const r = await page.request.get('/app/rapport/rapport.pdf?debut=2026-12-31&fin=2026-01-01');
		expect(r.status()).toBe(400);
	});

	test('without JavaScript: the period form and the report work', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await signIn(page, 'admin', '/app/rapport');
		await page.locator('input[name="debut"]').fill('2025-01-01');
		await page.locator('input[name="fin"]').fill('2025-06-30');
		await Promise.all([page.waitForURL(/debut=2025-01-01/), page.getByRole('button', { name: 'Afficher le rapport' }).click()]);
		await expect(page.locator('[data-period]')).toHaveText('Période du 01/01/2025 au 30/06/2025');
		await expect(page.locator('[data-table="financement-par-projet"] table')).toBeVisible();
		await context.close();
	});
});
