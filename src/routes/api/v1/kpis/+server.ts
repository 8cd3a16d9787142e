import { json } from '@sveltejs/kit';
import { requireApiUser } from '$lib/server/auth/guard';
import { kpisFor } from '$lib/server/auth/scope';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/**
 * GET /api/v1/kpis: the headline figures as `npm run kpis` prints them (admin, auditor);
 * for a consortium member, the same shape over the applications naming its bricks
 * (see kpisFor for the figures that stay programme-wide).
 */
export const GET: RequestHandler = async (event) => {
	const user = requireApiUser(event, ['admin', 'auditor', 'consortium']);
	const kpis = await kpisFor(await getDb(), user);
	return json(kpis, {
		headers: { 'x-hox-scope': user.role === 'consortium' ? `consortium:${user.org ?? ''}` : 'programme' }
	});
};
