import { error, json } from '@sveltejs/kit';
import { clientAddress } from '$lib/server/auth/client';
import { requireApiUser } from '$lib/server/auth/guard';
import { issueToken, listTokens } from '$lib/server/auth/tokens';
import { UserError } from '$lib/server/auth/users';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/** GET /api/v1/tokens: the issued API tokens (never their value). Admin only. */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin']);
	const tokens = await listTokens(await getDb());
	return json(
		tokens.map((t) => ({
			id: t.id,
			email: t.email,
			label: t.label,
			created_at: new Date(t.createdAt).toISOString(),
			expires_at: new Date(t.expiresAt).toISOString(),
			created_by: t.createdBy,
			revoked_at: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString()
		}))
	);
};

/**
 * POST /api/v1/tokens `{ "email"?: …, "days"?: 90, "label"?: … }`: mint a Biscuit token
 * (for oneself by default). Admin, signed in with a session: a token cannot mint tokens.
 */
export const POST: RequestHandler = async (event) => {
	const me = requireApiUser(event, ['admin']);
	if (!event.locals.session) error(403, { error: 'session_required', message: 'Émettre un jeton demande une session (pas un jeton).' });
	if (!(event.request.headers.get('content-type') ?? '').includes('application/json')) {
		error(415, { error: 'unsupported_media_type', message: 'Corps attendu : application/json.' });
	}
	let body: { email?: unknown; days?: unknown; label?: unknown };
	try {
		body = (await event.request.json()) ?? {};
	} catch {
		error(400, { error: 'bad_request', message: 'JSON invalide.' });
	}
	try {
		const issued = await issueToken(
			await getDb(),
			{
				email: typeof body.email === 'string' ? body.email : me.email,
				days: body.days === undefined ? undefined : Number(body.days),
				label: typeof body.label === 'string' ? body.label : null
			},
			{ actor: me.email, ip: clientAddress(event) }
		);
		return json(
			{ id: issued.id, token: issued.token, email: issued.email, expires_at: issued.expiresAt.toISOString(), public_key: issued.publicKey },
			{ status: 201 }
		);
	} catch (e) {
		if (e instanceof UserError) error(400, { error: e.code, message: e.text.fr });
		throw e;
	}
};
