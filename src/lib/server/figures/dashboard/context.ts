/**
 * What every dashboard page needs first: the database, the reader, the filters of the URL
 * and the scope they may see.
 *
 * Scope (issue 4, exports.md §2): admins and auditors see everything. A consortium member's
 * figures are computed over the applications naming at least one of its organisation's
 * bricks (`figureScope`, the same narrowing as the API's `kpisFor`), and in detail (names,
 * titles, per-project rows) only lauréats among those (`canSeeApplication`); never a
 * confidential field. Each page says which of its figures are programme-wide.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { BRICK_IDS } from '../../../domain/bricks';
import { APPLICATION_STATUSES, CONSORTIUM_ORGS, isConsortiumOrg } from '../../../domain/programme';
import { REGIONS } from '../../../domain/regions';
import { parseFilterParams, type FilterOptions, type UrlFilter } from '../../../filter-params';
import type { Lang } from '../../../i18n';
import type { ScopeInfo } from '../../../scope-info';
import type { User } from '../../auth/guard';
import { consortiumBricks, figureScope, seesEverything } from '../../auth/scope';
import type { Database } from '../../db/database';
import { getDb } from '../../db/instance';
import { sqlString, type FigureFilter } from '../filters';
import { scopedCtes } from '../kpis';
import { memoized } from '../memo';

export interface DashboardContext {
	db: Database;
	user: User;
	lang: Lang;
	/** The filters as the reader chose them (in the URL). */
	filter: UrlFilter;
	/** The filter the figures are computed with: the reader's, narrowed to their scope. */
	scoped: FigureFilter;
	seesAll: boolean;
	/** A consortium member's bricks; null for admins and auditors. */
	orgBricks: readonly string[] | null;
	scope: ScopeInfo;
}

export async function dashboardContext(event: Pick<RequestEvent, 'url' | 'locals'>, user: User): Promise<DashboardContext> {
	return contextFor(await getDb(), user, parseFilterParams(event.url.searchParams), event.locals.lang);
}

/** The context of a reader and filter over a database (dashboardContext without the request). */
export function contextFor(db: Database, user: User, filter: UrlFilter, lang: Lang): DashboardContext {
	const orgBricks = consortiumBricks(user);
	const orgName = user.org && isConsortiumOrg(user.org) ? CONSORTIUM_ORGS[user.org].name : user.org;
	return {
		db,
		user,
		lang,
		filter,
		scoped: figureScope(user, filter),
		seesAll: seesEverything(user),
		orgBricks,
		scope: { consortium: orgBricks !== null, orgName: orgBricks !== null ? orgName : null, bricks: orgBricks ?? [] }
	};
}

/** The scoped CTEs `app`, `agr`, `fp` of kpis.ts, for this reader and filter. */
export function ctes(ctx: DashboardContext): string {
	return scopedCtes(ctx.scoped);
}

/**
 * A predicate over a row of `applications` (or a join exposing `statut` and `briques` of the
 * application): may this reader see the row in detail? Admin/auditor: always; consortium:
 * lauréats naming one of its bricks.
 */
export function detailPredicate(ctx: DashboardContext, alias = ''): string {
	if (ctx.seesAll) return 'true';
	const p = alias ? `${alias}.` : '';
	const bricks = ctx.orgBricks?.length ? `[${ctx.orgBricks.map(sqlString).join(', ')}]::VARCHAR[]` : null;
	return bricks ? `(${p}statut = 'laureat' AND list_has_any(${p}briques, ${bricks}))` : 'false';
}

/**
 * What a page's figures depend on besides the data: the reader's role, organisation and
 * scope, and the filters. Figures kept by figures/memo.ts are keyed by it (never by who the
 * reader is beyond that).
 */
export function scopeKey(ctx: Pick<DashboardContext, 'seesAll' | 'user' | 'orgBricks' | 'scoped' | 'filter'>): string {
	return JSON.stringify([ctx.seesAll, ctx.user.role, ctx.user.org, ctx.orgBricks, ctx.scoped, ctx.filter]);
}

/** The values offered by the filter bar: all rounds and statuses, bricks and regions found. */
export async function filterOptions(ctx: DashboardContext): Promise<FilterOptions> {
	const found = await memoized(ctx.db, 'filter-options', () =>
		ctx.db.all<{ kind: string; v: string }>(`
		SELECT DISTINCT 'brick' AS kind, unnest(briques) AS v FROM applications
		UNION SELECT DISTINCT 'region', region_name FROM applications WHERE region_name IS NOT NULL`)
	);
	const otherBricks = found.filter((r) => r.kind === 'brick' && !(BRICK_IDS as readonly string[]).includes(r.v)).map((r) => r.v).sort();
	const regionsFound = new Set(found.filter((r) => r.kind === 'region').map((r) => r.v));
	const known = REGIONS.map((r) => r.name).filter((n) => regionsFound.has(n));
	const others = [...regionsFound].filter((n) => !REGIONS.some((r) => r.name === n)).sort((a, b) => a.localeCompare(b, 'fr'));
	// A consortium member is offered every official region, found or not, and no free-text one:
	// which regions hold applications is not its business (statistical secrecy, auth/scope.ts).
	const regions = ctx.orgBricks
		? REGIONS.map((r) => r.name).sort((a, b) => a.localeCompare(b, 'fr'))
		: [...known.sort((a, b) => a.localeCompare(b, 'fr')), ...others];
	return {
		releve: [1, 2],
		statut: [...APPLICATION_STATUSES],
		briques: ctx.orgBricks ? [...ctx.orgBricks] : [...BRICK_IDS, ...otherBricks],
		region: regions
	};
}

/** What the figures of a page rest on: applications, funded projects, those without a report. */
export interface BasisFigures {
	applications: number;
	funded: number;
	fundedWithApplication: number;
	withoutReport: number;
	agreements: number;
}

export function basisFigures(ctx: DashboardContext): Promise<BasisFigures> {
	return memoized(ctx.db, `basis\u0000${ctes(ctx)}`, () => basisNow(ctx));
}

async function basisNow(ctx: DashboardContext): Promise<BasisFigures> {
	const row = await ctx.db.one<Record<string, number>>(`WITH ${ctes(ctx)}
		SELECT (SELECT count(*) FROM app)::INTEGER AS applications,
			(SELECT count(*) FROM fp)::INTEGER AS funded,
			(SELECT count(*) FROM fp WHERE has_application)::INTEGER AS funded_with_application,
			(SELECT count(*) FROM fp WHERE has_application AND date_dernier_rapport IS NULL)::INTEGER AS without_report,
			(SELECT count(*) FROM agr)::INTEGER AS agreements`);
	return {
		applications: Number(row?.applications ?? 0),
		funded: Number(row?.funded ?? 0),
		fundedWithApplication: Number(row?.funded_with_application ?? 0),
		withoutReport: Number(row?.without_report ?? 0),
		agreements: Number(row?.agreements ?? 0)
	};
}

/** What every dashboard page's load returns besides its own data. */
export async function pageBase(ctx: DashboardContext) {
	return {
		lang: ctx.lang,
		filter: ctx.filter,
		filterOptions: await filterOptions(ctx),
		scope: ctx.scope,
		seesAll: ctx.seesAll
	};
}
