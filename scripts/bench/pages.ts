/**
 * Page benchmark: the built server (`node build`) on a database loaded with given exports,
 * a signed-in administrator's session, then autocannon with N concurrent connections on the
 * signed-in overview (/app) and on the public home page (/), while the server's memory is
 * sampled from /proc/<pid>/status.
 */
import autocannon, { type Result } from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createSession } from '../../src/lib/server/auth/sessions';
import { createUser } from '../../src/lib/server/auth/users';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { percentile, round } from './stats';
import { freePort } from '../lib/net';

export interface PageBench {
	path: string;
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
	bytes_per_page: number;
}

export interface ServerMemory {
	/** Resident memory once started and warmed up (MB). */
	rss_idle_mb: number;
	/** Highest resident memory sampled during the runs (MB). */
	rss_peak_mb: number;
	/** The kernel's high-water mark of the server process (VmHWM, MB). */
	hwm_mb: number;
	samples: number;
}

export interface PagesBench {
	data: string;
	applications: number;
	/** `micro-cache` (the server as shipped) or `rendered` (HOX_PAGE_CACHE_MS=0: every request rendered). */
	mode: string;
	pages: PageBench[];
	memory: ServerMemory;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** VmRSS and VmHWM of a process, in MB (Linux). */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
		return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
	} catch {
		return null;
	}
}

/**
 * A private copy of the built app, so that a build started meanwhile by someone else cannot
 * change the server under the benchmark. Builds first when there is no build.
 */
/** Newest modification time of the files under `file` (a file or a folder). */
function newestChange(file: string): number {
	const stat = fs.statSync(file, { throwIfNoEntry: false });
	if (!stat) return 0;
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(0, ...fs.readdirSync(file).map((name) => newestChange(path.join(file, name))));
}

/** The build is older than the code it is built from. */
function buildIsStale(build: string): boolean {
	const built = fs.statSync(path.join(build, 'index.js'), { throwIfNoEntry: false })?.mtimeMs;
	if (built === undefined) return true;
	const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'].map((f) => newestChange(path.join(ROOT, f)));
	return Math.max(...sources) > built;
}

export function privateBuild(work: string, rebuild: boolean, log: (s: string) => void): string {
	const build = path.join(ROOT, 'build');
	if (rebuild || buildIsStale(build)) {
		log('  construction de l’application (npm run build)…');
		const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		if (r.status !== 0) throw new Error('npm run build failed');
	}
	// Under the repository, so that `node` resolves the app's dependencies from node_modules.
	const copy = path.join(work, 'build');
	fs.rmSync(copy, { recursive: true, force: true });
	fs.cpSync(build, copy, { recursive: true });
	return copy;
}

async function prepareDatabase(file: string, inputs: { name: string; bytes: Uint8Array }[]): Promise<string> {
	for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
	const db = await Database.open(file);
	try {
		const result = await importExports(db, inputs, { actor: 'bench', source: 'cli' });
		if (!result.ok) throw new Error('bench data refused');
		const user = await createUser(db, { email: 'bench@bench.invalid', role: 'admin', password: `Orchid-${crypto.randomUUID()}` }, 'bench');
		const { token } = await createSession(db, user.id);
		return token;
	} finally {
		db.close();
	}
}

async function waitUp(url: string, server: ChildProcess): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
		try {
			const r = await fetch(url);
			if (r.ok) return;
		} catch {
			// not yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`the server did not answer ${url} within 30 s`);
}

function cannon(url: string, connections: number, duration: number, headers: Record<string, string>): Promise<{ result: Result; latencies: number[] }> {
	return new Promise((resolve, reject) => {
		const latencies: number[] = [];
		const instance = autocannon({ url, connections, duration, headers, timeout: 30 }, (error, result) => {
			if (error) reject(error);
			else resolve({ result, latencies });
		});
		instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
	});
}

export async function benchPages(
	work: string,
	data: { label: string; applications: number; inputs: { name: string; bytes: Uint8Array }[] },
	options: { connections: number; duration: number; rebuild: boolean; log: (s: string) => void; pageCache: boolean; build?: string }
): Promise<PagesBench> {
	const { log } = options;
	fs.mkdirSync(work, { recursive: true });
	const build = options.build ?? privateBuild(work, options.rebuild, log);
	const dbFile = path.join(work, 'pages.duckdb');
	const token = await prepareDatabase(dbFile, data.inputs);
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, [build], {
		cwd: ROOT,
		env: {
			...process.env,
			HOX_DB: dbFile,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			NODE_ENV: 'production',
			HOX_PAGE_CACHE_MS: options.pageCache ? (process.env.HOX_PAGE_CACHE_MS ?? '5000') : '0'
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let serverErrors = '';
	server.stderr!.on('data', (c: Buffer) => (serverErrors += c.toString()));
	const samples: number[] = [];
	let sampler: NodeJS.Timeout | undefined;
	try {
		await waitUp(`${origin}/`, server);
		const headers = { cookie: `hox_session=${token}` };
		// The session must open the overview (not a redirect to /login).
		const check = await fetch(`${origin}/app`, { headers, redirect: 'manual' });
		if (check.status !== 200) throw new Error(`GET /app with the bench session answered ${check.status}`);
		const pages = [
			{ path: '/app', headers },
			{ path: '/', headers: {} as Record<string, string> }
		];
		// Warm-up: compile, caches, JIT.
		for (const page of pages) await cannon(`${origin}${page.path}`, 10, 2, page.headers);
		const idle = memoryOf(server.pid!);
		sampler = setInterval(() => {
			const m = memoryOf(server.pid!);
			if (m) samples.push(m.rss);
		}, 100);
		const results: PageBench[] = [];
		for (const page of pages) {
			log(`  ${page.path} (${options.pageCache ? 'micro-cache' : 'rendu à chaque requête'}) : ${options.connections} connexions pendant ${options.duration} s…`);
			const { result, latencies } = await cannon(`${origin}${page.path}`, options.connections, options.duration, page.headers);
			const body = await (await fetch(`${origin}${page.path}`, { headers: page.headers })).arrayBuffer();
			results.push({
				path: page.path,
				connections: options.connections,
				duration_s: options.duration,
				requests: latencies.length,
				rps: round(result.requests.average, 1),
				p50_ms: round(percentile(latencies, 50), 1),
				p95_ms: round(percentile(latencies, 95), 1),
				p99_ms: round(percentile(latencies, 99), 1),
				max_ms: round(Math.max(...latencies), 1),
				non2xx: result.non2xx,
				errors: result.errors + result.timeouts,
				bytes_per_page: body.byteLength
			});
		}
		clearInterval(sampler);
		const end = memoryOf(server.pid!);
		return {
			data: data.label,
			applications: data.applications,
			mode: options.pageCache ? 'micro-cache' : 'rendered',
			pages: results,
			memory: {
				rss_idle_mb: round(idle?.rss ?? NaN, 1),
				rss_peak_mb: round(Math.max(...samples, end?.rss ?? 0), 1),
				hwm_mb: round(end?.hwm ?? NaN, 1),
				samples: samples.length
			}
		};
	} catch (error) {
		if (serverErrors) log(serverErrors.slice(-2000));
		throw error;
	} finally {
		if (sampler) clearInterval(sampler);
		server.kill('SIGTERM');
		await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
	}
}
