import { auditActions, listAudit } from '$lib/server/auth/audit';
import { parisTime } from '$lib/server/auth/display';
import { requireUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import type { PageServerLoad } from './$types';
import { pageParam } from '$lib/filter-params';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	requireUser(event, ['admin']);
	const db = await getDb();
	const action = event.url.searchParams.get('action') || null;
	const page = pageParam(event.url.searchParams.get('page'));
	const [list, actions] = await Promise.all([listAudit(db, { action, page, pageSize: PAGE_SIZE }), auditActions(db)]);
	return {
		lang: event.locals.lang,
		action,
		actions,
		page: list.page,
		pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
		total: list.total,
		entries: list.rows.map((r) => ({
			id: r.id,
			at: parisTime(r.at),
			actor: r.actor,
			action: r.action,
			target: r.target,
			ip: r.ip,
			outcome: r.outcome,
			details: r.details
				? Object.entries(r.details).map(([k, v]) => `${k} : ${v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
				: []
		}))
	};
};
