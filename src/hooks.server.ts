import type { Handle, ServerInit } from '@sveltejs/kit';
import { langOf } from '$lib/i18n';
import { anonymousGate, authenticate, jsonApiErrors, secureHeaders } from '$lib/server/auth/request';
import { conditionalResponse } from '$lib/server/public/cache';
import { keepPage, lookupPage, watchCookies } from '$lib/server/page-cache';
import { sharedAnswer, sharedKey } from '$lib/server/http/shared-public';
import { getDb } from '$lib/server/db/instance';
import { badUrlRefusal, crossOriginRefusal, limitBody } from '$lib/server/request-guard';
import { checkAwardingBodyConfig } from '$lib/server/public/config';

// A misconfigured awarding body's SIRET stops the server at start-up, with a clear message.
export const init: ServerInit = () => {
	try {
		checkAwardingBodyConfig();
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		process.exit(1);
	}
};

export const handle: Handle = async ({ event, resolve }) => {
	// Before anything reads the request: a state-changing request must come from this site
	// (any method, any content type), only the loads may send more than a small body, and no
	// parameter may hold a NUL or another control character.
	const refused = crossOriginRefusal(event.request, event.url) ?? badUrlRefusal(event.url) ?? (await limitBody(event));
	if (refused) return secureHeaders(event, refused);
	event.locals.lang = langOf(event.url.searchParams.get('lang') ?? event.cookies.get('lang'));
	const cookiesChanged = watchCookies(event);
	// Session cookie (or API token on /api) → locals.user / locals.session. Pages, actions and
	// endpoints still check the role themselves (src/lib/server/auth/guard.ts).
	await authenticate(event);
	const gate = anonymousGate(event);
	if (gate) return secureHeaders(event, gate);
	const render = async () =>
		secureHeaders(event, await jsonApiErrors(event, await resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang) })));
	// A public page for a reader without a session: one rendering shared by all such readers (http/shared-public.ts).
	const shared = sharedKey(event, cookiesChanged());
	if (shared) return conditionalResponse(event.request, await sharedAnswer(shared, (await getDb()).dataGeneration, render));
	// The same page for the same browser a moment ago, no write since: sent again (page-cache.ts).
	const kept = await lookupPage(event, cookiesChanged());
	if (kept instanceof Response) return conditionalResponse(event.request, kept);
	const answer = await keepPage(event, kept, await render(), cookiesChanged());
	// Public pages and open-data files carry an ETag: answer 304 when the client already has it.
	return conditionalResponse(event.request, answer);
};
