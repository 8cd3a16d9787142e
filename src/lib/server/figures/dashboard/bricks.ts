/**
 * Bricks: uptake per brick (applications naming it vs funded projects naming it, exactly the
 * `bricks` of computeKpis), per contributor, pairs used together, by round and by region;
 * and a page per brick. These are counts, not identities: they are computed over the whole
 * programme (with the reader's filters) for every role; only the list of projects on a
 * brick's page is narrowed to what the reader may see in detail.
 */
import type { UrlFilter } from '../../../filter-params';
import { narrowedRowsHref } from '../../../list-filter';
import { barsSpec } from '../../../charts/bars';
import { matrixSpec } from '../../../charts/matrix';
import { regionTilesSpec } from '../../../charts/tilemap';
import { COLORS } from '../../../charts/theme';
import { BRICKS, BRICK_IDS, brickById, brickName } from '../../../domain/bricks';
import { APPLICATION_STATUSES, APPLICATION_STATUS_LABELS, CONSORTIUM_ORGS } from '../../../domain/programme';
import { t, type Lang } from '../../../i18n';
import type { TableData, TableRow } from '../../../table';
import { sqlString, type FigureFilter } from '../filters';
import { computeKpis, scopedCtes } from '../kpis';
import { detailPredicate, type DashboardContext } from './context';
import { chart, FULL } from './render';

const L = (fr: string, en: string) => ({ fr, en });
const list = (ids: readonly string[]) => `[${ids.map(sqlString).join(', ')}]::VARCHAR[]`;

/**
 * The filter of the bricks pages: the reader's, within its scope (`figureScope`: for a
 * consortium member, the lauréats naming its bricks; the other applications only through the
 * protected table of the overview).
 */
function aggregateFilter(ctx: DashboardContext): FigureFilter {
	return ctx.scoped;
}

