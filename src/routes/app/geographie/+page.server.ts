import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import { geographyCharts, geographyData } from '$lib/server/figures/dashboard/geography';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const data = await geographyData(ctx);
	return { ...(await pageBase(ctx)), ...data, charts: geographyCharts(data, ctx.lang) };
};
