import { error } from '@sveltejs/kit';
import { openPublic } from '$lib/server/public/kit';
import type { PageServerLoad } from './$types';

export const csr = false;

export const load: PageServerLoad = async (event) => {
	const pub = await openPublic(event, { page: true });
	const brick = await pub.brick(event.params.id);
	if (!brick) error(404, event.locals.lang === 'en' ? 'Unknown brick.' : 'Brique inconnue.');
	return { brick, projects: await pub.projects({ brick: brick.id }) };
};