export async function bricksData(ctx: DashboardContext) {
	const filter = aggregateFilter(ctx);
	const kpis = await computeKpis(ctx.db, filter);
	const w = `WITH ${scopedCtes(filter)}`;
	const known = Object.keys(kpis.bricks);
	const linked = (id: string) => ctx.orgBricks === null || ctx.orgBricks.includes(id);
	/** The applications naming a brick behind one count, narrowed further (none behind a zero). */
	const brickLink = (brick: string, n: unknown, narrow: Partial<UrlFilter>, extra: Record<string, string> = {}) =>
		linked(brick) && Number(n) > 0 ? narrowedRowsHref(ctx.filter, { briques: [brick], ...narrow }, extra) : null;
	const uptakeRows: TableRow[] = known.map((id) => {
		const b = brickById(id);
		const v = kpis.bricks[id]!;
		return {
			id,
			name: brickName(id),
			contributor: b?.contributor ?? (ctx.lang === 'fr' ? 'hors programme' : 'not in the call'),
			applications: v.applications,
			funded: v.funded,
			rate: v.applications ? v.funded / v.applications : null,
			// The applications behind each count (none behind a zero, nor for a consortium member's other bricks: out of their scope).
			rows_applications: v.applications && linked(id) ? narrowedRowsHref(ctx.filter, { briques: [id] }) : null,
			rows_funded: v.funded && linked(id) ? narrowedRowsHref(ctx.filter, { briques: [id] }, { convention: 'financee' }) : null
		};
	});
	const fundedCount = kpis.funding.funded_projects;

	const orgRows: TableRow[] = [];
	for (const [org, def] of Object.entries(CONSORTIUM_ORGS)) {
		const r = await ctx.db.one<{ applications: number; funded: number }>(`${w}
			SELECT (SELECT count(*) FROM app WHERE list_has_any(briques, ${list(def.bricks)}))::INTEGER AS applications,
				(SELECT count(*) FROM fp WHERE has_application AND list_has_any(briques, ${list(def.bricks)}))::INTEGER AS funded`);
		orgRows.push({ org, name: def.name, bricks: [...def.bricks], applications: Number(r?.applications ?? 0), funded: Number(r?.funded ?? 0) });
	}

	const pairs = await ctx.db.all<{ a: string; b: string; applications: number; funded: number }>(`${w},
		ab AS (SELECT numero_dossier, briques FROM app),
		p AS (SELECT x.b1 AS a, x.b2 AS b, ab.numero_dossier FROM ab,
			LATERAL (SELECT b1, b2 FROM (SELECT unnest(ab.briques) AS b1) CROSS JOIN (SELECT unnest(ab.briques) AS b2) WHERE b1 < b2) x)
		SELECT a, b, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE numero_dossier IN (SELECT numero_dossier FROM fp))::INTEGER AS funded
		FROM p GROUP BY a, b ORDER BY applications DESC, a, b`);
	const singles = await ctx.db.all<{ brick: string; n: number }>(`${w}
		SELECT briques[1] AS brick, count(*)::INTEGER AS n FROM app WHERE len(briques) = 1 GROUP BY 1`);

	const byRound = await ctx.db.all<{ brick: string; releve: number; applications: number; funded: number }>(`${w},
		a AS (SELECT releve, unnest(briques) AS brick, numero_dossier FROM app)
		SELECT brick, releve::INTEGER AS releve, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE numero_dossier IN (SELECT numero_dossier FROM fp))::INTEGER AS funded
		FROM a GROUP BY ALL ORDER BY brick, releve`);
	const byRegion = await ctx.db.all<{ brick: string; region: string; applications: number; funded: number }>(`${w},
		a AS (SELECT region_name AS region, unnest(briques) AS brick, numero_dossier FROM app)
		SELECT brick, region, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE numero_dossier IN (SELECT numero_dossier FROM fp))::INTEGER AS funded
		FROM a GROUP BY ALL ORDER BY brick, region`);

	const tables = {
		uptake: {
			id: 'adoption-par-brique',
			title: L('Adoption par brique', 'Uptake per brick'),
			columns: [
				{ key: 'name', label: L('Brique', 'Brick'), href: '/app/briques/{id}' },
				{ key: 'contributor', label: L('Contributeur', 'Contributor') },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows_funded' },
				{ key: 'rate', label: L('Taux de financement', 'Funding rate'), kind: 'pct' }
			],
			rows: uptakeRows
		},
		contributors: {
			id: 'adoption-par-contributeur',
			title: L('Adoption par contributeur', 'Uptake per contributor'),
			columns: [
				{ key: 'name', label: L('Contributeur', 'Contributor') },
				{ key: 'bricks', label: L('Briques', 'Bricks'), kind: 'bricks' },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', hint: L('citant au moins une de ses briques', 'naming at least one of its bricks') },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int' }
			],
			rows: orgRows
		},
		pairs: {
			id: 'paires-de-briques',
			title: L('Briques utilisées ensemble', 'Bricks used together'),
			columns: [
				{ key: 'a', label: L('Brique', 'Brick'), kind: 'bricks' },
				{ key: 'b', label: L('avec', 'with'), kind: 'bricks' },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int' }
			],
			rows: pairs.map((p) => ({ ...p }))
		},
		rounds: {
			id: 'briques-par-releve',
			title: L('Briques par relève', 'Bricks by round'),
			columns: [
				{ key: 'brick', label: L('Brique', 'Brick'), kind: 'bricks' },
				{ key: 'releve', label: L('Relève', 'Round') },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows_funded' }
			],
			rows: byRound.map((r) => {
				const round = Number(r.releve) === 1 || Number(r.releve) === 2 ? [Number(r.releve) as 1 | 2] : null;
				return {
					...r,
					releve: String(r.releve),
					rows_applications: round && brickLink(r.brick, r.applications, { releve: round }),
					rows_funded: round && brickLink(r.brick, r.funded, { releve: round }, { convention: 'financee' })
				};
			})
		},
		regions: {
			id: 'briques-par-region',
			title: L('Briques par région', 'Bricks by region'),
			columns: [
				{ key: 'brick', label: L('Brique', 'Brick'), kind: 'bricks' },
				{ key: 'region', label: L('Région', 'Region') },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows_funded' }
			],
			rows: byRegion.map((r) => ({
				...r,
				rows_applications: r.region === null ? null : brickLink(r.brick, r.applications, { region: [r.region] }),
				rows_funded: r.region === null ? null : brickLink(r.brick, r.funded, { region: [r.region] }, { convention: 'financee' })
			}))
		}
	} satisfies Record<string, TableData>;
	return {
		tables,
		singles: singles.map((s) => ({ brick: s.brick, n: Number(s.n) })),
		applications: kpis.applications.total,
		funded: fundedCount
	};
}

