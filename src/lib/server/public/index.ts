/**
 * The public side's only door to the data. Public routes (/, /projets, /briques, /donnees)
 * import from here and nothing else under $lib/server: they get a `PublicReader`, never a
 * database handle, so what they can show is what this module selects — lauréats' public
 * columns (projects.ts) and aggregates under statistical secrecy (overview.ts, suppress.ts).
 * A unit test checks that the public routes keep to this.
 */
import type { Database } from '../db/database';
import { awardingBody, type AwardingBody } from './config';
import { dataVersion, publicCacheHeaders, type CacheContext } from './cache';
import { publicBrick, publicOverview, type PublicBrick, type PublicOverview } from './overview';
import {
	publishedProject,
	publishedProjects,
	publishedTotals,
	type ProjectFilter,
	type PublicProject,
	type PublishedTotals
} from './projects';

export type { AwardingBody, PublicBrick, PublicOverview, PublicProject, PublishedTotals, ProjectFilter };
export type { BrickRow, RegionRow, RoundRow } from './overview';
export type { CountCell } from './suppress';
export type { PublicAgreement, PublicPayment } from './projects';

export interface PublicReader {
	readonly dataVersion: string;
	overview(): Promise<PublicOverview>;
	projects(filter?: Omit<ProjectFilter, 'dossier'>): Promise<PublicProject[]>;
	project(dossier: string): Promise<PublicProject | null>;
	brick(id: string): Promise<PublicBrick | null>;
	totals(filter?: Omit<ProjectFilter, 'dossier'>): Promise<PublishedTotals>;
	updatedAt(): Promise<string | null>;
	awardingBody(): AwardingBody;
	/** Anything derived from these answers alone (e.g. a page's charts), kept like them for the data version. */
	derived<T>(key: string, compute: () => T | Promise<T>): Promise<T>;
}

/**
 * Public answers depend only on the data version (the same for every visitor), so they are
 * kept for the current version: a page served again — or revalidated for a 304 — does not
 * query the database again. A new load changes the version and empties the memo.
 */
const MEMO_MAX_ENTRIES = 500;
const memo = { version: '', db: null as Database | null, entries: new Map<string, Promise<unknown>>() };

function remembered<T>(db: Database, version: string, key: string, compute: () => Promise<T>): Promise<T> {
	if (memo.version !== version || memo.db !== db) {
		memo.version = version;
		memo.db = db;
		memo.entries.clear();
	}
	let entry = memo.entries.get(key) as Promise<T> | undefined;
	if (!entry) {
		// Keys come from URLs (a dossier, a brick): bound the memo against made-up ones.
		if (memo.entries.size >= MEMO_MAX_ENTRIES) memo.entries.clear();
		entry = compute();
		memo.entries.set(key, entry);
		// A failure is not remembered.
		entry.catch(() => memo.entries.delete(key));
	}
	return entry;
}

export function publicReader(db: Database, version: string): PublicReader {
	const keep = <T>(key: string, compute: () => Promise<T>) => remembered(db, version, key, compute);
	return {
		dataVersion: version,
		overview: () => keep('overview', () => publicOverview(db)),
		projects: (filter = {}) => keep(`projects:${JSON.stringify(filter)}`, () => publishedProjects(db, filter)),
		project: (dossier) => keep(`project:${dossier}`, () => publishedProject(db, dossier)),
		brick: (id) => keep(`brick:${id}`, () => publicBrick(db, id)),
		totals: (filter = {}) => keep(`totals:${JSON.stringify(filter)}`, () => publishedTotals(db, filter)),
		updatedAt: async () =>
			(await db.one<{ at: string | null }>(`SELECT strftime(max(since)::TIMESTAMP, '%Y-%m-%dT%H:%M:%SZ') AS at FROM current_snapshot`))?.at ?? null,
		awardingBody: () => awardingBody(),
		derived: (key, compute) => keep(`derived:${key}`, async () => compute())
	};
}

export interface OpenPublicOptions {
	/** A page (varies with language and sign-in) rather than a data file. */
	page: boolean;
	appVersion: string;
}

/** Open the public reader for a request and set its caching headers (ETag, Cache-Control). */
export async function openPublicWith(db: Database, ctx: CacheContext, options: OpenPublicOptions): Promise<PublicReader> {
	const version = await dataVersion(db);
	const body = awardingBody();
	ctx.setHeaders(
		publicCacheHeaders(version, ctx, {
			appVersion: options.appVersion,
			page: options.page,
			extra: [body.name, body.siret, body.dispositifAide, body.grantIdPrefix]
		})
	);
	return publicReader(db, version);
}
