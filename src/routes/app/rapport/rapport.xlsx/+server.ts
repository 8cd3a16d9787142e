import { requireUser } from '$lib/server/auth/guard';
import { exportReport, REPORT_ROLES } from '$lib/server/report/export';
import type { RequestHandler } from './$types';

/** GET /app/rapport/rapport.xlsx?debut=YYYY-MM-DD&fin=YYYY-MM-DD — the Bpifrance report as XLSX (admin, auditor; audited). */
export const GET: RequestHandler = async (event) => {
	requireUser(event, REPORT_ROLES);
	return exportReport(event, 'xlsx');
};
