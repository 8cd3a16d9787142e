/**
 * Faults (issue 8.1): a load killed with SIGKILL at any point leaves the database exactly as
 * the previous snapshot, and the next start works; two loads at the same time are
 * serialised, never interleaved — inside one process (the writer queue of Database.write)
 * and across processes (DuckDB's file lock: the second process is refused in one sentence).
 *
 * Each fault runs a real child process (tests/unit/faults-child.ts) that loads a large
 * applications export and is killed with SIGKILL at a chosen point of the load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, renderCsv } from '../../scripts/demo-data';
import { Database } from '../../src/lib/server/db/database';
import { withDb } from './fixtures';
import { computeKpis, type Kpis } from '../../src/lib/server/figures/kpis';
import { importExports } from '../../src/lib/server/import/load';

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(ROOT, 'tests/unit/faults-child.ts');
/** Big enough that the staged CSV takes several chunks and the INSERT lasts a while. */
const BIG_APPLICATIONS = 30_000;

let dir: string;
let bigFile: string;
let smallFiles: string[];
let otherFile: string;

interface Run {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

function node(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
	return spawn(process.execPath, ['--import', 'tsx', ...args], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

/** Run a child; when `killOn` appears on stdout, SIGKILL it (after `delayMs`). */
function run(child: ChildProcess, killOn?: string, delayMs = 0): Promise<Run> {
	return new Promise((resolve, reject) => {
		let stdout = '';
		let stderr = '';
		let killed = false;
		child.stdout!.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (killOn && !killed && stdout.split('\n').includes(killOn)) {
				killed = true;
				setTimeout(() => child.kill('SIGKILL'), delayMs);
			}
		});
		child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
}

function tempDb(name: string): string {
	return path.join(dir, `${name}.duckdb`);
}

async function loadFiles(file: string, paths: string[]): Promise<void> {
	await withDb(file, async (db) => {
		const inputs = paths.map((p) => ({ name: path.basename(p), bytes: new Uint8Array(fs.readFileSync(p)) }));
		const result = await importExports(db, inputs, { actor: 'test', source: 'cli' });
		expect(result.errors).toEqual([]);
	});
}

interface State {
	kpis: Kpis;
	loads: number;
	rows: Record<string, number>;
	current: string;
}

async function state(db: Database): Promise<State> {
	const rows: Record<string, number> = {};
	for (const kind of ['candidatures', 'conventions', 'rapports']) {
		rows[kind] = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${kind}_rows`))!.n);
	}
	const loads = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM loads`))!.n);
	const current = JSON.stringify(await db.all(`SELECT kind, load_id::INTEGER AS id FROM current_snapshot ORDER BY kind`));
	return { kpis: await computeKpis(db), loads, rows, current };
}

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-faults-'));
	const small = generateDataset({ seed: 7, applications: 150 });
	smallFiles = (['candidatures', 'conventions', 'rapports'] as const).map((kind) => {
		const file = path.join(dir, `${kind}.csv`);
		fs.writeFileSync(file, renderCsv(kind, small[kind], 'clean-utf8'));
		return file;
	});
	const other = generateDataset({ seed: 8, applications: 120 });
	otherFile = path.join(dir, 'candidatures-other.csv');
	fs.writeFileSync(otherFile, renderCsv('candidatures', other.candidatures, 'excel-fr'));
	const big = generateDataset({ seed: 9, applications: BIG_APPLICATIONS });
	bigFile = path.join(dir, 'candidatures-big.csv');
	fs.writeFileSync(bigFile, renderCsv('candidatures', big.candidatures, 'clean-utf8'));
}, 120_000);

afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('a load killed with SIGKILL', () => {
	const points = [
		{ mode: 'append', marker: 'APPEND', what: 'while the rows are appended (transaction open)' },
		{ mode: 'derive', marker: 'DERIVE', what: 'while the figures’ tables are recomputed from the new snapshot' },
		{ mode: 'before-commit', marker: 'BEFORE-COMMIT', what: 'after the rows, the snapshot switch and the figures’ tables, before COMMIT' }
	] as const;

	for (const point of points) {
		it(`${point.what} leaves the previous snapshot, and the next start and load work`, async () => {
			const file = tempDb(`kill-${point.mode}`);
			await loadFiles(file, smallFiles);
			const before = await withDb(file, state);
			expect(before.kpis.applications.total).toBe(150);

			const tmp = path.join(dir, `tmp-${point.mode}`);
			fs.mkdirSync(tmp);
			const result = await run(node([CHILD, point.mode, file, bigFile], { TMPDIR: tmp }), point.marker, 0);
			expect(result.signal, result.stderr).toBe('SIGKILL');
			expect(result.stdout).not.toContain('LOADED');
			// No file outside the database ever held the rows (they go straight to the appender).
			expect(fs.readdirSync(tmp).filter((f) => !f.startsWith('tsx-'))).toEqual([]); // (tsx keeps its cache there)

			// The next start: the database opens (WAL replayed), and holds exactly the previous snapshot.
			const after = await withDb(file, state);
			expect(after).toEqual(before);

			// A new load works.
			await withDb(file, async (db) => {
				const r = await importExports(db, [{ name: 'candidatures.csv', bytes: new Uint8Array(fs.readFileSync(otherFile)) }], { actor: 'test', source: 'cli' });
				expect(r.errors).toEqual([]);
				expect((await computeKpis(db)).applications.total).toBe(120);
			});
		}, 90_000);
	}

	it('during COMMIT leaves either the previous or the new snapshot, whole, never a mixture', async () => {
		const file = tempDb('kill-commit');
		await loadFiles(file, smallFiles);
		const before = await withDb(file, state);
		const result = await run(node([CHILD, 'commit', file, bigFile]), 'COMMIT', 0);
		expect(result.stdout).toContain('COMMIT');
		const after = await withDb(file, state);
		if (after.kpis.applications.total === before.kpis.applications.total) {
			expect(after).toEqual(before);
		} else {
			// The commit made it to disk before the kill: the whole new snapshot, nothing less.
			expect(after.kpis.applications.total).toBe(BIG_APPLICATIONS);
			expect(after.loads).toBe(before.loads + 1);
			expect(after.kpis.funding.committed_eur).toBe(before.kpis.funding.committed_eur);
		}
		await withDb(file, async (db) => {
			const r = await importExports(db, [{ name: 'c.csv', bytes: new Uint8Array(fs.readFileSync(otherFile)) }], { actor: 'test', source: 'cli' });
			expect(r.errors).toEqual([]);
		});
	}, 90_000);
});

