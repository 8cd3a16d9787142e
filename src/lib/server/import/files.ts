/**
 * The original files of the kept snapshots: each loaded file's bytes are stored in the
 * database with its load (`load_files`, gzip-compressed, written in the load's transaction:
 * load.ts) and
 * deleted with its snapshot's rows (restore.ts, `setCurrentSnapshot`), so the file exists
 * nowhere else on disk and no longer than its rows. Admins and auditors download it
 * (/app/fichiers/[load]); its SHA-256 is the one recorded in `loads` when it was loaded,
 * checked again on every download, and every download is in the audit trail.
 */
import { blobValue } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { recordAudit } from '../auth/audit';
import type { Role } from '../auth/guard';
import type { Database, Transaction } from '../db/database';
import { getLoad, type LoadRow } from './restore';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** A file as `load_files` keeps it: gzip at its fastest level (CSV shrinks 4–6×, so the load writes far less). */
export interface StoredFile {
	compression: 'gzip';
	bytes: Uint8Array;
}

/** Compress a file to keep (on libuv's thread pool: it runs while the file is checked). */
export async function compressOriginal(bytes: Uint8Array): Promise<StoredFile> {
	return { compression: 'gzip', bytes: await gzip(bytes, { level: 1 }) };
}

/** Keep a load's file, in the load's transaction. */
export async function storeOriginal(tx: Transaction, loadId: number, file: StoredFile): Promise<void> {
	await tx.run(`INSERT INTO load_files VALUES ($1, $2, $3)`, [loadId, file.compression, blobValue(file.bytes)]);
}

/** Who may download an original file (never a consortium member: the files hold every applicant). */
export const FILE_ROLES: readonly Role[] = ['admin', 'auditor'];

export interface OriginalFile {
	/** The load that brought the file (for a restore, the load restored). */
	load: LoadRow;
	bytes: Uint8Array;
	sha256: string;
}

/**
 * The file of a load (a restore's: that of the load it made current again), or null when
 * the load does not exist, was refused, or its snapshot is no longer kept.
 */
export async function originalFile(db: Database, loadId: number): Promise<OriginalFile | null> {
	let load = await getLoad(db, loadId);
	if (load?.outcome === 'restored' && load.restoredFrom !== null) load = await getLoad(db, load.restoredFrom);
	if (!load || load.outcome !== 'loaded') return null;
	const stored = await db.blob(`SELECT bytes FROM load_files WHERE load_id = $1`, [load.id]);
	const compression = await db.one<{ c: string }>(`SELECT compression AS c FROM load_files WHERE load_id = $1`, [load.id]);
	if (!stored || !compression) return null;
	if (compression.c !== 'gzip') throw new Error(`Unknown compression of the file of load ${load.id}: ${compression.c}`);
	const bytes = new Uint8Array(await gunzip(stored));
	return { load, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The loads among `ids` whose file is still kept. */
export async function keptFiles(db: Pick<Database, 'all'>, ids: readonly number[]): Promise<Set<number>> {
	const clean = ids.filter((id) => Number.isSafeInteger(id));
	if (clean.length === 0) return new Set();
	const rows = await db.all<{ id: number }>(`SELECT load_id::INTEGER AS id FROM load_files WHERE load_id IN (${clean.map((id) => `${id}::BIGINT`).join(', ')})`);
	return new Set(rows.map((r) => Number(r.id)));
}

/** The `Content-Disposition` of a download keeping the file's name (RFC 6266, with an ASCII fallback). */
export function attachment(name: string): string {
	const ascii = name.normalize('NFD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'export.csv';
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export interface DownloadBy {
	actor: string;
	ip: string | null;
}

/**
 * A download, recorded in the audit trail (`load.download`, with the load, the file's
 * SHA-256 and size): `missing` when there is no kept file for this load, `altered` when the
 * stored bytes no longer match the SHA-256 recorded at load time (then nothing is sent).
 */
export async function downloadOriginal(db: Database, loadId: number, by: DownloadBy): Promise<{ ok: true; file: OriginalFile } | { ok: false; reason: 'missing' | 'altered' }> {
	const file = Number.isSafeInteger(loadId) ? await originalFile(db, loadId) : null;
	const audit = { actor: by.actor, action: 'load.download', target: file?.load.file ?? `load ${loadId}`, ip: by.ip };
	if (!file) {
		await recordAudit(db, { ...audit, outcome: 'refused', details: { load: Number.isSafeInteger(loadId) ? loadId : null, reason: 'missing' } });
		return { ok: false, reason: 'missing' };
	}
	const details = { load: file.load.id, kind: file.load.kind, sha256: file.sha256, bytes: file.bytes.byteLength };
	if (file.sha256 !== file.load.sha256) {
		await recordAudit(db, { ...audit, outcome: 'error', details: { ...details, recorded_sha256: file.load.sha256, reason: 'altered' } });
		return { ok: false, reason: 'altered' };
	}
	await recordAudit(db, { ...audit, outcome: 'success', details });
	return { ok: true, file };
}
