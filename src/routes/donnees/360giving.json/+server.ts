import { openPublic, threeSixtyGiving } from '$lib/server/public/kit';
import type { RequestHandler } from './$types';

/** Grants as a 360Giving data package (JSON). */
export const GET: RequestHandler = async (event) => {
	const pub = await openPublic(event, { page: false });
	const body = threeSixtyGiving(await pub.projects(), pub.awardingBody(), {
		dataVersion: pub.dataVersion,
		updatedAt: await pub.updatedAt(),
		baseUrl: event.url.origin
	});
	return new Response(JSON.stringify(body, null, 1), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': 'inline; filename="360giving.json"'
		}
	});
};