describe('two loads at the same time', () => {
	it('in one process are queued: each runs alone in its transaction, the last written wins whole', async () => {
		const file = tempDb('concurrent-in-process');
		await withDb(file, async (db) => {
			const events: string[] = [];
			const write = db.write.bind(db);
			db.write = ((work) =>
				write(async (tx) => {
					events.push('begin');
					try {
						return await work(tx);
					} finally {
						events.push('end');
					}
				})) as typeof db.write;
			const sets = [smallFiles, [otherFile], [smallFiles[0]!], [otherFile], smallFiles];
			const results = await Promise.all(
				sets.map((paths, i) =>
					importExports(db, paths.map((p) => ({ name: `${i}-${path.basename(p)}`, bytes: new Uint8Array(fs.readFileSync(p)) })), { actor: `load-${i}`, source: 'cli' })
				)
			);
			expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
			// Never interleaved: begin, end, begin, end…
			expect(events).toEqual(sets.flatMap(() => ['begin', 'end']));
			// Each load's snapshot holds exactly its own file's rows.
			for (const r of results) {
				for (const f of r.files) {
					const n = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${f.kind}_rows WHERE load_id = $1`, [f.loadId!]);
					expect(Number(n!.n)).toBe(f.rows);
				}
			}
			// A load joins the queue once its files are checked, so the loads may be written in
			// another order than they were started (load ids follow the writes): the applications
			// file written last is the current snapshot, whole.
			const candidatures = results.flatMap((r) => r.files.filter((f) => f.kind === 'candidatures'));
			const last = candidatures.reduce((a, b) => (b.loadId! > a.loadId! ? b : a));
			const current = await db.one<{ id: number }>(`SELECT load_id::INTEGER AS id FROM current_snapshot WHERE kind = 'candidatures'`);
			expect(Number(current!.id)).toBe(last.loadId);
			expect((await computeKpis(db)).applications.total).toBe(last.rows);
		});
	}, 60_000);

	it('in two processes: while one holds the database, the import CLI is refused in one sentence and nothing changes', async () => {
		const file = tempDb('concurrent-processes');
		await loadFiles(file, smallFiles);
		const before = await withDb(file, state);
		const holder = node([CHILD, 'hold', file]);
		const held = run(holder);
		await new Promise<void>((resolve) => holder.stdout!.on('data', (c: Buffer) => c.toString().includes('HOLD') && resolve()));
		try {
			const cli = await run(node(['scripts/import.ts', '--db', file, otherFile]));
			expect(cli.code).toBe(1);
			const lines = cli.stderr.trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(/^La base .* est ouverte par un autre processus \(PID \d+\)/);
		} finally {
			holder.kill('SIGKILL');
			await held;
		}
		expect(await withDb(file, state)).toEqual(before);
	}, 60_000);

	it('in two processes started together: one loads, the other loads after it or is refused; never a mixture', async () => {
		const file = tempDb('concurrent-start');
		await loadFiles(file, smallFiles);
		const before = await withDb(file, state);
		const [a, b] = await Promise.all([
			run(node(['scripts/import.ts', '--db', file, bigFile])),
			run(node(['scripts/import.ts', '--db', file, otherFile]))
		]);
		const outcomes = [a, b].map((r) => {
			if (r.code === 0) return 'loaded';
			expect(r.code, r.stderr).toBe(1);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
			expect(r.stderr).toMatch(/est ouverte par un autre processus/);
			return 'refused';
		});
		expect(outcomes).toContain('loaded');
		const after = await withDb(file, state);
		const loaded = outcomes.filter((o) => o === 'loaded').length;
		expect(after.loads).toBe(before.loads + loaded);
		// The applications are one file's, whole: the big one, or the other one.
		expect([BIG_APPLICATIONS, 120]).toContain(after.kpis.applications.total);
		const current = await withDb(file, (db) =>
			db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM candidatures_rows WHERE load_id = (SELECT load_id FROM current_snapshot WHERE kind = 'candidatures')`)
		);
		expect(Number(current!.n)).toBe(after.kpis.applications.total);
	}, 120_000);
});
