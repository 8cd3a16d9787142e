import { error } from '@sveltejs/kit';
import { openPublic } from '$lib/server/public/kit';
import type { PageServerLoad } from './$types';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const pub = await openPublic(event, { page: true });
	const project = await pub.project(event.params.dossier);
	// Anything that is not a published lauréat is simply not found (no hint that it exists).
	if (!project) error(404, event.locals.lang === 'en' ? 'No funded project with this reference.' : 'Aucun projet financé sous cette référence.');
	return { project };
};
