/**
 * Checks dropped exports off the main thread, so that a 20 MB file never freezes the page:
 * reads the bytes, hashes them (SHA-256, as the server records), runs the shared
 * checkExport (the server runs the very same code) and builds the preview, posting
 * progress as it goes. Only the report travels back, never the parsed rows.
 */
import { checkExport } from '../domain/check';
import { buildPreview, type FilePreview } from './preview';
import { fileReportFromCheck } from './report';
import type { CheckPhase, CheckRequest, WorkerMessage } from './protocol';

const scope = self as unknown as { postMessage(message: WorkerMessage): void; onmessage: ((event: MessageEvent<CheckRequest>) => void) | null };

function hex(buffer: ArrayBuffer): string {
	return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(bytes: Uint8Array): Promise<string | null> {
	try {
		if (!globalThis.crypto?.subtle) return null; // not a secure context (plain http on a remote host)
		return hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
	} catch {
		return null;
	}
}

async function checkOne(id: number, index: number, file: File): Promise<void> {
	const started = performance.now();
	const progress = (phase: CheckPhase, done = 0, total = 0) => scope.postMessage({ id, type: 'progress', index, phase, done, total });
	progress('reading');
	const bytes = new Uint8Array(await file.arrayBuffer());
	progress('hashing');
	const hash = await sha256(bytes);
	let records: readonly (readonly string[])[] = [];
	let headerIndex = 0;
	const checked = checkExport(file.name, bytes, {
		onProgress: (p) => progress(p.phase, p.done, p.total),
		onRecords: (r, h) => {
			records = r;
			headerIndex = h;
		}
	});
	const preview: FilePreview | null = records.length ? buildPreview(records, headerIndex, checked.errors, checked.warnings) : null;
	const { rows: _rows, keys: _keys, ...rest } = checked;
	const report = fileReportFromCheck(rest, { bytes: bytes.byteLength, sha256: hash, preview });
	progress('done', checked.rowCount, checked.rowCount);
	scope.postMessage({ id, type: 'file', index, report, ms: Math.round(performance.now() - started) });
}

// Assigned rather than added: papaparse (imported above) installs its own `onmessage` when it
// believes it runs in its own worker (older versions did so in any worker); ours must win.
scope.onmessage = async (event) => {
	const { id, files } = event.data;
	for (let index = 0; index < files.length; index++) {
		try {
			await checkOne(id, index, files[index]!);
		} catch (error) {
			scope.postMessage({ id, type: 'error', index, message: error instanceof Error ? error.message : String(error) });
		}
	}
	scope.postMessage({ id, type: 'finished' });
};
