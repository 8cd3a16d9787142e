/**
 * Checked rows → the values of a snapshot table's columns after its load id: the rows' numbers
 * in the file, the kind's columns (`COLUMNS`), and for applications the region (given, or from
 * the postal code). Shared by the load in this thread (load.ts writes them through chunks.ts)
 * and the check worker (check-worker.ts packs them into plain buffers: pack.ts). No DuckDB here.
 */
import type { ParsedRow } from '../../domain/check';
import { resolveRegion } from '../../domain/regions';
import { COLUMNS, type ExportKind } from '../../domain/schemas';
import { columnPacker, type PackedColumn, type Packer } from './pack';

/** Rows per chunk handed to the appender (DuckDB's vector size). */
export const CHUNK_ROWS = 2048;

/** The SQL types of a snapshot table's columns after its load id (db/migrations.ts creates them so). */
export function snapshotColumns(kind: ExportKind): string[] {
	return ['INTEGER', ...COLUMNS[kind].map((d) => d.sql), ...(kind === 'candidatures' ? ['VARCHAR'] : [])];
}

type Reader = (rows: readonly ParsedRow[], start: number, n: number) => unknown[][];

/**
 * A function returning, for `n` rows from `start`, their numbers then one array of values per
 * column of `ids`. Compiled once per kind from the column ids of `COLUMNS` (constants of this
 * code, quoted with JSON.stringify), it reads each value with a plain property load: several
 * times faster on 100 000 rows than `row[id]` with `id` changing, which V8 cannot specialise.
 */
function columnReader(ids: readonly string[]): Reader {
	const names = ['__row', ...ids];
	return new Function(
		'rows',
		'start',
		'n',
		`${names.map((_, c) => `const c${c} = new Array(n);`).join(' ')}
		for (let i = 0; i < n; i++) {
			const row = rows[start + i];
			${names.map((id, c) => `c${c}[i] = row[${JSON.stringify(id)}];`).join(' ')}
		}
		return [${names.map((_, c) => `c${c}`).join(', ')}];`
	) as Reader;
}

const readers = new Map<ExportKind, Reader>();

/** The values of `n` rows from `start`, one array per column of `snapshotColumns(kind)`. */
export function snapshotValues(kind: ExportKind, rows: readonly ParsedRow[], start: number, n: number): unknown[][] {
	let read = readers.get(kind);
	if (!read) readers.set(kind, (read = columnReader(COLUMNS[kind].map((d) => d.id))));
	const values = read(rows, start, n);
	if (kind === 'candidatures') {
		const regions = new Array(n);
		for (let i = 0; i < n; i++) {
			const row = rows[start + i]!;
			regions[i] = resolveRegion(row.region as string | null, String(row.code_postal));
		}
		values.push(regions);
	}
	return values;
}

/** `n` rows of a snapshot table's columns after its load id, as DuckDB's vectors hold them (pack.ts). */
export interface PackedBatch {
	n: number;
	columns: PackedColumn[];
}

const packers = new Map<ExportKind, Packer[]>();

/** Checked rows, packed `CHUNK_ROWS` at a time. */
export function packRows(kind: ExportKind, rows: readonly ParsedRow[]): PackedBatch[] {
	let pack = packers.get(kind);
	if (!pack) packers.set(kind, (pack = snapshotColumns(kind).map(columnPacker)));
	const batches: PackedBatch[] = [];
	for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
		const n = Math.min(CHUNK_ROWS, rows.length - start);
		const values = snapshotValues(kind, rows, start, n);
		batches.push({ n, columns: pack.map((p, c) => p(values[c]!, n)) });
	}
	return batches;
}
