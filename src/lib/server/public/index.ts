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
}

export function publicReader(db: Database, version: string): PublicReader {
	return {
		dataVersion: version,
		overview: () => publicOverview(db),
		projects: (filter = {}) => publishedProjects(db, filter),
		project: (dossier) => publishedProject(db, dossier),
		brick: (id) => publicBrick(db, id),
		totals: (filter = {}) => publishedTotals(db, filter),
		updatedAt: async () =>
			(await db.one<{ at: string | null }>(`SELECT strftime(max(since)::TIMESTAMP, '%Y-%m-%dT%H:%M:%SZ') AS at FROM current_snapshot`))?.at ?? null,
		awardingBody: () => awardingBody()
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
