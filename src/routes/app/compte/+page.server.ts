import { fail } from '@sveltejs/kit';
import { clientAddress } from '$lib/server/auth/client';
import { requireUser } from '$lib/server/auth/guard';
import { changeOwnPassword, ROLE_LABELS, UserError } from '$lib/server/auth/users';
import { getDb } from '$lib/server/db/instance';
import type { Actions, PageServerLoad } from './$types';

// Runs the client-side app, as the admin pages do (../+layout.server.ts).
export const csr = true;

export const load: PageServerLoad = async (event) => {
	const me = requireUser(event);
	return { lang: event.locals.lang, email: me.email, role: ROLE_LABELS[me.role], org: me.org, expiresAt: event.locals.session?.expiresAt.toISOString() ?? null };
};

export const actions: Actions = {
	/** Change one's own password: the current one is required; every other session ends. */
	password: async (event) => {
		const me = requireUser(event);
		const form = await event.request.formData();
		const current = String(form.get('current') ?? '');
		const next = String(form.get('next') ?? '');
		const confirm = String(form.get('confirm') ?? '');
		if (next !== confirm) {
			return fail(400, { problem: { fr: 'Les deux saisies du nouveau mot de passe diffèrent.', en: 'The two entries of the new password differ.' } });
		}
		try {
			await changeOwnPassword(await getDb(), me.id, current, next, event.locals.session?.id ?? null, { actor: me.email, ip: clientAddress(event) });
		} catch (error) {
			if (error instanceof UserError) return fail(400, { problem: error.text });
			throw error;
		}
		return { ok: { fr: 'Mot de passe changé. Vos autres sessions sont fermées.', en: 'Password changed. Your other sessions are closed.' } };
	}
};
