/**
 * The check of the second half of a large export, on a second thread (split.ts): this module
 * runs as a worker thread; for each half it receives (with the file's header line before it),
 * it checks it with the same `checkExport` as everything else and answers with the check
 * (`checked`, its rows left out), then with its rows packed as DuckDB's vectors hold them
 * (`packed`: plain buffers, transferred without a copy; none when the half has an error or the
 * rows are not wanted). Then
 * it waits for the next half.
 *
 * Imported by split.ts only for its URL: a separate module (a separate chunk once built),
 * whose code runs in a worker started with `workerData.role === CHECK_WORKER_ROLE` only.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { checkExport, type CheckedExport } from '../../domain/check';
import { packRows, type PackedBatch } from './batch';
import { transferables } from './pack';

export const CHECK_WORKER_URL = import.meta.url;
export const CHECK_WORKER_ROLE = 'hox-check-half';

export interface CheckRequest {
	name: string;
	bytes: Uint8Array;
	/** Whether the rows are wanted (not for a dry run: then `packed` holds none). */
	pack: boolean;
}

/** The dossier numbers agreements or reports name, with their rows' numbers (for the orphan check). */
export interface Dossiers {
	names: string[];
	rows: number[];
}

export type CheckMessage =
	| { type: 'checked'; checked: CheckedExport; dossiers: Dossiers | null }
	| { type: 'packed'; batches: PackedBatch[] }
	| { type: 'failed'; error: string };

if (!isMainThread && (workerData as { role?: string } | null)?.role === CHECK_WORKER_ROLE && parentPort) {
	const port = parentPort;
	port.on('message', ({ name, bytes, pack }: CheckRequest) => {
		try {
			const checked = checkExport(name, bytes);
			const { rows, kind } = checked;
			const clean = checked.errors.length === 0 && kind !== null;
			const dossiers = clean && kind !== 'candidatures' ? { names: rows.map((r) => String(r.numero_dossier)), rows: rows.map((r) => r.__row) } : null;
			port.postMessage({ type: 'checked', checked: { ...checked, rows: [] }, dossiers } satisfies CheckMessage);
			const batches = clean && pack ? packRows(kind, rows) : [];
			port.postMessage({ type: 'packed', batches } satisfies CheckMessage, batches.flatMap((b) => transferables(b.columns)));
		} catch (error) {
			port.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies CheckMessage);
		}
	});
}
