/**
 * One rendering of a public page for every anonymous reader. A public page (or open-data
 * file) is the same for every reader without a session who reads it in the same language,
 * until the data change: it is rendered once, kept, and sent to the next readers as it was.
 *
 * Key: the URL (path and query) and the language; an entry is good for as long as the
 * data have not changed (`Database.dataGeneration`; the server is the only process that can
 * write to it). Only answers that say they may be shared are kept: a 200 to a GET, with a
 * `Cache-Control: public` set by the page itself (src/lib/server/public/cache.ts) and no
 * cookie set. Readers who ask for the same page while it is being rendered wait for that one
 * rendering instead of starting their own.
 *
 * Never for a signed-in reader, nor under /app, /api, /login, /logout or /lang, nor for a
 * request whose cookies were changed on the way in (a stale session cookie being dropped).
 */
import type { RequestEvent } from '@sveltejs/kit';

/** Bounds: keys come from URLs (query strings), so made-up ones must not grow the memory. */
const MAX_ENTRIES = 2000;
const MAX_BYTES = 64 * 1024 * 1024;
/** A single answer larger than this is not kept (a large open-data file is streamed each time). */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

const PRIVATE_PREFIXES = ['/app', '/api', '/login', '/logout', '/lang'];

interface Entry {
	generation: number;
	status: number;
	headers: [string, string][];
	body: Uint8Array;
}

const entries = new Map<string, Entry>();
const rendering = new Map<string, Promise<Entry | null>>();
let bytes = 0;

let enabled = process.env.HOX_SHARED_PUBLIC_CACHE !== '0';

/** Turn the shared cache off or on (tests, benchmarks of the rendering); returns the previous setting. */
export function setSharedPublicCache(on: boolean): boolean {
	const previous = enabled;
	enabled = on;
	if (!on) clear();
	return previous;
}

function clear(): void {
	entries.clear();
	bytes = 0;
}

function isPrivatePath(path: string): boolean {
	return PRIVATE_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));
}

/** The key of a request any anonymous reader may share, or null. */
export function sharedKey(event: RequestEvent, cookiesChanged: boolean): string | null {
	if (!enabled || event.request.method !== 'GET' || event.locals.user || cookiesChanged || event.isDataRequest) return null;
	if (isPrivatePath(event.url.pathname)) return null;
	return `${event.url.pathname}${event.url.search}\u0000${event.locals.lang}`;
}

function shareable(response: Response): boolean {
	if (response.status !== 200 || response.headers.has('set-cookie')) return false;
	if (!/\bpublic\b/.test(response.headers.get('cache-control') ?? '')) return false;
	const length = Number(response.headers.get('content-length') ?? 0);
	return length <= MAX_ENTRY_BYTES;
}

function keep(key: string, entry: Entry): void {
	const old = entries.get(key);
	if (old) {
		bytes -= old.body.byteLength;
		entries.delete(key);
	}
	while (entries.size >= MAX_ENTRIES || (entries.size > 0 && bytes + entry.body.byteLength > MAX_BYTES)) {
		const [oldestKey, oldest] = entries.entries().next().value!;
		entries.delete(oldestKey);
		bytes -= oldest.body.byteLength;
	}
	entries.set(key, entry);
	bytes += entry.body.byteLength;
}

/** Marks an answer sent from the shared cache (for tests and benchmarks; it says nothing private). */
export const SHARED_HIT_HEADER = 'x-hox-shared-cache';

function toResponse(entry: Entry, hit: boolean): Response {
	const response = new Response(entry.body.slice(), { status: entry.status, headers: entry.headers });
	if (hit) response.headers.set(SHARED_HIT_HEADER, 'hit');
	return response;
}

/**
 * The answer to a shareable request: the kept one when the data have not changed since it
 * was rendered, otherwise `render()`'s, kept for the next readers when it may be shared.
 */
export async function sharedAnswer(key: string, generation: number, render: () => Promise<Response>): Promise<Response> {
	const kept = entries.get(key);
	if (kept && kept.generation === generation) {
		// Most recently used last: the oldest entries go first when the bounds are reached.
		entries.delete(key);
		entries.set(key, kept);
		return toResponse(kept, true);
	}
	const inFlightKey = `${generation}\u0000${key}`;
	const pending = rendering.get(inFlightKey);
	if (pending) {
		const entry = await pending;
		if (entry) return toResponse(entry, true);
		return render();
	}
	let answer: Response | null = null;
	const promise = (async (): Promise<Entry | null> => {
		const response = await render();
		if (!shareable(response)) {
			answer = response;
			return null;
		}
		const body = new Uint8Array(await response.arrayBuffer());
		const entry: Entry = { generation, status: response.status, headers: [...response.headers.entries()], body };
		if (body.byteLength <= MAX_ENTRY_BYTES) keep(key, entry);
		return entry;
	})();
	rendering.set(inFlightKey, promise);
	try {
		const entry = await promise;
		return entry ? toResponse(entry, false) : answer!;
	} finally {
		rendering.delete(inFlightKey);
	}
}
