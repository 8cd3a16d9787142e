import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { overviewCharts, overviewData } from '$lib/server/figures/dashboard/overview';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await overviewData(ctx);
	return { ...(await pageBase(ctx)), ...data, charts: overviewCharts(data, ctx.lang) };
};
