/**
 * Browser side of a load: check the files in a Web Worker (progress, no frozen page), then
 * send them with XMLHttpRequest (real upload progress) to POST /api/v1/loads, which runs the
 * same pipeline as the command line and answers the authoritative verdict.
 */
import { crossFileErrors } from '../domain/check';
import type { CheckPhase, CheckRequest, WorkerMessage } from './protocol';
import { withCrossFileErrors, type FileReport, type ImportAnswer } from './report';

export interface FileProgress {
	phase: CheckPhase;
	done: number;
	total: number;
	ms?: number;
	message?: string;
}

let nextId = 1;

/** Check files with the shared checkExport in a worker; `onProgress(index, progress)` as it goes. */
export function checkFiles(files: File[], onProgress: (index: number, progress: FileProgress) => void): { done: Promise<(FileReport | null)[]>; cancel: () => void } {
	const id = nextId++;
	const worker = new Worker(new URL('./check.worker.ts', import.meta.url), { type: 'module' });
	const reports: (FileReport | null)[] = files.map(() => null);
	let settle: (value: (FileReport | null)[]) => void = () => {};
	let fail: (error: Error) => void = () => {};
	const done = new Promise<(FileReport | null)[]>((resolve, reject) => {
		settle = resolve;
		fail = reject;
	});
	worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
		const m = event.data;
		if (m.id !== id) return;
		if (m.type === 'progress') onProgress(m.index, { phase: m.phase, done: m.done, total: m.total });
		else if (m.type === 'file') {
			reports[m.index] = m.report;
			onProgress(m.index, { phase: 'done', done: m.report.rows, total: m.report.rows, ms: m.ms });
		} else if (m.type === 'error') onProgress(m.index, { phase: 'failed', done: 0, total: 0, message: m.message });
		else if (m.type === 'finished') {
			worker.terminate();
			// Two exports of one kind in one load: the server refuses them, say so before sending.
			const cross = crossFileErrors(reports.filter((r): r is FileReport => r !== null));
			settle(reports.map((r) => (r ? withCrossFileErrors([r], cross)[0]! : null)));
		}
	};
	worker.onerror = (event) => {
		worker.terminate();
		fail(new Error(event.message || 'worker failed'));
	};
	worker.postMessage({ id, files } satisfies CheckRequest);
	return {
		done,
		cancel: () => {
			worker.terminate();
			fail(new DOMException('cancelled', 'AbortError'));
		}
	};
}

export interface UploadAnswer {
	status: number;
	/** The ImportResult when the server ran the pipeline (200 loaded, 422 refused). */
	result: ImportAnswer | null;
	/** `{ error, message }` otherwise. */
	error: { error: string; message: string } | null;
}

/** POST the files (multipart) to /api/v1/loads, reporting upload progress (bytes sent, total). */
export function uploadFiles(
	files: File[],
	options: { dryRun?: boolean; onProgress?: (sent: number, total: number) => void; onSent?: () => void } = {}
): { done: Promise<UploadAnswer>; abort: () => void } {
	const xhr = new XMLHttpRequest();
	const body = new FormData();
	for (const f of files) body.append('files', f, f.name);
	if (options.dryRun) body.append('dry_run', '1');
	const done = new Promise<UploadAnswer>((resolve, reject) => {
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable) options.onProgress?.(e.loaded, e.total);
		};
		xhr.upload.onload = () => options.onSent?.();
		xhr.onload = () => {
			let json: unknown = null;
			try {
				json = JSON.parse(xhr.responseText);
			} catch {
				json = null;
			}
			const isResult = json !== null && typeof json === 'object' && 'files' in json && 'ok' in json;
			const isError = json !== null && typeof json === 'object' && 'message' in json;
			resolve({
				status: xhr.status,
				result: isResult ? (json as ImportAnswer) : null,
				error: isResult ? null : isError ? (json as UploadAnswer['error']) : { error: `http_${xhr.status}`, message: xhr.responseText.slice(0, 300) || `HTTP ${xhr.status}` }
			});
		};
		xhr.onerror = () => reject(new Error('network'));
		xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
	});
	xhr.open('POST', '/api/v1/loads');
	xhr.setRequestHeader('accept', 'application/json');
	xhr.send(body);
	return { done, abort: () => xhr.abort() };
}

/** Offer a text as a file download (the report CSV, built in the browser). */
export function downloadText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
