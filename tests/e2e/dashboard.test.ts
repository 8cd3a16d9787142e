/**
 * The signed-in dashboard (issue 4), end to end, against the server loaded with the samples:
 *
 * - every page answers, server-rendered, with its charts as <svg> in the HTML itself;
 * - the overview's figures equal `computeKpis` (what `npm run kpis` prints) on the same
 *   samples, loaded here into a separate database; with a filter, they equal the filtered
 *   figures and differ from the unfiltered ones;
 * - the pages read and filter with JavaScript off (the filter bar is a GET form);
 * - axe-core finds no serious or critical violation on any page;
 * - CSV downloads answer CSV, for signed-in readers only;
 * - a consortium member sees its scope only: lauréats using its bricks in the lists, 404 on
 *   any other application, no data-quality page, no confidential field, figures equal to
 *   `kpisFor` (the API's scoped figures).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { computeKpis, type Kpis } from '../../src/lib/server/figures/kpis';
import { kpisFor } from '../../src/lib/server/auth/scope';
import { memberApplications, type MemberApplications } from '../../src/lib/server/figures/member-secrecy';
import { ACCOUNTS, signIn } from './helpers';

const SAMPLES = process.env.HOX_SAMPLES ?? 'data/samples';

/** Every dashboard page, and whether it shows charts. */
const PAGES: { path: string; charts: boolean }[] = [
	{ path: '/app', charts: true },
	{ path: '/app/financement', charts: true },
	{ path: '/app/briques', charts: true },
	{ path: '/app/briques/slapos', charts: true },
	{ path: '/app/impact', charts: true },
	{ path: '/app/dnsh', charts: true },
	{ path: '/app/open-source', charts: true },
	{ path: '/app/geographie', charts: true },
	{ path: '/app/candidatures', charts: false },
	{ path: '/app/qualite', charts: false }
];

interface Expected {
	all: Kpis;
	round1: Kpis;
	nexedi: Kpis;
	/** A lauréat naming SlapOS (visible to Nexedi), and an application Nexedi may not see. */
	nexediVisible: string[];
	/** The other applications naming SlapOS, under secrecy. */
	nexediOthers: MemberApplications;
	nexediHidden: string;
	firstDossier: string;
	confidential: string[];
}

let expected: Expected;
let tmpDir: string;

test.beforeAll(async () => {
	tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-dash-'));
	const db = await Database.open(path.join(tmpDir, 'expected.duckdb'));
	try {
		const inputs = fs
			.readdirSync(SAMPLES)
			.filter((f) => f.endsWith('.csv'))
			.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(SAMPLES, f))) }));
		const result = await importExports(db, inputs, { actor: 'e2e-expected', source: 'cli' });
		expect(result.ok, 'the samples load').toBe(true);
		const nexedi = ACCOUNTS.nexedi;
		const visible = await db.all<{ d: string }>(
			`SELECT numero_dossier AS d FROM applications WHERE statut = 'laureat' AND list_contains(briques, 'slapos') ORDER BY 1`
		);
		const hidden = await db.one<{ d: string }>(
			`SELECT numero_dossier AS d FROM applications WHERE NOT (statut = 'laureat' AND list_contains(briques, 'slapos')) ORDER BY 1 LIMIT 1`
		);
		const first = await db.one<{ d: string }>(`SELECT numero_dossier AS d FROM applications ORDER BY 1 LIMIT 1`);
		const secrets = await db.all<{ v: string }>(
			`SELECT DISTINCT dnsh_justification AS v FROM applications WHERE dnsh_justification IS NOT NULL AND length(dnsh_justification) > 12 LIMIT 5`
		);
		expected = {
			all: await computeKpis(db),
			round1: await computeKpis(db, { releve: [1] }),
			nexedi: await kpisFor(db, { role: 'consortium', org: nexedi.org }),
			nexediVisible: visible.map((r) => r.d),
			nexediOthers: await memberApplications(db, ['slapos']),
			nexediHidden: hidden!.d,
			firstDossier: first!.d,
			confidential: secrets.map((s) => s.v)
		};
	} finally {
		db.close();
	}
});

