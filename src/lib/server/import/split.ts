/**
 * The check of a large export on two cores: the file is cut at a line break near its middle;
 * this thread checks the first half while a worker thread (check-worker.ts) checks the second,
 * given the file's header line before it, then packs its rows for DuckDB (the load writes them
 * after the first half's: load.ts). The two answers are joined only when that is exactly the
 * answer of one check of the whole file; in every other case (an error or anything unusual in
 * either half, the cut inside a quoted field, a worker that fails) the whole file is checked
 * again in this thread, the one reference. So a file with errors costs a check and a half;
 * a clean one, about half a check.
 *
 * Why a join is exact: the header line is plain (no quote), so both halves read the same
 * columns with the same delimiter; the cut follows a line break and the first half parses
 * without a quoting error, so papaparse (reading left to right) ended a record there, exactly
 * where it does in the whole file; the line break it reads by is the same in both halves and
 * the whole file (no `\r` anywhere, or a first half of over a megabyte of text, from which
 * papaparse guesses it); the encoding is the same (UTF-8 or Windows-1252, both cut safely at
 * a `\n` byte); every row is checked alone, but for duplicate keys, looked for across the
 * halves; the second half's rows are numbered as in the whole file (the first half's records,
 * blank ones included, then its own). tests/unit/split.test.ts compares the joined answers and
 * loaded tables with the one-thread ones on clean and messy files.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkExport, type CheckedExport } from '../../domain/check';
import { packRows, type PackedBatch } from './batch';
import type { CheckMessage, CheckRequest, Dossiers } from './check-worker';

/** From this size a file is checked in two halves (below, a worker costs more than it saves). */
export const SPLIT_MIN_BYTES = 8 * 1024 * 1024;

/** `SPLIT_MIN_BYTES`, or `HOX_SPLIT_CHECK_BYTES` when set (the end-to-end tests set 1: every file with rows goes through the worker). */
export function splitMinBytes(): number {
	const fromEnv = Number(process.env.HOX_SPLIT_CHECK_BYTES);
	return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : SPLIT_MIN_BYTES;
}

/** Papaparse guesses the line break from the text's first 1 MiB of UTF-16 units (papaparse.js, `guessLineEndings`). */
const GUESS_CHARS = 1024 * 1024;

/** The second half of a file checked in two: its rows, as the worker packed them. */
export interface CheckedTail {
	/** Add to the rows' numbers in the batches (they count from the second half's header). */
	rowOffset: number;
	/** The dossiers the half's rows name, numbered as in the file (agreements and reports; null for applications). */
	dossiers: Dossiers | null;
	/**
	 * The packed rows, in file order, from the worker (kept for the next file once it gave
	 * them); should it fail or have been stopped, the half is checked and packed again here.
	 */
	batches(): Promise<PackedBatch[]>;
	/** Stop the worker if its rows are not wanted (a refused or dry-run load). */
	cancel(): void;
}

/** A file's check; for a file checked in two halves, `rows` holds the first half's and `tail` the rest. */
export type FileCheck = CheckedExport & { tail: CheckedTail | null };

interface Plan {
	head: Uint8Array;
	/** The header line, then the bytes after the cut (handed over to the worker). */
	tail: Uint8Array;
	/** Make `tail` again (once it has gone to the worker). */
	tailAgain(): Uint8Array;
	/** Whether the cut's line break is `\r\n`. */
	crlf: boolean;
	/** The whole file. */
	bytes: Uint8Array;
}

/** Where to cut, or null when the file is not to be checked in two. */
export function planSplit(bytes: Uint8Array, minBytes: number): Plan | null {
	if (bytes.byteLength < minBytes || availableParallelism() < 2) return null;
	// UTF-16 is not cut at a byte (and is never that large in practice).
	if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return null;
	const headerEnd = bytes.indexOf(0x0a) + 1;
	if (headerEnd <= 0 || bytes.subarray(0, headerEnd).includes(0x22)) return null;
	const cut = bytes.indexOf(0x0a, headerEnd + ((bytes.byteLength - headerEnd) >> 1)) + 1;
	if (cut <= 0 || cut >= bytes.byteLength) return null;
	const tailAgain = () => {
		const tail = new Uint8Array(headerEnd + bytes.byteLength - cut);
		tail.set(bytes.subarray(0, headerEnd));
		tail.set(bytes.subarray(cut), headerEnd);
		return tail;
	};
	return { head: bytes.subarray(0, cut), tail: tailAgain(), tailAgain, crlf: bytes[cut - 2] === 0x0d, bytes };
}

