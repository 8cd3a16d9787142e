/**
 * Two checks the hook runs on every request before anything else (hooks.server.ts):
 *
 * - **Origin** (issue 18 #5). SvelteKit's own CSRF check only covers form content types
 *   (urlencoded, multipart, text/plain); a body-less `fetch(…, { method: 'POST', mode:
 *   'no-cors', credentials: 'include' })` from another port of the same host carried the
 *   admin's cookie (same site, so SameSite=Lax lets it through) and undid a load. Every
 *   state-changing request (any method but GET, HEAD, OPTIONS; any content type) must come
 *   from this origin: `Sec-Fetch-Site` must say `same-origin` (or `none`: typed by the user),
 *   else an `Origin` header must equal the site's origin (`ORIGIN` in production). A request
 *   carrying neither header is not from a browser (a browser sends `Origin` on every POST),
 *   so no cookie of a victim rides on it: it passes, as in Go's `http.CrossOriginProtection`.
 *   API requests with `Authorization: Bearer` are authenticated by the token alone (cookies
 *   are ignored, hooks → authenticate), and a page of another origin cannot add that header
 *   without a CORS preflight this server never grants: they are not checked.
 *
 * - **Body size** (issue 18 #6). adapter-node's BODY_SIZE_LIMIT (64 MB with `npm start`) is
 *   for loading exports; every other route accepts at most HOX_SMALL_BODY_LIMIT (64 KB by
 *   default) — the sign-in form, account forms, token requests are a few hundred bytes. A
 *   declared `Content-Length` over the limit is refused at once (413); a body without one
 *   (chunked) is read up to the limit and refused as soon as it goes over, never buffered
 *   beyond it (what is left is read and dropped up to 1 MB so the client gets its answer,
 *   then the connection is cut).
 */
import type { RequestEvent } from '@sveltejs/kit';
import { parseSize } from './import/upload';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Bodies of every route but the loads: HOX_SMALL_BODY_LIMIT, 64 KB by default. */
export function smallBodyLimit(): number {
	const v = parseSize(process.env.HOX_SMALL_BODY_LIMIT ?? '64K');
	return Number.isFinite(v) && v > 0 ? v : 64 * 1024;
}

/** The routes that take exports (adapter-node's BODY_SIZE_LIMIT applies to them alone). */
export function isLoadRoute(method: string, url: URL): boolean {
	if (method !== 'POST') return false;
	if (url.pathname === '/api/v1/loads') return true;
	// The form action `?/load` of the loads page (with or without JavaScript).
	return url.pathname === '/app/admin/chargements' && url.searchParams.has('/load');
}

const isApi = (url: URL) => url.pathname === '/api' || url.pathname.startsWith('/api/');

