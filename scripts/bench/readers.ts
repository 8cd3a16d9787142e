/**
 * The readers' benchmark: the built server under the load of many distinct people, as it
 * meets them in use, rather than one browser replaying one page.
 *
 * - `dashboard`: N connections, each its own signed-in user with its own session (a mix of
 *   administrators, auditors and members of each of the five consortium organisations), each
 *   walking the dashboard's pages with a mix of filters. A user never asks the same URL twice
 *   in a run, so no per-browser replay can be counted as speed.
 * - `public`: N connections of anonymous readers (no session cookie; a quarter of them read in
 *   English) on the public pages, the project pages and the open-data files.
 * - `static`: the public home page as the server rendered it, saved as a static file and served
 *   by the same Node process (adapter-node's static handler): the limit a rendered page can approach.
 * - reports: `/app/rapport` and its PDF, XLSX and ZIP, one after the other (median of 3).
 * - the server's resident memory at rest and at its peak, and the time from its start to the
 *   first page served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createSession } from '../../src/lib/server/auth/sessions';
import { createUser } from '../../src/lib/server/auth/users';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { BRICKS, BRICK_IDS } from '../../src/lib/domain/bricks';
import { freePort } from '../lib/net';
import { memoryOf } from './pages';
import { median, percentile, round } from './stats';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface GroupBench {
	group: 'dashboard' | 'public' | 'static';
	connections: number;
	duration_s: number;
	requests: number;
	rps: number;
	p50_ms: number;
	p95_ms: number;
	p99_ms: number;
	max_ms: number;
	non2xx: number;
	errors: number;
	/** Distinct URLs asked during the run. */
	distinct_urls: number;
	/** A few answers other than 2xx, as `status URL` (a benchmark that counts errors as speed is wrong). */
	non2xx_examples: string[];
	/** Distinct readers (sessions for the dashboard, cookie-less clients for the public pages). */
	readers: number;
}

export interface ReportBench {
	applications: number;
	page_ms: number;
	pdf_ms: number;
	xlsx_ms: number;
	zip_ms: number;
	statuses: Record<string, number>;
}

export interface ReadersBench {
	data: string;
	applications: number;
	start_to_first_page_ms: number;
	groups: GroupBench[];
	reports: ReportBench;
	memory: { rss_rest_mb: number; rss_peak_mb: number; hwm_mb: number };
}

type Input = { name: string; bytes: Uint8Array };

interface Reader {
	role: 'admin' | 'auditor' | 'consortium';
	org: string | null;
	cookie: string;
}

/** The mix of signed-in users: administrators, auditors and members of each organisation, in turn. */
const ORGS = [...new Set(BRICKS.map((b) => b.org))];
const PROFILES: { role: Reader['role']; org: string | null }[] = [
	{ role: 'admin', org: null },
	{ role: 'auditor', org: null },
	...ORGS.map((org) => ({ role: 'consortium' as const, org }))
];

/** A fresh database with the given exports and one user (and session) per connection. */
async function prepare(file: string, inputs: Input[], users: number): Promise<{ readers: Reader[]; dossiers: string[]; laureates: string[] }> {
	for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
	const db = await Database.open(file);
	try {
		const result = await importExports(db, inputs, { actor: 'bench', source: 'cli' });
		if (!result.ok) throw new Error('bench data refused');
		const readers: Reader[] = [];
		for (let i = 0; i < users; i++) {
			const profile = PROFILES[i % PROFILES.length]!;
			const user = await createUser(
				db,
				{ email: `reader${i}@bench.invalid`, role: profile.role, org: profile.org, password: `Orchid-${crypto.randomUUID()}` },
				'bench'
			);
			const { token } = await createSession(db, user.id);
			readers.push({ ...profile, cookie: `hox_session=${token}` });
		}
		const dossiers = (await db.all<{ d: string }>(`SELECT numero_dossier AS d FROM applications ORDER BY 1`)).map((r) => r.d);
		const laureates = (
			await db.all<{ d: string }>(`SELECT DISTINCT numero_dossier AS d FROM funded_projects WHERE numero_dossier IN (SELECT numero_dossier FROM applications) ORDER BY 1`)
		).map((r) => r.d);
		return { readers, dossiers, laureates };
	} finally {
		db.close();
	}
}

/** A seeded shuffle (mulberry32), so that two runs walk the same way. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
	let a = seed >>> 0;
	const rand = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

const DASHBOARD_PAGES = ['/app', '/app/financement', '/app/briques', '/app/candidatures', '/app/dnsh', '/app/impact', '/app/open-source', '/app/geographie'];
const STAFF_PAGES = ['/app/qualite'];
const REGIONS = ['Île-de-France', 'Bretagne', 'Auvergne-Rhône-Alpes', 'Occitanie'];

/**
 * Every URL a signed-in reader of this profile may walk: each page unfiltered, by round, by
 * region, by one of the reader's bricks (own bricks only for members), and a few crossings.
 */
