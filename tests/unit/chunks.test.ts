/**
 * The import's chunk writer (src/lib/server/import/chunks.ts) writes values straight into
 * DuckDB's vectors: every type the exports use, over several chunks, with nulls anywhere,
 * extremes and negative numbers, read back from DuckDB exactly as written.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	BIGINT,
	BOOLEAN,
	DATE,
	DECIMAL,
	DuckDBConnection,
	DuckDBInstance,
	INTEGER,
	LIST,
	TIMESTAMP,
	VARCHAR,
	type DuckDBType
} from '@duckdb/node-api';
import { columnWriter, fillChunk, scaledDecimal, wallClockMs } from '../../src/lib/server/import/chunks';
import { Rng } from '../../scripts/demo-data';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
	instance = await DuckDBInstance.create(':memory:');
	connection = await instance.connect();
});
afterAll(() => {
	connection.closeSync();
	instance.closeSync();
});

describe('the DuckDB bindings', () => {
	it('are the very ones @duckdb/node-api uses (its chunks and vectors are handed to them): the two versions move together', () => {
		const require = createRequire(import.meta.url);
		const ours = require.resolve('@duckdb/node-bindings');
		const nodeApi = path.dirname(require.resolve('@duckdb/node-api/package.json'));
		expect(createRequire(path.join(nodeApi, 'package.json')).resolve('@duckdb/node-bindings')).toBe(ours);
	});
});

describe('scaledDecimal', () => {
	it('gives the digits scaled by 10^scale, exactly', () => {
		expect(scaledDecimal('0', 2)).toBe(0);
		expect(scaledDecimal('125000.5', 2)).toBe(12_500_050);
		expect(scaledDecimal('125000.05', 2)).toBe(12_500_005);
		expect(scaledDecimal('-3', 2)).toBe(-300);
		expect(scaledDecimal('19.99', 2)).toBe(1999);
		expect(scaledDecimal('999999999999.99', 2)).toBe(99_999_999_999_999);
		expect(scaledDecimal('0.1', 2) + scaledDecimal('0.2', 2)).toBe(30);
	});
	it('refuses what is not a canonical decimal of that scale, or is too large to be exact', () => {
		for (const bad of ['', '-', '.', '1.', '.5', '1.234', '1,5', '1e3', ' 1', '1.2.3', '90071992547409.93'])
			expect(() => scaledDecimal(bad, 2), bad).toThrow();
	});
});

describe('wallClockMs', () => {
	it('reads dates and times as written, as if UTC', () => {
		expect(wallClockMs('1970-01-02')).toBe(86_400_000);
		expect(wallClockMs('2026-04-15 14:32:05')).toBe(Date.UTC(2026, 3, 15, 14, 32, 5));
		expect(() => wallClockMs('15/04/2026')).toThrow();
	});
});

interface Column {
	sql: string;
	type: DuckDBType;
	/** A random value (as the parsers give it) and the text DuckDB shows for it. */
	value: (rng: Rng) => [unknown, string | string[]];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const digits = (rng: Rng, max: number) => String(rng.int(0, 10 ** rng.int(0, max) - 1));

