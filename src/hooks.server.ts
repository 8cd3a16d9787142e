import type { Handle } from '@sveltejs/kit';
import { langOf } from '$lib/i18n';
import { anonymousGate, authenticate, jsonApiErrors, secureHeaders } from '$lib/server/auth/request';
import { conditionalResponse } from '$lib/server/public/cache';

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.lang = langOf(event.url.searchParams.get('lang') ?? event.cookies.get('lang'));
	// Session cookie (or API token on /api) → locals.user / locals.session. Pages, actions and
	// endpoints still check the role themselves (src/lib/server/auth/guard.ts).
	await authenticate(event);
	const gate = anonymousGate(event);
	if (gate) return secureHeaders(event, gate);
	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang)
	});
	// Public pages and open-data files carry an ETag: answer 304 when the client already has it.
	return conditionalResponse(event.request, secureHeaders(event, await jsonApiErrors(event, response)));
};