export type BricksData = Awaited<ReturnType<typeof bricksData>>;

export function bricksCharts(d: BricksData, lang: Lang) {
	const names = (id: string) => brickName(id);
	const series = [
		{ id: 'applications', label: t(lang, 'Candidatures', 'Applications'), color: COLORS.secondary },
		{ id: 'funded', label: t(lang, 'Projets financés', 'Funded projects'), color: COLORS.primary }
	];
	const uptake = chart(
		(width) =>
			barsSpec(
				d.tables.uptake.rows.map((r) => ({ label: String(r.name), values: { applications: Number(r.applications), funded: Number(r.funded) } })),
				{ lang, width, series, mode: 'overlay' }
			),
		t(lang, 'Candidatures et projets financés par brique', 'Applications and funded projects per brick'),
		d.tables.uptake.rows.map((r) => `${r.name} ${r.applications} / ${r.funded}`).join(', ')
	);
	const contributors = chart(
		(width) =>
			barsSpec(
				d.tables.contributors.rows.map((r) => ({ label: String(r.name), values: { applications: Number(r.applications), funded: Number(r.funded) } })),
				{ lang, width, series, mode: 'overlay' }
			),
		t(lang, 'Candidatures et projets financés par contributeur', 'Applications and funded projects per contributor')
	);
	const ids = [...BRICK_IDS, ...d.tables.uptake.rows.map((r) => String(r.id)).filter((id) => !(BRICK_IDS as readonly string[]).includes(id))];
	const pairCells = d.tables.pairs.rows.flatMap((p) => [
		{ x: names(String(p.a)), y: names(String(p.b)), value: Number(p.applications) },
		{ x: names(String(p.b)), y: names(String(p.a)), value: Number(p.applications) }
	]);
	for (const s of d.singles) pairCells.push({ x: names(s.brick), y: names(s.brick), value: s.n });
	const domain = ids.map(names);
	const pairs = chart(
		(width) => matrixSpec(pairCells, { lang, xDomain: domain, yDomain: domain, hideZeros: true, width: Math.min(width, 640), cellHeight: width < 500 ? 30 : 36 }),
		t(lang, 'Briques utilisées ensemble', 'Bricks used together'),
		t(lang, 'Nombre de candidatures citant les deux briques ; sur la diagonale, celles qui n’en citent qu’une.', 'Applications naming both bricks; on the diagonal, those naming only that one.')
	);
	const rounds = chart(
		(width) =>
			barsSpec(
				ids.map((id) => ({
					label: names(id),
					values: Object.fromEntries([1, 2].map((r) => [`r${r}`, Number(d.tables.rounds.rows.find((x) => x.brick === id && Number(x.releve) === r)?.applications ?? 0)]))
				})),
				{
					lang,
					width,
					series: [
						{ id: 'r1', label: t(lang, 'Relève 1', 'Round 1'), color: COLORS.secondary },
						{ id: 'r2', label: t(lang, 'Relève 2', 'Round 2'), color: COLORS.primary }
					]
				}
			),
		t(lang, 'Candidatures par brique et par relève', 'Applications per brick and round')
	);
	const regionNames = [...new Set(d.tables.regions.rows.map((r) => String(r.region)))].sort((a, b) => a.localeCompare(b, 'fr'));
	const regions = chart(
		(width) =>
			matrixSpec(
				d.tables.regions.rows.map((r) => ({ x: names(String(r.brick)), y: String(r.region), value: Number(r.applications) })),
				{ lang, xDomain: domain, yDomain: regionNames, hideZeros: true, width, cellHeight: 28 }
			),
		t(lang, 'Candidatures par brique et par région', 'Applications per brick and region'),
		undefined,
		{ wide: FULL }
	);
	return { uptake, contributors, pairs, rounds, regions };
}