function refusal(url: URL, status: number, code: string, fr: string, en: string, extra: Record<string, string> = {}): Response {
	if (isApi(url)) {
		return new Response(JSON.stringify({ error: code, message: fr, message_en: en }), {
			status,
			headers: { 'content-type': 'application/json', ...extra }
		});
	}
	return new Response(`${fr}\n\n${en}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...extra } });
}

/**
 * After a 413, how much more of the refused body is read and thrown away, so that the client
 * — still sending — gets the answer instead of a reset connection (what Go's server does).
 * Past it, the connection is cut.
 */
const DRAIN_MAX = 1024 * 1024;

/** Read and drop what is left of a refused body, up to DRAIN_MAX, then cut (in the background). */
function drain(reader: ReadableStreamDefaultReader<Uint8Array>, already: number): void {
	void (async () => {
		let read = already;
		try {
			for (;;) {
				const step = await reader.read();
				if (step.done) return;
				read += step.value.byteLength;
				if (read > DRAIN_MAX) {
					await reader.cancel();
					return;
				}
			}
		} catch {
			// the client went away: nothing to do
		}
	})();
}

/** Control characters no parameter of ours may hold (tab, newline, carriage return are text). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A URL no route can answer sensibly: a control character (a NUL above all: DuckDB refuses
 * it in a string, issue 18 #8) in the path or in any query parameter, or a path that is not
 * valid percent-encoded UTF-8. A clear 400 instead of a 500 from deep inside a query.
 */
export function badUrlRefusal(url: URL): Response | null {
	let bad = false;
	try {
		bad = CONTROL.test(decodeURIComponent(url.pathname));
	} catch {
		bad = true;
	}
	if (!bad) {
		for (const [k, v] of url.searchParams) {
			if (CONTROL.test(k) || CONTROL.test(v)) {
				bad = true;
				break;
			}
		}
	}
	if (!bad) return null;
	return refusal(
		url,
		400,
		'bad_request',
		'Adresse invalide : elle contient un caractère de contrôle (octet nul…) ou un encodage incorrect.',
		'Invalid address: it holds a control character (NUL byte…) or a bad encoding.'
	);
}

/** Where a request comes from, as the browser says it: null when it may go on. */
export function crossOriginRefusal(request: Request, url: URL): Response | null {
	if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
	const h = request.headers;
	if (isApi(url) && /^Bearer\s+\S/i.test(h.get('authorization') ?? '')) return null;
	const site = h.get('sec-fetch-site');
	const origin = h.get('origin');
	let ok: boolean;
	if (site) ok = site === 'same-origin' || site === 'none';
	else if (origin !== null) ok = origin === url.origin;
	else ok = true; // not a browser: no cookie of a victim on it
	// Both present: both must agree (a same-origin Sec-Fetch-Site with another Origin is not ours).
	if (ok && site && origin !== null && origin !== url.origin) ok = false;
	if (ok) return null;
	return refusal(
		url,
		403,
		'cross_origin',
		'Requête refusée : elle ne vient pas de ce site (en-têtes Origin / Sec-Fetch-Site). Si le tableau de bord est derrière un proxy, vérifiez la variable ORIGIN.',
		'Request refused: it does not come from this site (Origin / Sec-Fetch-Site headers). Behind a proxy, check the ORIGIN setting.'
	);
}

function tooLarge(url: URL, limit: number, close = false): Response {
	const kb = Math.floor(limit / 1024);
	return refusal(
		url,
		413,
		'payload_too_large',
		`Requête trop volumineuse : au plus ${kb} Ko ici (seuls les chargements de fichiers acceptent davantage).`,
		`Request too large: at most ${kb} KB here (only file loads accept more).`,
		close ? { connection: 'close' } : {}
	);
}

/**
 * Holds every route but the loads to the small limit. Returns a 413 answer, or null (then
 * `event.request` may have been replaced by a copy whose body was read within the limit).
 */
export async function limitBody(event: RequestEvent): Promise<Response | null> {
	const { request, url } = event;
	if (isLoadRoute(request.method.toUpperCase(), url)) return null;
	const limit = smallBodyLimit();
	const declared = request.headers.get('content-length');
	if (declared !== null) {
		// adapter-node refuses a body longer than its Content-Length: the header can be trusted.
		const n = Number(declared);
		if (!Number.isFinite(n) || n > limit) {
			// A body of up to DRAIN_MAX is read and dropped (the client gets its answer); a larger
			// one is not read at all: the connection closes after the answer.
			const small = Number.isFinite(n) && n <= DRAIN_MAX && request.body !== null;
			if (small) drain(request.body!.getReader(), 0);
			return tooLarge(url, limit, !small);
		}
		return null;
	}
	if (request.body === null) return null;
	// No length announced (chunked): read at most `limit` bytes.
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		let step: ReadableStreamReadResult<Uint8Array>;
		try {
			step = await reader.read();
		} catch {
			// The client went away or adapter-node's own limit cut it.
			return tooLarge(url, limit);
		}
		if (step.done) break;
		total += step.value.byteLength;
		if (total > limit) {
			// Not cancelled now: adapter-node would destroy the socket before the answer is sent.
			drain(reader, total);
			return tooLarge(url, limit);
		}
		chunks.push(step.value);
	}
	const body = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		body.set(c, at);
		at += c.byteLength;
	}
	const headers = new Headers(request.headers);
	headers.set('content-length', String(total));
	(event as { request: Request }).request = new Request(request.url, { method: request.method, headers, body, signal: request.signal });
	return null;
}
