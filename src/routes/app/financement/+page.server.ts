import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { fundingCharts, fundingData } from '$lib/server/figures/dashboard/funding';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await fundingData(ctx);
	return { ...(await pageBase(ctx)), totals: data.totals, tables: data.tables, charts: fundingCharts(data, ctx.lang) };
};
