/**
 * The check of an export, off the request thread (issue 18 #10): the whole file in a worker
 * thread (check-worker.ts), which answers with the check, then with the rows packed as DuckDB's
 * vectors hold them (pack.ts: plain buffers, transferred without a copy), which the load
 * appends (load.ts) — the one step left on the server's thread. A large file is checked on two
 * cores: cut at a line break near its middle, each half in its own worker (the second given the
 * file's header line before it). The two answers are joined only when that is exactly the
 * answer of one check of the whole file; in every other case (an error or anything unusual in
 * either half, the cut inside a quoted field, a worker that fails) the whole file is checked
 * again in one worker. So a file with errors costs a check and a half; a clean one, about half
 * a check. Only if no worker can start at all is a file checked in this thread (said on the
 * standard error): `checkExport`, the one reference, which the workers run too.
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
import { checkExport, cutSummary, CUT_WARNINGS, type CheckedExport, type ImportIssue } from '../../domain/check';
import type { ExportKind } from '../../domain/schemas';
import { packRows, type PackedBatch } from './batch';
import { previewFromBytes, type FilePreview } from '../../upload/preview';
import type { CheckMessage, CheckRequest, Dossiers, MultipartFields, TaskMessage, TaskRequest } from './check-worker';

/** From this size a file is checked in two halves (below, a worker costs more than it saves). */
export const SPLIT_MIN_BYTES = 8 * 1024 * 1024;

/** `SPLIT_MIN_BYTES`, or `HOX_SPLIT_CHECK_BYTES` when set (the end-to-end tests set 1: every file with rows goes through the worker). */
export function splitMinBytes(): number {
	const fromEnv = Number(process.env.HOX_SPLIT_CHECK_BYTES);
	return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : SPLIT_MIN_BYTES;
}

/** Papaparse guesses the line break from the text's first 1 MiB of UTF-16 units (papaparse.js, `guessLineEndings`). */
const GUESS_CHARS = 1024 * 1024;

/** The rows of a file checked in workers, as they packed them. */
export interface CheckedTail {
	/** Add to the rows' numbers in the batches (0: the workers' rows are numbered as in the file). */
	rowOffset: number;
	/** The dossiers the rows name, with the rows' numbers in the file (agreements and reports; null for applications). */
	dossiers: Dossiers | null;
	/**
	 * The packed rows, in file order, from the workers (each kept for the next file once it gave
	 * them); should one fail or have been stopped, its part is checked and packed again here.
	 */
	batches(): Promise<PackedBatch[]>;
	/** Stop the worker if its rows are not wanted (a refused or dry-run load). */
	cancel(): void;
}

/**
 * A file's check. Checked in a worker thread (the whole file, or its two halves), `rows` is
 * empty and `tail` gives the rows, packed, numbered as in the file (`rowOffset` 0); checked in
 * this thread (only when no worker could), `rows` holds them and `tail` is null. `split`: in two halves.
 */
export type FileCheck = CheckedExport & { tail: CheckedTail | null; split: boolean };

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
 * The workers of the last checks, kept idle once they answered (unreferenced: they never keep
 * the process alive), so that the next file within `spareIdleMs` neither waits for a worker to
 * start nor runs on cold code; then stopped, which gives back their memory (250–400 MB after a
 * half of 15–35 MB). Two at most (the two halves of a large file); a worker stopped mid-check
 * is not kept.
 */
const SPARES = 2;
const spares: { worker: Worker; timer: ReturnType<typeof setTimeout> }[] = [];
let spareIdleMs = 60_000;

/** How long an idle worker is kept (tests shorten it); whether one is kept now. */
export function setSpareIdleMs(ms: number): void {
	spareIdleMs = ms;
}
export function hasSpareWorker(): boolean {
	return spares.length > 0;
}

function takeSpare(): Worker | null {
	const kept = spares.pop();
	if (!kept) return null;
	clearTimeout(kept.timer);
	return kept.worker;
}

