import { error } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guard';
import { dashboardContext } from '$lib/server/figures/dashboard/context';
import { DATASET_PAGES, findTable } from '$lib/server/figures/dashboard/datasets';
import { tableCsv } from '$lib/table';
import type { RequestHandler } from './$types';

/**
 * GET /app/csv/<page>[/<sub>]/<table>.csv?<filters>: a dashboard table as CSV, for the
 * signed-in reader, with the page's scope and filters (the same rows as on screen).
 */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	const [key, ...rest] = event.params.page.split('/').filter(Boolean);
	// Own keys only: `constructor`, `__proto__`, `toString` are no page (issue 18 #8: a 500).
	const page = key && Object.hasOwn(DATASET_PAGES, key) ? DATASET_PAGES[key] : undefined;
	if (!page) error(404, event.locals.lang === 'en' ? 'No such table.' : 'Tableau introuvable.');
	if (page.roles) requireUser(event, page.roles);
	const ctx = await dashboardContext(event, user);
	const tables = await page.load(ctx, rest, event.url);
	const table = tables ? findTable(tables, event.params.table) : undefined;
	if (!table) error(404, event.locals.lang === 'en' ? 'No such table.' : 'Tableau introuvable.');
	return new Response(tableCsv(table, ctx.lang), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${table.id}.csv"`,
			'cache-control': 'private, no-store'
		}
	});
};
