import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { overviewCharts, overviewData } from '$lib/server/figures/dashboard/overview';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await overviewData(ctx);
	// The page shows how many rule flags there are, not the list (12 673 at 100 000 applications):
	// it is left out of the page's data.
	const { rule_flags: flags, ...kpis } = data.kpis;
	return { ...(await pageBase(ctx)), ...data, kpis, flagCount: flags.length, charts: overviewCharts(data, ctx.lang) };
};
