import { redirect } from '@sveltejs/kit';
import { langOf } from '$lib/i18n';
import { safeRedirectPath } from '$lib/server/auth/client';
import type { RequestHandler } from './$types';

/** Language switch that works without JavaScript: sets the cookie and goes back. */
export const GET: RequestHandler = ({ url, cookies }) => {
	const lang = langOf(url.searchParams.get('to'));
	cookies.set('lang', lang, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 });
	// Only same-site paths: never an open redirect.
	redirect(303, safeRedirectPath(url.searchParams.get('back'), '/'));
};