/** One brick: its figures (programme-wide, filtered) and the projects the reader may see. */
export async function brickData(ctx: DashboardContext, id: string) {
	const exists = BRICKS.some((b) => b.id === id) || (await ctx.db.one(`SELECT 1 FROM applications WHERE list_contains(briques, $1) LIMIT 1`, [id]));
	if (!exists) return null;
	// A member sees another organisation's brick (or one outside the call) as the public does: on
	// the public page (the route sends it there); here, nothing.
	if (ctx.orgBricks && !ctx.orgBricks.includes(id)) return null;
	const filter: FigureFilter = ctx.orgBricks ? { ...ctx.scoped, briques: [id] } : { ...ctx.filter, briques: [id] };
	const kpis = await computeKpis(ctx.db, filter);
	const w = `WITH ${scopedCtes(filter)}`;
	const head = await ctx.db.one<Record<string, string | number>>(`${w}
		SELECT (SELECT coalesce(sum(committed_eur), 0) FROM agr)::VARCHAR AS committed,
			(SELECT coalesce(sum(paid_eur), 0) FROM agr)::VARCHAR AS paid,
			(SELECT count(*) FROM fp WHERE has_application AND date_dernier_rapport IS NULL)::INTEGER AS without_report,
			(SELECT count(*) FROM fp f JOIN latest_reports r USING (numero_dossier) WHERE list_contains(r.briques_integrees, ${sqlString(id)}))::INTEGER AS integrated`);
	const byStatus = APPLICATION_STATUSES.map((s) => ({ statut: s, applications: kpis.applications.by_statut[s] ?? 0 }));
	const byRound = await ctx.db.all<{ releve: number; applications: number; funded: number }>(`${w}
		SELECT releve::INTEGER AS releve, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE numero_dossier IN (SELECT numero_dossier FROM fp))::INTEGER AS funded
		FROM app GROUP BY releve ORDER BY releve`);
	const byRegion = await ctx.db.all<{ region: string; applications: number; funded: number }>(`${w}
		SELECT region_name AS region, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE numero_dossier IN (SELECT numero_dossier FROM fp))::INTEGER AS funded
		FROM app GROUP BY region_name ORDER BY applications DESC, region`);
	const partners = await ctx.db.all<{ brick: string; applications: number; funded: number }>(`${w},
		o AS (SELECT numero_dossier, unnest(briques) AS brick FROM app)
		SELECT brick, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE numero_dossier IN (SELECT numero_dossier FROM fp))::INTEGER AS funded
		FROM o WHERE brick <> ${sqlString(id)} GROUP BY brick ORDER BY applications DESC, brick`);
	const projects = await ctx.db.all<TableRow>(`${w}
		SELECT f.numero_dossier, ap.raison_sociale, ap.titre_projet, ap.releve::VARCHAR AS releve, ap.region_name AS region, ap.briques,
			f.montant_aide::VARCHAR AS montant_aide, f.paid_eur::VARCHAR AS paid, f.emplois_prevus::INTEGER AS emplois_prevus,
			f.emplois_crees::VARCHAR AS emplois_crees, strftime(f.date_dernier_rapport, '%Y-%m-%d') AS date_dernier_rapport, f.published
		FROM fp f JOIN applications ap USING (numero_dossier)
		WHERE ${detailPredicate(ctx, 'ap')}
		ORDER BY ap.releve, f.numero_dossier`);
	// The applications behind each count (none behind a zero, nor for a consortium member's other bricks).
	const brickFilter = { ...ctx.filter, briques: [id] };
	const mine = ctx.orgBricks === null || ctx.orgBricks.includes(id);
	const link = (n: unknown, narrow: Partial<UrlFilter>, extra: Record<string, string> = {}) =>
		mine && Number(n) > 0 ? narrowedRowsHref(brickFilter, narrow, extra) : null;
	const tables = {
		status: {
			id: 'candidatures-par-statut',
			title: L('Candidatures par statut', 'Applications by status'),
			columns: [
				{ key: 'statut', label: L('Statut', 'Status'), kind: 'app_status' },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' }
			],
			rows: byStatus.map((r) => ({ ...r, rows_applications: link(r.applications, { statut: [r.statut] }) }))
		},
		rounds: {
			id: 'par-releve',
			title: L('Par relève', 'By round'),
			columns: [
				{ key: 'releve', label: L('Relève', 'Round') },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows_funded' }
			],
			rows: byRound.map((r) => {
				const round = Number(r.releve) === 1 || Number(r.releve) === 2 ? [Number(r.releve) as 1 | 2] : null;
				return {
					...r,
					releve: String(r.releve),
					rows_applications: round && link(r.applications, { releve: round }),
					rows_funded: round && link(r.funded, { releve: round }, { convention: 'financee' })
				};
			})
		},
		regions: {
			id: 'par-region',
			title: L('Par région', 'By region'),
			columns: [
				{ key: 'region', label: L('Région', 'Region') },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int', rowsLink: 'rows_applications' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int', rowsLink: 'rows_funded' }
			],
			rows: byRegion.map((r) => ({
				...r,
				rows_applications: r.region === null ? null : link(r.applications, { region: [r.region] }),
				rows_funded: r.region === null ? null : link(r.funded, { region: [r.region] }, { convention: 'financee' })
			}))
		},
		partners: {
			id: 'briques-associees',
			title: L('Briques associées', 'Bricks used alongside'),
			columns: [
				{ key: 'brick', label: L('Brique', 'Brick'), kind: 'bricks', href: '/app/briques/{brick}' },
				{ key: 'applications', label: L('Candidatures', 'Applications'), kind: 'int' },
				{ key: 'funded', label: L('Projets financés', 'Funded projects'), kind: 'int' }
			],
			rows: partners.map((r) => ({ ...r }))
		},
		projects: {
			id: 'projets-finances',
			title: L('Projets financés qui utilisent la brique', 'Funded projects using the brick'),
			columns: [
				{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
				{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
				{ key: 'titre_projet', label: L('Projet', 'Project') },
				{ key: 'releve', label: L('Relève', 'Round') },
				{ key: 'region', label: L('Région', 'Region') },
				{ key: 'briques', label: L('Briques', 'Bricks'), kind: 'bricks' },
				{ key: 'montant_aide', label: L('Aide', 'Grant'), kind: 'eur' },
				{ key: 'paid', label: L('Versé', 'Paid'), kind: 'eur' },
				{ key: 'emplois_crees', label: L('Emplois créés', 'Jobs created'), kind: 'dec' },
				{ key: 'date_dernier_rapport', label: L('Dernier rapport', 'Latest report'), kind: 'date' },
				{ key: 'published', label: L('Code publié', 'Code published'), kind: 'bool' }
			],
			rows: projects
		}
	} satisfies Record<string, TableData>;
	return {
		id,
		name: brickName(id),
		brick: brickById(id) ?? null,
		kpis: {
			applications: kpis.applications.total,
			funded: kpis.funding.funded_projects,
			fundedWithApplication: kpis.bricks[id]?.funded ?? 0,
			committed: String(head?.committed ?? '0'),
			paid: String(head?.paid ?? '0'),
			jobsForecast: kpis.jobs.forecast,
			jobsCreated: kpis.jobs.created,
			revenueGenerated: kpis.revenue.generated_eur,
			published: kpis.open_source.published,
			withoutReport: Number(head?.without_report ?? 0),
			integrated: Number(head?.integrated ?? 0)
		},
		hiddenProjects: Math.max(0, kpis.funding.funded_projects - projects.length),
		tables
	};
}

export type BrickData = NonNullable<Awaited<ReturnType<typeof brickData>>>;

export function brickCharts(d: BrickData, lang: Lang) {
	const series = [
		{ id: 'applications', label: t(lang, 'Candidatures', 'Applications'), color: COLORS.secondary },
		{ id: 'funded', label: t(lang, 'Projets financés', 'Funded projects'), color: COLORS.primary }
	];
	return {
		status: chart(
			(width) =>
				barsSpec(
					d.tables.status.rows.map((r) => ({ label: APPLICATION_STATUS_LABELS[r.statut][lang], values: { n: r.applications } })),
					{ lang, width, series: [{ id: 'n', label: t(lang, 'Candidatures', 'Applications'), color: COLORS.primary }] }
				),
			t(lang, `${d.name} : candidatures par statut`, `${d.name}: applications by status`)
		),
		regions: chart(
			(width) => regionTilesSpec(d.tables.regions.rows.map((r) => ({ region: String(r.region), value: Number(r.applications) })), { lang, width: Math.min(width, 420) }),
			t(lang, `${d.name} : candidatures par région`, `${d.name}: applications by region`),
			d.tables.regions.rows.map((r) => `${r.region} ${r.applications}`).join(', ')
		),
		partners: chart(
			(width) =>
				barsSpec(
					d.tables.partners.rows.map((r) => ({ label: brickName(String(r.brick)), values: { applications: Number(r.applications), funded: Number(r.funded) } })),
					{ lang, width, series, mode: 'overlay' }
				),
			t(lang, `Briques associées à ${d.name}`, `Bricks used alongside ${d.name}`)
		)
	};
}
