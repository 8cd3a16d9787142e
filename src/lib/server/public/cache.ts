/**
 * HTTP caching of the public pages and open-data files: any CDN may keep them for a few
 * minutes, and revalidates with an ETag that changes exactly when what they show can change —
 * the data (the current snapshot of each export kind), the application's version, the
 * awarding-body configuration, the language and whether a user is signed in (the header differs).
 *
 * Pages vary with the `lang` cookie (and the session cookie), so they say `Vary: Cookie`;
 * anonymous visitors without cookies all share one cached copy. Open-data files do not vary.
 * Signed-in users get `private, no-cache` (revalidate every time, never in a shared cache).
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/database';

/** Shared caches keep a public answer this long (seconds). */
export const PUBLIC_MAX_AGE = 300;

/** The current snapshot of each kind: changes with every load and every restore. */
export async function dataVersion(db: Database): Promise<string> {
	const rows = await db.all<{ kind: string; load_id: string }>(
		`SELECT kind, load_id::VARCHAR AS load_id FROM current_snapshot ORDER BY kind, load_id`
	);
	return rows.map((r) => `${r.kind}:${r.load_id}`).join(',') || 'empty';
}

/** A weak ETag (the body may be compressed on the way) over the given parts. */
export function etagOf(parts: readonly string[]): string {
	const hash = createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 27);
	return `W/"${hash}"`;
}

export interface CacheContext {
	request: Request;
	setHeaders: (headers: Record<string, string>) => void;
	locals: { lang: string; user: unknown };
}

export interface CacheOptions {
	appVersion: string;
	/** Varies with the language and the signed-in header (pages); false for data files. */
	page: boolean;
	/** Anything else the answer depends on (e.g. the awarding-body configuration). */
	extra?: readonly string[];
}

/** The caching headers of a public answer, given the data version. */
export function publicCacheHeaders(version: string, ctx: Pick<CacheContext, 'locals'>, options: CacheOptions): Record<string, string> {
	const signedIn = Boolean(ctx.locals.user);
	const parts = [version, options.appVersion, ...(options.extra ?? [])];
	if (options.page) parts.push(ctx.locals.lang, signedIn ? 'signed-in' : 'anonymous');
	const headers: Record<string, string> = {
		etag: etagOf(parts),
		'cache-control':
			options.page && signedIn ? 'private, no-cache' : `public, max-age=${PUBLIC_MAX_AGE}, stale-while-revalidate=60`
	};
	if (options.page) headers.vary = 'Cookie';
	return headers;
}

/** Set the caching headers of a public page or file (from a load or an endpoint). */
export async function setPublicCache(db: Database, ctx: CacheContext, options: CacheOptions): Promise<Record<string, string>> {
	const headers = publicCacheHeaders(await dataVersion(db), ctx, options);
	ctx.setHeaders(headers);
	return headers;
}

/** Does `If-None-Match` match this ETag (weak comparison, RFC 9110 §13.1.2)? */
export function matchesIfNoneMatch(ifNoneMatch: string | null, etag: string | null): boolean {
	if (!ifNoneMatch || !etag) return false;
	const bare = (t: string) => t.trim().replace(/^W\//, '');
	if (ifNoneMatch.trim() === '*') return true;
	return ifNoneMatch.split(',').some((t) => bare(t) === bare(etag));
}

/**
 * Called last in the server hook: a GET/HEAD whose `If-None-Match` matches the answer's ETag
 * gets `304 Not Modified` (headers only). An answer that sets a cookie is never shared.
 */
export function conditionalResponse(request: Request, response: Response): Response {
	if (response.headers.has('set-cookie') && /\bpublic\b/.test(response.headers.get('cache-control') ?? '')) {
		response.headers.set('cache-control', 'private, no-cache');
	}
	if (request.method !== 'GET' && request.method !== 'HEAD') return response;
	if (response.status !== 200) return response;
	const etag = response.headers.get('etag');
	if (!matchesIfNoneMatch(request.headers.get('if-none-match'), etag)) return response;
	const headers = new Headers();
	for (const name of ['etag', 'cache-control', 'vary', 'content-location', 'date', 'expires', 'last-modified']) {
		const v = response.headers.get(name);
		if (v) headers.set(name, v);
	}
	response.body?.cancel().catch(() => undefined);
	return new Response(null, { status: 304, headers });
}