test.afterAll(() => {
	if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

/** The overview's figures as the page writes them (data-kpi → data-value). */
async function overviewFigures(page: Page, url: string): Promise<Record<string, number>> {
	await page.goto(url);
	const cells = await page.locator('[data-kpi][data-value]').evaluateAll((els) =>
		els.map((e) => [e.getAttribute('data-kpi')!, Number(e.getAttribute('data-value'))] as const)
	);
	return Object.fromEntries(cells);
}

function kpiMap(k: Kpis): Record<string, number> {
	return {
		'applications.total': k.applications.total,
		'applications.by_statut.laureat': k.applications.by_statut.laureat ?? 0,
		'funding.funded_projects': k.funding.funded_projects,
		'funding.requested_eur': k.funding.requested_eur,
		'funding.committed_eur': k.funding.committed_eur,
		'funding.paid_eur': k.funding.paid_eur,
		'funding.remaining_eur': k.funding.remaining_eur,
		'jobs.forecast': k.jobs.forecast,
		'jobs.created': k.jobs.created,
		'revenue.forecast_eur': k.revenue.forecast_eur,
		'revenue.generated_eur': k.revenue.generated_eur,
		'open_source.background': k.open_source.background,
		'open_source.foreground_committed': k.open_source.foreground_committed,
		'open_source.published': k.open_source.published,
		'dnsh.flagged_applications': k.dnsh.flagged_applications
	};
}

test.describe('admin', () => {
	test.beforeEach(async ({ page }) => {
		await signIn(page, 'admin');
	});

	test('the overview shows exactly the figures of computeKpis', async ({ page }) => {
		const shown = await overviewFigures(page, '/app');
		const want = kpiMap(expected.all);
		for (const [key, value] of Object.entries(want)) expect(shown[key], key).toBe(value);
		expect(shown['rule_flags.length']).toBe(expected.all.rule_flags.length);
		// The formatted value is the French one of the same number.
		const committed = await page.locator('[data-kpi="funding.committed_eur"]').textContent();
		expect(committed?.replace(/\s/g, ' ')).toBe(
			new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(expected.all.funding.committed_eur).replace(/\s/g, ' ')
		);
	});

	test('a filter in the URL changes the figures, to the filtered computeKpis', async ({ page }) => {
		const shown = await overviewFigures(page, '/app?releve=1');
		for (const [key, value] of Object.entries(kpiMap(expected.round1))) expect(shown[key], key).toBe(value);
		expect(expected.round1.applications.total).not.toBe(expected.all.applications.total);
		expect(shown['applications.total']).not.toBe(expected.all.applications.total);
		await expect(page.locator('[data-filters] select[name="releve"]')).toHaveValue('1');
	});

	test('every page answers with its charts as SVG in the server HTML, and no script', async ({ page }) => {
		for (const p of PAGES) {
			const res = await page.request.get(p.path);
			expect(res.status(), p.path).toBe(200);
			const html = await res.text();
			expect(html, p.path).toContain('<h1');
			// Read as HTML: no client-side app, no copy of the page's data for hydration.
			expect(html, `${p.path}: no script`).not.toContain('<script');
			if (p.charts) {
				expect(html, `${p.path}: a chart figure`).toMatch(/<figure class="chart[^"]*"[\s\S]*?<svg[^>]+role="img"/);
				expect(html, `${p.path}: accessible name`).toMatch(/<svg[^>]+aria-label="[^"]+"/);
				expect(html, `${p.path}: data table`).toContain('<details');
			}
		}
		const detail = await page.request.get(`/app/candidatures/${expected.firstDossier}`);
		expect(detail.status()).toBe(200);
		expect(await detail.text()).toContain(expected.firstDossier);
	});

	test('CSV downloads: the table as CSV, filtered like the page', async ({ page }) => {
		const res = await page.request.get('/app/csv/financement/financement-par-releve.csv');
		expect(res.status()).toBe(200);
		expect(res.headers()['content-type']).toContain('text/csv');
		expect(res.headers()['content-disposition']).toContain('financement-par-releve.csv');
		const text = await res.text();
		expect(text.split('\r\n')[0]).toContain('Relève');
		const list = await (await page.request.get('/app/csv/candidatures/candidatures.csv')).text();
		expect(list.trim().split('\r\n')).toHaveLength(expected.all.applications.total + 1);
		const round1 = await (await page.request.get('/app/csv/candidatures/candidatures.csv?releve=1')).text();
		expect(round1.trim().split('\r\n')).toHaveLength(expected.round1.applications.total + 1);
		expect((await page.request.get('/app/csv/nope/x.csv')).status()).toBe(404);
	});

	test('the applications list sorts, searches and paginates through the URL', async ({ page }) => {
		await page.goto('/app/candidatures?tri=aide_demandee&ordre=desc');
		await expect(page.locator('th[aria-sort="descending"]')).toContainText(/Aide demandée/);
		const count = Number(await page.locator('[data-count]').getAttribute('data-count'));
		expect(count).toBe(expected.all.applications.total);
		await page.goto(`/app/candidatures?q=${encodeURIComponent(expected.firstDossier)}`);
		await expect(page.locator('tbody tr')).toHaveCount(1);
		await expect(page.locator('tbody')).toContainText(expected.firstDossier);
	});

	test('no serious or critical accessibility violation on any page', async ({ page }) => {
		for (const p of [...PAGES.map((x) => x.path), `/app/candidatures/${expected.firstDossier}`]) {
			await page.goto(p);
			const results = await new AxeBuilder({ page }).analyze();
			const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
			expect(bad.map((v) => `${p}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`), p).toEqual([]);
		}
	});
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('every page reads, and the filter form filters', async ({ page }) => {
		await signIn(page, 'admin');
		for (const p of PAGES) {
			const res = await page.goto(p.path);
			expect(res?.status(), p.path).toBe(200);
			await expect(page.locator('h1')).toBeVisible();
			if (p.charts) expect(await page.locator('figure.chart svg[role="img"]').count(), p.path).toBeGreaterThan(0);
		}
		await page.goto('/app');
		await page.locator('[data-filters] select[name="releve"]').selectOption('1');
		await page.locator('[data-filters] button[type="submit"]').click();
		await expect(page).toHaveURL(/releve=1/);
		await expect(page.locator('[data-kpi="applications.total"]')).toHaveAttribute('data-value', String(expected.round1.applications.total));
		// The data table of a chart opens without script (<details>).
		await page.locator('#chart-envelope summary').click();
		await expect(page.locator('#chart-envelope table')).toBeVisible();
	});
});

test.describe('consortium member (Nexedi: SlapOS)', () => {
	test.beforeEach(async ({ page }) => {
		await signIn(page, 'nexedi');
	});

	test('figures are scoped like the API', async ({ page }) => {
		const shown = await overviewFigures(page, '/app');
		const want = kpiMap(expected.nexedi);
		// Applications: its lauréats plus the protected table's total (« s », NaN here, when hidden).
		const others = expected.nexediOthers.total;
		want['applications.total'] = others === null ? NaN : want['applications.total']! + others;
		for (const [key, value] of Object.entries(want)) expect(shown[key], key).toBe(value);
		expect(shown['rule_flags.length']).toBeUndefined();
		await expect(page.locator('.scope')).toContainText('SlapOS');
	});

	test('lists and pages show only lauréats using its bricks', async ({ page }) => {
		await page.goto('/app/candidatures');
		const listed = await page.locator('tbody th[scope="row"]').allTextContents();
		expect(listed.map((s) => s.trim()).sort()).toEqual(expected.nexediVisible.slice(0, 25).sort());
		const csv = await (await page.request.get('/app/csv/candidatures/candidatures.csv')).text();
		expect(csv.trim().split('\r\n')).toHaveLength(expected.nexediVisible.length + 1);
		expect((await page.request.get(`/app/candidatures/${expected.nexediHidden}`)).status()).toBe(404);
		if (expected.nexediVisible[0]) {
			const own = await page.request.get(`/app/candidatures/${expected.nexediVisible[0]}`);
			expect(own.status()).toBe(200);
			const html = await own.text();
			expect(html).not.toContain('Note d’expertise');
			expect(html).not.toContain('Signalements de règles');
		}
		expect((await page.request.get('/app/qualite')).status()).toBe(403);
		expect((await page.request.get('/app/csv/qualite/signalements.csv')).status()).toBe(403);
	});

	test('statistical secrecy: a region filter isolates no application; other bricks are the public pages', async ({ page }) => {
		// The case: one application in Corse, not selected.
		const csv = await (await page.request.get('/app/csv/vue-ensemble/candidatures-par-statut.csv?region=Corse')).text();
		const rows = csv.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(';'));
		for (const r of rows) for (const cell of r.slice(1)) expect(['0', 's'], r.join(';')).toContain(cell);
		const dnsh = await (await page.request.get('/app/csv/dnsh/dnsh-objectifs-notes.csv?region=Corse')).text();
		for (const line of dnsh.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1)) expect(line.split(';').slice(1).every((c) => c === '0' || c === ''), line).toBe(true);
		await page.goto('/app?region=Corse&statut=non_retenue&releve=1');
		await expect(page.locator('[data-kpi="funding.requested_eur"]')).toHaveAttribute('data-value', '0');
		// Another member's brick, and one outside the call: the public page (or its 404), nothing finer.
		const sozu = await page.request.get('/app/briques/sozu', { maxRedirects: 0 });
		expect(sozu.status()).toBe(303);
		expect(sozu.headers()['location']).toBe('/briques/sozu');
		const xcp = await page.request.get('/app/briques/xcp-ng', { maxRedirects: 0 });
		expect(xcp.headers()['location']).toBe('/briques/xcp-ng');
		expect((await page.request.get('/app/csv/briques/sozu/brique-par-region.csv')).status()).toBe(404);
	});

	test('no confidential field on any page', async ({ page }) => {
		for (const p of PAGES.filter((x) => x.path !== '/app/qualite')) {
			const html = await (await page.request.get(p.path)).text();
			for (const secret of expected.confidential) expect(html.includes(secret), `${p.path} shows a DNSH justification`).toBe(false);
		}
		const dnsh = await (await page.request.get('/app/csv/dnsh/dnsh-candidatures-signalees.csv')).text();
		expect(dnsh.split('\r\n')[0]).not.toContain('Justification');
	});
});

test('anonymous readers are sent to sign in, CSV included', async ({ request }) => {
	for (const p of ['/app/financement', '/app/csv/financement/financement-par-releve.csv']) {
		const res = await request.get(p, { maxRedirects: 0 });
		expect([302, 303], p).toContain(res.status());
		expect(res.headers()['location'], p).toContain('/login');
	}
});
