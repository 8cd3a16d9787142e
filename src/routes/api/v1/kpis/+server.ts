import { json } from '@sveltejs/kit';
import { requireApiUser } from '$lib/server/auth/guard';
import { consortiumBricks, kpisFor } from '$lib/server/auth/scope';
import { memberApplications } from '$lib/server/figures/member-secrecy';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/**
 * GET /api/v1/kpis: the headline figures as `npm run kpis` prints them (admin, auditor);
 * for a consortium member, the same shape over the lauréats naming its bricks (see kpisFor for
 * the figures that stay programme-wide), and `other_applications`: the other applications naming
 * its bricks by status and round, under statistical secrecy (null where hidden).
 */
export const GET: RequestHandler = async (event) => {
	const user = requireApiUser(event, ['admin', 'auditor', 'consortium']);
	const db = await getDb();
	const kpis = await kpisFor(db, user);
	const bricks = consortiumBricks(user);
	const body = bricks ? { ...kpis, other_applications: await memberApplications(db, bricks) } : kpis;
	return json(body, {
		headers: { 'x-hox-scope': user.role === 'consortium' ? `consortium:${user.org ?? ''}` : 'programme' }
	});
};
