/**
 * SvelteKit glue for the public routes: the server's database and the build's version. The
 * public routes import from this file only (a unit test checks it).
 */
import { version } from '$app/environment';
import { getDb } from '../db/instance';
import type { CacheContext } from './cache';
import { awardingBody } from './config';
import { openPublicWith, type PublicReader } from './index';

export * from './index';
export { conditionalResponse, PUBLIC_MAX_AGE } from './cache';
export { bricksChart, envelopeChart, envelopeParts, regionsChart, CHART_COLOURS } from './charts';
export * from './opendata';
export { OTHER_BRICKS, OTHER_REGIONS } from './overview';
export { SECRECY_THRESHOLD } from './suppress';

let warned = false;

/** The public reader for this request; sets the answer's ETag and Cache-Control. */
export async function openPublic(ctx: CacheContext, options: { page: boolean }): Promise<PublicReader> {
	if (!warned) {
		warned = true;
		const problem = awardingBody().problem;
		if (problem) console.warn(`[open data] ${problem}: the SCDL file's idAttribuant stays empty (see README, Configuration).`);
	}
	return openPublicWith(await getDb(), ctx, { page: options.page, appVersion: version });
}
