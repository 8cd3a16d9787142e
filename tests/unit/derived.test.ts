/**
 * The figures' building blocks kept as tables (views.ts, DERIVED) always equal their
 * definitions: after a load, an undo, and on opening a database whose tables are missing,
 * stale or still views. The rows loaded by the appender are exactly the checked values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { checkExport } from '../../src/lib/domain/check';
import { luhnValid, siretValid } from '../../src/lib/domain/parsers';
import { COLUMNS, EXPORT_KINDS } from '../../src/lib/domain/schemas';
import { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { DERIVED, DERIVED_SHA256 } from '../../src/lib/server/figures/views';
import { importExports } from '../../src/lib/server/import/load';
import { restorePrevious } from '../../src/lib/server/import/restore';
import { application, load, tempDbPath } from './fixtures';

const SAMPLES = path.resolve('data/samples');
const sampleInputs = () =>
	EXPORT_KINDS.map((kind) => ({ name: `${kind}.csv`, bytes: new Uint8Array(fs.readFileSync(path.join(SAMPLES, `${kind}.csv`))) }));

const opened: Database[] = [];
async function open(file: string): Promise<Database> {
	const db = await Database.open(file);
	opened.push(db);
	return db;
}
afterEach(() => {
	for (const db of opened.splice(0)) db.close();
});

/** Rows of each derived table that its definition does not give, and the reverse. */
async function differences(db: Database): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const d of DERIVED) {
		const row = await db.one<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM ((SELECT * FROM ${d.name} EXCEPT ALL SELECT * FROM (${d.select}))
			 UNION ALL (SELECT * FROM (${d.select}) EXCEPT ALL SELECT * FROM ${d.name}))`
		);
		out[d.name] = Number(row!.n);
	}
	return out;
}
const none = Object.fromEntries(DERIVED.map((d) => [d.name, 0]));

async function rowCounts(db: Database): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const d of DERIVED) out[d.name] = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${d.name}`))!.n);
	return out;
}

describe('the figures’ tables', () => {
	it('equal their definitions after a load, a second load, an undo and a refused load', async () => {
		const db = await open(tempDbPath('derived'));
		expect(await differences(db)).toEqual(none);
		const first = await importExports(db, sampleInputs(), { actor: 'test', source: 'cli' });
		expect(first.ok).toBe(true);
		expect(await differences(db)).toEqual(none);
		const counts = await rowCounts(db);
		// The samples plant every rule: none of these is empty.
		for (const d of DERIVED) expect(counts[d.name], d.name).toBeGreaterThan(0);

		expect((await load(db, { candidatures: [application()] })).ok).toBe(true);
		expect(await differences(db)).toEqual(none);
		expect((await computeKpis(db)).applications.total).toBe(1);

		await restorePrevious(db, 'candidatures', { actor: 'test', source: 'cli' });
		expect(await differences(db)).toEqual(none);
		expect(await rowCounts(db)).toEqual(counts);

		expect((await load(db, { candidatures: [application({ date_depot: 'hier' })] })).ok).toBe(false);
		expect(await rowCounts(db)).toEqual(counts);
	});

	it('are rebuilt on opening a database that holds them stale, or as the views of an earlier version', async () => {
		const file = tempDbPath('stale');
		let db = await open(file);
		await importExports(db, sampleInputs(), { actor: 'test', source: 'cli' });
		const kpis = await computeKpis(db);
		const counts = await rowCounts(db);
		db.close();
		opened.length = 0;

		// An earlier version: `agreements` and `application_flags` were views; the others were
		// computed by other definitions (here: emptied), recorded under another hash.
		const instance = await DuckDBInstance.create(file);
		const c = await instance.connect();
		await c.run(`DROP TABLE agreements`);
		await c.run(`CREATE VIEW agreements AS SELECT * FROM conventions_rows WHERE false`);
		await c.run(`DROP TABLE application_flags`);
		await c.run(`CREATE VIEW application_flags AS SELECT 'x' AS numero_dossier, 'R0' AS rule, '' AS detail`);
		await c.run(`DELETE FROM funded_projects`);
		await c.run(`UPDATE derived_tables SET definition_sha256 = 'earlier'`);
		c.closeSync();
		instance.closeSync();

		db = await open(file);
		expect(await differences(db)).toEqual(none);
		expect(await rowCounts(db)).toEqual(counts);
		expect(await computeKpis(db)).toEqual(kpis);
		const recorded = await db.all<{ sha: string }>(`SELECT DISTINCT definition_sha256 AS sha FROM derived_tables`);
		expect(recorded).toEqual([{ sha: DERIVED_SHA256 }]);
	});
});

