/**
 * Formula injection, end to end (issue 8.3): a database whose text fields start with
 * = + - @ (company names, titles, summaries, sites, licences, report comments, agreement and
 * application ids, a load's file name, a refused file's cell), served by the built app; every
 * CSV, XLSX and ZIP of CSVs the app serves — open data, the dashboard's CSV downloads (found
 * by crawling the signed-in pages), the Bpifrance report, the load reports — is fetched and
 * read back cell by cell: no text cell may start with a formula character.
 *
 * This spec runs its own server (`node build`) on its own database, next to the shared one.
 */
import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { unzipSync, strFromU8 } from 'fflate';
import Papa from 'papaparse';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generateDataset, renderCsv, type DemoRow } from '../../scripts/demo-data';
import { createSession } from '../../src/lib/server/auth/sessions';
import { createUser } from '../../src/lib/server/auth/users';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { freePort } from '../../scripts/lib/net';

test.describe.configure({ mode: 'serial' });

const ROOT = path.resolve(import.meta.dirname, '../..');
const FORMULA = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;
const PAYLOADS = ['=HYPERLINK("http://evil.example","x")', '+SUM(1;2)', '-2+3+cmd|\'/C calc\'!A0', '@SUM(A1)', '=1+1'];

let server: ChildProcess;
let origin = '';
let cookie = '';
let dbFile = '';

/** A demo dataset whose free-text fields carry formula payloads, lauréats included. */
function poisonedExports(): { name: string; bytes: Uint8Array }[] {
	const ds = generateDataset({ seed: 31, applications: 150 });
	const p = (i: number) => PAYLOADS[i % PAYLOADS.length]!;
	const renamed = new Map<string, string>();
	ds.candidatures.forEach((row: DemoRow, i) => {
		if (i % 3 !== 0) return;
		row.raison_sociale = `${p(i)} SAS`;
		row.titre_projet = p(i + 1);
		row.resume = p(i + 2);
		row.site_web = p(i + 3);
		row.licence_envisagee = p(i + 4);
		row.dnsh_justification = p(i);
		if (i % 9 === 0) {
			const id = `=${row.numero_dossier}`;
			renamed.set(String(row.numero_dossier), id);
			row.numero_dossier = id;
		}
	});
	for (const row of [...ds.conventions, ...ds.rapports]) {
		const id = renamed.get(String(row.numero_dossier));
		if (id) row.numero_dossier = id;
	}
	ds.conventions.forEach((row, i) => {
		if (i % 4 === 0) row.numero_convention = `@${row.numero_convention}`;
	});
	ds.rapports.forEach((row, i) => {
		row.commentaire = p(i);
		if (row.depot_code_url) row.depot_code_url = `=HYPERLINK("${row.depot_code_url}")`;
		row.licence = p(i + 1);
	});
	return [
		{ name: '=candidatures.csv', bytes: renderCsv('candidatures', ds.candidatures, 'clean-utf8') },
		{ name: 'conventions.csv', bytes: renderCsv('conventions', ds.conventions, 'excel-fr') },
		{ name: 'rapports.csv', bytes: renderCsv('rapports', ds.rapports, 'bom-semicolon') }
	];
}

test.beforeAll(async () => {
	test.setTimeout(120_000);
	dbFile = path.join(ROOT, 'tests', '.tmp', `formula-${process.pid}.duckdb`);
	fs.mkdirSync(path.dirname(dbFile), { recursive: true });
	for (const f of [dbFile, `${dbFile}.wal`]) fs.rmSync(f, { force: true });
	const db = await Database.open(dbFile);
	try {
		const loaded = await importExports(db, poisonedExports(), { actor: '@attacker', source: 'cli' });
		expect(loaded.errors).toEqual([]);
		// A refused file: its report (a CSV) shows the bad cell's value.
		const refused = await importExports(db, [{ name: '+refused.csv', bytes: new TextEncoder().encode('numero_dossier,type_rapport,date_rapport,depenses_realisees,emplois_crees,ca_genere\n=HOX-1,final,2026-01-01,=1+1,1,1\n') }], { actor: 'test', source: 'cli' });
		expect(refused.ok).toBe(false);
		const user = await createUser(db, { email: 'formula@test.local', role: 'admin', password: 'Orchid-canal-4417-x' }, 'test');
		cookie = `hox_session=${(await createSession(db, user.id)).token}`;
	} finally {
		db.close();
	}
	const port = await freePort();
	origin = `http://127.0.0.1:${port}`;
	server = spawn(process.execPath, ['build'], {
		cwd: ROOT,
		env: { ...process.env, HOX_DB: dbFile, PORT: String(port), HOST: '127.0.0.1', ORIGIN: origin },
		stdio: 'ignore'
	});
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			if ((await fetch(`${origin}/`)).ok) break;
		} catch {
			// not up yet
		}
		if (Date.now() > deadline) throw new Error('the formula-injection server did not start');
		await new Promise((r) => setTimeout(r, 200));
	}
});

test.afterAll(async () => {
	server?.kill('SIGTERM');
	await new Promise((r) => (server && server.exitCode === null ? server.once('exit', r) : r(null)));
	for (const f of [dbFile, `${dbFile}.wal`]) fs.rmSync(f, { force: true });
});

interface Scan {
	files: string[];
	violations: string[];
	neutralised: number;
}

