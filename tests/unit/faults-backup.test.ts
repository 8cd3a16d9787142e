/**
 * Backups (issue 8.4): `npm run backup` writes a consistent copy while the database is in
 * use — by itself when no server runs, through the server otherwise —, and `npm run restore`
 * brings one back, refusing while a server holds the database and keeping the database it
 * replaces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, renderCsv } from '../../scripts/demo-data';
import { backupDatabase, restoreDatabase, RestoreRefused, sha256File } from '../../src/lib/server/db/backup';
import { Database } from '../../src/lib/server/db/database';
import { withDb } from './fixtures';
import { computeKpis, type Kpis } from '../../src/lib/server/figures/kpis';
import { importExports } from '../../src/lib/server/import/load';

const ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(ROOT, 'tests/unit/faults-child.ts');

let dir: string;
let setA: { name: string; bytes: Uint8Array }[];
let setB: { name: string; bytes: Uint8Array }[];
let big: { name: string; bytes: Uint8Array };

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

function node(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
	return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(child: ChildProcess): Promise<Run> {
	return new Promise((resolve, reject) => {
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

/** Start a child and wait for a line starting with `prefix` on its stdout. */
async function started(child: ChildProcess, prefix: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (c: Buffer) => {
			out += c.toString();
			const line = out.split('\n').find((l) => l.startsWith(prefix));
			if (line) resolve(line);
		});
		child.on('exit', (code) => reject(new Error(`child exited (${code}) before ${prefix}`)));
	});
}

async function loadInto(db: Database, inputs: { name: string; bytes: Uint8Array }[]): Promise<void> {
	const r = await importExports(db, inputs, { actor: 'test', source: 'cli' });
	expect(r.errors).toEqual([]);
}

function dbWith(name: string, inputs: { name: string; bytes: Uint8Array }[]): Promise<string> {
	const file = path.join(dir, `${name}.duckdb`);
	return withDb(file, (db) => loadInto(db, inputs)).then(() => file);
}

const kpisOf = (file: string) => withDb(file, computeKpis);

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-backup-'));
	const a = generateDataset({ seed: 21, applications: 150 });
	const b = generateDataset({ seed: 22, applications: 90 });
	setA = (['candidatures', 'conventions', 'rapports'] as const).map((k) => ({ name: `${k}.csv`, bytes: renderCsv(k, a[k], 'clean-utf8') }));
	setB = (['candidatures', 'conventions', 'rapports'] as const).map((k) => ({ name: `${k}.csv`, bytes: renderCsv(k, b[k], 'excel-fr') }));
	big = { name: 'candidatures.csv', bytes: renderCsv('candidatures', generateDataset({ seed: 23, applications: 20_000 }).candidatures, 'clean-utf8') };
}, 60_000);

afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('backupDatabase', () => {
	it('while loads and reads run, copies one consistent state, whole, in a 0600 file', async () => {
		const file = await dbWith('live', setA);
		const backups = path.join(dir, 'live-backups');
		await withDb(file, async (db) => {
			const before = await computeKpis(db);
			// A big load, a backup and readers at the same time.
			const loading = importExports(db, [big], { actor: 'test', source: 'cli' });
			const backingUp = backupDatabase(db, { dir: backups, actor: 'test' });
			const reading = Promise.all(Array.from({ length: 5 }, () => computeKpis(db)));
			const [loaded, info] = await Promise.all([loading, backingUp, reading]);
			expect(loaded.ok).toBe(true);
			const after = await computeKpis(db);
			expect(after.applications.total).toBe(20_000);

			expect(path.dirname(info.file)).toBe(path.resolve(backups));
			expect(path.basename(info.file)).toMatch(/^hox-\d{8}-\d{6}\.duckdb$/);
			expect(fs.readdirSync(backups)).toEqual([path.basename(info.file)]); // no .partial, no .wal
			expect(fs.statSync(info.file).mode & 0o777).toBe(0o600);
			expect(info.sha256).toBe(await sha256File(info.file));
			const copy = await kpisOf(info.file);
			// Either before the load or after it: never a part of it.
			expect([JSON.stringify(before), JSON.stringify(after)]).toContain(JSON.stringify(copy));

			const audit = await db.one<{ target: string; outcome: string }>(`SELECT target, outcome FROM audit_log WHERE action = 'db.backup'`);
			expect(audit).toEqual({ target: path.basename(info.file), outcome: 'success' });

			// A second backup in the same second gets its own name.
			const again = await backupDatabase(db, { dir: backups, actor: 'test', now: new Date(info.at) });
			expect(again.file).not.toBe(info.file);
			expect(await kpisOf(again.file)).toEqual(after);
		});
	}, 120_000);
});

