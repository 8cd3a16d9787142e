/**
 * Geography: applications and funded projects per region (the company's region: the
 * `region` column when given, else from the postal code — `applications.region_name`).
 * Counts only, over the reader's scope.
 */
import type { UrlFilter } from '../../../filter-params';
import { narrowedRowsHref } from '../../../list-filter';
import { regionTilesSpec } from '../../../charts/tilemap';
import { REGIONS, UNKNOWN_REGION } from '../../../domain/regions';
import { t, type Lang } from '../../../i18n';
import type { TableData } from '../../../table';
import { ctes, type DashboardContext } from './context';
import { chart } from './render';

const L = (fr: string, en: string) => ({ fr, en });

export async function geographyData(ctx: DashboardContext) {
	const w = `WITH ${ctes(ctx)}`;
	const rows = await ctx.db.all<Record<string, string | number>>(`${w},
		a AS (SELECT region_name AS region, count(*)::INTEGER AS applications, count(*) FILTER (WHERE statut = 'laureat')::INTEGER AS laureats,
			sum(aide_demandee) AS requested FROM app GROUP BY region_name),
		f AS (SELECT region_name AS region, count(*)::INTEGER AS funded, sum(committed_eur) AS committed FROM fp WHERE has_application GROUP BY region_name)
		SELECT coalesce(a.region, f.region) AS region, coalesce(a.applications, 0)::INTEGER AS applications, coalesce(a.laureats, 0)::INTEGER AS laureats,
			coalesce(f.funded, 0)::INTEGER AS funded, coalesce(a.requested, 0)::VARCHAR AS requested, coalesce(f.committed, 0)::VARCHAR AS committed
		FROM a FULL JOIN f ON a.region = f.region`);
	const order = (name: string) => {
		const i = REGIONS.findIndex((r) => r.name === name);
		return i === -1 ? 1000 : i;
	};
	rows.sort((x, y) => Number(y.applications) - Number(x.applications) || order(String(x.region)) - order(String(y.region)));
	// Funded projects whose application is not loaded have no region: one row of their own, so that
	// the column adds up to the funded projects of every other page (not drawn on the map).
	const unplaced = await ctx.db.one<{ funded: number; committed: string }>(`${w}
		SELECT count(*)::INTEGER AS funded, coalesce(sum(committed_eur), 0)::VARCHAR AS committed FROM fp WHERE NOT has_application`);
	const unplacedRow = Number(unplaced?.funded ?? 0) > 0
		? [{ region: ctx.lang === 'fr' ? 'Conventions en attente de leur candidature (région inconnue)' : 'Agreements awaiting their application (region unknown)', applications: 0, laureats: 0, funded: Number(unplaced!.funded), requested: '0', committed: String(unplaced!.committed), unplaced: true }]
		: [];
	// The applications behind each count (none behind a zero, nor for applications without a region).
	for (const r of rows) {
		const region = r.region === null || r.region === undefined ? null : String(r.region);
		const link = (n: unknown, narrow: Partial<UrlFilter>, extra: Record<string, string> = {}) =>
			region !== null && Number(n) > 0 ? narrowedRowsHref(ctx.filter, { region: [region], ...narrow }, extra) : null;
		Object.assign(r, {
			rows_applications: link(r.applications, {}),
			rows_laureats: link(r.laureats, { statut: ['laureat'] }),
			rows_funded: link(r.funded, {}, { convention: 'financee' })
		});
	}
	const table: TableData = {
		id: 'par-region',
		title: L('Candidatures et projets financés par région', 'Applications and funded projects by region'),
		columns: [
			{ key: 'region', label: L('Région', 'Region') },
			{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
			{ key: 'laureats', label: L('Lauréats', 'Winners'), kind: 'int', rowsLink: 'rows_laureats' },
			{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows_funded' },
			{ key: 'requested', label: L('Aide demandée', 'Aid requested'), kind: 'eur' },
			{ key: 'committed', label: L('Aide engagée', 'Aid committed'), kind: 'eur' }
		],
		rows: [...rows, ...unplacedRow],
		total: {
			region: null,
			applications: rows.reduce((s, r) => s + Number(r.applications), 0),
			laureats: rows.reduce((s, r) => s + Number(r.laureats), 0),
			funded: rows.reduce((s, r) => s + Number(r.funded), 0) + Number(unplaced?.funded ?? 0)
		}
	};
	const outside = rows.filter((r) => !REGIONS.some((g) => g.name === r.region));
	return {
		applications: Number(table.total!.applications),
		funded: Number(table.total!.funded),
		/** Of which placed in a region (their application is loaded). */
		placed: rows.reduce((s, r) => s + Number(r.funded), 0),
		unplaced: Number(unplaced?.funded ?? 0),
		regionsWithApplications: rows.filter((r) => Number(r.applications) > 0 && REGIONS.some((g) => g.name === r.region)).length,
		outside: outside.map((r) => ({ region: String(r.region ?? UNKNOWN_REGION), applications: Number(r.applications) })),
		tables: { regions: table }
	};
}

export type GeographyData = Awaited<ReturnType<typeof geographyData>>;

export function geographyCharts(d: GeographyData, lang: Lang) {
	const rows = d.tables.regions.rows.filter((r) => !r.unplaced);
	const values = (key: string) => rows.map((r) => ({ region: String(r.region), value: Number(r[key] ?? 0) }));
	const describe = (key: string) =>
		rows
			.filter((r) => Number(r[key]) > 0)
			.map((r) => `${r.region} ${r[key]}`)
			.join(', ');
	return {
		applications: chart(
			(width) => regionTilesSpec(values('applications'), { lang, width: Math.min(width, 460) }),
			t(lang, 'Candidatures par région', 'Applications by region'),
			describe('applications')
		),
		funded: chart(
			(width) => regionTilesSpec(values('funded'), { lang, width: Math.min(width, 460) }),
			t(lang, 'Projets financés par région', 'Funded projects by region'),
			describe('funded')
		)
	};
}
