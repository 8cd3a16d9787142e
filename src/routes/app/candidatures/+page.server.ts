import { requireUser } from '$lib/server/auth/guard';
import { applicationsList, listParams, SORTABLE } from '$lib/server/figures/dashboard/applications';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const params = listParams(event.url);
	const list = await applicationsList(ctx, params);
	return { ...(await pageBase(ctx)), params, sortable: ctx.seesAll ? SORTABLE : SORTABLE.filter((s) => s !== 'flags'), ...list };
};