function dashboardUrls(reader: Reader, dossiers: string[]): string[] {
	const bricks = reader.org ? BRICKS.filter((b) => b.org === reader.org).map((b) => b.id) : [...BRICK_IDS];
	const filters = ['', '?releve=1', '?releve=2', ...REGIONS.map((r) => `?region=${encodeURIComponent(r)}`)];
	for (const b of bricks.slice(0, 2)) filters.push(`?brique=${b}`, `?brique=${b}&releve=2`);
	filters.push(`?releve=2&region=${encodeURIComponent(REGIONS[0]!)}`, '?statut=laureat');
	const pages = reader.role === 'consortium' ? DASHBOARD_PAGES : [...DASHBOARD_PAGES, ...STAFF_PAGES];
	const urls = pages.flatMap((p) => filters.map((f) => p + f));
	for (const b of bricks) urls.push(`/app/briques/${b}`);
	if (reader.role !== 'consortium') for (const d of dossiers.slice(0, 40)) urls.push(`/app/candidatures/${d}`);
	return urls;
}

/** Every URL an anonymous reader may walk: public pages, project pages, open-data files. */
function publicUrls(laureates: string[]): string[] {
	const urls = ['/', '/projets', '/projets?page=2', '/donnees'];
	for (const b of BRICK_IDS) urls.push(`/briques/${b}`);
	for (const d of laureates) urls.push(`/projets/${d}`);
	urls.push('/donnees/projets-finances.csv', '/donnees/projets-finances.json', '/donnees/subventions-scdl.csv', '/donnees/360giving.json');
	return urls;
}

interface Timed {
	latencies: number[];
	non2xx: number;
	errors: number;
	urls: Set<string>;
	bad: Set<string>;
}

/** One GET on a keep-alive socket of its own; resolves with the status once the body is read. */
function get(agent: http.Agent, origin: URL, url: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: origin.hostname, port: origin.port, path: url, agent, headers }, (res) => {
			res.on('data', () => {});
			res.on('end', () => resolve(res.statusCode ?? 0));
			res.on('error', reject);
		});
		req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
		req.on('error', reject);
	});
}

/**
 * `connections` loops, each a reader with its own socket and cookie, each walking its own list
 * of URLs in order (without asking one twice while the list lasts) until `duration` seconds.
 */
async function walk(
	origin: string,
	readers: { headers: Record<string, string>; urls: string[] }[],
	duration: number
): Promise<Timed> {
	const out: Timed = { latencies: [], non2xx: 0, errors: 0, urls: new Set(), bad: new Set() };
	const base = new URL(origin);
	const end = performance.now() + duration * 1000;
	await Promise.all(
		readers.map(async (reader) => {
			const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
			try {
				for (let i = 0; performance.now() < end; i++) {
					const url = reader.urls[i % reader.urls.length]!;
					const t0 = performance.now();
					try {
						const status = await get(agent, base, url, reader.headers);
						out.latencies.push(performance.now() - t0);
						out.urls.add(url);
						if (status < 200 || status >= 300) {
							out.non2xx++;
							if (out.bad.size < 10) out.bad.add(`${status} ${url}`);
						}
					} catch {
						out.errors++;
					}
				}
			} finally {
				agent.destroy();
			}
		})
	);
	return out;
}

function summarise(group: GroupBench['group'], timed: Timed, connections: number, duration: number, readers: number): GroupBench {
	const l = timed.latencies;
	return {
		group,
		connections,
		duration_s: duration,
		requests: l.length,
		rps: round(l.length / duration, 1),
		p50_ms: round(percentile(l, 50), 1),
		p95_ms: round(percentile(l, 95), 1),
		p99_ms: round(percentile(l, 99), 1),
		max_ms: round(Math.max(...l), 1),
		non2xx: timed.non2xx,
		errors: timed.errors,
		distinct_urls: timed.urls.size,
		non2xx_examples: [...timed.bad],
		readers
	};
}

