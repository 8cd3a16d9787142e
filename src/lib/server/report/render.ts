/**
 * Report files (PDF, XLSX, ZIP) are rendered off the request thread (issue 18 #1: one title of
 * 30 000 characters kept the server's only thread busy for minutes, then took it down out of
 * memory): each file in its own worker thread (render-worker.ts), given the report model, with
 *
 * - a memory limit: the worker's V8 heap (`resourceLimits.maxOldGenerationSizeMb`,
 *   `HOX_REPORT_MEMORY_MB`, 1 024 MB by default); going over it ends the worker, not the server;
 * - a time limit (`HOX_REPORT_TIMEOUT_MS`, 120 s by default), waiting included: then the
 *   worker is terminated;
 * - at most `HOX_REPORT_WORKERS` (2 by default) at once; the others wait their turn, within
 *   their time limit.
 *
 * A file that cannot be made within them is a `ReportLimitError` (export.ts answers a plain
 * 503 page); the server keeps answering meanwhile.
 *
 * The worker is a separate module, found as split.ts finds the import's: imported for its URL
 * only (a chunk of its own once built); from the sources (tests, `vite dev`, the tsx scripts)
 * it is TypeScript, run through tsx.
 */
import { Worker } from 'node:worker_threads';
import type { ReportModel } from './model';
import type { RenderFormat, RenderMessage, RenderRequest } from './render-worker';

export type { RenderFormat };

export interface RenderLimits {
	/** Milliseconds from the request to the file, waiting for a free worker included. */
	timeoutMs: number;
	/** The worker's V8 heap (old generation), in MB. */
	memoryMb: number;
}

const positive = (value: string | undefined, fallback: number) => {
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The limits in force: `HOX_REPORT_TIMEOUT_MS`, `HOX_REPORT_MEMORY_MB`, else 120 s and 1 024 MB. */
export function renderLimits(): RenderLimits {
	return { timeoutMs: positive(process.env.HOX_REPORT_TIMEOUT_MS, 120_000), memoryMb: positive(process.env.HOX_REPORT_MEMORY_MB, 1024) };
}

/** How many report workers may run at once (`HOX_REPORT_WORKERS`, 2 by default). */
export function maxWorkers(): number {
	return Math.floor(positive(process.env.HOX_REPORT_WORKERS, 2));
}

export class ReportLimitError extends Error {
	constructor(
		readonly reason: 'time' | 'memory' | 'busy',
		readonly limits: RenderLimits
	) {
		super(`The report could not be rendered within the server's limits (${reason}: ${limits.timeoutMs} ms, ${limits.memoryMb} MB).`);
		this.name = 'ReportLimitError';
	}
}

let running = 0;
const waiting: (() => void)[] = [];

/** A free place among the running workers, or false once `deadline` has passed. */
async function acquire(deadline: number): Promise<boolean> {
	if (running < maxWorkers()) {
		running++;
		return true;
	}
	const turn = Promise.withResolvers<boolean>();
	const wake = () => {
		clearTimeout(timer);
		running++;
		turn.resolve(true);
	};
	const timer = setTimeout(() => {
		const at = waiting.indexOf(wake);
		if (at >= 0) waiting.splice(at, 1);
		turn.resolve(false);
	}, Math.max(0, deadline - Date.now()));
	waiting.push(wake);
	return turn.promise;
}

function release(): void {
	running--;
	waiting.shift()?.();
}

async function startWorker(memoryMb: number): Promise<Worker> {
	const { RENDER_WORKER_URL, RENDER_WORKER_ROLE } = await import('./render-worker');
	const tsx = RENDER_WORKER_URL.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx'));
	return new Worker(new URL(RENDER_WORKER_URL), {
		workerData: { role: RENDER_WORKER_ROLE },
		resourceLimits: { maxOldGenerationSizeMb: memoryMb },
		...(tsx ? { execArgv: ['--import', 'tsx'] } : {})
	});
}

/** One report file rendered in a worker thread, within `limits` (else a `ReportLimitError`). */
export async function renderInWorker(format: RenderFormat, model: ReportModel, options: { compress?: boolean; limits?: RenderLimits } = {}): Promise<Uint8Array> {
	const limits = options.limits ?? renderLimits();
	const deadline = Date.now() + limits.timeoutMs;
	if (!(await acquire(deadline))) throw new ReportLimitError('busy', limits);
	try {
		const worker = await startWorker(limits.memoryMb);
		const done = Promise.withResolvers<Uint8Array>();
		let settled = false;
		const settle = (fn: () => void) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			fn();
			void worker.terminate();
		};
		const timer = setTimeout(() => settle(() => done.reject(new ReportLimitError('time', limits))), Math.max(0, deadline - Date.now()));
		worker.on('message', (message: RenderMessage) =>
			settle(() => (message.type === 'rendered' ? done.resolve(message.bytes) : done.reject(new Error(`The report worker failed: ${message.error}`))))
		);
		worker.on('error', (error: Error & { code?: string }) =>
			settle(() => done.reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new ReportLimitError('memory', limits) : error))
		);
		worker.on('exit', (code) => settle(() => done.reject(new Error(`The report worker stopped (exit code ${code}).`))));
		worker.postMessage({ format, model, compress: options.compress } satisfies RenderRequest);
		return await done.promise;
	} finally {
		release();
	}
}
