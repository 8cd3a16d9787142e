import { requireUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { buildReport } from '$lib/server/report/build';
import { REPORT_ROLES } from '$lib/server/report/export';
import { reportView } from '$lib/server/report/html';
import { parisToday, parsePeriod, periodQuery, presets } from '$lib/server/report/period';
import type { PageServerLoad } from './$types';

/**
 * /app/rapport?debut=YYYY-MM-DD&fin=YYYY-MM-DD: the Bpifrance report on screen (admin,
 * auditor), the period form, and links to the same report as PDF, XLSX and ZIP of CSV.
 * Default period: the current half-year to date (see $lib/server/report/period.ts).
 */
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event, REPORT_ROLES);
	const lang = event.locals.lang;
	const today = parisToday();
	const choice = parsePeriod(event.url.searchParams, today, lang);
	const base = {
		lang,
		today,
		presets: presets(today, lang).map((p) => ({ id: p.id, label: p.label, query: periodQuery(p.period), ...p.period }))
	};
	if (!choice.ok) {
		return { ...base, errors: choice.errors, input: choice.input, period: choice.period, isDefault: false, query: null, view: null };
	}
	const model = await buildReport(await getDb(), choice.period, lang, { producedBy: user.email });
	return {
		...base,
		errors: [] as string[],
		input: { start: choice.period.start, end: choice.period.end },
		period: choice.period,
		isDefault: choice.isDefault,
		query: periodQuery(choice.period),
		view: reportView(model)
	};
};
