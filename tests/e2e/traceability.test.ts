/**
 * Every figure leads to its rows (issue 16 §4), end to end on the server loaded with the
 * samples: a headline figure's value opens the applications behind it, as many as it says;
 * a rule's count opens the table filtered to that rule's flags (server-side, without
 * JavaScript, combined with the other filters, and never for a consortium member); each
 * dossier page says where each of its rows came from (file, SHA-256, load, line); and the
 * original files download byte for byte for admins and auditors only.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { signIn } from './helpers';

const SAMPLES = process.env.HOX_SAMPLES ?? 'data/samples';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Expected {
	/** Each sample file's SHA-256 by name. */
	files: Record<string, string>;
	/** A dossier with an application, an agreement and reports, and each row's line in its file. */
	dossier: string;
	rows: { kind: string; reference: string; row: number; file: string }[];
	/** Dossiers flagged R3 in round 2 (a rule filter combined with a dashboard filter). */
	r3Round2: number;
	/** A consortium member's list of funded projects, with and without a rule filter. */
	firstRule: string;
}

let expected: Expected;
let tmpDir: string;

test.beforeAll(async () => {
	tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-trace-'));
	const db = await Database.open(path.join(tmpDir, 'expected.duckdb'));
	try {
		const inputs = fs
			.readdirSync(SAMPLES)
			.filter((f) => f.endsWith('.csv'))
			.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(SAMPLES, f))) }));
		expect((await importExports(db, inputs, { actor: 'e2e-expected', source: 'cli' })).ok).toBe(true);
		const dossier = (await db.one<{ d: string }>(
			`SELECT a.numero_dossier AS d FROM applications a JOIN agreements g USING (numero_dossier) JOIN reports r USING (numero_dossier) ORDER BY 1 LIMIT 1`
		))!.d;
		const rows = await db.all<{ kind: string; reference: string; row: number; file: string }>(
			`WITH cur AS (SELECT kind, max(load_id) AS load_id FROM current_snapshot GROUP BY kind)
			 SELECT s.kind, s.reference, s.row::INTEGER AS row, l.file_name AS file FROM (
				SELECT 'candidatures' AS kind, numero_dossier AS reference, row_number AS row FROM applications WHERE numero_dossier = $1
				UNION ALL SELECT 'conventions', numero_convention, row_number FROM agreements WHERE numero_dossier = $1
				UNION ALL SELECT 'rapports', type_rapport || ' ' || strftime(date_rapport, '%Y-%m-%d'), row_number FROM reports WHERE numero_dossier = $1) s
			 JOIN cur USING (kind) JOIN loads l ON l.load_id = cur.load_id ORDER BY 1, 3`,
			[dossier]
		);
		const r3 = await db.one<{ n: number }>(
			`SELECT count(DISTINCT numero_dossier)::INTEGER AS n FROM application_flags JOIN applications USING (numero_dossier) WHERE rule = 'R3' AND releve = 2`
		);
		const first = await db.one<{ rule: string }>(`SELECT rule FROM application_flags ORDER BY CAST(substr(rule, 2) AS INTEGER) LIMIT 1`);
		expected = {
			files: Object.fromEntries(inputs.map((i) => [i.name, sha256(i.bytes)])),
			dossier,
			rows: rows.map((r) => ({ ...r, row: Number(r.row) })),
			r3Round2: Number(r3!.n),
			firstRule: first!.rule
		};
	} finally {
		db.close();
	}
});

