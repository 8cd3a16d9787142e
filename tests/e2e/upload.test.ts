/**
 * Loading exports from the browser (/app/admin/chargements): a good load with its preview,
 * a refused load and its report, an undo, the same without JavaScript, and the API.
 *
 * These tests change the shared e2e database: each leaves it as it found it (the samples
 * loaded again, or the previous version restored), so that other specs pass in any order.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { signIn } from './helpers';

const SAMPLES = 'data/samples';
const origin = () => `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
const samples = () =>
	fs
		.readdirSync(SAMPLES)
		.filter((f) => f.endsWith('.csv'))
		.sort()
		.map((f) => path.join(SAMPLES, f));

type Kpis = { applications: { total: number }; funding: { requested_eur: number; committed_eur: number } };
async function kpis(page: Page): Promise<Kpis> {
	const res = await page.request.get('/api/v1/kpis');
	expect(res.status()).toBe(200);
	return res.json();
}

/** The applications sample as records (decoded byte for byte, re-encoded the same way). */
function sampleRecords(): { records: string[][]; delimiter: string; eol: string } {
	const text = fs.readFileSync(path.join(SAMPLES, 'candidatures.csv')).toString('latin1');
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
	return { records: parsed.data, delimiter: parsed.meta.delimiter, eol };
}

function encode(name: string, records: string[][], delimiter: string, eol: string) {
	return { name, mimeType: 'text/csv', buffer: Buffer.from(Papa.unparse(records, { delimiter, newline: eol }) + eol, 'latin1') };
}

/**
 * The applications sample with errors planted: the statut of file row 3 and the
 * aide_demandee of file rows 5 and 7 (the header is row 1), columns found by their header.
 */
function brokenApplications() {
	const { records, delimiter, eol } = sampleRecords();
	const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
	const header = records[0]!;
	const statut = header.findIndex((h) => norm(h).startsWith('statut'));
	const aide = header.findIndex((h) => /^aide.demand/.test(norm(h)));
	expect(statut).toBeGreaterThanOrEqual(0);
	expect(aide).toBeGreaterThanOrEqual(0);
	records[2]![statut] = 'Gagnant';
	records[4]![aide] = '-500';
	records[6]![aide] = '-500';
	return encode('candidatures-erreurs.csv', records, delimiter, eol);
}

/** The applications sample without its last `drop` applications (still valid: a smaller snapshot). */
function fewerApplications(drop: number) {
	const { records, delimiter, eol } = sampleRecords();
	return encode('candidatures-reduit.csv', records.slice(0, -drop), delimiter, eol);
}

async function openLoads(page: Page): Promise<void> {
	await signIn(page, 'admin', '/app/admin/chargements');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Chargements/);
}

async function withoutJs(browser: Browser, run: (page: Page) => Promise<void>): Promise<void> {
	const context = await browser.newContext({ javaScriptEnabled: false });
	try {
		await run(await context.newPage());
	} finally {
		await context.close();
	}
}

