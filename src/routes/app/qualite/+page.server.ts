import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext } from '$lib/server/figures/dashboard/context';
import { qualityData } from '$lib/server/figures/dashboard/quality';
import type { PageServerLoad } from './$types';

/** Admin and auditor only: load history, warnings, orphans, every rule flag. */
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event, ['admin', 'auditor']);
	const ctx = await dashboardContext(event, user);
	return { lang: ctx.lang, ...(await qualityData(ctx)) };
};
