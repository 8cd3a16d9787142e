import { redirect } from '@sveltejs/kit';
import { recordAudit } from '$lib/server/auth/audit';
import { clientAddress } from '$lib/server/auth/client';
import { deleteSessionCookie, invalidateSession } from '$lib/server/auth/sessions';
import { getDb } from '$lib/server/db/instance';
import type { Actions, PageServerLoad } from './$types';

/** GET /logout only offers the button: signing out is a POST (a link or an image must not sign anyone out). */
export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { lang: locals.lang, email: locals.user.email };
};

export const actions: Actions = {
	default: async (event) => {
		const { locals, cookies, url } = event;
		if (locals.session) {
			const db = await getDb();
			await invalidateSession(db, locals.session.id);
			await recordAudit(db, { actor: locals.user?.email ?? null, action: 'logout', target: locals.user?.email ?? null, ip: clientAddress(event), outcome: 'success' });
		}
		deleteSessionCookie(cookies, url);
		locals.user = null;
		locals.session = null;
		redirect(303, '/login');
	}
};
