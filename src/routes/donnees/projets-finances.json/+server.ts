import { openPublic, projectsJson } from '$lib/server/public/kit';
import type { RequestHandler } from './$types';

/** Funded projects, one object per project with its agreements and payments. */
export const GET: RequestHandler = async (event) => {
	const pub = await openPublic(event, { page: false });
	const body = projectsJson(await pub.projects(), {
		dataVersion: pub.dataVersion,
		updatedAt: await pub.updatedAt(),
		baseUrl: event.url.origin
	});
	return new Response(JSON.stringify(body, null, 1), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': 'inline; filename="projets-finances.json"'
		}
	});
};
