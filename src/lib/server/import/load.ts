/**
 * Import pipeline (exports.md §1, §6): decode → parse → check → load, all or nothing.
 * Every file given in one call is checked; if any has an error, nothing is loaded and every
 * error is reported. Otherwise each file replaces the current snapshot of its kind, in one
 * transaction. Every attempt is recorded in `loads`.
 */
import { BIGINT, BOOLEAN, DATE, DECIMAL, INTEGER, LIST, TIMESTAMP, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import { randomUUID, webcrypto } from 'node:crypto';
import { crossFileErrors, type ImportIssue, type ParsedRow } from '../../domain/check';
import { KEYS, type ExportKind } from '../../domain/schemas';
import type { Database, Transaction } from '../db/database';
import { recordAudit } from '../auth/audit';
import { refreshDerived } from '../figures/views';
import { CHUNK_ROWS, snapshotColumns, snapshotValues } from './batch';
import { columnWriter, fillChunk, packedChunk } from './chunks';
import { compressOriginal, storeOriginal, type StoredFile } from './files';
import { columnPacker } from './pack';
import { splitMinBytes, startCheck, type CheckedTail, type FileCheck, type StartedCheck } from './split';
import { setCurrentSnapshot, SNAPSHOTS_KEPT } from './restore';

// Pointing the current snapshot, undo and pruning live in restore.ts (kept exported from here).
export { setCurrentSnapshot, SNAPSHOTS_KEPT };

export interface ImportInput {
	name: string;
	bytes: Uint8Array;
}

export interface ImportOptions {
	actor: string;
	source: 'cli' | 'web' | 'api';
	dryRun?: boolean;
	/** The client's address, for the audit trail (null from the command line). */
	ip?: string | null;
	/** From this size a file is checked in two halves on two cores (split.ts; default `splitMinBytes()`). Same answer either way. */
	splitFrom?: number;
}

export interface FileOutcome {
	file: string;
	kind: ExportKind | null;
	sha256: string;
	bytes: number;
	encoding: string | null;
	delimiter: string | null;
	rows: number;
	unknownColumns: string[];
	errors: ImportIssue[];
	warnings: ImportIssue[];
	loadId: number | null;
}

export interface ImportResult {
	ok: boolean;
	dryRun: boolean;
	batchId: string;
	files: FileOutcome[];
	errors: ImportIssue[];
	warnings: ImportIssue[];
}

/** SHA-256 of the bytes in hex, computed off the JavaScript thread (Web Crypto): it runs while the files are checked. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

// orphanWarnings reads the applications' keys as their dossier numbers: say so loudly should that change.
if (KEYS.candidatures.join() !== 'numero_dossier') throw new Error('load.ts: the orphan check expects KEYS.candidatures to be the dossier number alone');

/** Agreements and reports that name an application absent from the applications snapshot. */
async function orphanWarnings(db: Database, checked: FileCheck[]): Promise<Map<string, ImportIssue[]>> {
	const result = new Map<string, ImportIssue[]>();
	const candidatures = checked.find((c) => c.kind === 'candidatures');
	// The applications' keys are their dossier numbers (KEYS.candidatures), already indexed by the check.
	const known: { has(dossier: string): boolean } = candidatures
		? candidatures.keys
		: new Set((await db.all<{ d: string }>('SELECT numero_dossier AS d FROM applications')).map((r) => r.d));
	for (const c of checked) {
		if (c.kind !== 'conventions' && c.kind !== 'rapports') continue;
		const list: ImportIssue[] = [];
		// The rows checked in this thread, then those of the file's second half checked in the worker (split.ts).
		const names = c.rows.map((r) => String(r.numero_dossier));
		const rows = c.rows.map((r) => r.__row);
		if (c.tail?.dossiers) {
			names.push(...c.tail.dossiers.names);
			rows.push(...c.tail.dossiers.rows);
		}
		for (let i = 0; i < names.length; i++) {
			const dossier = names[i]!;
			if (known.has(dossier)) continue;
			list.push({
				file: c.file,
				row: rows[i]!,
				column: 'numero_dossier',
				value: dossier,
				code: 'orphan',
				category: 'content',
				message: {
					fr: `Le dossier ${dossier} n’est pas dans l’export des candidatures chargé : ${c.kind === 'conventions' ? 'cette convention est chargée mais ne sera rattachée' : 'ce rapport est chargé mais ne sera rattaché'} à aucune candidature.`,
					en: `Application ${dossier} is not in the loaded applications export: this ${c.kind === 'conventions' ? 'agreement' : 'report'} is loaded but attached to no application.`
				}
			});
		}
		result.set(c.file, list);
	}
	return result;
}

/** DuckDB's type for a column's SQL type, as `COLUMNS` declares it. */
function duckType(sql: string): DuckDBType {
	const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(sql);
	if (decimal) return DECIMAL(Number(decimal[1]), Number(decimal[2]));
	switch (sql) {
		case 'VARCHAR':
			return VARCHAR;
		case 'VARCHAR[]':
			return LIST(VARCHAR);
		case 'INTEGER':
			return INTEGER;
		case 'BOOLEAN':
			return BOOLEAN;
		case 'DATE':
			return DATE;
		case 'TIMESTAMP':
			return TIMESTAMP;
	}
	throw new Error(`No DuckDB type for column type ${sql}`);
}

const packLoadIds = columnPacker('BIGINT');

/** Packed chunks appended between two turns given to other requests (issue 18 #10). */
const FLUSH_CHUNKS = 4;

/**
 * Bulk-insert checked rows as a new snapshot with DuckDB's appender, in the load's
 * transaction (a rollback leaves nothing; no file ever holds the rows): 2 048 rows at a time,
 * column by column, each value written exactly in its column's type (chunks.ts); then, for a
 * file checked in two halves, the second half's rows as the worker packed them, numbered as in
 * the file.
 */
async function insertRows(tx: Transaction, kind: ExportKind, loadId: number, rows: readonly ParsedRow[], tail: CheckedTail | null): Promise<void> {
	const types: DuckDBType[] = [BIGINT, ...snapshotColumns(kind).map(duckType)];
	const writers = types.map(columnWriter);
	const appender = await tx.connection.createAppender(`${kind}_rows`);
	try {
		for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
			const n = Math.min(CHUNK_ROWS, rows.length - start);
			const columns: unknown[][] = [new Array(n).fill(loadId), ...snapshotValues(kind, rows, start, n)];
			appender.appendDataChunk(fillChunk(types, writers, columns, n));
		}
		let appended = 0;
		for (const { n, columns } of tail ? await tail.batches() : []) {
			const numbers = columns[0]!;
			if (numbers.type !== 'fixed') throw new Error('Row numbers are packed as integers');
			const rowNumbers = new Int32Array(numbers.data);
			for (let i = 0; i < n; i++) rowNumbers[i]! += tail!.rowOffset;
			appender.appendDataChunk(packedChunk(types, [packLoadIds(new Array(n).fill(loadId), n), ...columns], n));
			// Appending runs on the server's thread: every few chunks, flushed and a turn given to other requests.
			if (++appended % FLUSH_CHUNKS === 0) {
				appender.flushSync();
				await new Promise((resolve) => setImmediate(resolve));
			}
		}
		appender.flushSync();
	} finally {
		appender.closeSync();
	}
}

