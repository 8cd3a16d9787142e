/**
 * The public side, end to end, against the server loaded with data/samples:
 *
 * - a crawl of every public page reachable from / (and each again in English) and of every
 *   open-data file: no value that identifies an application that is not a funded lauréat, and
 *   no confidential field of anyone, appears anywhere; every funded lauréat does (name, SIREN);
 * - the funding mentions with their logos on every public page, the forecast label on the
 *   overview, and no company's declared jobs or revenue on any page or in any file;
 * - accessibility (axe-core: no violation), reading without JavaScript, ETag/304 and
 *   Cache-Control, HTML size under 150 KB, the SCDL header.
 *
 * The confidential values are read from the sample exports with the project's own checker
 * (checkExport), so the test follows the samples whatever they hold.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkExport, type ParsedRow } from '../../src/lib/domain/check';

const SAMPLES = process.env.HOX_SAMPLES ?? 'data/samples';
const DATA_FILES = ['/donnees/projets-finances.csv', '/donnees/projets-finances.json', '/donnees/subventions-scdl.csv', '/donnees/360giving.json'];
const MAX_PAGE_BYTES = 150 * 1024;
const MENTIONS = [
	'Ce projet a été financé par le gouvernement dans le cadre de France 2030',
	"Financé par l'Union européenne - Next Generation EU dans le cadre du plan France Relance"
];
const FORECAST_LABEL = /prévisions déclarées par les bénéficiaires/i;

// ---------------------------------------------------------------------------------------------
// What the samples hold.

function loadSamples() {
	const byKind: Record<string, ParsedRow[]> = { candidatures: [], conventions: [], rapports: [] };
	for (const f of fs.readdirSync(SAMPLES).filter((n) => n.endsWith('.csv'))) {
		const checked = checkExport(f, new Uint8Array(fs.readFileSync(path.join(SAMPLES, f))));
		if (!checked.kind || checked.errors.length > 0) throw new Error(`${f}: the sample does not pass checkExport (${checked.errors.length} errors)`);
		byKind[checked.kind]!.push(...checked.rows);
	}
	return byKind;
}

const samples = loadSamples();
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
const withAgreement = new Set(samples.conventions!.map((c) => str(c.numero_dossier)));
const funded = samples.candidatures!.filter((a) => a.statut === 'laureat' && withAgreement.has(str(a.numero_dossier)));
const fundedIds = new Set(funded.map((a) => str(a.numero_dossier)));
const hidden = samples.candidatures!.filter((a) => !fundedIds.has(str(a.numero_dossier)));

/** Every value published for funded lauréats: a secret that is part of one of them is no leak. */
const publicTexts: string[] = [];
for (const a of funded) {
	for (const c of ['numero_dossier', 'raison_sociale', 'siren', 'siret', 'titre_projet', 'resume', 'site_web', 'region_name']) publicTexts.push(str(a[c]));
}
for (const g of samples.conventions!) if (fundedIds.has(str(g.numero_dossier))) publicTexts.push(str(g.numero_convention));
for (const r of samples.rapports!) if (fundedIds.has(str(r.numero_dossier))) publicTexts.push(str(r.depot_code_url), str(r.licence));
const publicCorpus = publicTexts.join('\n').toLowerCase();

/**
 * Numbers published for funded lauréats (grant, payments). Not their declared jobs and revenue:
 * those are published only as totals over at least 3 companies (exports.md §2).
 */
const publicNumbers = new Set<string>();
const addNumber = (v: unknown) => v !== null && v !== undefined && v !== '' && publicNumbers.add(Number(v).toFixed(2));
for (const g of samples.conventions!) if (fundedIds.has(str(g.numero_dossier))) ['montant_aide', 'montant_avance', 'montant_solde'].forEach((c) => addNumber(g[c]));