/** Keep an idle worker for `spareIdleMs`, if fewer than `SPARES` are kept; else stop it. */
function keepSpare(worker: Worker): void {
	if (spares.length >= SPARES) {
		void worker.terminate();
		return;
	}
	worker.unref();
	const timer = setTimeout(() => {
		const at = spares.findIndex((s) => s.worker === worker);
		if (at >= 0) spares.splice(at, 1);
		void worker.terminate();
	}, spareIdleMs);
	timer.unref();
	spares.push({ worker, timer });
}

async function newWorker(): Promise<Worker> {
	// Imported for its URL only (a separate chunk once built). From the sources (tests,
	// `vite dev`, the tsx scripts) the worker reads TypeScript through tsx; built, it is plain JavaScript.
	const { CHECK_WORKER_URL, CHECK_WORKER_ROLE } = await import('./check-worker');
	// (Otherwise it inherits this process's options: a per-process one, such as a V8 heap size, may not be given to a worker.)
	const tsx = CHECK_WORKER_URL.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx'));
	const worker = new Worker(new URL(CHECK_WORKER_URL), { workerData: { role: CHECK_WORKER_ROLE }, ...(tsx ? { execArgv: ['--import', 'tsx'] } : {}) });
	worker.on('exit', () => {
		const at = spares.findIndex((s) => s.worker === worker);
		if (at >= 0) {
			clearTimeout(spares[at]!.timer);
			spares.splice(at, 1);
		}
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
	// Answered: kept as a spare if there are fewer than SPARES, else stopped.
	const release = () => {
		detach();
		keepSpare(worker);
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

/**
 * One task of an upload on a check worker (check-worker.ts: reading a multipart body, a
 * preview), off the request thread; the worker is then kept as a spare. Should no worker start,
 * or fail, the task runs here (`inThread`), the same code.
 */
async function runTask<T>(request: TaskRequest, transfer: ArrayBuffer[], inThread: () => Promise<T>): Promise<T> {
	let worker: Worker;
	try {
		worker = takeSpare() ?? (await newWorker());
	} catch (error) {
		console.warn('Check worker unavailable, the upload is read in this thread:', error);
		return inThread();
	}
	worker.ref();
	const done = Promise.withResolvers<TaskMessage>();
	const onMessage = (message: TaskMessage) => done.resolve(message);
	const onExit = (code: number) => done.resolve({ type: 'failed', error: `exit code ${code}` });
	worker.on('message', onMessage).on('error', done.reject).on('exit', onExit);
	worker.postMessage(request, transfer);
	let message: TaskMessage;
	try {
		message = await done.promise;
	} catch (error) {
		message = { type: 'failed', error: String(error) };
	}
	worker.off('message', onMessage).off('error', done.reject).off('exit', onExit);
	if (message.type === 'done') {
		keepSpare(worker);
		return message.result as T;
	}
	if (message.status) {
		keepSpare(worker);
		throw new Error(message.error);
	}
	void worker.terminate();
	console.warn(`Check worker failed (${message.error}), the upload is read in this thread.`);
	return inThread();
}

/** A multipart body's fields and files, read in a check worker (a copy of the body goes there). */
export function multipartInWorker(body: Uint8Array, contentType: string): Promise<MultipartFields> {
	const copy = body.slice();
	return runTask<MultipartFields>({ task: 'multipart', body: copy, contentType }, [copy.buffer as ArrayBuffer], async () => {
		const form = await new Response(body as BodyInit, { headers: { 'content-type': contentType } }).formData();
		const fields: MultipartFields = { values: [], files: [] };
		for (const [field, value] of form.entries()) {
			if (typeof value === 'string') fields.values.push([field, value]);
			else fields.files.push({ field, name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
		}
		return fields;
	});
}

/** The preview of a file for the page without JavaScript (`previewFromBytes`), made in a check worker. */
export function previewInWorker(bytes: Uint8Array, errors: ImportIssue[], warnings: ImportIssue[]): Promise<FilePreview | null> {
	return runTask<FilePreview | null>({ task: 'preview', bytes, errors, warnings }, [], async () => previewFromBytes(bytes, errors, warnings));
}

/** Add `offset` to the row numbers of packed batches (the first column). */
function renumber(batches: PackedBatch[], offset: number): PackedBatch[] {
	for (const { n, columns } of batches) {
		const numbers = columns[0]!;
		if (numbers.type !== 'fixed') throw new Error('Row numbers are packed as integers');
		const rowNumbers = new Int32Array(numbers.data);
		for (let i = 0; i < n; i++) rowNumbers[i]! += offset;
	}
	return batches;
}

/**
 * A half's packed rows from its worker; should it fail or have been stopped, the half is checked
 * and packed again in this thread (and must check the same).
 */
function halfBatches(worker: HalfWorker, kind: ExportKind, name: string, which: string, again: () => Uint8Array, rowCount: number): Promise<PackedBatch[]> {
	return worker.packed.catch((error) => {
		console.warn(`Check worker failed, the ${which} of ${name} is checked again in this thread:`, error);
		const checked = checkExport(name, again());
		if (checked.errors.length > 0 || checked.rowCount !== rowCount) throw new Error(`The ${which} of ${name} does not check the same twice.`);
		return packRows(kind, checked.rows);
	});
}

/** The two halves' checks as one, or null when that would not be exactly the whole file's check. */
function join(headAnswer: Checked, answer: Checked, plan: Plan, headWorker: HalfWorker, worker: HalfWorker): FileCheck | null {
	const head = headAnswer.checked;
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
	// warnings of rows (a cut text, a SIRET: rule R22) are each half's own.
	const isCut = (w: ImportIssue) => w.code === 'truncated';
	const ofHeader = (c: CheckedExport) => c.warnings.filter((w) => w.category === 'structure');
	const headerWarnings = ofHeader(head);
	if (head.rowCount === 0 || tail.rowCount === 0 || headerWarnings.length !== ofHeader(tail).length) return null;
	// The second half's records count from its copy of the header: in the file, they follow the
	// first half's records but its last, the empty one after the cut's line break.
	const rowOffset = lh.parsed - 2;
	// The cut texts, as one check of the whole file lists them: the first CUT_WARNINGS, then a count of the rest.
	const cuts = head.cuts + tail.cuts;
	const ofRows = (c: CheckedExport) => c.warnings.filter((w) => w.category !== 'structure' && w.row !== null);
	const rowWarnings = [...ofRows(head), ...ofRows(tail).map((w) => ({ ...w, row: w.row! + rowOffset }))];
	let cutsShown = 0;
	const shown = rowWarnings.filter((w) => !isCut(w) || cutsShown++ < CUT_WARNINGS);
	const warnings = [...headerWarnings, ...shown, ...(cuts > CUT_WARNINGS ? [cutSummary(head.file, cuts - CUT_WARNINGS)] : [])];
	// (A duplicate across the halves: the whole file's check says where.)
	const keys = head.keys;
	for (const [key, row] of tail.keys) {
		if (keys.has(key)) return null;
		keys.set(key, row + rowOffset);
	}
	const dossiers =
		headAnswer.dossiers && answer.dossiers
			? { names: [...headAnswer.dossiers.names, ...answer.dossiers.names], rows: [...headAnswer.dossiers.rows, ...answer.dossiers.rows.map((r) => r + rowOffset)] }
			: null;
	const kind = head.kind;
	// The first half's rows, then the second's, numbered as in the file.
	const batches = async () => {
		const [first, second] = await Promise.all([
			halfBatches(headWorker, kind, head.file, 'first half', () => plan.head, head.rowCount),
			halfBatches(worker, kind, head.file, 'second half', plan.tailAgain, tail.rowCount)
		]);
		return [...first, ...renumber(second, rowOffset)];
	};
	const cancel = () => {
		headWorker.stop();
		worker.stop();
	};
	return { ...head, rowCount: head.rowCount + tail.rowCount, keys, warnings, cuts, layout: null, split: true, tail: { rowOffset: 0, dossiers, batches, cancel } };
}

/** A file's check, begun in worker threads. */
export interface StartedCheck {
	/** Whether it is checked in two halves (two workers). */
	split: boolean;
	finish(): Promise<FileCheck>;
}

/** The whole file checked in this thread: only when no worker can start (said on the standard error). */
function inThisThread(name: string, bytes: Uint8Array): FileCheck {
	return { ...checkExport(name, bytes), tail: null, split: false };
}

/**
 * The whole file checked in a worker thread; its answer, then its rows packed. If no worker
 * starts or it fails before its answer, the file is checked in this thread, the reference.
 */
async function startWhole(name: string, bytes: Uint8Array, rowsWanted: boolean): Promise<() => Promise<FileCheck>> {
	let worker: HalfWorker;
	try {
		// A copy goes to the worker (the bytes are still wanted here: the hash, the preview).
		worker = await startHalfWorker({ name, bytes: bytes.slice(), pack: rowsWanted });
	} catch (error) {
		console.warn(`Check worker unavailable, ${name} is checked in this thread:`, error);
		return async () => inThisThread(name, bytes);
	}
	return async () => {
		let answer: Checked;
		try {
			answer = await worker.checked;
		} catch (error) {
			console.warn(`Check worker failed, ${name} is checked in this thread:`, error);
			return inThisThread(name, bytes);
		}
		const checked = answer.checked;
		const kind = checked.kind;
		const batches = () => (kind ? halfBatches(worker, kind, name, 'whole file', () => bytes, checked.rowCount) : Promise.resolve([]));
		return { ...checked, split: false, tail: { rowOffset: 0, dossiers: answer.dossiers, batches, cancel: worker.stop } };
	};
}

/**
 * Begin the check of one file, off this thread (issue 18 #10: a 50 MB upload checked here held
 * every other request for seconds): in a worker thread, or in two halves in two workers when it
 * is large (`minBytes` or more) and can be (`planSplit`); `finish` waits for the answers and
 * joins the halves (`join`) or, when they cannot be joined, checks the whole file in a worker.
 * Same answer either way, and the same as `checkExport` in this thread. `rowsWanted` false (a
 * dry run): the workers only check, and `tail.batches()` gives no rows. `wholeIn` 'thread' (the
 * command line): a file not split is checked in this thread.
 */
export async function startCheck(name: string, bytes: Uint8Array, minBytes: number = splitMinBytes(), rowsWanted = true, wholeIn: 'worker' | 'thread' = 'worker'): Promise<StartedCheck> {
	const plan = planSplit(bytes, minBytes);
	// (The command line has no other request to serve: a file too small to split is checked in its thread.)
	if (!plan && wholeIn === 'thread') return { split: false, finish: async () => inThisThread(name, bytes) };
	if (!plan) return { split: false, finish: await startWhole(name, bytes, rowsWanted) };
	let tail: HalfWorker | null = null;
	let head: HalfWorker;
	try {
		tail = await startHalfWorker({ name, bytes: plan.tail, pack: rowsWanted });
		head = await startHalfWorker({ name, bytes: plan.head.slice(), pack: rowsWanted });
	} catch (error) {
		tail?.stop();
		console.warn(`Check worker unavailable, ${name} is not checked in two halves:`, error);
		return { split: false, finish: await startWhole(name, bytes, rowsWanted) };
	}
	return {
		split: true,
		async finish() {
			let joined: FileCheck | null = null;
			try {
				joined = join(await head.checked, await tail.checked, plan, head, tail);
			} catch (error) {
				console.warn(`Check worker failed, ${name} is checked again whole:`, error);
			}
			if (joined) return joined;
			head.stop();
			tail.stop();
			return (await startWhole(name, bytes, rowsWanted))();
		}
	};
}

/** Check one file (`startCheck`, then `finish`). */
export async function checkFile(name: string, bytes: Uint8Array, minBytes: number = splitMinBytes()): Promise<FileCheck> {
	return (await startCheck(name, bytes, minBytes)).finish();
}
