/**
 * Playwright's web server: a fresh database loaded with the committed samples, the test
 * accounts of tests/e2e/accounts.ts, then the built app (`node build`) on that database.
 * The database is prepared before the server starts because DuckDB lets one process hold it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { seedTestAccounts } from './seed-accounts';

const dbFile = process.env.HOX_DB ?? 'tests/.tmp/e2e.duckdb';
fs.mkdirSync(path.dirname(dbFile), { recursive: true });
for (const f of [dbFile, `${dbFile}.wal`]) fs.rmSync(f, { force: true });

const db = await Database.open(dbFile);
const samples = process.env.HOX_SAMPLES ?? 'data/samples';
const inputs = fs
	.readdirSync(samples)
	.filter((f) => f.endsWith('.csv'))
	.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(samples, f))) }));
const result = await importExports(db, inputs, { actor: 'e2e-setup', source: 'cli' });
if (!result.ok) {
	console.error(result.errors);
	process.exit(1);
}
await seedTestAccounts(db);
db.close();

const server = spawn(process.execPath, ['build'], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