function scanCsv(where: string, text: string, scan: Scan): void {
	const body = text.replace(/^\ufeff/, '');
	const delimiter = /^[^\n]*;/.test(body) && !/^[^\n]*,/.test(body.split('\n')[0]!.replace(/"[^"]*"/g, '')) ? ';' : ',';
	const rows = Papa.parse<string[]>(body, { delimiter, header: false, skipEmptyLines: true }).data;
	rows.forEach((row, r) =>
		row.forEach((cell, c) => {
			if (cell.startsWith("'") && FORMULA.test(cell.slice(1))) scan.neutralised++;
			if (FORMULA.test(cell) && !NUMBER.test(cell)) scan.violations.push(`${where} row ${r + 1} col ${c + 1}: ${JSON.stringify(cell.slice(0, 60))}`);
		})
	);
	scan.files.push(where);
}

async function scanXlsx(where: string, bytes: Uint8Array, scan: Scan): Promise<void> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
	wb.eachSheet((sheet) =>
		sheet.eachRow((row, r) =>
			row.eachCell((cell, c) => {
				const at = `${where} ${sheet.name}!R${r}C${c}`;
				if (cell.type === ExcelJS.ValueType.Formula) scan.violations.push(`${at}: a formula cell`);
				const v = cell.value;
				const text = typeof v === 'string' ? v : v && typeof v === 'object' && 'text' in v ? String((v as { text: unknown }).text) : null;
				if (text === null) return;
				if (text.startsWith("'") && FORMULA.test(text.slice(1))) scan.neutralised++;
				if (FORMULA.test(text)) scan.violations.push(`${at}: ${JSON.stringify(text.slice(0, 60))}`);
			})
		)
	);
	scan.files.push(where);
}

async function get(url: string): Promise<Response> {
	return fetch(new URL(url, origin), { headers: { cookie }, redirect: 'manual' });
}

/** Signed-in and public pages, followed from /app and /, collecting the spreadsheet links. */
async function crawl(): Promise<Set<string>> {
	const files = new Set<string>();
	const seen = new Set<string>();
	const queue = ['/app', '/', '/donnees', '/projets', '/app/rapport', '/app/admin/chargements'];
	while (queue.length > 0 && seen.size < 150) {
		const page = queue.shift()!;
		if (seen.has(page)) continue;
		seen.add(page);
		const response = await get(page);
		if (!(response.headers.get('content-type') ?? '').includes('text/html')) continue;
		const html = await response.text();
		for (const m of html.matchAll(/href="([^"#]+)"/g)) {
			const href = m[1]!.replace(/&amp;/g, '&');
			if (!href.startsWith('/') || href.startsWith('//')) continue;
			const pathname = href.split('?')[0]!;
			if (/\.(csv|xlsx|zip)$/.test(pathname)) files.add(href);
			else if (!href.includes('?') && !/\.(json|pdf|svg|png|css|js|xml)$/.test(pathname) && !/^\/(logout|lang|login|_app)/.test(pathname)) queue.push(href);
		}
	}
	return files;
}

test('every CSV, XLSX and ZIP the app serves neutralises formula-like text', async () => {
	test.setTimeout(180_000);
	const files = await crawl();
	// Not all linked as plain <a href> (forms, endpoints): added by hand.
	for (const f of ['/donnees/projets-finances.csv', '/donnees/subventions-scdl.csv', '/app/rapport/rapport.xlsx', '/app/rapport/rapport.zip']) files.add(f);
	const loads = (await (await get('/api/v1/loads')).json()) as { loads?: { id: number }[] } | { id: number }[];
	for (const l of Array.isArray(loads) ? loads : (loads.loads ?? [])) files.add(`/api/v1/loads/${l.id}/report.csv`);

	const scan: Scan = { files: [], violations: [], neutralised: 0 };
	for (const url of [...files].sort()) {
		const response = await get(url);
		expect(response.status, url).toBe(200);
		const bytes = new Uint8Array(await response.arrayBuffer());
		const pathname = url.split('?')[0]!;
		if (pathname.endsWith('.csv')) scanCsv(url, new TextDecoder().decode(bytes), scan);
		else if (pathname.endsWith('.xlsx')) await scanXlsx(url, bytes, scan);
		else if (pathname.endsWith('.zip')) {
			for (const [name, content] of Object.entries(unzipSync(bytes))) if (name.endsWith('.csv')) scanCsv(`${url}:${name}`, strFromU8(content), scan);
		}
	}
	test.info().annotations.push({ type: 'scanned', description: `${scan.files.length} files, ${scan.neutralised} neutralised cells` });
	expect(scan.violations).toEqual([]);
	// The scan is not empty: the files were there, and the payloads reached them (neutralised).
	expect(scan.files.filter((f) => f.startsWith('/app/csv/')).length).toBeGreaterThanOrEqual(10);
	expect(scan.files.some((f) => f.startsWith('/donnees/'))).toBe(true);
	expect(scan.files.some((f) => f.startsWith('/api/v1/loads/'))).toBe(true);
	expect(scan.files.some((f) => f.includes('rapport.xlsx'))).toBe(true);
	expect(scan.files.some((f) => f.includes('rapport.zip:'))).toBe(true);
	expect(scan.neutralised).toBeGreaterThan(50);
});