async function recordLoad(
	tx: Transaction,
	batchId: string,
	options: ImportOptions,
	f: FileOutcome,
	outcome: 'loaded' | 'refused'
): Promise<number> {
	const issues = [...f.errors.slice(0, 200), ...f.warnings.slice(0, 200)];
	const row = await tx.one<{ id: number }>(
		`INSERT INTO loads (batch_id, kind, actor, source, file_name, sha256, bytes, encoding, delimiter, rows, outcome, error_count, warning_count, issues)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::JSON) RETURNING load_id::INTEGER AS id`,
		[
			batchId,
			f.kind,
			options.actor,
			options.source,
			f.file,
			f.sha256,
			f.bytes,
			f.encoding,
			f.delimiter,
			f.rows,
			outcome,
			f.errors.length,
			f.warnings.length,
			JSON.stringify(issues)
		]
	);
	return Number(row!.id);
}

/** The load (or its refusal) in the audit trail, in the same transaction. */
async function auditImport(tx: Transaction, options: ImportOptions, result: ImportResult): Promise<void> {
	await recordAudit(tx, {
		actor: options.actor,
		action: 'load.import',
		target: result.files.map((f) => f.file).join(', '),
		ip: options.ip ?? null,
		outcome: result.ok ? 'success' : 'refused',
		// Flat, one line per file, as the journal shows it; the `loads` rows hold the rest.
		details: {
			source: options.source,
			batch: result.batchId,
			...Object.fromEntries(
				result.files.map((f, i) => [
					`file ${i + 1}`,
					`${f.file} · ${f.kind ?? 'unknown kind'} · ${f.rows} rows · ${f.errors.length} errors · ${f.warnings.length} warnings · load ${f.loadId} · sha256 ${f.sha256}`
				])
			)
		}
	});
}

