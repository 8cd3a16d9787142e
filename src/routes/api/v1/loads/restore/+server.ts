import { json } from '@sveltejs/kit';
import { clientAddress } from '$lib/server/auth/client';
import { requireApiUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { restorePrevious, RestoreError } from '$lib/server/import/restore';
import type { RequestHandler } from './$types';

/**
 * POST /api/v1/loads/restore — make the previous version of a kind current again (undo of a
 * load; see restore.ts for what "previous" means). Body `{"kind": "candidatures"}` (JSON or
 * form), or `?kind=`. Answers `{ kind, loadId, from, to }`; 409 when there is nothing to
 * restore. Admin only; recorded in `loads` and the audit trail.
 */
export const POST: RequestHandler = async (event) => {
	const user = requireApiUser(event, ['admin']);
	let kind = event.url.searchParams.get('kind');
	const type = event.request.headers.get('content-type') ?? '';
	if (!kind && type.includes('application/json')) {
		const body = (await event.request.json().catch(() => null)) as { kind?: unknown } | null;
		kind = typeof body?.kind === 'string' ? body.kind : null;
	} else if (!kind && (type.includes('form-data') || type.includes('x-www-form-urlencoded'))) {
		const v = (await event.request.formData()).get('kind');
		kind = typeof v === 'string' ? v : null;
	}
	try {
		const result = await restorePrevious(await getDb(), kind ?? '', { actor: user.email, source: event.locals.session ? 'web' : 'api', ip: clientAddress(event) });
		return json({ ...result, from: { ...result.from, at: new Date(result.from.at).toISOString() }, to: { ...result.to, at: new Date(result.to.at).toISOString() } });
	} catch (e) {
		if (e instanceof RestoreError) {
			return json({ error: e.code, message: e.text.fr, message_en: e.text.en }, { status: e.code === 'unknown_kind' ? 400 : 409 });
		}
		throw e;
	}
};