describe('npm run backup', () => {
	it('without a server: opens the database and writes the copy itself', async () => {
		const file = await dbWith('cli', setA);
		const out = path.join(dir, 'cli-backups');
		const r = await run(node(['scripts/backup.ts', '--db', file, '--dir', out, '--json']));
		expect(r.code, r.stderr).toBe(0);
		const info = JSON.parse(r.stdout) as { file: string; written_by: string };
		expect(info.written_by).toBe('cli');
		expect(await kpisOf(info.file)).toEqual(await kpisOf(file));
	}, 60_000);

	it('while another process holds the database and no token is given: one sentence, exit 1', async () => {
		const file = await dbWith('held', setA);
		const holder = node([CHILD, 'hold', file]);
		const done = run(holder);
		await started(holder, 'HOLD');
		try {
			const r = await run(node(['scripts/backup.ts', '--db', file], { HOX_TOKEN: '' }));
			expect(r.code).toBe(1);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
			expect(r.stderr).toMatch(/est ouverte par un autre processus \(PID \d+\).*HOX_TOKEN/);
		} finally {
			holder.kill('SIGKILL');
			await done;
		}
	}, 60_000);

	it('while the server holds the database: asks it (POST /api/v1/backup with the token) to write the copy', async () => {
		const file = await dbWith('served', setA);
		const expected = await kpisOf(file);
		const backups = path.join(dir, 'served-backups');
		const server = node([CHILD, 'serve', file], { HOX_BACKUP_DIR: backups });
		const done = run(server);
		const port = Number((await started(server, 'SERVE ')).split(' ')[1]);
		try {
			const refused = await run(node(['scripts/backup.ts', '--db', file, '--url', `http://127.0.0.1:${port}`], { HOX_TOKEN: 'wrong' }));
			expect(refused.code).toBe(1);
			expect(refused.stderr).toMatch(/le serveur a refusé la sauvegarde \(HTTP 401/);
			const r = await run(node(['scripts/backup.ts', '--db', file, '--url', `http://127.0.0.1:${port}`, '--json'], { HOX_TOKEN: 'test-token' }));
			expect(r.code, r.stderr).toBe(0);
			const info = JSON.parse(r.stdout) as { file: string; written_by: string };
			expect(info.written_by).toBe('server');
			expect(path.dirname(info.file)).toBe(path.resolve(backups));
			expect(await kpisOf(info.file)).toEqual(expected);
		} finally {
			server.kill('SIGKILL');
			await done;
		}
	}, 60_000);
});

describe('npm run restore', () => {
	it('refuses while the server holds the database, then restores, keeping the database it replaces', async () => {
		const file = await dbWith('restore', setA);
		const kpisA: Kpis = await kpisOf(file);
		const backup = await withDb(file, (db) => backupDatabase(db, { dir: path.join(dir, 'restore-backups'), actor: 'test' }));
		// Later, other data is loaded.
		await withDb(file, (db) => loadInto(db, setB));
		const kpisB = await kpisOf(file);
		expect(kpisB).not.toEqual(kpisA);

		const holder = node([CHILD, 'hold', file]);
		const done = run(holder);
		await started(holder, 'HOLD');
		try {
			const refused = await run(node(['scripts/restore.ts', '--db', file, backup.file]));
			expect(refused.code).toBe(1);
			expect(refused.stderr.trim().split('\n')).toHaveLength(1);
			expect(refused.stderr).toMatch(/^La base .* est ouverte par un autre processus \(PID \d+\).*arrêtez-le avant de restaurer/);
		} finally {
			holder.kill('SIGKILL');
			await done;
		}
		expect(await kpisOf(file)).toEqual(kpisB);

		const r = await run(node(['scripts/restore.ts', '--db', file, backup.file], { HOX_BACKUP_DIR: path.join(dir, 'restore-kept') }));
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toContain('restaurée depuis');
		expect(await kpisOf(file)).toEqual(kpisA);
		const kept = fs.readdirSync(path.join(dir, 'restore-kept')).filter((n) => n.startsWith('replaced-'));
		expect(kept).toHaveLength(1);
		expect(await kpisOf(path.join(dir, 'restore-kept', kept[0]!))).toEqual(kpisB);

		// The next start works, the restore is in the audit trail, and a new load works.
		await withDb(file, async (db) => {
			const audit = await db.one<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'db.restore'`);
			expect(audit?.actor).toMatch(/^cli:/);
			await loadInto(db, setB);
			expect(await computeKpis(db)).toEqual(kpisB);
		});
	}, 90_000);

	it('refuses a file that is not a backup of this dashboard, and leaves the database alone', async () => {
		const file = await dbWith('not-ours', setA);
		const before = await kpisOf(file);
		const text = path.join(dir, 'not-a-db.duckdb');
		fs.writeFileSync(text, 'numero_dossier\nHOX-1\n');
		const other = path.join(dir, 'other.duckdb');
		const { DuckDBInstance } = await import('@duckdb/node-api');
		const inst = await DuckDBInstance.create(other); // a DuckDB file without our tables
		const c = await inst.connect();
		await c.run('CREATE TABLE t (x INTEGER)');
		c.closeSync();
		inst.closeSync();
		await expect(restoreDatabase(file, text, { actor: 'test' })).rejects.toThrow(RestoreRefused);
		await expect(restoreDatabase(file, other, { actor: 'test' })).rejects.toThrow(/n’est pas une sauvegarde du tableau de bord/);
		await expect(restoreDatabase(file, path.join(dir, 'missing.duckdb'), { actor: 'test' })).rejects.toThrow(/introuvable/);
		expect(await kpisOf(file)).toEqual(before);
	}, 60_000);
});
