import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { impactCharts, impactData } from '$lib/server/figures/dashboard/impact';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await impactData(ctx);
	return { ...(await pageBase(ctx)), ...data, charts: impactCharts(data, ctx.lang) };
};
