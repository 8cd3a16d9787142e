/**
 * Import pipeline (exports.md §1, §6): decode → parse → check → load, all or nothing.
 * Every file given in one call is checked; if any has an error, nothing is loaded and every
 * error is reported. Otherwise each file replaces the current snapshot of its kind, in one
 * transaction. Every attempt is recorded in `loads`.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { createHash, randomUUID } from 'node:crypto';
import { checkExport, crossFileErrors, type CheckedExport, type ImportIssue, type ParsedRow } from '../../domain/check';
import { COLUMNS, type ExportKind } from '../../domain/schemas';
import { resolveRegion } from '../../domain/regions';
import type { Database, Transaction } from '../db/database';
import { recordAudit } from '../auth/audit';
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

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** Agreements and reports that name an application absent from the applications snapshot. */
async function orphanWarnings(db: Database, checked: CheckedExport[]): Promise<Map<string, ImportIssue[]>> {
	const result = new Map<string, ImportIssue[]>();
	const candidatures = checked.find((c) => c.kind === 'candidatures');
	let known: Set<string>;
	if (candidatures) known = new Set(candidatures.rows.map((r) => String(r.numero_dossier)));
	else known = new Set((await db.all<{ d: string }>('SELECT numero_dossier AS d FROM applications')).map((r) => r.d));
	for (const c of checked) {
		if (c.kind !== 'conventions' && c.kind !== 'rapports') continue;
		const list: ImportIssue[] = [];
		for (const r of c.rows) {
			const dossier = String(r.numero_dossier);
			if (known.has(dossier)) continue;
			list.push({
				file: c.file,
				row: r.__row,
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

/** The SQL expression casting a staged VARCHAR column to its stored type. */
function castExpression(id: string, sql: string): string {
	if (sql === 'VARCHAR[]') return `CASE WHEN ${id} IS NULL THEN NULL ELSE string_split(${id}, '|') END`;
	if (sql === 'VARCHAR') return id;
	return `CAST(${id} AS ${sql})`;
}

/** A parsed value as staged text: NULL, numbers and booleans as written, brick lists joined with `|`. */
function appendText(appender: DuckDBAppender, value: unknown): void {
	if (value === null || value === undefined) appender.appendNull();
	else appender.appendVarchar(Array.isArray(value) ? value.join('|') : String(value));
}

/**
 * Bulk-insert parsed rows as a new snapshot: appended as text to a temporary table with
 * DuckDB's appender (in the load's transaction: a rollback leaves nothing, and no file holds
 * the rows), then cast to the stored types in one INSERT … SELECT.
 */
async function insertRows(tx: Transaction, kind: ExportKind, loadId: number, rows: ParsedRow[]): Promise<void> {
	const defs = COLUMNS[kind];
	const extra = kind === 'candidatures' ? ['region_name'] : [];
	const header = ['row_number', ...defs.map((d) => d.id), ...extra];
	const stage = `hox_stage_${randomUUID().replace(/-/g, '')}`;
	await tx.run(`CREATE TEMP TABLE ${stage} (${header.map((h) => `${h} VARCHAR`).join(', ')})`);
	let failed = false;
	try {
		const appender = await tx.connection.createAppender(stage, 'main', 'temp');
		try {
			const ids = defs.map((d) => d.id);
			for (const row of rows) {
				appender.appendVarchar(String(row.__row));
				for (const id of ids) appendText(appender, row[id]);
				if (kind === 'candidatures') appender.appendVarchar(resolveRegion(row.region as string | null, String(row.code_postal)));
				appender.endRow();
			}
			appender.flushSync();
		} finally {
			appender.closeSync();
		}
		const select = [`${loadId}::BIGINT`, 'CAST(row_number AS INTEGER)', ...defs.map((d) => castExpression(d.id, d.sql)), ...extra];
		await tx.run(`INSERT INTO ${kind}_rows (load_id, ${header.join(', ')}) SELECT ${select.join(', ')} FROM temp.main.${stage}`);
	} catch (error) {
		failed = true;
		throw error;
	} finally {
		// After a failure the transaction rolls back, and the temporary table with it.
		if (!failed) await tx.run(`DROP TABLE temp.main.${stage}`);
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
	const checked = inputs.map((input) => checkExport(input.name, input.bytes));
	const cross = crossFileErrors(checked);
	const orphans = checked.every((c) => c.errors.length === 0) && cross.length === 0 ? await orphanWarnings(db, checked) : new Map();
	const files: FileOutcome[] = checked.map((c, i) => ({
		file: c.file,
		kind: c.kind,
		sha256: sha256Hex(inputs[i]!.bytes),
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
	if (options.dryRun) return result;

	if (!ok) {
		// The refusal is recorded; the data stays exactly as it was.
		await db.write(async (tx) => {
			for (const f of files) f.loadId = await recordLoad(tx, batchId, options, f, 'refused');
			await auditImport(tx, options, result);
		});
		return result;
	}
	await db.write(async (tx) => {
		for (let i = 0; i < files.length; i++) {
			const f = files[i]!;
			const kind = f.kind!;
			f.loadId = await recordLoad(tx, batchId, options, f, 'loaded');
			await insertRows(tx, kind, f.loadId, checked[i]!.rows);
			await setCurrentSnapshot(tx, kind, f.loadId);
		}
		await auditImport(tx, options, result);
	});
	return result;
}
