/**
 * Every table of the dashboard by page and id, for the CSV downloads
 * (`/app/csv/<page>[/<sub>]/<table>.csv?<filters>`): the CSV is built from the very rows
 * the page shows, with the same reader's scope and filters.
 */
import type { Role } from '../../auth/guard';
import type { TableData } from '../../../table';
import type { DashboardContext } from './context';
import { overviewData } from './overview';
import { fundingData } from './funding';
import { brickData, bricksData } from './bricks';
import { impactData } from './impact';
import { dnshData } from './dnsh';
import { openSourceData } from './opensource';
import { geographyData } from './geography';
import { applicationsCsvTable, listParams } from './applications';
import { qualityData } from './quality';

type Tables = Record<string, TableData>;

export interface DatasetPage {
	/** Roles allowed (default: every signed-in role). */
	roles?: readonly Role[];
	/** The page's tables; `rest` holds the path after the page key (e.g. a brick id). */
	load: (ctx: DashboardContext, rest: string[], url: URL) => Promise<Tables | null>;
}

export const DATASET_PAGES: Record<string, DatasetPage> = {
	'vue-ensemble': { load: async (ctx) => (await overviewData(ctx)).tables },
	financement: { load: async (ctx) => (await fundingData(ctx)).tables },
	dnsh: { load: async (ctx) => (await dnshData(ctx)).tables as Tables },
	qualite: { roles: ['admin', 'auditor'], load: async (ctx) => (await qualityData(ctx, { historyLimit: 100_000 })).tables },
	candidatures: { load: async (ctx, _rest, url) => ({ list: await applicationsCsvTable(ctx, listParams(url)) }) },
	'open-source': { load: async (ctx) => (await openSourceData(ctx)).tables },
	geographie: { load: async (ctx) => (await geographyData(ctx)).tables },
	impact: { load: async (ctx) => (await impactData(ctx)).tables },
	briques: { load: async (ctx, rest) => (rest[0] ? ((await brickData(ctx, rest[0]))?.tables ?? null) : (await bricksData(ctx)).tables) }
};

export function registerDatasetPage(key: string, page: DatasetPage): void {
	DATASET_PAGES[key] = page;
}

/** The table `id` among a page's tables (tables are found by their id, not their key). */
export function findTable(tables: Tables, id: string): TableData | undefined {
	return Object.values(tables).find((t) => t.id === id);
}