const COLUMN_TYPES: Column[] = [
	{
		sql: 'DECIMAL(14,2)',
		type: DECIMAL(14, 2),
		value: (rng) => {
			const int = rng.chance(0.05) ? '999999999999' : digits(rng, 12);
			const frac = rng.pick(['', '5', '05', '50', '99']);
			const text = frac ? `${int}.${frac}` : int;
			return [text, `${int}.${frac.padEnd(2, '0')}`];
		}
	},
	{
		sql: 'DECIMAL(12,2)',
		type: DECIMAL(12, 2),
		value: (rng) => {
			const int = digits(rng, 10);
			const negative = rng.chance(0.3) && int !== '0';
			return [`${negative ? '-' : ''}${int}.7`, `${negative ? '-' : ''}${int}.70`];
		}
	},
	{ sql: 'DECIMAL(4,2)', type: DECIMAL(4, 2), value: (rng) => { const n = rng.int(0, 20); return [`${n}.25`, `${n}.25`]; } },
	{ sql: 'INTEGER', type: INTEGER, value: (rng) => { const n = rng.int(-2_147_483_648, 2_147_483_647); return [n, String(n)]; } },
	{ sql: 'BIGINT', type: BIGINT, value: (rng) => { const n = rng.int(-(2 ** 53) + 1, 2 ** 53 - 1); return [n, String(n)]; } },
	{ sql: 'BOOLEAN', type: BOOLEAN, value: (rng) => { const b = rng.chance(0.5); return [b, String(b)]; } },
	{
		sql: 'DATE',
		type: DATE,
		value: (rng) => {
			const d = `${rng.int(1900, 2100)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
			return [d, d];
		}
	},
	{
		sql: 'TIMESTAMP',
		type: TIMESTAMP,
		value: (rng) => {
			const t = `${rng.int(1900, 2100)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))} ${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}`;
			return [t, t];
		}
	},
	{
		sql: 'VARCHAR',
		type: VARCHAR,
		value: (rng) => {
			// Short ASCII strings are written inside the vector, the others copied by DuckDB: both, and the 12/13-byte edge.
			const s = rng.pick(['', 'a', '75011', 'abcdefghijkl', 'abcdefghijklm', 'Zéphyr SAS', 'é', 'Île-de-France', 'dit "le nuage"', 'ligne 1\nligne 2', '😀 émoji', 'x'.repeat(rng.int(0, 5000))]);
			return [s, s];
		}
	},
	{
		sql: 'VARCHAR[]',
		type: LIST(VARCHAR),
		value: (rng) => {
			const list = Array.from({ length: rng.int(0, 4) }, () => rng.pick(['slapos', 'sozu', 'rapid-cdn', 'une brique au nom long']));
			return [list, list];
		}
	}
];

describe('fillChunk', () => {
	it('writes every type over several chunks, nulls anywhere, and DuckDB reads back exactly what was written', async () => {
		const rng = new Rng(2026);
		const rows = 5000;
		const nullRate = [0, 0.01, 0.5, 1];
		const columns = COLUMN_TYPES.map((c, i) => {
			const values: unknown[] = [];
			const shown: (string | string[] | null)[] = [];
			for (let r = 0; r < rows; r++) {
				if (rng.chance(nullRate[i % nullRate.length]!)) {
					values.push(rng.chance(0.5) ? null : undefined);
					shown.push(null);
				} else {
					const [v, s] = c.value(rng);
					values.push(v);
					shown.push(s);
				}
			}
			return { values, shown };
		});
		const types = [INTEGER, ...COLUMN_TYPES.map((c) => c.type)];
		await connection.run(`CREATE TABLE t (n INTEGER, ${COLUMN_TYPES.map((c, i) => `c${i} ${c.sql}`).join(', ')})`);
		const writers = types.map(columnWriter);
		const appender = await connection.createAppender('t');
		for (let start = 0; start < rows; start += 2048) {
			const n = Math.min(2048, rows - start);
			const chunkColumns = [Array.from({ length: n }, (_, i) => start + i), ...columns.map((c) => c.values.slice(start, start + n))];
			appender.appendDataChunk(fillChunk(types, writers, chunkColumns, n));
		}
		appender.flushSync();
		appender.closeSync();

		const reader = await connection.runAndReadAll(
			`SELECT n, ${COLUMN_TYPES.map((c, i) => (c.sql === 'VARCHAR[]' ? `c${i}` : `CAST(c${i} AS VARCHAR) AS c${i}`)).join(', ')} FROM t ORDER BY n`
		);
		const stored = reader.getRowObjectsJS();
		expect(stored).toHaveLength(rows);
		const wrong: string[] = [];
		stored.forEach((row, r) => {
			expect(row.n).toBe(r);
			COLUMN_TYPES.forEach((c, i) => {
				const got = row[`c${i}`];
				const want = columns[i]!.shown[r];
				if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`row ${r} ${c.sql}: ${JSON.stringify(got)?.slice(0, 60)} ≠ ${JSON.stringify(want)?.slice(0, 60)}`);
			});
		});
		expect(wrong.slice(0, 10)).toEqual([]);

		// Strings written inside the vector compare, group and measure as DuckDB's own do.
		const varchar = COLUMN_TYPES.findIndex((c) => c.sql === 'VARCHAR');
		const shown = columns[varchar]!.shown;
		for (const probe of ['', '75011', 'abcdefghijkl', 'abcdefghijklm', 'é']) {
			const counted = await connection.runAndReadAll(
				`SELECT count(*)::INTEGER AS n, count(DISTINCT c${varchar})::INTEGER AS d, min(length(c${varchar}))::INTEGER AS l FROM t WHERE c${varchar} = $1`,
				[probe]
			);
			const n = shown.filter((s) => s === probe).length;
			expect(n, probe).toBeGreaterThan(0);
			expect(counted.getRowObjectsJS()[0], probe).toEqual({ n, d: 1, l: probe.length });
		}
	});
});
