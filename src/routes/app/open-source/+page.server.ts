import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { openSourceCharts, openSourceData } from '$lib/server/figures/dashboard/opensource';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await openSourceData(ctx);
	return { ...(await pageBase(ctx)), ...data, charts: openSourceCharts(data, ctx.lang) };
};