type Checked = Extract<CheckMessage, { type: 'checked' }>;

/** A check worker's answers to one request, as promises. */
interface HalfWorker {
	checked: Promise<Checked>;
	packed: Promise<PackedBatch[]>;
	/** Stop the worker, unless it has answered (it is then kept for the next file). */
	stop(): void;
}

/**
 * The worker of the last check, kept idle once it answered (unreferenced: it never keeps the
 * process alive), so that the next large file within `spareIdleMs` neither waits for a worker to
 * start nor runs on cold code; then stopped, which gives back its memory (250–400 MB after a
 * half of 15–35 MB). One at most; a worker stopped mid-check is not kept.
 */
let spare: Worker | null = null;
let spareTimer: ReturnType<typeof setTimeout> | null = null;
let spareIdleMs = 60_000;

/** How long an idle worker is kept (tests shorten it); whether one is kept now. */
export function setSpareIdleMs(ms: number): void {
	spareIdleMs = ms;
}
export function hasSpareWorker(): boolean {
	return spare !== null;
}

function takeSpare(): Worker | null {
	const kept = spare;
	spare = null;
	if (spareTimer) clearTimeout(spareTimer);
	spareTimer = null;
	return kept;
}

async function newWorker(): Promise<Worker> {
	// Imported for its URL only (a separate chunk once built). From the sources (tests,
	// `vite dev`, the tsx scripts) the worker reads TypeScript through tsx; built, it is plain JavaScript.
	const { CHECK_WORKER_URL, CHECK_WORKER_ROLE } = await import('./check-worker');
	// (Otherwise it inherits this process's options: a per-process one, such as a V8 heap size, may not be given to a worker.)
	const tsx = CHECK_WORKER_URL.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx'));
	const worker = new Worker(new URL(CHECK_WORKER_URL), { workerData: { role: CHECK_WORKER_ROLE }, ...(tsx ? { execArgv: ['--import', 'tsx'] } : {}) });
	worker.on('exit', () => {
		if (spare === worker) spare = null;
	});
	// An idle worker's failure is nobody's error (a request's own listener reports it during a check).
	worker.on('error', () => {});
	return worker;
}

async function startHalfWorker(request: CheckRequest): Promise<HalfWorker> {
	const worker = takeSpare() ?? (await newWorker());
	worker.ref();
	const checked = Promise.withResolvers<Checked>();
	const packed = Promise.withResolvers<PackedBatch[]>();
	// Nobody waits for the rows of a refused load: their loss is no error.
	packed.promise.catch(() => {});
	// Settling twice does nothing: a failure after the answers changes nothing.
	const fail = (error: Error) => {
		checked.reject(error);
		packed.reject(error);
	};
	let done = false;
	const onMessage = (message: CheckMessage) => {
		if (message.type === 'checked') checked.resolve(message);
		else if (message.type === 'packed') {
			release();
			packed.resolve(message.batches);
		} else fail(new Error(`The check worker failed: ${message.error}`));
	};
	const onExit = (code: number) => fail(new Error(`The check worker stopped (exit code ${code}).`));
	const detach = () => {
		done = true;
		worker.off('message', onMessage).off('error', fail).off('exit', onExit);
	};
	// Answered: kept as the spare if there is none, else stopped.
	const release = () => {
		detach();
		if (spare) void worker.terminate();
		else {
			spare = worker;
			worker.unref();
			spareTimer = setTimeout(() => void takeSpare()?.terminate(), spareIdleMs);
			spareTimer.unref();
		}
	};
	worker.on('message', onMessage).on('error', fail).on('exit', onExit);
	worker.postMessage(request, [request.bytes.buffer as ArrayBuffer]);
	return {
		checked: checked.promise,
		packed: packed.promise,
		// (A worker asked for no rows is about to answer its last, and is kept.)
		stop: () => {
			if (done || !request.pack) return;
			detach();
			fail(new Error('The check worker was stopped.'));
			void worker.terminate();
		}
	};
}