export async function importExports(db: Database, inputs: ImportInput[], options: ImportOptions): Promise<ImportResult> {
	const batchId = randomUUID();
	const hashes = Promise.all(inputs.map((input) => sha256Hex(input.bytes)));
	// The files as they will be kept, compressed off the JavaScript thread while they are checked.
	const originals = options.dryRun ? null : Promise.all(inputs.map((input) => compressOriginal(input.bytes)));
	originals?.catch(() => {});
	const checked: FileCheck[] = [];
	try {
		// The large files' second halves go to workers first; then the files checked whole here,
		// then the first halves (split.ts).
		const started: StartedCheck[] = [];
		for (const input of inputs) started.push(await startCheck(input.name, input.bytes, options.splitFrom ?? splitMinBytes(), !options.dryRun, options.source === 'cli' ? 'thread' : 'worker'));
		for (const split of [false, true]) {
			for (const [i, s] of started.entries()) if (s.split === split) checked[i] = await s.finish();
		}
		return await loadChecked(db, inputs, options, batchId, hashes, originals, checked);
	} finally {
		// A worker still packing rows that will not be loaded (a refused load) is stopped.
		for (const c of checked) c?.tail?.cancel();
	}
}

/** The rest of `importExports` once every file is checked: the report, then the load or the recorded refusal. */
async function loadChecked(
	db: Database,
	inputs: ImportInput[],
	options: ImportOptions,
	batchId: string,
	hashes: Promise<string[]>,
	originals: Promise<StoredFile[]> | null,
	checked: FileCheck[]
): Promise<ImportResult> {
	const cross = crossFileErrors(checked);
	const orphans = checked.every((c) => c.errors.length === 0) && cross.length === 0 ? await orphanWarnings(db, checked) : new Map();
	const sha256 = await hashes;
	const files: FileOutcome[] = checked.map((c, i) => ({
		file: c.file,
		kind: c.kind,
		sha256: sha256[i]!,
		bytes: inputs[i]!.bytes.byteLength,
		encoding: c.encoding,
		delimiter: c.delimiter,
		rows: c.rowCount,
		unknownColumns: c.unknownColumns,
		errors: [...c.errors, ...cross.filter((e) => e.file === c.file)],
		warnings: [...c.warnings, ...(orphans.get(c.file) ?? [])],
		loadId: null
	}));
	const errors = files.flatMap((f) => f.errors);
	const warnings = files.flatMap((f) => f.warnings);
	const ok = errors.length === 0 && files.length > 0;
	const result: ImportResult = { ok, dryRun: !!options.dryRun, batchId, files, errors, warnings };
	if (options.dryRun || !originals) return result;

	if (!ok) {
		// The refusal is recorded; the data stays exactly as it was.
		await db.write(async (tx) => {
			for (const f of files) f.loadId = await recordLoad(tx, batchId, options, f, 'refused');
			await auditImport(tx, options, result);
		});
		return result;
	}
	const stored = await originals;
	await db.write(async (tx) => {
		for (let i = 0; i < files.length; i++) {
			const f = files[i]!;
			const kind = f.kind!;
			f.loadId = await recordLoad(tx, batchId, options, f, 'loaded');
			await insertRows(tx, kind, f.loadId, checked[i]!.rows, checked[i]!.tail);
			// The file itself, kept with its snapshot and deleted with it (files.ts, restore.ts).
			await storeOriginal(tx, f.loadId, stored[i]!);
			await setCurrentSnapshot(tx, kind, f.loadId);
		}
		await refreshDerived(tx);
		await auditImport(tx, options, result);
	});
	return result;
}
