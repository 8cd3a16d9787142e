/**
 * Open source: background and foreground commitments (kpis.open_source), published
 * repositories and their licences, contributions sent upstream, and the follow-up list of
 * funded projects that committed to publish (foreground) but have not published yet.
 * "Published" is the §5 definition (`funded_projects.published`: the latest report says
 * publication_effective and gives a repository URL). Upstream contributions are those the
 * latest report declares (a running count, like jobs created).
 */
import { barsSpec } from '../../../charts/bars';
import { COLORS } from '../../../charts/theme';
import { t, type Lang } from '../../../i18n';
import type { TableData, TableRow } from '../../../table';
import { computeKpis } from '../kpis';
import { ctes, detailPredicate, type DashboardContext } from './context';
import { chart } from './render';

const L = (fr: string, en: string) => ({ fr, en });

export async function openSourceData(ctx: DashboardContext) {
	const kpis = await computeKpis(ctx.db, ctx.scoped);
	const w = `WITH ${ctes(ctx)}`;
	const head = (await ctx.db.one<Record<string, number>>(`${w}
		SELECT count(*)::INTEGER AS projects,
			count(*) FILTER (WHERE date_dernier_rapport IS NULL)::INTEGER AS without_report,
			coalesce(sum(r.contributions_amont), 0)::INTEGER AS contributions,
			count(*) FILTER (WHERE r.contributions_amont > 0)::INTEGER AS contributing
		FROM fp LEFT JOIN latest_reports r USING (numero_dossier) WHERE fp.has_application`))!;
	const licences = await ctx.db.all<{ licence: string; projects: number }>(`${w}
		SELECT coalesce(nullif(trim(r.licence), ''), '${ctx.lang === 'fr' ? 'non précisée' : 'not given'}') AS licence, count(*)::INTEGER AS projects
		FROM fp JOIN latest_reports r USING (numero_dossier) WHERE fp.has_application AND fp.published
		GROUP BY 1 ORDER BY projects DESC, licence`);
	const published = await ctx.db.all<TableRow>(`${w}
		SELECT fp.numero_dossier, ap.raison_sociale, ap.briques, r.depot_code_url, r.licence, ap.licence_envisagee,
			r.contributions_amont::INTEGER AS contributions_amont, strftime(r.date_rapport, '%Y-%m-%d') AS date_rapport
		FROM fp JOIN applications ap USING (numero_dossier) JOIN latest_reports r USING (numero_dossier)
		WHERE fp.has_application AND fp.published AND ${detailPredicate(ctx, 'ap')}
		ORDER BY fp.numero_dossier`);
	const followUp = await ctx.db.all<TableRow>(`${w}
		SELECT fp.numero_dossier, ap.raison_sociale, ap.briques, ap.licence_envisagee, fp.statut_convention,
			strftime(g.date_fin, '%Y-%m-%d') AS date_fin, strftime(fp.date_dernier_rapport, '%Y-%m-%d') AS date_dernier_rapport,
			r.depot_code_url, r.publication_effective
		FROM fp JOIN applications ap USING (numero_dossier) JOIN agreements g USING (numero_convention)
		LEFT JOIN latest_reports r USING (numero_dossier)
		WHERE fp.has_application AND fp.foreground_ouvert AND NOT fp.published AND ${detailPredicate(ctx, 'ap')}
		ORDER BY g.date_fin NULLS LAST, fp.numero_dossier`);
	const followUpTotal = await ctx.db.one<{ n: number }>(`${w}
		SELECT count(*)::INTEGER AS n FROM fp WHERE has_application AND foreground_ouvert AND NOT published`);
	const commitments: TableData = {
		id: 'open-source-engagements',
		title: L('Engagements et publications', 'Commitments and publications'),
		columns: [
			{ key: 'figure', label: L('Indicateur', 'Figure') },
			{ key: 'projects', label: L('Projets financés', 'Funded projects'), kind: 'int' }
		],
		rows: [
			{ figure: ctx.lang === 'fr' ? 'Background ouvert' : 'Open background', projects: kpis.open_source.background },
			{ figure: ctx.lang === 'fr' ? 'Engagés à publier (foreground)' : 'Committed to publish (foreground)', projects: kpis.open_source.foreground_committed },
			{ figure: ctx.lang === 'fr' ? 'Code publié' : 'Code published', projects: kpis.open_source.published },
			{ figure: ctx.lang === 'fr' ? 'Engagés, pas encore publié' : 'Committed, not yet published', projects: Number(followUpTotal?.n ?? 0) },
			{ figure: ctx.lang === 'fr' ? 'Ont contribué en amont' : 'Contributed upstream', projects: Number(head.contributing) }
		]
	};
	const licenceTable: TableData = {
		id: 'licences',
		title: L('Licences des dépôts publiés', 'Licences of the published repositories'),
		columns: [
			{ key: 'licence', label: L('Licence', 'Licence') },
			{ key: 'projects', label: L('Projets', 'Projects'), kind: 'int' }
		],
		rows: licences.map((l) => ({ ...l }))
	};
	const publishedTable: TableData = {
		id: 'depots-publies',
		title: L('Dépôts publiés', 'Published repositories'),
		columns: [
			{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'briques', label: L('Briques', 'Bricks'), kind: 'bricks' },
			{ key: 'depot_code_url', label: L('Dépôt', 'Repository'), kind: 'url' },
			{ key: 'licence', label: L('Licence', 'Licence') },
			{ key: 'contributions_amont', label: L('Contributions amont', 'Upstream contributions'), kind: 'int' },
			{ key: 'date_rapport', label: L('Rapport du', 'Report of'), kind: 'date' }
		],
		rows: published
	};
	const followUpTable: TableData = {
		id: 'publications-a-suivre',
		title: L('À relancer : engagés à publier, pas encore publié', 'To follow up: committed to publish, not yet published'),
		columns: [
			{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'briques', label: L('Briques', 'Bricks'), kind: 'bricks' },
			{ key: 'licence_envisagee', label: L('Licence envisagée', 'Intended licence') },
			{ key: 'statut_convention', label: L('Convention', 'Agreement'), kind: 'agr_status' },
			{ key: 'date_fin', label: L('Fin du projet', 'Project end'), kind: 'date' },
			{ key: 'date_dernier_rapport', label: L('Dernier rapport', 'Latest report'), kind: 'date' },
			{ key: 'depot_code_url', label: L('Dépôt déclaré', 'Repository given'), kind: 'url' }
		],
		rows: followUp
	};
	return {
		kpis: kpis.open_source,
		projects: Number(head.projects),
		withoutReport: Number(head.without_report),
		contributions: Number(head.contributions),
		contributing: Number(head.contributing),
		followUpCount: Number(followUpTotal?.n ?? 0),
		hiddenFollowUp: Number(followUpTotal?.n ?? 0) - followUp.length,
		tables: { commitments, licences: licenceTable, published: publishedTable, followUp: followUpTable }
	};
}

export type OpenSourceData = Awaited<ReturnType<typeof openSourceData>>;

export function openSourceCharts(d: OpenSourceData, lang: Lang) {
	return {
		commitments: chart(
			(width) =>
				barsSpec(
					d.tables.commitments.rows.map((r) => ({ label: String(r.figure), values: { n: Number(r.projects) } })),
					{ lang, width, series: [{ id: 'n', label: t(lang, 'Projets financés', 'Funded projects'), color: COLORS.primary }] }
				),
			t(lang, 'Engagements open source et publications', 'Open-source commitments and publications')
		),
		licences: chart(
			(width) =>
				barsSpec(
					d.tables.licences.rows.map((r) => ({ label: String(r.licence), values: { n: Number(r.projects) } })),
					{ lang, width, series: [{ id: 'n', label: t(lang, 'Projets', 'Projects'), color: COLORS.accent }] }
				),
			t(lang, 'Licences des dépôts publiés', 'Licences of the published repositories')
		)
	};
}
