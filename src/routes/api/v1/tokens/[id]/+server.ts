import { error } from '@sveltejs/kit';
import { clientAddress } from '$lib/server/auth/client';
import { requireApiUser } from '$lib/server/auth/guard';
import { revokeToken } from '$lib/server/auth/tokens';
import { UserError } from '$lib/server/auth/users';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/** DELETE /api/v1/tokens/:id: revoke a token and every attenuation of it. Admin. */
export const DELETE: RequestHandler = async (event) => {
	const me = requireApiUser(event, ['admin']);
	try {
		await revokeToken(await getDb(), event.params.id, { actor: me.email, ip: clientAddress(event) });
	} catch (e) {
		if (e instanceof UserError) error(404, { error: 'not_found', message: e.text.fr });
		throw e;
	}
	return new Response(null, { status: 204 });
};
