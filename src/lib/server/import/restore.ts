/**
 * Snapshots: which one is current, which ones are kept, and undo (« Restaurer la version
 * précédente »).
 *
 * Every change of the current snapshot of a kind is a row of `loads`: outcome `loaded` (the
 * load is the new snapshot) or `restored` (`restored_from` names the snapshot made current
 * again). Replaying these rows in order gives the kind's **undo stack**: a load pushes its
 * snapshot; a restore pops the current one. The current snapshot is the top of the stack;
 * the **previous version** is the one beneath it, i.e. the snapshot that was current before
 * the current one became current. Undoing again walks further back; a new load after an undo
 * is pushed on top of the restored snapshot (the undone one is no longer on the stack: there
 * is no redo, load its file again).
 *
 * Kept (rows not deleted): the top SNAPSHOTS_KEPT snapshots of the stack (so undo can walk
 * back SNAPSHOTS_KEPT − 1 times), plus the SNAPSHOTS_KEPT most recent loads, plus the current
 * one whatever happens. Older snapshots' rows are deleted; their `loads` rows stay (history).
 */
import { randomUUID } from 'node:crypto';
import { EXPORT_KINDS, KIND_LABELS, type ExportKind } from '../../domain/schemas';
import type { ImportIssue } from '../../domain/check';
import { recordAudit } from '../auth/audit';
import type { Database, Transaction } from '../db/database';
import { refreshDerived } from '../figures/views';

/** How many snapshots of each kind stay restorable. */
export const SNAPSHOTS_KEPT = 10;

type Reader = Pick<Database, 'all' | 'one'> | Transaction;

export interface SnapshotEvent {
	loadId: number;
	outcome: 'loaded' | 'restored';
	restoredFrom: number | null;
}

/**
 * The undo stack of a kind from its `loaded`/`restored` rows in load order, bottom first.
 * Pure. A restore pops the current snapshot; if the snapshot it names is not then on top
 * (history edited by hand), the stack is cut back to it, or restarted from it.
 */
export function undoStack(events: readonly SnapshotEvent[]): number[] {
	const stack: number[] = [];
	for (const e of events) {
		if (e.outcome === 'loaded') {
			stack.push(e.loadId);
			continue;
		}
		const target = e.restoredFrom;
		if (target === null) continue;
		stack.pop();
		if (stack.at(-1) === target) continue;
		const at = stack.lastIndexOf(target);
		if (at >= 0) stack.length = at + 1;
		else stack.splice(0, stack.length, target);
	}
	return stack;
}

async function readEvents(db: Reader, kind: ExportKind): Promise<SnapshotEvent[]> {
	const rows = await db.all<{ id: number; outcome: 'loaded' | 'restored'; rf: number | null }>(
		`SELECT load_id::INTEGER AS id, outcome, restored_from::INTEGER AS rf FROM loads
		 WHERE kind = $1 AND outcome IN ('loaded', 'restored') ORDER BY load_id`,
		[kind]
	);
	return rows.map((r) => ({ loadId: Number(r.id), outcome: r.outcome, restoredFrom: r.rf === null ? null : Number(r.rf) }));
}

export async function readUndoStack(db: Reader, kind: ExportKind): Promise<number[]> {
	return undoStack(await readEvents(db, kind));
}

/** The snapshots whose rows must stay (see the file's comment). */
export function keptSnapshots(events: readonly SnapshotEvent[], current: number): number[] {
	const kept = new Set<number>([current]);
	for (const id of undoStack(events).slice(-SNAPSHOTS_KEPT)) kept.add(id);
	for (const id of events.filter((e) => e.outcome === 'loaded').slice(-SNAPSHOTS_KEPT).map((e) => e.loadId)) kept.add(id);
	return [...kept].sort((a, b) => a - b);
}

/**
 * Point the current snapshot of a kind at a load (inside the caller's transaction, after its
 * `loads` row is written), and delete the rows of snapshots no longer kept.
 */
export async function setCurrentSnapshot(tx: Transaction, kind: ExportKind, loadId: number): Promise<void> {
	await tx.run(`DELETE FROM current_snapshot WHERE kind = $1`, [kind]);
	await tx.run(`INSERT INTO current_snapshot VALUES ($1, $2, current_timestamp)`, [kind, loadId]);
	const kept = keptSnapshots(await readEvents(tx, kind), loadId);
	const keptList = kept.map((id) => `${Math.trunc(id)}::BIGINT`).join(', ');
	await tx.run(`DELETE FROM ${kind}_rows WHERE load_id NOT IN (${keptList})`);
	// The original files go with their snapshots.
	await tx.run(`DELETE FROM load_files WHERE load_id IN (SELECT load_id FROM loads WHERE kind = $1) AND load_id NOT IN (${keptList})`, [kind]);
}