test.describe('loading exports from the browser', () => {
	test('a good load: files checked in the browser with a preview, sent with progress, verdict, history', async ({ page }) => {
		await openLoads(page);
		const before = await kpis(page);
		const historyBefore = await page.locator('table[data-history] tbody tr').count();
		await expect(page.locator('form[data-enhanced]')).toBeVisible();
		await page.locator('input[data-file-input]').setInputFiles(samples());

		// The browser's check, before anything is sent.
		const preview = page.locator('.load-report[data-stage="browser"]');
		await expect(preview.locator('.verdict')).toContainText('3 fichiers valides');
		await expect(preview.locator('.verdict')).toContainText('rien n’a encore été envoyé');
		await expect(page.locator('[data-phase="done"]')).toHaveCount(3);
		const applications = preview.locator('article.file-report').filter({ hasText: 'candidatures.csv' });
		await expect(applications.locator('[data-stat="rows"]')).toHaveText(String(before.applications.total));
		await expect(applications).toContainText('Windows-1252');
		await expect(applications.locator('table[data-preview] tbody tr').first()).toBeVisible();

		// Sent: the server's verdict replaces the preview; the history and versions follow.
		await page.locator('button[data-submit]').click();
		const verdict = page.locator('.load-report[data-stage="server"] .verdict');
		// (Every file is checked in worker threads on the server, in two halves in these tests: time to start them on a busy machine.)
		await expect(verdict).toContainText('Chargement effectué', { timeout: 30_000 });
		await expect(verdict).toContainText('3 fichiers');
		await expect(page.locator('table[data-history] tbody tr')).toHaveCount(Math.min(25, historyBefore + 3));
		const newest = page.locator('table[data-history] tbody tr').first();
		await expect(newest).toContainText('admin@test.local');
		await expect(newest).toContainText('page web');
		await expect(newest).toHaveAttribute('data-outcome', 'loaded');
		await expect(page.locator('#version-candidatures')).toContainText('admin@test.local');

		// The same samples: the same figures.
		expect(await kpis(page)).toEqual(before);
	});

	test('a refused load: the report lists row, column and value, marks the cells, and nothing changes', async ({ page }) => {
		await openLoads(page);
		const before = await kpis(page);
		await page.locator('input[data-file-input]').setInputFiles(brokenApplications());

		const report = page.locator('.load-report[data-stage="browser"]');
		await expect(report.locator('.verdict')).toContainText('Fichier refusé : 3 erreurs sur 3 lignes');
		const rows = report.locator('table[data-issues="errors"] tbody tr');
		await expect(rows).toHaveCount(3);
		await expect(rows.nth(0)).toContainText('3');
		await expect(rows.nth(0)).toContainText('statut');
		await expect(rows.nth(0)).toContainText('Gagnant');
		await expect(rows.nth(0)).toContainText('Attendu : une de ces valeurs');
		await expect(rows.nth(1)).toContainText('aide_demandee');
		await expect(rows.nth(1)).toContainText('-500');
		await expect(rows.nth(1)).toContainText('montant positif');
		// The offending cells of the preview are marked, with a text for screen readers.
		const marked = report.locator('table[data-preview] td[data-cell-error]');
		await expect(marked).toHaveCount(3);
		await expect(marked.first()).toContainText('✗');
		await expect(marked.first().locator('.visually-hidden')).toContainText('erreur');
		// Accessible: no axe violation in the page's content with the report shown.
		const axe = await new AxeBuilder({ page }).include('main').analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
		// Nothing is sent while errors remain; the report downloads as CSV for French Excel.
		await expect(page.locator('button[data-submit]')).toBeDisabled();
		const [download] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Télécharger le rapport (CSV)' }).click()]);
		expect(download.suggestedFilename()).toBe('rapport-candidatures-erreurs.csv');
		const csv = fs.readFileSync((await download.path())!, 'utf8');
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		expect(csv).toContain('fichier;type;niveau;categorie;ligne;colonne;valeur;code;message');
		expect(csv).toContain('candidatures-erreurs.csv;candidatures;erreur;content;5;aide_demandee;\'-500;invalid;');

		// The server refuses it too (its verdict is the one that counts) and records the refusal.
		const res = await page.request.post('/api/v1/loads?name=candidatures-erreurs.csv', {
			data: brokenApplications().buffer,
			headers: { 'content-type': 'text/csv' }
		});
		expect(res.status()).toBe(422);
		const result = await res.json();
		expect(result.ok).toBe(false);
		expect(result.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual(['3:statut', '5:aide_demandee', '7:aide_demandee']);
		expect(await kpis(page)).toEqual(before);
		await page.reload();
		await expect(page.locator('table[data-history] tbody tr').first()).toHaveAttribute('data-outcome', 'refused');
	});

	test('undo: restoring the previous version brings the figures back, and is recorded', async ({ page }) => {
		await openLoads(page);
		const before = await kpis(page);
		await page.locator('input[data-file-input]').setInputFiles(fewerApplications(10));
		await expect(page.locator('.load-report[data-stage="browser"] .verdict')).toContainText('Fichier valide');
		await page.locator('button[data-submit]').click();
		await expect(page.locator('.load-report[data-stage="server"] .verdict')).toContainText('Chargement effectué');
		const reduced = await kpis(page);
		expect(reduced.applications.total).toBe(before.applications.total - 10);

		// Restore: a confirmation step first, then the previous version is current again.
		const card = page.locator('#version-candidatures');
		await expect(card).toContainText('candidatures-reduit.csv');
		await card.locator('[data-restore="candidatures"]').click();
		await expect(card.locator('.confirm')).toContainText('Confirmer la restauration');
		await card.locator('button[data-confirm-restore]').click();
		await expect(page.locator('[data-restored]')).toContainText('Version précédente des candidatures restaurée');
		expect(await kpis(page)).toEqual(before);
		const newest = page.locator('table[data-history] tbody tr').first();
		await expect(newest).toHaveAttribute('data-outcome', 'restored');
		await expect(newest).toContainText('candidatures.csv');

		// In the audit trail, with the load before it.
		await page.goto('/app/admin/journal?action=load.restore');
		await expect(page.locator('main')).toContainText('candidatures');
		const trail = await page.request.get('/app/admin/journal?action=load.import');
		expect(await trail.text()).toContain('candidatures-reduit.csv');
	});

	test('without JavaScript: the plain form loads, refuses with the same report, and restores after confirmation', async ({ browser }) => {
		await withoutJs(browser, async (page) => {
			await openLoads(page);
			const before = await kpis(page);

			// Refused: the server renders the report, with a link to the stored CSV.
			await page.locator('input[name="files"]').setInputFiles(brokenApplications());
			await page.locator('button[data-submit]').click();
			const refused = page.locator('.load-report[data-stage="server"]');
			await expect(refused.locator('.verdict')).toContainText('Chargement refusé : 3 erreurs sur 3 lignes');
			await expect(refused.locator('table[data-issues="errors"] tbody tr')).toHaveCount(3);
			await expect(refused.locator('table[data-preview] td[data-cell-error]')).toHaveCount(3);
			const href = await refused.getByRole('link', { name: 'Télécharger le rapport (CSV)' }).getAttribute('href');
			expect(href).toMatch(/^\/api\/v1\/loads\/\d+\/report\.csv$/);
			const csv = await page.request.get(href!);
			expect(csv.headers()['content-type']).toContain('text/csv');
			expect(await csv.text()).toContain(';statut;Gagnant;invalid;Attendu : une de ces valeurs');
			expect(await kpis(page)).toEqual(before);

			// Loaded: a smaller applications file, then undone through the confirmation page.
			await page.locator('input[name="files"]').setInputFiles(fewerApplications(5));
			await page.locator('button[data-submit]').click();
			await expect(page.locator('.load-report[data-stage="server"] .verdict')).toContainText('Chargement effectué');
			expect((await kpis(page)).applications.total).toBe(before.applications.total - 5);
			await page.locator('[data-restore="candidatures"]').click();
			await expect(page).toHaveURL(/restaurer=candidatures/);
			await page.locator('button[data-confirm-restore]').click();
			await expect(page.locator('[data-restored]')).toBeVisible();
			expect(await kpis(page)).toEqual(before);

			// A check only ("dry run") reports without loading or recording anything.
			const historyBefore = await page.locator('table[data-history] tbody tr').first().getAttribute('data-load');
			await page.locator('input[name="files"]').setInputFiles(samples());
			await page.locator('input[name="dry_run"]').check();
			await page.locator('button[data-submit]').click();
			await expect(page.locator('.load-report[data-stage="server"] .verdict')).toContainText('3 fichiers valides');
			await expect(page.locator('.load-report[data-stage="server"] .verdict')).toContainText('rien n’a été chargé');
			expect(await page.locator('table[data-history] tbody tr').first().getAttribute('data-load')).toBe(historyBefore);
		});
	});

	test('the API: history, raw and multipart loads, dry run, clear refusals; admin only', async ({ page, playwright }) => {
		await openLoads(page);
		const history = await page.request.get('/api/v1/loads?page_size=5');
		expect(history.status()).toBe(200);
		const body = await history.json();
		expect(body.loads.length).toBeGreaterThan(0);
		expect(body.loads[0]).toMatchObject({ id: expect.any(Number), file: expect.any(String), outcome: expect.stringMatching(/loaded|refused|restored/) });
		expect(body.versions.map((v: { kind: string }) => v.kind)).toEqual(['candidatures', 'conventions', 'rapports']);

		const dry = await page.request.post('/api/v1/loads?dry_run=1&name=rapports.csv', {
			data: fs.readFileSync(path.join(SAMPLES, 'rapports.csv')),
			headers: { 'content-type': 'text/csv' }
		});
		expect(dry.status()).toBe(200);
		expect(await dry.json()).toMatchObject({ ok: true, dryRun: true, files: [{ file: 'rapports.csv', kind: 'rapports', loadId: null }] });

		const multipart = await page.request.post('/api/v1/loads', {
			multipart: { files: { name: 'rapports.csv', mimeType: 'text/csv', buffer: fs.readFileSync(path.join(SAMPLES, 'rapports.csv')) } },
			headers: { origin: origin() }
		});
		expect(multipart.status()).toBe(200);
		const loaded = await multipart.json();
		expect(loaded.files[0].loadId).toEqual(expect.any(Number));
		const one = await page.request.get(`/api/v1/loads/${loaded.files[0].loadId}`);
		expect(await one.json()).toMatchObject({ id: loaded.files[0].loadId, outcome: 'loaded', source: 'web', batch: [{ file: 'rapports.csv' }] });

		const empty = await page.request.post('/api/v1/loads', { data: '', headers: { 'content-type': 'text/csv' } });
		expect(empty.status()).toBe(400);
		expect((await empty.json()).message).toContain('Aucun fichier reçu');
		const unknown = await page.request.post('/api/v1/loads/restore', { data: { kind: 'utilisateurs' } });
		expect(unknown.status()).toBe(400);

		// Others may not load, restore or read the history.
		const anonymous = await playwright.request.newContext({ baseURL: origin() });
		expect((await anonymous.get('/api/v1/loads')).status()).toBe(401);
		await anonymous.dispose();
		const auditor = await page.context().browser()!.newContext();
		const auditorPage = await auditor.newPage();
		await signIn(auditorPage, 'auditor');
		expect((await auditorPage.request.get('/api/v1/loads')).status()).toBe(403);
		expect((await auditorPage.request.post('/api/v1/loads/restore', { data: { kind: 'rapports' } })).status()).toBe(403);
		await auditorPage.goto('/app/admin/chargements');
		await expect(auditorPage.locator('body')).toContainText('Vous n’avez pas accès');
		await auditor.close();
	});
});