test.afterAll(() => {
	if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

/** The list's counts: rows listed, and with the agreements counted but not listable (orphans). */
async function listCounts(page: Page): Promise<{ listed: number; figure: number; flags: number | null }> {
	const count = page.locator('[data-count]');
	const flags = await count.getAttribute('data-flag-count');
	return {
		listed: Number(await count.getAttribute('data-count')),
		figure: Number(await count.getAttribute('data-figure-total')),
		flags: flags === null ? null : Number(flags)
	};
}

test.describe('admin', () => {
	test.beforeEach(async ({ page }) => {
		await signIn(page, 'admin');
	});

	test('each headline count opens the list of its dossiers, as many as it says, filters kept', async ({ page }) => {
		const counts = ['applications.total', 'applications.by_statut.laureat', 'funding.funded_projects', 'open_source.published', 'dnsh.flagged_applications'];
		for (const url of ['/app', '/app?releve=2', '/app?brique=slapos']) {
			for (const kpi of counts) {
				await page.goto(url);
				const value = page.locator(`[data-kpi="${kpi}"]`);
				const figure = Number(await value.getAttribute('data-value'));
				const link = value.locator('a[data-rows-link]');
				await expect(link, `${url} ${kpi} links to its rows`).toHaveCount(1);
				await Promise.all([page.waitForURL(/\/app\/candidatures/), link.click()]);
				const search = new URL(page.url()).searchParams;
				for (const [k, v] of new URL(url, 'http://x').searchParams) expect(search.get(k), `${kpi} keeps ${k}`).toBe(v);
				expect((await listCounts(page)).figure, `${url} ${kpi}`).toBe(figure);
			}
		}
		// « Projets financés » counts an agreement whose application is not loaded: the list says so.
		await page.goto('/app/candidatures?convention=financee');
		const c = await listCounts(page);
		await expect(page.locator('[data-unlisted]')).toHaveAttribute('data-unlisted', String(c.figure - c.listed));
		await expect(page.locator('[data-row-filter="convention"]')).toContainText('Projet financé');
	});

	test('a rule’s count on the quality page opens the table filtered to its flags', async ({ page }) => {
		await page.goto('/app/qualite');
		const links = page.locator('a[data-rule-count]');
		const n = await links.count();
		expect(n).toBeGreaterThan(3);
		for (let i = 0; i < n; i++) {
			await page.goto('/app/qualite');
			const link = page.locator('a[data-rule-count]').nth(i);
			const rule = (await link.getAttribute('data-rule-count'))!;
			const count = Number((await link.textContent())!.replace(/\D/g, ''));
			await Promise.all([page.waitForURL(new RegExp(`regle=${rule}$`)), link.click()]);
			const c = await listCounts(page);
			expect(c.flags, `${rule}: flags of the listed dossiers`).toBe(count - (c.figure - c.listed));
			expect(c.listed).toBeGreaterThan(0);
			const flagCells = await page.locator('tbody tr td:last-child').allTextContents();
			expect(flagCells.length).toBe(c.listed);
			for (const cell of flagCells) expect(cell.split(/\s+/), rule).toContain(rule);
		}
		// The overview's badges go to the same lists.
		await page.goto('/app');
		const badge = page.locator(`a[data-rule-count="${expected.firstRule}"]`);
		await expect(badge).toHaveAttribute('href', `/app/candidatures?regle=${expected.firstRule}`);
	});

	test('the rule filter combines with the other filters and the sort; the CSV follows it', async ({ page }) => {
		await page.goto('/app/candidatures?regle=R3&releve=2&tri=aide_demandee&ordre=desc');
		expect((await listCounts(page)).listed).toBe(expected.r3Round2);
		await expect(page.locator('th[aria-sort="descending"]')).toContainText(/Aide demandée/);
		const csv = await (await page.request.get('/app/csv/candidatures/candidatures.csv?regle=R3&releve=2')).text();
		expect(csv.trim().split('\r\n')).toHaveLength(expected.r3Round2 + 1);
		// A sort link keeps the rule; removing the chip drops it.
		const sortHref = await page.locator('thead a.sort').first().getAttribute('href');
		expect(sortHref).toContain('regle=R3');
		await page.locator('[data-row-filter="regle"] a').click();
		await expect(page).not.toHaveURL(/regle=/);
		await expect(page).toHaveURL(/releve=2/);
	});

	test('each dossier page says where each row came from: file, SHA-256, load and line', async ({ page }) => {
		await page.goto(`/app/candidatures/${expected.dossier}`);
		const rows = page.locator('#provenance tbody tr');
		await expect(rows).toHaveCount(expected.rows.length);
		for (const want of expected.rows) {
			const row = page.locator(`#provenance tr[data-provenance="${want.kind}"][data-row="${want.row}"]`);
			await expect(row, `${want.kind} ${want.reference}`).toHaveCount(1);
			await expect(row).toContainText(want.reference);
			await expect(row).toContainText(want.file);
			await expect(row.locator('code.sha')).toHaveText(expected.files[want.file]!);
			await expect(row).toContainText('e2e-setup');
		}
	});

	test('the original file downloads byte for byte, its SHA-256 the recorded one, and the download is audited', async ({ page }) => {
		await page.goto(`/app/candidatures/${expected.dossier}`);
		const link = page.locator('#provenance tr[data-provenance="conventions"] a[data-original]').first();
		const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
		expect(download.suggestedFilename()).toBe('conventions.csv');
		const bytes = new Uint8Array(fs.readFileSync((await download.path())!));
		expect(sha256(bytes)).toBe(expected.files['conventions.csv']);
		// From the loads page too.
		await page.goto('/app/admin/chargements');
		const fromLoads = page.locator('[data-history] a[data-original]');
		expect(await fromLoads.count()).toBe(3);
		const res = await page.request.get((await fromLoads.first().getAttribute('href'))!);
		expect(res.status()).toBe(200);
		expect(Object.values(expected.files)).toContain(sha256(await res.body()));
		expect(res.headers()['x-content-sha256']).toBe(sha256(await res.body()));
		await page.goto('/app/admin/journal');
		await expect(page.locator('main')).toContainText('Fichier d’origine téléchargé');
		expect((await page.request.get('/app/fichiers/999999')).status()).toBe(404);
	});
});

test('an auditor downloads the original files too', async ({ page }) => {
	await signIn(page, 'auditor');
	await page.goto(`/app/candidatures/${expected.dossier}`);
	const href = await page.locator('#provenance tr[data-provenance="candidatures"] a[data-original]').getAttribute('href');
	const res = await page.request.get(href!);
	expect(res.status()).toBe(200);
	expect(sha256(await res.body())).toBe(expected.files['candidatures.csv']);
	// The quality page's load history links them as well.
	await page.goto('/app/qualite');
	await expect(page.locator('a[href^="/app/fichiers/"]')).toHaveCount(3);
});

test('a consortium member gets 403 on original files, no download link, and no rule filter', async ({ page }) => {
	await signIn(page, 'nexedi');
	for (const id of [1, 2, 3]) expect((await page.request.get(`/app/fichiers/${id}`)).status()).toBe(403);
	await page.goto('/app/candidatures?convention=financee');
	const funded = await listCounts(page);
	const first = page.locator('tbody th[scope="row"] a').first();
	if ((await first.count()) > 0) {
		await first.click();
		await expect(page.locator('#provenance tbody tr').first()).toBeVisible();
		await expect(page.locator('#provenance a[data-original]')).toHaveCount(0);
	}
	// A rule filter is not theirs: ignored (the same list), never a way to learn which dossiers are flagged.
	await page.goto(`/app/candidatures?convention=financee&regle=${expected.firstRule}`);
	expect(await listCounts(page)).toEqual({ ...funded, flags: null });
	await expect(page.locator('[data-row-filter="regle"]')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });
	test('the rule filter works on the server', async ({ page }) => {
		await signIn(page, 'admin', '/app/candidatures?regle=R3&releve=2');
		expect((await listCounts(page)).listed).toBe(expected.r3Round2);
		await expect(page.locator('[data-row-filter="regle"]')).toContainText('R3');
	});
});

test('each count of a chart’s data table opens its dossiers, as many as it says', async ({ page }) => {
	test.setTimeout(180_000);
	await signIn(page, 'admin');
	let checked = 0;
	for (const url of ['/app', '/app?releve=2', '/app/financement', '/app/briques', '/app/briques/slapos', '/app/geographie']) {
		await page.goto(url);
		const cells = await page.locator('table a[data-rows-count]').evaluateAll((els) =>
			els.map((e) => ({ href: e.getAttribute('href')!, count: Number(e.getAttribute('data-rows-count')) }))
		);
		expect(cells.length, `${url} links its tables' counts`).toBeGreaterThan(0);
		// At most 12 per page, spread over its tables (the bricks' matrices link hundreds).
		const step = Math.ceil(cells.length / 12);
		for (const cell of cells.filter((_, i) => i % step === 0)) {
			expect(cell.href).toMatch(/^\/app\/candidatures\?/);
			const html = await (await page.request.get(cell.href)).text();
			const figure = /data-figure-total="(\d+)"/.exec(html);
			expect(Number(figure?.[1]), `${url} → ${cell.href}`).toBe(cell.count);
			checked++;
		}
	}
	expect(checked).toBeGreaterThan(30);
});