/** One row of the load history. */
export interface LoadRow {
	id: number;
	batchId: string;
	kind: ExportKind | null;
	/** Milliseconds since the epoch. */
	at: number;
	actor: string;
	source: string;
	file: string;
	sha256: string | null;
	bytes: number | null;
	encoding: string | null;
	delimiter: string | null;
	rows: number | null;
	outcome: 'loaded' | 'refused' | 'restored';
	errors: number;
	warnings: number;
	restoredFrom: number | null;
}

const LOAD_COLUMNS = `load_id::INTEGER AS id, batch_id AS "batchId", kind, epoch_ms(loaded_at)::DOUBLE AS "at", actor, source,
	file_name AS file, sha256, bytes::DOUBLE AS bytes, encoding, delimiter, rows::INTEGER AS rows, outcome,
	error_count::INTEGER AS errors, warning_count::INTEGER AS warnings, restored_from::INTEGER AS "restoredFrom"`;

function toLoadRow(r: LoadRow): LoadRow {
	return { ...r, id: Number(r.id), at: Number(r.at), bytes: r.bytes === null ? null : Number(r.bytes), restoredFrom: r.restoredFrom === null ? null : Number(r.restoredFrom) };
}

export interface LoadQuery {
	kind?: ExportKind | null;
	/** 1-based. */
	page?: number;
	pageSize?: number;
}

/** The load history, newest first. */
export async function listLoads(db: Reader, q: LoadQuery = {}): Promise<{ rows: LoadRow[]; total: number; page: number; pageSize: number }> {
	const pageSize = Math.min(Math.max(Math.trunc(q.pageSize ?? 50), 1), 500);
	const page = Math.max(Math.trunc(q.page ?? 1), 1);
	const where = q.kind ? `WHERE kind = $1` : '';
	const params = q.kind ? [q.kind] : [];
	const total = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM loads ${where}`, params);
	const rows = await db.all<LoadRow>(
		`SELECT ${LOAD_COLUMNS} FROM loads ${where} ORDER BY load_id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
		params
	);
	return { rows: rows.map(toLoadRow), total: Number(total?.n ?? 0), page, pageSize };
}

export async function getLoad(db: Reader, id: number): Promise<LoadRow | null> {
	if (!Number.isSafeInteger(id)) return null;
	const row = await db.one<LoadRow>(`SELECT ${LOAD_COLUMNS} FROM loads WHERE load_id = $1`, [id]);
	return row ? toLoadRow(row) : null;
}

/** The loads of one batch (files sent together) with their stored issues (≤ 200 errors + 200 warnings per file). */
export async function batchWithIssues(db: Reader, batchId: string): Promise<(LoadRow & { issues: ImportIssue[] })[]> {
	const rows = await db.all<LoadRow & { issues: string | null }>(
		`SELECT ${LOAD_COLUMNS}, issues::VARCHAR AS issues FROM loads WHERE batch_id = $1 ORDER BY load_id`,
		[batchId]
	);
	return rows.map((r) => ({ ...toLoadRow(r), issues: r.issues ? (JSON.parse(r.issues) as ImportIssue[]) : [] }));
}

export interface KindVersions {
	kind: ExportKind;
	/** The load whose rows are the current snapshot, or null when the kind was never loaded. */
	current: LoadRow | null;
	/** What « Restaurer la version précédente » would make current, or null. */
	previous: LoadRow | null;
	/** Why there is no previous version, when there is none. */
	reason: 'never_loaded' | 'first_version' | 'pruned' | null;
	/** How many more undos are possible after this one (kept snapshots further down the stack). */
	deeper: number;
}

async function hasRows(db: Reader, kind: ExportKind, load: LoadRow): Promise<boolean> {
	if ((load.rows ?? 0) === 0) return true;
	const row = await db.one(`SELECT 1 AS x FROM ${kind}_rows WHERE load_id = $1 LIMIT 1`, [load.id]);
	return row !== undefined;
}

/** For each kind: the current version and the one an undo would bring back. */
export async function kindVersions(db: Reader, kind: ExportKind): Promise<KindVersions> {
	const currentRow = await db.one<{ id: number }>(`SELECT max(load_id)::INTEGER AS id FROM current_snapshot WHERE kind = $1`, [kind]);
	const currentId = currentRow?.id === null || currentRow?.id === undefined ? null : Number(currentRow.id);
	if (currentId === null) return { kind, current: null, previous: null, reason: 'never_loaded', deeper: 0 };
	const current = await getLoad(db, currentId);
	const stack = await readUndoStack(db, kind);
	const at = stack.lastIndexOf(currentId);
	const below = at > 0 ? stack.slice(0, at) : [];
	if (below.length === 0) return { kind, current, previous: null, reason: 'first_version', deeper: 0 };
	const previous = await getLoad(db, below.at(-1)!);
	if (!previous || !(await hasRows(db, kind, previous))) return { kind, current, previous: null, reason: 'pruned', deeper: 0 };
	let deeper = 0;
	for (let i = below.length - 2; i >= 0; i--) {
		const load = await getLoad(db, below[i]!);
		if (!load || !(await hasRows(db, kind, load))) break;
		deeper++;
	}
	return { kind, current, previous, reason: null, deeper };
}

