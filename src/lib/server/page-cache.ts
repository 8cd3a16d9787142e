/**
 * A few seconds of memory for rendered pages (a "micro-cache", as a reverse proxy would
 * keep): the same GET of the same page by the same browser — same URL, same Cookie header
 * (so the same session and language), same Accept — within HOX_PAGE_CACHE_MS (default 5 000
 * ms) and with no write to the data since (Database.dataGeneration: auth events such as
 * failed sign-ins do not count, issue 18 #7) gets the bytes rendered the first time, without
 * rendering again. Pages that show accounts, sessions or the audit trail (/app/admin/…,
 * /app/compte) are kept only while no write at all happened (Database.generation).
 *
 * What it never keeps: anything but a 200 HTML page to a GET; a response that sets a cookie;
 * a request whose authentication changed a cookie (renewal, stale session). Authentication
 * and the signed-in gate still run on every request before the memory is looked at, and the
 * entry must have been rendered for the same user. Endpoints (CSV, API, reports) are never
 * kept: their downloads are audited one by one.
 */
import { createHash } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { getDb } from './db/instance';

const TTL_MS = Math.max(0, Number(process.env.HOX_PAGE_CACHE_MS ?? 5000) || 0);
const MAX_ENTRIES = 300;
const MAX_BYTES = 2 * 1024 * 1024;

interface Entry {
	generation: number;
	expires: number;
	user: string | null;
	status: number;
	headers: [string, string][];
	body: Uint8Array;
}

const entries = new Map<string, Entry>();

export function pageCacheEnabled(): boolean {
	return TTL_MS > 0;
}

function keyOf(event: RequestEvent): string {
	const r = event.request;
	return createHash('sha256')
		.update(`${event.url.pathname}${event.url.search}\u0000${r.headers.get('cookie') ?? ''}\u0000${r.headers.get('accept') ?? ''}`)
		.digest('base64url');
}

/**
 * Watch the request's cookies: returns a function telling whether anything (authentication:
 * renewal, removal of a stale session) set or deleted a cookie since.
 */
export function watchCookies(event: RequestEvent): () => boolean {
	let changed = false;
	const cookies = event.cookies;
	const set = cookies.set.bind(cookies);
	const del = cookies.delete.bind(cookies);
	cookies.set = (...args: Parameters<typeof set>) => {
		changed = true;
		return set(...args);
	};
	cookies.delete = (...args: Parameters<typeof del>) => {
		changed = true;
		return del(...args);
	};
	return () => changed;
}

/** Pages that show sign-ins, sessions or accounts: any write may change them. */
function showsAuthState(path: string): boolean {
	return path.startsWith('/app/admin') || path.startsWith('/app/compte');
}

export interface PageCacheTicket {
	key: string;
	generation: number;
}

/** A kept rendering of this page for this browser, or a ticket to keep the one about to be rendered. */
export async function lookupPage(event: RequestEvent, cookiesChanged: boolean): Promise<Response | PageCacheTicket | null> {
	if (!pageCacheEnabled() || event.request.method !== 'GET' || cookiesChanged || event.isDataRequest) return null;
	const db = await getDb();
	const generation = showsAuthState(event.url.pathname) ? db.generation : db.dataGeneration;
	const key = keyOf(event);
	const entry = entries.get(key);
	if (entry && entry.generation === generation && entry.expires > Date.now() && entry.user === (event.locals.user?.id ?? null)) {
		return new Response(entry.body.slice(), { status: entry.status, headers: entry.headers });
	}
	if (entry) entries.delete(key);
	return { key, generation };
}

/** Keep a rendered page when it may be kept; returns the response to send (its body read once). */
export async function keepPage(event: RequestEvent, ticket: PageCacheTicket | null, response: Response, cookiesChanged: boolean): Promise<Response> {
	if (!ticket || cookiesChanged || response.status !== 200 || response.headers.has('set-cookie')) return response;
	if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return response;
	const length = Number(response.headers.get('content-length') ?? 0);
	if (length > MAX_BYTES) return response;
	const body = new Uint8Array(await response.arrayBuffer());
	const headers = [...response.headers.entries()];
	if (body.byteLength <= MAX_BYTES) {
		if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
		entries.set(ticket.key, { generation: ticket.generation, expires: Date.now() + TTL_MS, user: event.locals.user?.id ?? null, status: 200, headers, body });
	}
	return new Response(body, { status: response.status, headers });
}
