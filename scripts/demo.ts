/**
 * npm run demo: from a fresh clone, build the app, load the committed sample exports into a
 * fresh demo database, create demo accounts (printing their credentials) and serve the app.
 *
 * Environment: PORT (default 3000), HOST (default localhost), HOX_DB (default data/demo.duckdb,
 * replaced at each run), ORIGIN (default http://localhost:PORT).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Database } from '../src/lib/server/db/database';
import { importExports } from '../src/lib/server/import/load';
import { createUser } from '../src/lib/server/auth/users';
import { requireNode } from './lib/cli';

requireNode();

const port = process.env.PORT ?? '3000';
const host = process.env.HOST ?? 'localhost';
const dbFile = process.env.HOX_DB ?? path.join('data', 'demo.duckdb');
const origin = process.env.ORIGIN ?? `http://localhost:${port}`;
const samples = path.join('data', 'samples');

if (!process.argv.includes('--no-build')) {
	console.log('Construction de l’application (vite build)…');
	const started = Date.now();
	// The build's own advice and timings are for developers: shown only if the build fails.
	const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (build.status !== 0) {
		process.stdout.write(build.stdout ?? '');
		process.stderr.write(build.stderr ?? '');
		console.error('La construction a échoué (ci-dessus).');
		process.exit(build.status ?? 1);
	}
	console.log(`  construite en ${Math.round((Date.now() - started) / 1000)} s`);
}

for (const f of [dbFile, `${dbFile}.wal`]) fs.rmSync(f, { force: true });
const db = await Database.open(dbFile);
const files = fs
	.readdirSync(samples)
	.filter((f) => f.endsWith('.csv'))
	.sort()
	.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(samples, f))) }));
const result = await importExports(db, files, { actor: 'demo', source: 'cli' });
if (!result.ok) {
	console.error('Les exports d’exemple sont refusés :', result.errors.slice(0, 5));
	process.exit(1);
}
for (const f of result.files) console.log(`  ${f.file} : ${f.rows} lignes chargées (${f.kind})`);

const password = () => randomBytes(9).toString('base64url');
const accounts = [
	{ email: 'admin@demo.local', role: 'admin' as const, org: null, password: password() },
	{ email: 'bpifrance@demo.local', role: 'auditor' as const, org: null, password: password() },
	{ email: 'nexedi@demo.local', role: 'consortium' as const, org: 'nexedi', password: password() }
];
for (const a of accounts) await createUser(db, a, 'demo');
db.close();

console.log(`
Tableau de bord Hyper Open X — démonstration
  Adresse      ${origin}/
  Base         ${dbFile} (recréée à chaque « npm run demo »)
  Comptes de démonstration :`);
for (const a of accounts) console.log(`    ${a.role.padEnd(11)} ${a.email.padEnd(22)} mot de passe : ${a.password}`);
console.log('  Arrêt : Ctrl+C\n');

const server = spawn(process.execPath, ['build'], {
	stdio: 'inherit',
	env: { ...process.env, HOX_DB: dbFile, PORT: port, HOST: host, ORIGIN: origin, BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? '64M' }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
