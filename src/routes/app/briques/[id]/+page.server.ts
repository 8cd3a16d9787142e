import { error, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guard';
import { brickCharts, brickData } from '$lib/server/figures/dashboard/bricks';
import { dashboardContext, pageBase } from '$lib/server/figures/dashboard/context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	// Another organisation's brick, or one outside the call: a member sees what the public sees.
	if (ctx.orgBricks && !ctx.orgBricks.includes(event.params.id)) redirect(303, `/briques/${encodeURIComponent(event.params.id)}`);
	const data = await brickData(ctx, event.params.id);
	if (!data) error(404, ctx.lang === 'en' ? 'Unknown brick.' : 'Brique inconnue.');
	return { ...(await pageBase(ctx)), ...data, charts: brickCharts(data, ctx.lang) };
};
