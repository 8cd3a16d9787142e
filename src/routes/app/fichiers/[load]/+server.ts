import { error } from '@sveltejs/kit';
import { t } from '$lib/i18n';
import { clientAddress } from '$lib/server/auth/client';
import { requireUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { attachment, downloadOriginal, FILE_ROLES } from '$lib/server/import/files';
import { SNAPSHOTS_KEPT } from '$lib/server/import/restore';
import type { RequestHandler } from './$types';

/**
 * GET /app/fichiers/<load id> — the original file of a kept snapshot, byte for byte (its
 * SHA-256 is the one recorded at load time). Admins and auditors only; every download is in
 * the audit trail (`load.download`).
 */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event, FILE_ROLES);
	const lang = event.locals.lang;
	const id = /^\d{1,15}$/.test(event.params.load) ? Number(event.params.load) : NaN;
	const outcome = await downloadOriginal(await getDb(), id, { actor: user.email, ip: clientAddress(event) });
	if (!outcome.ok) {
		if (outcome.reason === 'altered') {
			error(500, t(lang, 'Le fichier conservé ne correspond plus à son empreinte SHA-256 enregistrée : il n’est pas envoyé.', 'The stored file no longer matches its recorded SHA-256: it is not sent.'));
		}
		error(404, t(lang, `Ce fichier n’est plus conservé (seuls ceux des ${SNAPSHOTS_KEPT} dernières versions de chaque export le sont), ou ce chargement n’existe pas.`, `This file is no longer kept (only those of the last ${SNAPSHOTS_KEPT} versions of each export are), or this load does not exist.`));
	}
	const { file } = outcome;
	return new Response(file.bytes as BodyInit, {
		headers: {
			'content-type': 'text/csv',
			'content-disposition': attachment(file.load.file),
			'content-length': String(file.bytes.byteLength),
			'x-content-sha256': file.sha256,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store'
		}
	});
};
