/**
 * Issue 18 #10 against the built server: a large upload is read and checked off the request
 * thread (worker threads: the multipart body, the check, the packing of the rows), so a public
 * page keeps answering while one — or two at once — are checked and loaded. The page is asked
 * every 50 ms; each answer's time is recorded (printed: docs/LOADS.md quotes it).
 * Its own server (aux-server.ts): the loads replace the applications snapshot.
 */
import { expect, test } from '@playwright/test';
import { generateDataset, renderCsv } from '../../scripts/demo-data';
import { AUX_BASE, median, poll, prepareDb, startServer, stopServer } from './aux-server';
import { signIn } from './helpers';

const DB_FILE = 'tests/.tmp/upload-stall.duckdb';
const PUBLIC_PAGE = '/';
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!;

test.use({ baseURL: AUX_BASE });

test('a 30 MB upload, then two at once: a public page answers meanwhile', async ({ page }) => {
	test.setTimeout(420_000);
	// About 30 MB of applications as Excel writes them (Windows-1252, `;`, CRLF), 45 000 rows.
	const dataset = generateDataset({ seed: 7, applications: 45_000 });
	const big = Buffer.from(renderCsv('candidatures', dataset.candidatures, 'excel-fr'));
	expect(big.byteLength).toBeGreaterThan(25 * 1024 * 1024);
	// A second file of 20 MB (UTF-8 this time), for two uploads at once.
	const second = Buffer.from(renderCsv('candidatures', dataset.candidatures.slice(0, 30_000), 'clean-utf8'));

	await prepareDb(DB_FILE);
	const server = await startServer(DB_FILE, { BODY_SIZE_LIMIT: '64M' });
	try {
		await signIn(page, 'admin', '/app/admin/chargements');
		// Warm the public page (its first answer fills the caches).
		for (let i = 0; i < 3; i++) expect((await fetch(`${AUX_BASE}${PUBLIC_PAGE}`)).status).toBe(200);

		const multipart = (name: string, buffer: Buffer) =>
			page.request.post('/api/v1/loads', {
				multipart: { files: { name, mimeType: 'text/csv', buffer } },
				headers: { origin: AUX_BASE },
				timeout: 300_000
			});
		const raw = (name: string, buffer: Buffer) =>
			page.request.post(`/api/v1/loads?name=${name}`, { data: buffer, headers: { 'content-type': 'text/csv', origin: AUX_BASE }, timeout: 300_000 });

		const measure = async (label: string, uploads: () => Promise<unknown>) => {
			const watch = poll(PUBLIC_PAGE, 50);
			const login = poll('/login', 50);
			const start = performance.now();
			await uploads();
			const ms = performance.now() - start;
			const answers = await watch.stop();
			const logins = await login.stop();
			const times = answers.map((a) => a.ms);
			const slow = (xs: typeof answers) => xs.filter((a) => a.ms > 200).map((a) => `${Math.round(a.ms)} ms at ${Math.round(a.at)}`).join(', ');
			console.log(`${label}: uploads ${Math.round(ms)} ms; ${PUBLIC_PAGE} meanwhile: ${answers.length} answers, median ${Math.round(median(times))} ms, max ${Math.round(Math.max(...times))} ms (over 200 ms: ${slow(answers)}); /login: median ${Math.round(median(logins.map((a) => a.ms)))} ms (over 200 ms: ${slow(logins)})`);
			const failed = [...answers, ...logins].filter((a) => a.status !== 200);
			if (failed.length > 0) console.log(`${label}: answers other than 200: ${failed.map((a) => `${a.status} after ${Math.round(a.ms)} ms at ${Math.round(a.at)}`).join(', ')}`);
			expect(answers.length).toBeGreaterThan(5);
			// (A poll that gets no answer at all, status 0, is the client giving up on a machine this busy.)
			expect(failed.filter((a) => a.status !== 0)).toEqual([]);
			expect(failed.length).toBeLessThan((answers.length + logins.length) / 20);
			// Under 200 ms as a rule, three answers in four under a second, on a two-core machine shared
			// with other jobs (before: every request held 2.5 s by one 50 MB upload, 8 s by two).
			expect(median(times)).toBeLessThan(200);
			expect(median(logins.map((a) => a.ms))).toBeLessThan(200);
			expect(percentile(times, 0.75)).toBeLessThan(1000);
		};

		await measure(`one upload of ${(big.byteLength / 1048576).toFixed(1)} MB (multipart)`, async () => {
			const res = await multipart('candidatures.csv', big);
			expect(res.status()).toBe(200);
			expect(await res.json()).toMatchObject({ ok: true, files: [{ kind: 'candidatures', rows: 45_000 }] });
		});
		await measure(`two at once (${(big.byteLength / 1048576).toFixed(1)} MB multipart, ${(second.byteLength / 1048576).toFixed(1)} MB raw)`, async () => {
			const [a, b] = await Promise.all([multipart('candidatures.csv', big), raw('candidatures-2.csv', second)]);
			expect([a.status(), b.status()]).toEqual([200, 200]);
		});
	} finally {
		await stopServer(server);
	}
});
