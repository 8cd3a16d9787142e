import { error } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guard';
import { applicationDetail } from '$lib/server/figures/dashboard/applications';
import { dashboardContext } from '$lib/server/figures/dashboard/context';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const ctx = await dashboardContext(event, user);
	const detail = await applicationDetail(ctx, event.params.dossier);
	// Out of scope is answered like unknown: a consortium member cannot probe for dossiers.
	if (!detail) error(404, ctx.lang === 'en' ? 'No such application.' : 'Candidature introuvable.');
	return { lang: ctx.lang, seesAll: ctx.seesAll, scope: ctx.scope, ...detail };
};
