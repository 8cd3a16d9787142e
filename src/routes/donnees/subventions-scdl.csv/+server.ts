import { openPublic, scdlCsv } from '$lib/server/public/kit';
import type { RequestHandler } from './$types';

/** Grants in the SCDL « subventions » format v2.1.1 (16 columns, official order). */
export const GET: RequestHandler = async (event) => {
	const pub = await openPublic(event, { page: false });
	return new Response(scdlCsv(await pub.projects(), pub.awardingBody()), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': 'inline; filename="subventions-scdl.csv"'
		}
	});
};