export async function allKindVersions(db: Reader): Promise<KindVersions[]> {
	const out: KindVersions[] = [];
	for (const kind of EXPORT_KINDS) out.push(await kindVersions(db, kind));
	return out;
}

export class RestoreError extends Error {
	constructor(
		readonly code: 'unknown_kind' | 'nothing_to_restore' | 'pruned',
		readonly text: { fr: string; en: string }
	) {
		super(text.fr);
		this.name = 'RestoreError';
	}
}

export interface RestoreOptions {
	actor: string;
	source: 'cli' | 'web' | 'api';
	ip?: string | null;
}

export interface RestoreResult {
	kind: ExportKind;
	/** The `loads` row recording the restore. */
	loadId: number;
	/** The snapshot that was current and is undone. */
	from: LoadRow;
	/** The snapshot made current again. */
	to: LoadRow;
}

export function isExportKind(value: unknown): value is ExportKind {
	return typeof value === 'string' && (EXPORT_KINDS as readonly string[]).includes(value);
}

/**
 * Make the previous version of a kind current again (undo), in one transaction with its
 * `loads` row (outcome `restored`) and its audit entry. Throws RestoreError when there is
 * nothing to restore.
 */
export async function restorePrevious(db: Database, kind: string, options: RestoreOptions): Promise<RestoreResult> {
	if (!isExportKind(kind)) {
		throw new RestoreError('unknown_kind', {
			fr: `Type d’export inconnu « ${kind} » : candidatures, conventions ou rapports.`,
			en: `Unknown export kind "${kind}": candidatures, conventions or rapports.`
		});
	}
	const outcome = await db.write(async (tx) => {
		const versions = await kindVersions(tx, kind);
		if (!versions.current || !versions.previous) return { refused: versions.reason ?? 'first_version' } as const;
		const from = versions.current;
		const to = versions.previous;
		const row = await tx.one<{ id: number }>(
			`INSERT INTO loads (batch_id, kind, actor, source, file_name, sha256, bytes, encoding, delimiter, rows, outcome, error_count, warning_count, restored_from)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'restored', 0, 0, $11) RETURNING load_id::INTEGER AS id`,
			[randomUUID(), kind, options.actor, options.source, to.file, to.sha256, to.bytes, to.encoding, to.delimiter, to.rows, to.id]
		);
		const loadId = Number(row!.id);
		await setCurrentSnapshot(tx, kind, to.id);
		await refreshDerived(tx);
		await recordAudit(tx, {
			actor: options.actor,
			action: 'load.restore',
			target: kind,
			ip: options.ip ?? null,
			outcome: 'success',
			details: {
				source: options.source,
				load: loadId,
				from: `load ${from.id} · ${from.file} · ${from.rows} rows · sha256 ${from.sha256}`,
				to: `load ${to.id} · ${to.file} · ${to.rows} rows · sha256 ${to.sha256}`
			}
		});
		return { refused: null, result: { kind, loadId, from, to } } as const;
	});
	if (outcome.refused === null) return outcome.result;
	// Refused: nothing changed; the attempt is still in the audit trail.
	const reason = outcome.refused;
	await recordAudit(db, { actor: options.actor, action: 'load.restore', target: kind, ip: options.ip ?? null, outcome: 'refused', details: { source: options.source, reason } });
	throw new RestoreError(reason === 'pruned' ? 'pruned' : 'nothing_to_restore', refusalText(kind, reason));
}

function refusalText(kind: ExportKind, reason: KindVersions['reason']): { fr: string; en: string } {
	const label = KIND_LABELS[kind];
	if (reason === 'pruned') {
		return {
			fr: `La version précédente des ${label.fr.toLowerCase()} n’est plus conservée (seules les ${SNAPSHOTS_KEPT} dernières le sont) : chargez à nouveau son fichier.`,
			en: `The previous version of the ${label.en.toLowerCase()} is no longer kept (only the last ${SNAPSHOTS_KEPT} are): load its file again.`
		};
	}
	if (reason === 'never_loaded') {
		return { fr: `Aucun export des ${label.fr.toLowerCase()} n’a encore été chargé.`, en: `No ${label.en.toLowerCase()} export has been loaded yet.` };
	}
	return {
		fr: `Il n’y a pas de version précédente des ${label.fr.toLowerCase()} : la version en cours est la première chargée.`,
		en: `There is no previous version of the ${label.en.toLowerCase()}: the current one is the first loaded.`
	};
}
