/**
 * The dashboard's filters as they live in the URL, so that every view can be shared:
 * `?releve=1&statut=laureat&brique=sozu&region=Bretagne`. A parameter may be repeated or
 * hold a comma-separated list (`?brique=sozu,biscuit`). Pure: used by pages, components and
 * the server alike. The parsed value has the shape of the server's `FigureFilter`.
 */
import { BRICK_IDS } from './domain/bricks';
import { APPLICATION_STATUSES } from './domain/programme';

export interface UrlFilter {
	releve?: (1 | 2)[];
	statut?: string[];
	briques?: string[];
	region?: string[];
}

/** The values each filter offers (bricks as ids, regions as names). */
export interface FilterOptions {
	releve: number[];
	statut: string[];
	briques: string[];
	region: string[];
}

/** URL parameter name of each filter dimension (French, as the interface). */
export const FILTER_PARAMS = { releve: 'releve', statut: 'statut', briques: 'brique', region: 'region' } as const;
export type FilterKey = keyof typeof FILTER_PARAMS;
export const FILTER_KEYS = Object.keys(FILTER_PARAMS) as FilterKey[];

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

/**
 * Read the filters of a URL. Unknown rounds and statuses are dropped (a shared link with a
 * typo shows everything rather than nothing); bricks and regions are kept as written, since
 * an unknown value honestly matches nothing.
 */
export function parseFilterParams(params: URLSearchParams): UrlFilter {
	const f: UrlFilter = {};
	const releve = values(params, FILTER_PARAMS.releve)
		.map((v) => Number(v.replace(/^r/i, '')))
		.filter((n): n is 1 | 2 => n === 1 || n === 2);
	if (releve.length) f.releve = releve;
	const statut = values(params, FILTER_PARAMS.statut).filter((s) => (APPLICATION_STATUSES as readonly string[]).includes(s));
	if (statut.length) f.statut = statut;
	// A brick spelled in another case (`SlapOS`) is the brick (issue 18 #8).
	const briques = values(params, FILTER_PARAMS.briques).map((b) => BRICK_IDS.find((id) => id === b.toLowerCase()) ?? b);
	if (briques.length) f.briques = [...new Set(briques)];
	const region = values(params, FILTER_PARAMS.region);
	if (region.length) f.region = region;
	return f;
}

export function isFilterEmpty(f: UrlFilter): boolean {
	return FILTER_KEYS.every((k) => !f[k]?.length);
}

/** The query string of a filter (no leading `?`), one parameter per dimension, comma-joined. */
export function filterQuery(f: UrlFilter, extra: Record<string, string | number | null | undefined> = {}): string {
	const p = new URLSearchParams();
	for (const k of FILTER_KEYS) {
		const v = f[k];
		if (v?.length) p.set(FILTER_PARAMS[k], v.join(','));
	}
	for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
	return p.toString();
}

/** `path` with the filter (and extra parameters) as its query string. */
export function withFilter(path: string, f: UrlFilter, extra: Record<string, string | number | null | undefined> = {}): string {
	const q = filterQuery(f, extra);
	return q ? `${path}?${q}` : path;
}

/** The filter without one value of one dimension (for "remove" links of active filter chips). */
export function withoutValue(f: UrlFilter, key: FilterKey, value: string | number): UrlFilter {
	const copy: UrlFilter = { ...f };
	const kept = (f[key] as (string | number)[] | undefined)?.filter((v) => String(v) !== String(value));
	if (kept?.length) (copy as Record<string, unknown>)[key] = kept;
	else delete copy[key];
	return copy;
}

/** The largest page number a list link may ask for: beyond, it is the last page anyway. */
export const MAX_PAGE = 1_000_000;

/**
 * A `page` parameter: a whole number from 1 to MAX_PAGE, 1 when absent or not a number.
 * `1e20`, `Infinity`, `-3`, `2.7`, `abc` never reach a query as such (issue 18 #8: `page=1e20`
 * and `page=Infinity` were 500s).
 */
export function pageParam(value: string | null | undefined): number {
	const n = Math.trunc(Number(value ?? 1));
	if (!Number.isFinite(n) || n < 1) return 1;
	return Math.min(n, MAX_PAGE);
}
