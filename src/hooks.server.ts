import type { Handle } from '@sveltejs/kit';
import { langOf } from '$lib/i18n';

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.lang = langOf(event.url.searchParams.get('lang') ?? event.cookies.get('lang'));
	event.locals.user = null;
	event.locals.session = null;
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
	});
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	return response;
};
