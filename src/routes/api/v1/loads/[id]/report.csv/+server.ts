import { error } from '@sveltejs/kit';
import { langOf } from '$lib/i18n';
import { requireApiUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { batchWithIssues, getLoad } from '$lib/server/import/restore';
import { reportCsv, reportFileName } from '$lib/upload/report';
import type { RequestHandler } from './$types';

/**
 * GET /api/v1/loads/:id/report.csv — the validation report of a stored load (every file sent
 * with it), for French Excel: `;`, UTF-8 with BOM. The server keeps at most 200 errors and
 * 200 warnings per file; the CSV says how many more there were.
 */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin']);
	const db = await getDb();
	const load = /^\d{1,12}$/.test(event.params.id) ? await getLoad(db, Number(event.params.id)) : null;
	if (!load) error(404, { error: 'not_found', message: `Chargement n° ${event.params.id} introuvable.` });
	const lang = langOf(event.url.searchParams.get('lang') ?? event.locals.lang);
	const batch = await batchWithIssues(db, load.batchId);
	const files = batch.map((b) => ({
		file: b.file,
		kind: b.kind,
		errors: b.issues.filter((_, i) => i < Math.min(200, b.errors)),
		warnings: b.issues.slice(Math.min(200, b.errors)),
		errorCount: b.errors,
		warningCount: b.warnings
	}));
	const name = reportFileName(batch, lang).replace(/\.csv$/, `-${load.id}.csv`);
	return new Response(reportCsv(files, lang), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`
		}
	});
};
