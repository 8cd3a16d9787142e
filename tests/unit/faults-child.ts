/**
 * Child process of tests/unit/faults.test.ts: loads export files into a database, and, at a
 * chosen point of the load, prints a marker line and (for the deterministic points) freezes,
 * so that the test can kill it with SIGKILL exactly there.
 *
 *   node --import tsx tests/unit/faults-child.ts <mode> <db> <file>...
 *
 * Modes (the marker is the mode's name in upper case, alone on a line of stdout):
 *   append        while the rows are appended (transaction open, `loads` row inserted, three
 *                 chunks of 2 048 rows appended): freezes
 *   derive        as the figures' tables are recomputed from the new snapshot (DuckDB works in
 *                 its own threads): does not freeze, the test kills while the INSERT runs
 *   before-commit after the rows, the snapshot switch and the figures' tables, as the load's
 *                 audit line is written, just before COMMIT: freezes
 *   commit        as COMMIT starts (DuckDB writes the WAL in its threads): does not freeze
 *   hold          opens the database, prints HOLD, and keeps it open until killed
 *   serve         holds the database and answers POST /api/v1/backup as the server does
 *                 (bearer token `test-token`, backupDatabase); prints `SERVE <port>`
 *   load          a plain load; prints LOADED when it is committed
 * Without a kill, every mode ends with LOADED (or REFUSED) and exit 0.
 */
import { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { backupDatabase } from '../../src/lib/server/db/backup';
import { Database, Transaction } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';

const [mode, dbFile, ...files] = process.argv.slice(2);
if (!mode || !dbFile) {
	console.error('usage: faults-child.ts <mode> <db> <file>...');
	process.exit(2);
}

function marker(name: string): void {
	// stdout is a pipe: on Linux the write is synchronous, so the line is out before we freeze.
	process.stdout.write(`${name}\n`);
}

/** Block the JavaScript thread (DuckDB's threads keep running) until killed. */
function freeze(): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
	console.error('faults-child: not killed within 60 s');
	process.exit(3);
}

if (mode === 'append') {
	const appendDataChunk = DuckDBAppender.prototype.appendDataChunk;
	let chunks = 0;
	DuckDBAppender.prototype.appendDataChunk = function (this: DuckDBAppender, chunk) {
		appendDataChunk.call(this, chunk);
		if (++chunks === 3) {
			marker('APPEND');
			freeze();
		}
	};
}

const txRun = Transaction.prototype.run;
Transaction.prototype.run = async function (sql, params) {
	// The figures' tables recomputed from the new snapshot (views.ts, refreshDerived).
	if (/^\s*INSERT INTO application_flags\b/.test(sql) && mode === 'derive') marker('DERIVE');
	// The load's last statement: its line in the audit trail.
	if (/^\s*INSERT INTO audit_log\b/.test(sql) && mode === 'before-commit') {
		marker('BEFORE-COMMIT');
		freeze();
	}
	return txRun.call(this, sql, params);
};

const connRun = DuckDBConnection.prototype.run;
DuckDBConnection.prototype.run = function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
	if (sql === 'COMMIT' && mode === 'commit') marker('COMMIT');
	return (connRun as (sql: string, ...r: unknown[]) => ReturnType<typeof connRun>).call(this, sql, ...rest);
} as typeof connRun;

const db = await Database.open(dbFile);
if (mode === 'hold') {
	marker('HOLD');
	setInterval(() => undefined, 1000);
} else if (mode === 'serve') {
	const server = http.createServer(async (req, res) => {
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method !== 'POST' || req.url !== '/api/v1/backup') return send(404, { error: 'not_found' });
		if (req.headers.authorization !== 'Bearer test-token') return send(401, { error: 'unauthorized', message: 'Authentification requise.' });
		send(201, await backupDatabase(db, { actor: 'faults-child' }));
	});
	server.listen(0, '127.0.0.1', () => marker(`SERVE ${(server.address() as { port: number }).port}`));
} else {
	const inputs = files.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(fs.readFileSync(f)) }));
	const result = await importExports(db, inputs, { actor: 'faults-child', source: 'cli' });
	db.close();
	marker(result.ok ? 'LOADED' : 'REFUSED');
	process.exit(0);
}