async function startServer(build: string, env: Record<string, string>): Promise<{ server: ChildProcess; origin: string; firstPageMs: number; stderr: () => string }> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const t0 = performance.now();
	const server = spawn(process.execPath, [build], {
		cwd: ROOT,
		env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: origin, NODE_ENV: 'production' },
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let errors = '';
	server.stderr!.on('data', (c: Buffer) => (errors += c.toString()));
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}): ${errors.slice(-1000)}`);
		if (Date.now() > deadline) throw new Error('the server did not answer / within 60 s');
		try {
			const r = await fetch(`${origin}/`);
			await r.arrayBuffer();
			if (r.ok) break;
		} catch {
			// not yet listening
		}
		await new Promise((r) => setTimeout(r, 20));
	}
	return { server, origin, firstPageMs: round(performance.now() - t0), stderr: () => errors };
}

async function stopServer(server: ChildProcess): Promise<void> {
	if (server.exitCode !== null) return;
	server.kill('SIGTERM');
	await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
}

/** Median time of a GET, over `runs` runs, with the status codes seen. */
async function timeGet(origin: string, url: string, cookie: string, runs: number, statuses: Record<string, number>): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		const r = await fetch(`${origin}${url}`, { headers: { cookie } });
		await r.arrayBuffer();
		times.push(performance.now() - t0);
		statuses[`${url.split('?')[0]} ${r.status}`] = (statuses[`${url.split('?')[0]} ${r.status}`] ?? 0) + 1;
	}
	return round(median(times), 1);
}

/** The report's four answers for an administrator, one after the other (median of `runs`). */
export async function benchReports(origin: string, cookie: string, applications: number, runs = 3): Promise<ReportBench> {
	const statuses: Record<string, number> = {};
	return {
		applications,
		page_ms: await timeGet(origin, '/app/rapport', cookie, runs, statuses),
		pdf_ms: await timeGet(origin, '/app/rapport/rapport.pdf', cookie, runs, statuses),
		xlsx_ms: await timeGet(origin, '/app/rapport/rapport.xlsx', cookie, runs, statuses),
		zip_ms: await timeGet(origin, '/app/rapport/rapport.zip', cookie, runs, statuses),
		statuses
	};
}

/**
 * Runs the three groups and the reports on one data set. `build` is a private copy of the
 * built app (benchmarks never run on a build that may change under them).
 */
export async function benchReaders(
	work: string,
	build: string,
	data: { label: string; applications: number; inputs: Input[] },
	options: { connections: number; duration: number; log: (s: string) => void; reportsOnly?: boolean }
): Promise<ReadersBench> {
	const { log, connections, duration } = options;
	fs.mkdirSync(work, { recursive: true });
	const dbFile = path.join(work, `readers-${data.applications}.duckdb`);
	const { readers, dossiers, laureates } = await prepare(dbFile, data.inputs, connections);
	// No per-browser replay (src/lib/server/page-cache.ts) can answer a measured request.
	const env = { HOX_DB: dbFile, HOX_PAGE_CACHE_MS: '0' };

	// First start: the time to the first page, and the home page as a reader gets it, saved as a
	// static file of the build (adapter-node lists its static files when it starts).
	let first = await startServer(build, env);
	const firstPageMs = first.firstPageMs;
	const staticName = 'bench-accueil-statique.html';
	const home = await (await fetch(`${first.origin}/`)).arrayBuffer();
	fs.writeFileSync(path.join(build, 'client', staticName), new Uint8Array(home));
	await stopServer(first.server);

	first = await startServer(build, env);
	const { server, origin } = first;
	const samples: number[] = [];
	let sampler: NodeJS.Timeout | undefined;
	try {
		const admin = readers.find((r) => r.role === 'admin')!;
		const check = await fetch(`${origin}/app`, { headers: { cookie: admin.cookie }, redirect: 'manual' });
		if (check.status !== 200) throw new Error(`GET /app with a bench session answered ${check.status}`);
		// Warm-up (JIT, first queries) on URLs no measured reader will ask.
		await walk(origin, [{ headers: { cookie: admin.cookie }, urls: ['/app?statut=eligible', '/app/financement?statut=eligible', '/'] }], 2);
		const rest = memoryOf(server.pid!);
		sampler = setInterval(() => {
			const m = memoryOf(server.pid!);
			if (m) samples.push(m.rss);
		}, 100);

		const groups: GroupBench[] = [];
		if (!options.reportsOnly) {
			log(`  tableau de bord : ${connections} utilisateurs distincts pendant ${duration} s…`);
			const walkers = readers.map((r, i) => ({ headers: { cookie: r.cookie }, urls: shuffled(dashboardUrls(r, dossiers), 1000 + i) }));
			groups.push(summarise('dashboard', await walk(origin, walkers, duration), connections, duration, readers.length));

			log(`  pages publiques : ${connections} lecteurs anonymes pendant ${duration} s…`);
			const pub = publicUrls(laureates);
			const anonymous = Array.from({ length: connections }, (_, i) => ({
				headers: i % 4 === 3 ? { cookie: 'lang=en' } : ({} as Record<string, string>),
				urls: shuffled(pub, 2000 + i)
			}));
			groups.push(summarise('public', await walk(origin, anonymous, duration), connections, duration, connections));

			log(`  page d’accueil en fichier statique : ${connections} connexions pendant ${duration} s…`);
			const stat = Array.from({ length: connections }, () => ({ headers: {} as Record<string, string>, urls: [`/${staticName}`] }));
			groups.push(summarise('static', await walk(origin, stat, duration), connections, duration, connections));
		}

		log(`  rapport (page, PDF, XLSX, ZIP) sur ${data.applications} candidatures…`);
		const reports = await benchReports(origin, admin.cookie, data.applications);
		clearInterval(sampler);
		const end = memoryOf(server.pid!);
		return {
			data: data.label,
			applications: data.applications,
			start_to_first_page_ms: firstPageMs,
			groups,
			reports,
			memory: {
				rss_rest_mb: round(rest?.rss ?? NaN, 1),
				rss_peak_mb: round(Math.max(...samples, end?.rss ?? 0), 1),
				hwm_mb: round(end?.hwm ?? NaN, 1)
			}
		};
	} catch (error) {
		log(first.stderr().slice(-2000));
		throw error;
	} finally {
		if (sampler) clearInterval(sampler);
		fs.rmSync(path.join(build, 'client', staticName), { force: true });
		await stopServer(server);
	}
}