/** The two halves' checks as one, or null when that would not be exactly the whole file's check. */
function join(head: CheckedExport, answer: Checked, plan: Plan, worker: HalfWorker): FileCheck | null {
	const tail = answer.checked;
	const lh = head.layout;
	const lt = tail.layout;
	if (head.errors.length > 0 || tail.errors.length > 0 || !head.kind || head.kind !== tail.kind) return null;
	if (head.encoding !== tail.encoding || head.delimiter !== tail.delimiter || !lh || !lt || lh.headerIndex !== 0 || lt.headerIndex !== 0) return null;
	// The same line break for both halves and the whole file, and the cut on one.
	// (Papaparse guesses it from the text's first megabyte: the first half's, if it is that long;
	// else the whole file's guess can differ, unless there is no \r at all.)
	if (lh.linebreak !== lt.linebreak || (lh.chars < GUESS_CHARS && plan.bytes.includes(0x0d))) return null;
	if (!(lh.linebreak === '\n' || (lh.linebreak === '\r\n' && plan.crlf))) return null;
	// Both halves hold rows, and the same warnings of the shared header (unknown columns); the
	// warnings of rows (a SIRET, rule R22) are each half's own.
	const ofHeader = (c: CheckedExport) => c.warnings.filter((w) => w.category === 'structure');
	if (head.rowCount === 0 || tail.rowCount === 0 || ofHeader(head).length !== ofHeader(tail).length) return null;
	// The second half's records count from its copy of the header: in the file, they follow the
	// first half's records but its last, the empty one after the cut's line break.
	const rowOffset = lh.parsed - 2;
	// (A duplicate across the halves: the whole file's check says where.)
	const keys = head.keys;
	for (const [key, row] of tail.keys) {
		if (keys.has(key)) return null;
		keys.set(key, row + rowOffset);
	}
	const dossiers = answer.dossiers && { names: answer.dossiers.names, rows: answer.dossiers.rows.map((r) => r + rowOffset) };
	const kind = head.kind;
	const batches = () =>
		worker.packed.catch((error) => {
			console.warn(`Check worker failed, the second half of ${head.file} is checked again in this thread:`, error);
			const again = checkExport(head.file, plan.tailAgain());
			if (again.errors.length > 0 || again.rowCount !== tail.rowCount) throw new Error(`The second half of ${head.file} does not check the same twice.`);
			return packRows(kind, again.rows);
		});
	const warnings = [...head.warnings, ...tail.warnings.filter((w) => w.category !== 'structure').map((w) => ({ ...w, row: w.row === null ? null : w.row + rowOffset }))];
	return { ...head, warnings, rowCount: head.rowCount + tail.rowCount, keys, layout: null, tail: { rowOffset, dossiers, batches, cancel: worker.stop } };
}

/** A file's check, begun: its second half's worker started when it is checked in two. */
export interface StartedCheck {
	/** Whether a worker checks its second half (the rest is checked by `finish`, in this thread). */
	split: boolean;
	finish(): Promise<FileCheck>;
}

/**
 * Begin the check of one file: in two halves on two cores when it is large (`minBytes` or
 * more) and can be (`planSplit`), the worker starting at once; `finish` checks the rest here
 * and joins the halves (`join`) or, when they cannot be joined or the worker failed, checks the
 * whole file here. Same answer either way. `rowsWanted` false (a dry run): the worker only
 * checks, and `tail.batches()` gives no rows.
 */
export async function startCheck(name: string, bytes: Uint8Array, minBytes: number = splitMinBytes(), rowsWanted = true): Promise<StartedCheck> {
	const whole = (): FileCheck => ({ ...checkExport(name, bytes), tail: null });
	const inThread = { split: false, finish: async () => whole() };
	const plan = planSplit(bytes, minBytes);
	if (!plan) return inThread;
	let worker: HalfWorker;
	try {
		worker = await startHalfWorker({ name, bytes: plan.tail, pack: rowsWanted });
	} catch (error) {
		console.warn(`Check worker unavailable, ${name} is checked in one thread:`, error);
		return inThread;
	}
	return {
		split: true,
		async finish() {
			const head = checkExport(name, plan.head);
			let joined: FileCheck | null = null;
			try {
				joined = join(head, await worker.checked, plan, worker);
			} catch (error) {
				console.warn(`Check worker failed, ${name} is checked again in one thread:`, error);
			}
			if (joined) return joined;
			worker.stop();
			return whole();
		}
	};
}

/** Check one file (`startCheck`, then `finish`). */
export async function checkFile(name: string, bytes: Uint8Array, minBytes: number = splitMinBytes()): Promise<FileCheck> {
	return (await startCheck(name, bytes, minBytes)).finish();
}
