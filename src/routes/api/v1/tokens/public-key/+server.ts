import { json } from '@sveltejs/kit';
import { requireApiUser } from '$lib/server/auth/guard';
import { publicKey } from '$lib/server/auth/tokens';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/** GET /api/v1/tokens/public-key: the key that verifies this server's tokens (to attenuate one offline). */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin', 'auditor', 'consortium']);
	return json({ public_key: await publicKey(await getDb()), algorithm: 'ed25519' });
};
