import { openPublic, projectsCsv } from '$lib/server/public/kit';
import type { RequestHandler } from './$types';

/** Funded projects, one row per grant agreement (UTF-8, `,`, decimal point, ISO dates). */
export const GET: RequestHandler = async (event) => {
	const pub = await openPublic(event, { page: false });
	return new Response(projectsCsv(await pub.projects()), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': 'inline; filename="projets-finances.csv"'
		}
	});
};
