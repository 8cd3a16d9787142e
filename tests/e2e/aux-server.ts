/**
 * A server of its own for an end-to-end test (`node build` on its own database and port, with
 * its own settings), apart from the one every other test shares: DuckDB lets one process hold
 * a database, and a test that loads large files or changes rows behind the import must not
 * change the others' data. Its port: HOX_E2E_AUX_PORT, else E2E_PORT + 1000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { seedTestAccounts } from './seed-accounts';

export const AUX_PORT = Number(process.env.HOX_E2E_AUX_PORT ?? Number(process.env.E2E_PORT ?? 4173) + 1000);
export const AUX_BASE = `http://127.0.0.1:${AUX_PORT}`;

/** A fresh database at `file`: the samples, the test accounts, then `change` (if any). */
export async function prepareDb(file: string, change?: (db: Database) => Promise<void>): Promise<void> {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
	const db = await Database.open(file);
	try {
		const inputs = fs
			.readdirSync('data/samples')
			.filter((f) => f.endsWith('.csv'))
			.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join('data/samples', f))) }));
		const result = await importExports(db, inputs, { actor: 'e2e-setup', source: 'cli' });
		if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
		await seedTestAccounts(db);
		await change?.(db);
	} finally {
		db.close();
	}
}

/** `node build` on `dbFile`, once it answers. */
export async function startServer(dbFile: string, env: Record<string, string> = {}): Promise<ChildProcess> {
	const server = spawn(process.execPath, ['build'], {
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, HOX_DB: dbFile, PORT: String(AUX_PORT), HOST: '127.0.0.1', ORIGIN: AUX_BASE, ...env }
	});
	for (let i = 0; i < 300; i++) {
		const up = await fetch(`${AUX_BASE}/login`).then((r) => r.ok, () => false);
		if (up) return server;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	server.kill();
	throw new Error('the server did not start');
}

export async function stopServer(server: ChildProcess): Promise<void> {
	if (server.exitCode !== null) return;
	const exited = new Promise((resolve) => server.once('exit', resolve));
	server.kill('SIGTERM');
	await exited;
}

/** GET `pathname` every `everyMs` until `stop`: each answer's status, time, and when it was asked (ms after the start). */
export function poll(pathname: string, everyMs = 100): { stop: () => Promise<{ status: number; ms: number; at: number }[]> } {
	const answers: { status: number; ms: number; at: number }[] = [];
	const origin = performance.now();
	let running = true;
	const loop = (async () => {
		while (running) {
			const start = performance.now();
			const status = await fetch(`${AUX_BASE}${pathname}`).then((r) => r.arrayBuffer().then(() => r.status), () => 0);
			answers.push({ status, ms: performance.now() - start, at: start - origin });
			await new Promise((resolve) => setTimeout(resolve, everyMs));
		}
	})();
	return {
		stop: async () => {
			running = false;
			await loop;
			return answers;
		}
	};
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
