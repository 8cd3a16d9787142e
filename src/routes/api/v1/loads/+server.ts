import { dev } from '$app/environment';
import { error, json } from '@sveltejs/kit';
import { clientAddress } from '$lib/server/auth/client';
import { requireApiUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { importExports } from '$lib/server/import/load';
import { allKindVersions, isExportKind, listLoads } from '$lib/server/import/restore';
import { bodySizeLimit, readUpload, UploadError } from '$lib/server/import/upload';
import type { RequestHandler } from './$types';
import { pageParam } from '$lib/filter-params';

/**
 * GET /api/v1/loads?page=&page_size=&kind= — the load history, newest first, with each
 * kind's current and previous version (admin).
 */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin']);
	const db = await getDb();
	const kind = event.url.searchParams.get('kind');
	if (kind !== null && !isExportKind(kind)) error(400, { error: 'bad_request', message: `Type d’export inconnu « ${kind} » : candidatures, conventions ou rapports.` });
	const history = await listLoads(db, {
		kind,
		page: pageParam(event.url.searchParams.get('page')),
		pageSize: Number(event.url.searchParams.get('page_size') ?? 50) || 50
	});
	const versions = await allKindVersions(db);
	return json({
		...history,
		loads: history.rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
		rows: undefined,
		versions: versions.map((v) => ({ kind: v.kind, current: v.current?.id ?? null, previous: v.previous?.id ?? null, reason: v.reason, deeper: v.deeper }))
	});
};

/**
 * POST /api/v1/loads — load exports through the same pipeline as `npm run import` (all or
 * nothing). Body: multipart/form-data with one or more files (any field name; `dry_run=1` to
 * check only), or one raw CSV body (`Content-Type: text/csv`, name in `?name=` or
 * `X-File-Name`). Answers the ImportResult: 200 when loaded (or valid, on a dry run), 422
 * when refused — with every error — and nothing changed. Admin only (session or API token).
 */
export const POST: RequestHandler = async (event) => {
	const user = requireApiUser(event, ['admin']);
	let upload;
	try {
		upload = await readUpload(event.request, event.url, bodySizeLimit(dev));
	} catch (e) {
		if (e instanceof UploadError) return json({ error: e.code, message: e.text.fr, message_en: e.text.en }, { status: e.status });
		throw e;
	}
	const result = await importExports(await getDb(), upload.inputs, {
		actor: user.email,
		source: event.locals.session ? 'web' : 'api',
		dryRun: upload.dryRun,
		ip: clientAddress(event)
	});
	return json(result, { status: result.ok ? 200 : 422 });
};
