import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { dnshCharts, dnshData } from '$lib/server/figures/dashboard/dnsh';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await dnshData(ctx);
	return { ...(await pageBase(ctx)), ...data, charts: dnshCharts(data, ctx.lang) };
};
