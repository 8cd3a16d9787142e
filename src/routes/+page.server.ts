import { getDb } from '$lib/server/db/instance';
import { computeKpis } from '$lib/server/figures/kpis';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const db = await getDb();
	return { kpis: await computeKpis(db) };
};
