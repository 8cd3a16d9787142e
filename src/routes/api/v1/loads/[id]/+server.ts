import { error, json } from '@sveltejs/kit';
import { requireApiUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { batchWithIssues, getLoad } from '$lib/server/import/restore';
import type { RequestHandler } from './$types';

/**
 * GET /api/v1/loads/:id — one load and the files sent with it (its batch), each with its
 * stored issues (at most 200 errors and 200 warnings per file; the counts are exact).
 */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin']);
	const db = await getDb();
	const load = /^\d{1,12}$/.test(event.params.id) ? await getLoad(db, Number(event.params.id)) : null;
	if (!load) error(404, { error: 'not_found', message: `Chargement n° ${event.params.id} introuvable.` });
	const batch = await batchWithIssues(db, load.batchId);
	return json({ ...load, at: new Date(load.at).toISOString(), batch: batch.map((b) => ({ ...b, at: new Date(b.at).toISOString() })) });
};
