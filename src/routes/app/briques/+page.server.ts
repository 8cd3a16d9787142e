import { requireUser } from '$lib/server/auth/guard';
import { bricksCharts, bricksData } from '$lib/server/figures/dashboard/bricks';
import { dashboardContext, filterOptions, pageBase } from '$lib/server/figures/dashboard/context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await bricksData(ctx);
	const base = await pageBase(ctx);
	// Counts only on this page: every brick is offered in the filter, whatever the role.
	const options = await filterOptions({ ...ctx, orgBricks: null });
	return { ...base, filterOptions: options, ...data, charts: bricksCharts(data, ctx.lang) };
};
