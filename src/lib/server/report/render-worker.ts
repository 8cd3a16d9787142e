/**
 * The rendering of a report file (PDF, XLSX, ZIP) on a worker thread (render.ts): this module
 * runs as a worker started with `workerData.role === RENDER_WORKER_ROLE`; it receives one
 * report model and a format, renders it with the very renderers of the page's downloads, and
 * answers with the file's bytes (transferred, not copied). One worker per file: when it ends,
 * its memory goes with it.
 *
 * Imported by render.ts only for its URL: a separate module (a separate chunk once built, as
 * the import's check-worker.ts), whose code runs only in such a worker.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ReportModel } from './model';

export const RENDER_WORKER_URL = import.meta.url;
export const RENDER_WORKER_ROLE = 'hox-render-report';

export type RenderFormat = 'pdf' | 'xlsx' | 'zip';

export interface RenderRequest {
	format: RenderFormat;
	model: ReportModel;
	/** PDF only: compressed streams (the default) or not (tests read the text back). */
	compress?: boolean;
}

export type RenderMessage = { type: 'rendered'; bytes: Uint8Array } | { type: 'failed'; error: string };

/**
 * Render one file. The renderers (pdfmake, exceljs, Plot: seconds to load) are imported here,
 * in the worker only: the server's thread imports this module for its URL and must not load them.
 */
export async function renderFormat({ format, model, compress }: RenderRequest): Promise<Uint8Array> {
	if (format === 'pdf') return (await import('./pdf')).renderPdf(model, { compress });
	if (format === 'xlsx') return (await import('./xlsx')).renderXlsx(model);
	return (await import('./zip')).renderZip(model);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === RENDER_WORKER_ROLE && parentPort) {
	const port = parentPort;
	port.once('message', async (request: RenderRequest) => {
		try {
			const rendered = await renderFormat(request);
			// Its own buffer, whole, so that it can be transferred.
			const bytes = rendered.byteOffset === 0 && rendered.byteLength === rendered.buffer.byteLength ? rendered : rendered.slice();
			port.postMessage({ type: 'rendered', bytes } satisfies RenderMessage, [bytes.buffer as ArrayBuffer]);
		} catch (error) {
			port.postMessage({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RenderMessage);
		}
	});
}
