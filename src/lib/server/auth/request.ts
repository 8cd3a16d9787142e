/**
 * Per-request authentication and response hardening, called from hooks.server.ts:
 * the session cookie (or, on /api, an `Authorization: Bearer` API token) becomes
 * `locals.user`/`locals.session`; every response gets the security headers.
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db/instance';
import { verifyToken } from './tokens';
import { deleteSessionCookie, parseToken, SESSION_COOKIE, setSessionCookie, validateSessionToken } from './sessions';

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(request: Request): string | null {
	const header = request.headers.get('authorization');
	const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	return m ? m[1]! : null;
}

/**
 * Fill `locals.user` and `locals.session`: on /api from a Biscuit API token when the
 * request carries one (no session then: a token cannot do what needs a session, such as
 * issuing tokens), otherwise from the session cookie, renewing the cookie when due.
 */
export async function authenticate(event: RequestEvent): Promise<void> {
	event.locals.user = null;
	event.locals.session = null;
	const bearer = event.url.pathname.startsWith('/api/') ? bearerToken(event.request) : null;
	if (bearer) {
		const checked = await verifyToken(await getDb(), bearer, { method: event.request.method, path: event.url.pathname });
		if (checked.ok) event.locals.user = checked.user;
		return;
	}
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return;
	if (!parseToken(token)) {
		deleteSessionCookie(event.cookies, event.url);
		return;
	}
	const db = await getDb();
	const result = await validateSessionToken(db, token);
	if (!result) {
		deleteSessionCookie(event.cookies, event.url);
		return;
	}
	event.locals.user = result.user;
	event.locals.session = { id: result.session.id, expiresAt: result.session.expiresAt };
	if (result.renewed) setSessionCookie(event.cookies, event.url, token, result.session.expiresAt);
}

/**
 * Defence in depth: anonymous requests under /app go to the sign-in page (and come back
 * afterwards), under /api get a 401 JSON answer, before any route runs, even one that does
 * not exist. Every page, action and endpoint still checks the session and role itself.
 */
export function anonymousGate(event: RequestEvent): Response | null {
	if (event.locals.user) return null;
	const path = event.url.pathname;
	// Client-side navigations fetch __data.json: the page's own load answers those with a redirect.
	if (event.isDataRequest) return null;
	if (path === '/app' || path.startsWith('/app/')) {
		const back = path + event.url.search;
		const headers = new Headers({ location: `/login?redirectTo=${encodeURIComponent(back)}` });
		// A stale session cookie is dropped here too (cookies.delete does not reach a response built in the hook).
		if (event.cookies.get(SESSION_COOKIE)) {
			headers.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${event.url.protocol === 'https:' ? '; Secure' : ''}`);
		}
		return new Response(null, { status: 303, headers });
	}
	if (path === '/api' || path.startsWith('/api/')) {
		if (bearerToken(event.request)) {
			return json(
				{ error: 'invalid_token', message: 'Jeton d’API invalide, expiré, révoqué ou restreint pour cette requête.' },
				{ status: 401, headers: { 'www-authenticate': 'Bearer realm="hox", error="invalid_token"' } }
			);
		}
		return json(
			{ error: 'unauthorized', message: 'Authentification requise.' },
			{ status: 401, headers: { 'www-authenticate': 'Bearer realm="hox"' } }
		);
	}
	return null;
}

/**
 * The policy for responses SvelteKit does not give one (endpoints, static error pages):
 * nothing may load, nothing may frame it. Pages get the one of svelte.config.js (hashes
 * for SvelteKit's inline scripts; inline styles allowed because Observable Plot writes a
 * <style> in each chart).
 */
const FALLBACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const API_ERRORS: Record<number, string> = {
	400: 'bad_request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not_found',
	405: 'method_not_allowed',
	409: 'conflict',
	413: 'payload_too_large',
	415: 'unsupported_media_type',
	422: 'unprocessable',
	423: 'locked',
	429: 'too_many_requests',
	500: 'internal_error',
	503: 'unavailable'
};

/**
 * Under /api every error answer is JSON, whatever the client's Accept header (SvelteKit
 * answers an HTML error page to a browser-like Accept).
 */
export async function jsonApiErrors(event: RequestEvent, response: Response): Promise<Response> {
	if (!event.url.pathname.startsWith('/api/') || response.status < 400) return response;
	if ((response.headers.get('content-type') ?? '').includes('application/json')) {
		if (response.status === 401 && !response.headers.has('www-authenticate')) {
			try {
				response.headers.set('www-authenticate', 'Bearer realm="hox"');
			} catch {
				// immutable: leave it
			}
		}
		return response;
	}
	const code = API_ERRORS[response.status] ?? 'error';
	const messages: Record<string, string> = {
		unauthorized: 'Authentification requise.',
		forbidden: 'Droits insuffisants.',
		not_found: 'Ressource introuvable.',
		too_many_requests: 'Trop de requêtes : réessayez plus tard.'
	};
	const body = { error: code, message: messages[code] ?? `Erreur ${response.status}.` };
	const headers = new Headers(response.headers);
	headers.delete('content-length');
	headers.set('content-type', 'application/json');
	if (response.status === 401) headers.set('www-authenticate', 'Bearer realm="hox"');
	return json(body, { status: response.status, headers });
}

/** Security headers on every response that passes through SvelteKit. */
export function secureHeaders(event: RequestEvent, response: Response): Response {
	let r = response;
	try {
		r.headers.set('X-Content-Type-Options', 'nosniff');
	} catch {
		// Immutable headers (a fetched response passed through): copy it.
		r = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
		r.headers.set('X-Content-Type-Options', 'nosniff');
	}
	const h = r.headers;
	h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	h.set('X-Frame-Options', 'DENY');
	h.set('Cross-Origin-Opener-Policy', 'same-origin');
	h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
	if (!h.has('content-security-policy')) h.set('Content-Security-Policy', FALLBACK_CSP);
	if (event.url.protocol === 'https:') h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	// Signed-in answers (and anything under /app or /api) must not sit in a shared cache.
	if ((event.locals.user || event.url.pathname.startsWith('/app') || event.url.pathname.startsWith('/api/')) && !h.has('cache-control')) {
		h.set('Cache-Control', 'private, no-store');
	}
	return r;
}