interface Secret {
	what: string;
	pattern: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A text secret, matched case-insensitively; skipped when short or part of public values. */
function textSecret(what: string, value: string, minLength = 6): Secret | null {
	const v = value.trim();
	if (v.length < minLength || publicCorpus.includes(v.toLowerCase())) return null;
	return { what, pattern: new RegExp(`(?<![0-9A-Za-z])${escapeRe(v)}(?![0-9])`, 'i') };
}

/** An identifier of digits (SIREN, SIRET), raw or grouped by 3 with any space. */
function digitsSecret(what: string, value: string): Secret | null {
	const v = value.replace(/\s/g, '');
	if (!/^\d{9,14}$/.test(v) || publicCorpus.includes(v)) return null;
	const grouped = v.length === 9 ? `${v.slice(0, 3)}[\\s\\u00a0\\u202f]?${v.slice(3, 6)}[\\s\\u00a0\\u202f]?${v.slice(6)}` : escapeRe(v);
	return { what, pattern: new RegExp(`(?<![0-9])(?:${grouped})(?![0-9])`) };
}

/**
 * An amount, in the forms pages and files write it: `7654321`, `7654321.00`, `7 654 321`
 * (any space), `7 654 321,00`. Only amounts of 5 digits or more, that no funded lauréat
 * publishes, and not round to 10 000 (too likely to match a total by chance).
 */
function amountSecret(what: string, value: unknown): Secret | null {
	if (value === null || value === undefined || value === '') return null;
	const n = Number(value);
	if (!Number.isFinite(n) || Math.abs(n) < 10000 || n % 10000 === 0 || publicNumbers.has(n.toFixed(2))) return null;
	const [int, dec] = n.toFixed(2).split('.') as [string, string];
	const groups = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u0001').split('\u0001');
	const spaced = groups.map(escapeRe).join('[\\s\\u00a0\\u202f]');
	const cents = dec === '00' ? `(?:[.,]00?)?` : `[.,]${dec}`;
	return {
		what,
		pattern: new RegExp(`(?<![0-9][\\s\\u00a0\\u202f.,]?)(?:${escapeRe(int)}|${spaced})${cents}(?![0-9]|[\\s\\u00a0\\u202f.,][0-9])`)
	};
}

const secrets: Secret[] = [];
const push = (s: Secret | null) => s && secrets.push(s);
for (const a of hidden) {
	const id = str(a.numero_dossier);
	push(textSecret(`${id} raison_sociale`, str(a.raison_sociale)));
	push(digitsSecret(`${id} siren`, str(a.siren)));
	push(digitsSecret(`${id} siret`, str(a.siret)));
	push(textSecret(`${id} titre_projet`, str(a.titre_projet), 8));
	push(textSecret(`${id} resume`, str(a.resume), 12));
	push(textSecret(`${id} site_web`, str(a.site_web).replace(/^https?:\/\//, '').replace(/\/$/, ''), 8));
	push(textSecret(`${id} numero_dossier`, id));
}
for (const a of samples.candidatures!) {
	const id = str(a.numero_dossier);
	for (const c of ['chiffre_affaires', 'total_bilan', 'aides_minimis_3_ans']) push(amountSecret(`${id} ${c}`, a[c]));
	if (Number(a.effectif) >= 10000) push(amountSecret(`${id} effectif`, a.effectif));
	push(textSecret(`${id} dnsh_justification`, str(a.dnsh_justification), 12));
	// Every company's revenue forecast, lauréats included: never published company by company.
	push(amountSecret(`${id} ca_prevu`, a.ca_prevu));
}
for (const r of samples.rapports!) {
	for (const c of ['ca_genere', 'ca_prevu_3_ans']) push(amountSecret(`${str(r.numero_dossier)} ${c}`, r[c]));
	push(textSecret(`${str(r.numero_dossier)} commentaire`, str(r.commentaire), 16));
	// Reports of projects that are not published must not show through either.
	if (!fundedIds.has(str(r.numero_dossier))) push(textSecret(`${str(r.numero_dossier)} depot_code_url`, str(r.depot_code_url), 12));
}

// ---------------------------------------------------------------------------------------------
// The crawl.

const decodeEntities = (s: string) =>
	s
		.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
		.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&nbsp;/g, '\u00a0')
		.replace(/&amp;/g, '&');

const PUBLIC_PATH = /^\/(?:$|projets(?:\/|$|\?)|briques\/|donnees(?:\/|$))/;

interface Fetched {
	url: string;
	status: number;
	body: string;
	bytes: number;
	headers: Record<string, string>;
}

async function crawl(request: APIRequestContext): Promise<Fetched[]> {
	const seen = new Set<string>();
	const queue = ['/', ...DATA_FILES];
	const out: Fetched[] = [];
	while (queue.length > 0) {
		const url = queue.shift()!;
		if (seen.has(url)) continue;
		seen.add(url);
		const res = await request.get(url);
		const buffer = await res.body();
		const body = buffer.toString('utf8');
		out.push({ url, status: res.status(), body, bytes: buffer.byteLength, headers: res.headers() });
		if (!(res.headers()['content-type'] ?? '').includes('text/html')) continue;
		for (const m of body.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g)) {
			const href = decodeEntities(m[1]!);
			if (!href.startsWith('/') || href.startsWith('//')) continue;
			const clean = href.split('#')[0]!;
			if (clean && PUBLIC_PATH.test(clean) && !seen.has(clean)) queue.push(clean);
		}
	}
	return out;
}

let pages: Fetched[] = [];
let english: Fetched[] = [];

test.beforeAll(async ({ playwright }) => {
	const request = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}` });
	pages = await crawl(request);
	const htmlPages = pages.filter((p) => p.headers['content-type']?.includes('text/html'));
	english = [];
	for (const p of htmlPages) {
		const url = p.url + (p.url.includes('?') ? '&' : '?') + 'lang=en';
		const res = await request.get(url);
		english.push({ url, status: res.status(), body: await res.text(), bytes: 0, headers: res.headers() });
	}
	await request.dispose();
});

test.describe('confidentiality', () => {
	test('the samples hold funded lauréats and applications to keep confidential', () => {
		expect(funded.length).toBeGreaterThan(0);
		expect(hidden.length).toBeGreaterThan(0);
		expect(secrets.length).toBeGreaterThan(hidden.length);
	});

	test('the crawl reaches every funded project, brick page and open-data file', () => {
		const urls = pages.map((p) => p.url);
		for (const id of fundedIds) expect(urls).toContain(`/projets/${encodeURIComponent(id)}`);
		for (const f of DATA_FILES) expect(urls).toContain(f);
		expect(urls.some((u) => u.startsWith('/briques/'))).toBe(true);
		for (const p of pages) expect(p.status, p.url).toBe(200);
	});

	test('no confidential value appears on any public page or in any open-data file', () => {
		const leaks: string[] = [];
		for (const p of [...pages, ...english]) {
			const text = decodeEntities(p.body);
			for (const s of secrets) if (s.pattern.test(text)) leaks.push(`${s.what} on ${p.url}`);
		}
		expect(leaks).toEqual([]);
	});

	test('every funded lauréat appears (name and SIREN) in the list, on its page and in the files', () => {
		const byUrl = new Map(pages.map((p) => [p.url, decodeEntities(p.body)]));
		for (const a of funded) {
			const name = str(a.raison_sociale);
			const siren = str(a.siren);
			const page = byUrl.get(`/projets/${encodeURIComponent(str(a.numero_dossier))}`) ?? '';
			expect(page, name).toContain(name);
			expect(page, name).toContain(siren);
			expect(byUrl.get('/projets'), name).toContain(name);
			for (const f of ['/donnees/projets-finances.csv', '/donnees/projets-finances.json']) {
				expect(byUrl.get(f), `${name} in ${f}`).toContain(siren);
			}
		}
	});

	test('an application that is not a funded lauréat has no page', async ({ request }) => {
		for (const a of hidden.slice(0, 10)) {
			const res = await request.get(`/projets/${encodeURIComponent(str(a.numero_dossier))}`);
			expect(res.status()).toBe(404);
			expect(decodeEntities(await res.text())).not.toContain(str(a.raison_sociale));
		}
	});
});

test.describe('public pages', () => {
	test('/briques leads to the list of bricks on the overview; an unknown brick is a 404', async ({ request }) => {
		const res = await request.get('/briques', { maxRedirects: 0 });
		expect(res.status()).toBe(308);
		expect(res.headers()['location']).toBe('/#bricks');
		expect((await request.get('/briques/pas-une-brique')).status()).toBe(404);
	});

	test('every public page carries the funding mentions with their logos; the overview labels forecasts', () => {
		const targets = pages.filter((p) => p.headers['content-type']?.includes('text/html'));
		expect(targets.filter((p) => p.url === '/' || /^\/projets\/[^/?]+$/.test(p.url)).length).toBe(1 + fundedIds.size);
		expect(targets.map((p) => p.url)).toContain('/donnees');
		for (const p of [...targets, ...english]) {
			const text = decodeEntities(p.body);
			for (const m of MENTIONS) expect(text, `${p.url}: ${m}`).toContain(m);
			// The logos, as images with an accessible name, and the EU emblem's caption.
			expect(text, p.url).toMatch(/<img[^>]*src="\/logos\/france-2030\.svg"[^>]*alt="Logo France 2030"/);
			expect(text, p.url).toMatch(/<img[^>]*src="\/logos\/union-europeenne\.svg"[^>]*alt="Drapeau de l’Union européenne"/);
			expect(text, p.url).toContain("Financé par l'Union européenne – NextGenerationEU");
		}
		expect(decodeEntities(pages.find((p) => p.url === '/')!.body)).toMatch(FORECAST_LABEL);
	});

	test('the logo files are served as SVG, the France 2030 one unchanged', async ({ request }) => {
		const france = await request.get('/logos/france-2030.svg');
		expect(france.status()).toBe(200);
		expect(france.headers()['content-type']).toMatch(/^image\/svg\+xml/);
		expect(await france.text()).toBe(fs.readFileSync('static/logos/france-2030.svg', 'utf8'));
		const eu = await request.get('/logos/union-europeenne.svg');
		expect(eu.status()).toBe(200);
		expect(await eu.text()).toMatch(/<title[^>]*>Drapeau de l’Union européenne<\/title>/);
	});

	test('no page or file lists a company’s declared jobs or revenue', () => {
		for (const p of pages.filter((x) => /^\/projets\/[^/?]+$/.test(x.url))) {
			expect(decodeEntities(p.body), p.url).not.toMatch(/Emplois \(ETP\)|Chiffre d’affaires \(3 ans\)/);
		}
		const forbidden = /^(emplois|ca_prevu|ca_genere|chiffre_affaires|previsions_declarees|realisations_declarees)/;
		for (const f of DATA_FILES) {
			const body = pages.find((p) => p.url === f)!.body;
			const names = f.endsWith('.csv') ? body.split(/\r?\n/)[0]!.split(',') : [...body.matchAll(/"([A-Za-z_0-9]+)"\s*:/g)].map((m) => m[1]!);
			expect(names.length, f).toBeGreaterThan(5);
			expect(names.filter((n) => forbidden.test(n)), f).toEqual([]);
		}
	});

	test('every page weighs less than 150 KB of HTML, charts included', () => {
		const sizes = pages.filter((p) => p.headers['content-type']?.includes('text/html')).map((p) => ({ url: p.url, kb: +(p.bytes / 1024).toFixed(1) }));
		console.log('HTML sizes (KB):', JSON.stringify(sizes.sort((a, b) => b.kb - a.kb).slice(0, 8)));
		for (const s of sizes) expect(s.kb, s.url).toBeLessThan(MAX_PAGE_BYTES / 1024);
	});

	test('pages are plain HTML: no script, and they read with JavaScript disabled', async ({ browser }) => {
		for (const p of pages.filter((x) => x.headers['content-type']?.includes('text/html'))) {
			expect(p.body, p.url).not.toMatch(/<script\b(?![^>]*type="application\/ld\+json")/);
		}
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/');
		await expect(page.locator('h1')).toBeVisible();
		await expect(page.locator('[data-kpi="funding.committed_eur"]')).toContainText('€');
		await expect(page.locator('svg[role="img"]').first()).toBeVisible();
		await page.goto('/projets');
		const first = page.locator('ul.projects a').first();
		await first.click();
		await expect(page.locator('[data-field="siren"]')).toBeVisible();
		// Filters work without JavaScript (a GET form).
		await page.goto('/projets');
		const brick = await page.locator('#f-brique option').nth(1).getAttribute('value');
		await page.selectOption('#f-brique', brick!);
		await page.getByRole('button', { name: /Filtrer|Filter/ }).click();
		await expect(page).toHaveURL(new RegExp(`brique=${brick}`));
		await context.close();
	});

	test('axe-core finds no accessibility violation on any public page', async ({ page }) => {
		test.setTimeout(300_000);
		const htmlPages = pages.filter((p) => p.headers['content-type']?.includes('text/html'));
		const violations: string[] = [];
		for (const p of htmlPages) {
			await page.goto(p.url);
			const results = await new AxeBuilder({ page }).analyze();
			for (const v of results.violations) violations.push(`${p.url}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`);
		}
		expect(violations).toEqual([]);
	});
});

test.describe('caching and open data', () => {
	test('pages and files carry an ETag tied to the data version, and answer 304', async ({ request }) => {
		for (const url of ['/', '/projets', ...DATA_FILES]) {
			const first = await request.get(url);
			const etag = first.headers().etag;
			expect(etag, url).toMatch(/^W\/".+"$/);
			expect(first.headers()['cache-control'], url).toMatch(/public, max-age=\d+/);
			const again = await request.get(url);
			expect(again.headers().etag, url).toBe(etag);
			const revalidated = await request.get(url, { headers: { 'if-none-match': etag! } });
			expect(revalidated.status(), url).toBe(304);
			expect(await revalidated.body(), url).toHaveLength(0);
		}
		const fr = (await request.get('/')).headers().etag;
		const en = (await request.get('/?lang=en')).headers().etag;
		expect(en).not.toBe(fr);
		expect((await request.get('/')).headers().vary).toMatch(/cookie/i);
	});

	test('the SCDL file has the 16 columns of subventions v2.1.1 in order, one row per agreement', async ({ request }) => {
		const res = await request.get('/donnees/subventions-scdl.csv');
		expect(res.headers()['content-type']).toMatch(/^text\/csv; charset=utf-8/);
		const text = await res.text();
		expect(text.charCodeAt(0)).not.toBe(0xfeff);
		const [header, ...rows] = text.trimEnd().split('\r\n');
		expect(header).toBe(
			'nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide'
		);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.length).toBeLessThanOrEqual(samples.conventions!.filter((g) => fundedIds.has(str(g.numero_dossier))).length);
		for (const line of rows) {
			expect(line).toMatch(/,\d{4}-\d{2}-\d{2},/);
			expect(line).toMatch(/,\d+\.\d{2},aide en numéraire,(échelonné|unique),\d{4}-\d{2}-\d{2}(\/\d{4}-\d{2}-\d{2})?,,non,1\.00,/);
		}
	});

	test('the JSON files parse and list the funded projects', async ({ request }) => {
		const projects = await (await request.get('/donnees/projets-finances.json')).json();
		expect(projects.licence.name).toMatch(/Licence Ouverte/);
		expect(projects.projects.map((p: { numero_dossier: string }) => p.numero_dossier).sort()).toEqual([...fundedIds].sort());
		const giving = await (await request.get('/donnees/360giving.json')).json();
		expect(giving.grants.length).toBeGreaterThan(0);
		for (const g of giving.grants) {
			expect(g).toMatchObject({ currency: 'EUR', id: expect.any(String), title: expect.any(String), amountAwarded: expect.any(Number) });
			expect(g.recipientOrganization[0].id).toMatch(/^(FR-RCS-\d{9}|360G-.*-beneficiaire-.+)$/);
			expect(g.fromOpenCall).toBe('Yes');
			for (const m of MENTIONS) expect(g.description).toContain(m);
		}
	});

	test('a server whose HOX_ATTRIBUANT_ID is not a valid SIRET does not start, and says why', () => {
		const run = spawnSync(process.execPath, ['build'], {
			env: { ...process.env, HOX_DB: 'tests/.tmp/e2e-bad-config.duckdb', PORT: '0', HOX_ATTRIBUANT_ID: '12345678900012' },
			encoding: 'utf8',
			timeout: 30_000
		});
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('HOX_ATTRIBUANT_ID');
		expect(run.stderr).toContain('Le serveur ne démarre pas');
	});

	test('the data page describes every file and its licence', async ({ page }) => {
		await page.goto('/donnees');
		for (const f of DATA_FILES) await expect(page.locator(`a[href="${f}"]`)).toBeVisible();
		await expect(page.locator('a[rel~="license"]')).toContainText('Licence Ouverte');
	});
});
