/**
 * The client's address, for the sign-in brake and the audit trail. By default the socket's
 * peer address. Behind a reverse proxy, set HOX_TRUST_PROXY=1: the address is then the
 * right-most entry of X-Forwarded-For (the one the proxy itself appended), falling back
 * to the peer address when the header is absent. Never trust the header without a proxy:
 * any client could then pick its own address and escape the brake.
 */
import type { RequestEvent } from '@sveltejs/kit';

export function clientAddress(event: Pick<RequestEvent, 'request' | 'getClientAddress'>): string {
	if (process.env.HOX_TRUST_PROXY === '1') {
		const forwarded = event.request.headers.get('x-forwarded-for');
		const last = forwarded?.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
		if (last && last.length <= 64) return last;
	}
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/**
 * The one gate for every redirect target that comes from input (`redirectTo`, `back`…):
 * only a path of this site. The target is resolved against an origin as a browser would
 * (so `/.//evil.example` becomes `//evil.example`), then it must stay on that origin and its
 * path must start with a single `/` — neither `//host` nor `/\host`, raw, percent-encoded or
 * after resolution. Control characters (tab, newline, NUL…) and backslashes anywhere are
 * refused outright: browsers strip or rewrite them. Anything else gives `fallback`.
 */
export function safeRedirectPath(target: string | null | undefined, fallback = '/app'): string {
	if (!target || target.length > 2048 || !target.startsWith('/')) return fallback;
	if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
	try {
		const base = 'http://same.invalid';
		const url = new URL(target, base);
		if (url.origin !== base) return fallback;
		const path = url.pathname;
		if (!path.startsWith('/') || path.startsWith('//')) return fallback;
		// The same after decoding the path (twice: a proxy may decode once more):
		// `/%2F%2Fevil.example`, `/%5Cevil.example`, `/%252F%252Fevil.example`.
		const plain = decodeURIComponent(decodeURIComponent(path));
		if (plain.startsWith('//') || plain.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(plain)) return fallback;
		if (path === '/login' || path === '/logout') return fallback;
		const result = path + url.search + url.hash;
		// Resolved again, the result is still a path of this site.
		if (new URL(result, base).origin !== base) return fallback;
		return result;
	} catch {
		return fallback;
	}
}
