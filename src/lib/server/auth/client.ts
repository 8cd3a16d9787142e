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

/** Only same-site paths: `/app…`, never `//host`, `/\host` or an absolute URL (no open redirect). */
export function safeRedirectPath(target: string | null | undefined, fallback = '/app'): string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.includes('\\')) return fallback;
	if (/[\u0000-\u001f\u007f]/.test(target)) return fallback;
	try {
		const url = new URL(target, 'http://same.invalid');
		if (url.origin !== 'http://same.invalid') return fallback;
		if (url.pathname === '/login' || url.pathname === '/logout') return fallback;
		return url.pathname + url.search + url.hash;
	} catch {
		return fallback;
	}
}
