import { fail, redirect } from '@sveltejs/kit';
import { clientAddress, safeRedirectPath } from '$lib/server/auth/client';
import { signIn } from '$lib/server/auth/login';
import { setSessionCookie } from '$lib/server/auth/sessions';
import { getDb } from '$lib/server/db/instance';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const redirectTo = safeRedirectPath(url.searchParams.get('redirectTo'));
	// Already signed in: go on.
	if (locals.user) redirect(303, redirectTo);
	return { redirectTo, lang: locals.lang };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const email = String(form.get('email') ?? '').slice(0, 320);
		const password = String(form.get('password') ?? '');
		const redirectTo = safeRedirectPath(String(form.get('redirectTo') ?? ''));
		const result = await signIn(await getDb(), email, password, clientAddress(event));
		if (!result.ok) {
			if (result.status === 429) {
				event.setHeaders({ 'retry-after': String(result.retryAfterSeconds ?? 900) });
				return fail(429, { email, problem: 'throttled' as const, retryAfterMinutes: Math.ceil((result.retryAfterSeconds ?? 900) / 60) });
			}
			return fail(400, { email, problem: (email && password ? 'invalid' : 'missing') as 'invalid' | 'missing', retryAfterMinutes: 0 });
		}
		setSessionCookie(event.cookies, event.url, result.token, result.session.expiresAt);
		redirect(303, redirectTo);
	}
};