describe('the SQL Luhn check of R13 (luhn9)', () => {
	it('agrees with the JavaScript one on 20 000 nine-digit numbers and the edge cases', async () => {
		const db = await open(tempDbPath('luhn'));
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const sirens = ['000000000', '999999999', '732829320', '732829321', '100000000', '000000018', '542107651', '542107652'];
		while (sirens.length < 20_000) sirens.push(String(Math.floor(random() * 1e9)).padStart(9, '0'));
		const rows = await db.all<{ s: string; ok: boolean }>(
			`SELECT s, luhn9(CAST(s AS INTEGER)) AS ok FROM (VALUES ${sirens.map((s) => `('${s}')`).join(', ')}) t(s)`
		);
		expect(rows).toHaveLength(sirens.length);
		const wrong = rows.filter((r) => r.ok !== luhnValid(r.s));
		expect(wrong).toEqual([]);
		expect(rows.filter((r) => r.ok).length).toBeGreaterThan(1000);
	});
});

describe('the SQL SIRET check of R22 (siret14_ok)', () => {
	it('agrees with the JavaScript one (siretValid) on 20 000 fourteen-digit numbers, La Poste and the edge cases', async () => {
		const db = await open(tempDbPath('siret'));
		let seed = 11;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const sirets = ['00000000000000', '99999999999999', '73282932000074', '73282932000075', '35600000000048', '35600000049837', '35600000049838', '11122233300044', '54205118000017'];
		while (sirets.length < 10_000) sirets.push(String(Math.floor(random() * 1e9)).padStart(9, '0') + String(Math.floor(random() * 1e5)).padStart(5, '0'));
		// Valid ones too: a Luhn SIREN with each check digit, and La Poste's establishments.
		while (sirets.length < 20_000) {
			const body = sirets.length % 2 ? '356000000' + String(Math.floor(random() * 1e4)).padStart(4, '0') : String(Math.floor(random() * 1e13)).padStart(13, '0');
			sirets.push(body + String(Math.floor(random() * 10)));
		}
		const rows = await db.all<{ s: string; ok: boolean }>(
			`SELECT s, siret14_ok(CAST(s AS BIGINT)) AS ok FROM (VALUES ${sirets.map((s) => `('${s}')`).join(', ')}) t(s)`
		);
		expect(rows).toHaveLength(sirets.length);
		expect(rows.filter((r) => r.ok !== siretValid(r.s))).toEqual([]);
		expect(rows.filter((r) => r.ok).length).toBeGreaterThan(300);
		expect(rows.filter((r) => r.ok && r.s.startsWith('356000000')).length).toBeGreaterThan(100);
	});
});

describe('the appender', () => {
	it('stores exactly the checked values, decimals to the cent, dates and times as written', async () => {
		const db = await open(tempDbPath('exact'));
		const inputs = sampleInputs();
		expect((await importExports(db, inputs, { actor: 'test', source: 'cli' })).ok).toBe(true);
		for (const input of inputs) {
			const checked = checkExport(input.name, input.bytes);
			const kind = checked.kind!;
			const defs = COLUMNS[kind];
			const stored = await db.all<Record<string, unknown>>(
				`SELECT row_number, ${defs.map((d) => (d.sql === 'VARCHAR[]' ? d.id : `CAST(${d.id} AS VARCHAR) AS ${d.id}`)).join(', ')}
				 FROM ${kind}_rows WHERE load_id = (SELECT load_id FROM current_snapshot WHERE kind = '${kind}') ORDER BY row_number`
			);
			expect(stored).toHaveLength(checked.rows.length);
			checked.rows.forEach((row, i) => {
				const s = stored[i]!;
				expect(Number(s.row_number)).toBe(row.__row);
				for (const d of defs) {
					const v = row[d.id];
					const got = s[d.id];
					if (v === null || v === undefined) expect(got, `${kind} ${row.__row} ${d.id}`).toBeNull();
					else if (d.sql.startsWith('DECIMAL')) {
						const scale = Number(/,(\d+)\)/.exec(d.sql)![1]);
						const [int, frac = ''] = String(v).split('.');
						expect(got, `${kind} ${row.__row} ${d.id}`).toBe(`${int}.${frac.padEnd(scale, '0')}`);
					} else if (d.sql === 'VARCHAR[]') expect(got).toEqual(v);
					else expect(got, `${kind} ${row.__row} ${d.id}`).toBe(String(v));
				}
			});
		}
	});
});
