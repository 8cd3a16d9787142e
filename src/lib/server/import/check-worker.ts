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
import { checkExport, type CheckedExport, type ImportIssue } from '../../domain/check';
import { previewFromBytes, type FilePreview } from '../../upload/preview';
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

/**
 * The other work of an upload done here, off the request thread: reading a multipart body
 * (undici's parser held the server's thread 0.6 s for 50 MB) and the server-side preview of a
 * file for the page without JavaScript (a decode and a parse of the whole file).
 */
export type TaskRequest =
	| { task: 'multipart'; body: Uint8Array; contentType: string }
	| { task: 'preview'; bytes: Uint8Array; errors: ImportIssue[]; warnings: ImportIssue[] };

/** A multipart body's fields: its text values, and its files (name and bytes). */
export interface MultipartFields {
	values: [string, string][];
	files: { field: string; name: string; bytes: Uint8Array }[];
}

export type TaskMessage = { type: 'done'; result: MultipartFields | FilePreview | null } | { type: 'failed'; error: string; status?: number };

async function runTask(request: TaskRequest): Promise<{ result: MultipartFields | FilePreview | null; transfer: ArrayBuffer[] }> {
	if (request.task === 'preview') return { result: previewFromBytes(request.bytes, request.errors, request.warnings), transfer: [] };
	const form = await new Response(request.body as BodyInit, { headers: { 'content-type': request.contentType } }).formData();
	const fields: MultipartFields = { values: [], files: [] };
	for (const [field, value] of form.entries()) {
		if (typeof value === 'string') fields.values.push([field, value]);
		else fields.files.push({ field, name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
	}
	return { result: fields, transfer: fields.files.map((f) => f.bytes.buffer as ArrayBuffer) };
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === CHECK_WORKER_ROLE && parentPort) {
	const port = parentPort;
	port.on('message', async (request: CheckRequest | TaskRequest) => {
		if ('task' in request) {
			try {
				const { result, transfer } = await runTask(request);
				port.postMessage({ type: 'done', result } satisfies TaskMessage, transfer);
			} catch (error) {
				// The input's fault (a malformed body): said as such, not run again elsewhere.
				port.postMessage({ type: 'failed', error: error instanceof Error ? error.message : String(error), status: 400 } satisfies TaskMessage);
			}
			return;
		}
		const { name, bytes, pack } = request;
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
