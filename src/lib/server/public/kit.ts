/** SvelteKit glue for the public routes: the server's database and the build's version. */
import { version } from '$app/environment';
import { getDb } from '../db/instance';
import type { CacheContext } from './cache';
import { openPublicWith, type PublicReader } from './index';

export { conditionalResponse } from './cache';
export * from './index';

/** The public reader for this request; sets the answer's ETag and Cache-Control. */
export async function openPublic(ctx: CacheContext, options: { page: boolean }): Promise<PublicReader> {
	return openPublicWith(await getDb(), ctx, { page: options.page, appVersion: version });
}
