/**
 * The filters of the applications table (/app/candidatures) beyond the dashboard's
 * (round, status, brick, region: filter-params.ts), so that every figure of the dashboard
 * links to the dossiers behind it: `?regle=R15`, `?convention=financee`, `?verse=1`,
 * `?code=publie`, `?ouvert=foreground`, `?rapport=sans`, `?dnsh=signale`. They combine (all
 * must hold) with each other, with the dashboard's filters and with the search. Pure: the
 * page and the server read the same parse; the server turns it into SQL (applications.ts).
 */
import { AGREEMENT_STATUSES, type AgreementStatus } from './domain/programme';
import { withFilter, type UrlFilter } from './filter-params';

export interface RowFilter {
	/** Dossiers with a flag of one of these rules (on the application or one of its agreements). */
	regle?: string[];
	/** Dossiers with an agreement of one of these statuses. */
	convention?: AgreementStatus[];
	/** Dossiers with an agreement on which something was paid. */
	verse?: true;
	/** `publie`: a funded project whose latest report publishes its code (§5); `non`: a funded project that has not. */
	code?: 'publie' | 'non';
	/** Applications starting from an open background, or committing to publish (foreground). */
	ouvert?: ('background' | 'foreground')[];
	/** Dossiers with a report, or without any. */
	rapport?: 'avec' | 'sans';
	/** Applications scoring −2 (significant harm) on at least one DNSH objective. */
	dnsh?: 'signale';
}

/** The names of the parameters, in the order they are written. */
export const ROW_FILTER_PARAMS = ['regle', 'convention', 'verse', 'code', 'ouvert', 'rapport', 'dnsh'] as const;

/** `convention=financee`: the statuses of a funded project (not terminated); `toute`: any agreement. */
export const FUNDED_STATUSES: AgreementStatus[] = AGREEMENT_STATUSES.filter((s) => s !== 'resiliee');

function values(params: URLSearchParams, name: string): string[] {
	const out: string[] = [];
	for (const raw of params.getAll(name)) {
		for (const v of raw.split(',')) {
			const s = v.trim();
			if (s !== '' && !out.includes(s)) out.push(s);
		}
	}
	return out;
}

/** Rule ids as written in the rules' catalogue: `R` and a number (`r15` is read as `R15`). */
const RULE = /^R([1-9]\d?)$/;

/**
 * Read the row filters of a URL. Unknown values are dropped, as for the dashboard's filters
 * (a shared link with a typo shows more rather than nothing), except rules, kept as written
 * when well formed: a rule that flags nothing honestly lists nothing.
 */
export function parseRowFilter(params: URLSearchParams): RowFilter {
	const f: RowFilter = {};
	const rules = [...new Set(values(params, 'regle').map((v) => v.toUpperCase()))].filter((v) => RULE.test(v));
	if (rules.length) f.regle = rules.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
	const statuses = new Set<AgreementStatus>();
	for (const v of values(params, 'convention')) {
		if (v === 'financee') FUNDED_STATUSES.forEach((s) => statuses.add(s));
		else if (v === 'toute') AGREEMENT_STATUSES.forEach((s) => statuses.add(s));
		else if ((AGREEMENT_STATUSES as readonly string[]).includes(v)) statuses.add(v as AgreementStatus);
	}
	if (statuses.size) f.convention = AGREEMENT_STATUSES.filter((s) => statuses.has(s));
	if (values(params, 'verse').some((v) => /^(1|oui|true)$/i.test(v))) f.verse = true;
	const code = values(params, 'code').at(-1);
	if (code === 'publie' || code === 'non') f.code = code;
	const ouvert = values(params, 'ouvert').filter((v): v is 'background' | 'foreground' => v === 'background' || v === 'foreground');
	if (ouvert.length) f.ouvert = ouvert;
	const rapport = values(params, 'rapport').at(-1);
	if (rapport === 'avec' || rapport === 'sans') f.rapport = rapport;
	if (values(params, 'dnsh').includes('signale')) f.dnsh = 'signale';
	return f;
}

export function isRowFilterEmpty(f: RowFilter): boolean {
	return ROW_FILTER_PARAMS.every((k) => f[k] === undefined);
}

/** The row filter as URL parameters (for `withFilter`'s extra parameters), statuses written short when they can be. */
export function rowFilterQuery(f: RowFilter): Record<string, string> {
	const q: Record<string, string> = {};
	if (f.regle?.length) q.regle = f.regle.join(',');
	if (f.convention?.length) {
		const s = f.convention;
		q.convention =
			s.length === AGREEMENT_STATUSES.length ? 'toute' : s.length === FUNDED_STATUSES.length && FUNDED_STATUSES.every((x) => s.includes(x)) ? 'financee' : s.join(',');
	}
	if (f.verse) q.verse = '1';
	if (f.code) q.code = f.code;
	if (f.ouvert?.length) q.ouvert = f.ouvert.join(',');
	if (f.rapport) q.rapport = f.rapport;
	if (f.dnsh) q.dnsh = f.dnsh;
	return q;
}

/** The link to the applications behind a figure: the dashboard's filters, plus row filters (`{ convention: 'financee' }`). */
export function rowsHref(filter: UrlFilter, rows: Record<string, string | number | null | undefined> = {}): string {
	return withFilter('/app/candidatures', filter, rows);
}

/**
 * The link to the applications behind one cell of a table: the page's filters narrowed to one
 * round, status, brick or region (`{ statut: ['laureat'] }`), plus row filters. Null when the
 * page's filter already leaves that value out (nothing is behind the cell).
 */
export function narrowedRowsHref(filter: UrlFilter, narrow: Partial<UrlFilter>, rows: Record<string, string | number | null | undefined> = {}): string | null {
	const f: UrlFilter = { ...filter };
	for (const [key, values] of Object.entries(narrow) as [keyof UrlFilter, (string | number)[]][]) {
		const current = filter[key] as (string | number)[] | undefined;
		if (current?.length && !values.every((v) => current.some((c) => String(c) === String(v)))) return null;
		(f as Record<string, unknown>)[key] = values;
	}
	return rowsHref(f, rows);
}
