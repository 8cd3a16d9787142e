/**
 * Every signed-in page load, form action and endpoint calls one of these itself: a layout
 * load does not protect actions or endpoints. `locals.user` is set by hooks.server.ts from
 * the session cookie.
 */
import { error, redirect, type RequestEvent } from '@sveltejs/kit';

export type Role = 'admin' | 'auditor' | 'consortium';
export type User = NonNullable<App.Locals['user']>;

/** For pages and form actions: anonymous → /login (and back afterwards); wrong role → 403. */
export function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>, roles?: readonly Role[]): User {
	const user = event.locals.user;
	if (!user) {
		const back = event.url.pathname + event.url.search;
		redirect(303, `/login?redirectTo=${encodeURIComponent(back)}`);
	}
	if (roles && !roles.includes(user.role)) {
		error(403, event.locals.lang === 'en' ? 'You are not allowed to see this page.' : 'Vous n’avez pas accès à cette page.');
	}
	return user;
}

/**
 * For endpoints under /api: anonymous → 401; wrong role → 403. Thrown with `error()`
 * (SvelteKit 2 does not accept a thrown Response from an endpoint); hooks.server.ts makes
 * every error under /api a JSON answer `{ error, message }`, whatever the Accept header.
 */
export function requireApiUser(event: Pick<RequestEvent, 'locals'>, roles?: readonly Role[]): User {
	const user = event.locals.user;
	if (!user) error(401, { error: 'unauthorized', message: 'Authentification requise.' });
	if (roles && !roles.includes(user.role)) {
		error(403, { error: 'forbidden', message: 'Droits insuffisants.' });
	}
	return user;
}
