import { openPublic, PROJECT_CSV_COLUMNS, SCDL_COLUMNS, scdlHeldOut } from '$lib/server/public/kit';
import type { PageServerLoad } from './$types';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const pub = await openPublic(event, { page: true });
	const totals = await pub.totals();
	const body = pub.awardingBody();
	return {
		updatedAt: await pub.updatedAt(),
		projects: totals.projects,
		// Lauréats left out of the SCDL file for want of a valid SIRET (the other files list them).
		scdlHeldOut: scdlHeldOut(await pub.projects()).length,
		terminated: totals.terminated,
		reconciliation: (await pub.overview()).reconciliation,
		awardingBody: { name: body.name, siret: body.siret, configured: body.problem === null },
		projectColumns: [...PROJECT_CSV_COLUMNS],
		scdlColumns: [...SCDL_COLUMNS]
	};
};
