/**
 * Impact: jobs and revenue of funded projects — forecast at application, updated forecast,
 * achieved in the latest report — per project and in total. Totals are the figures of
 * computeKpis (jobs.forecast/created, revenue.forecast_eur/generated_eur) over the same
 * funded projects (those whose application is in the snapshot).
 *
 * Updated revenue forecast (not a §5 figure; defined here, once): per project, the
 * `ca_prevu_3_ans` of its latest report when given, else its forecast at application.
 * Jobs have no updated forecast in the exports.
 */
import { barsSpec } from '../../../charts/bars';
import { COLORS } from '../../../charts/theme';
import { t, type Lang } from '../../../i18n';
import type { TableData, TableRow } from '../../../table';
import { ctes, detailPredicate, type DashboardContext } from './context';
import { chart } from './render';

const L = (fr: string, en: string) => ({ fr, en });

export async function impactData(ctx: DashboardContext) {
	const w = `WITH ${ctes(ctx)}`;
	const totals = (await ctx.db.one<Record<string, string | number>>(`${w}
		SELECT count(*)::INTEGER AS projects,
			count(*) FILTER (WHERE date_dernier_rapport IS NULL)::INTEGER AS without_report,
			count(*) FILTER (WHERE ca_prevu_3_ans IS NOT NULL)::INTEGER AS with_update,
			coalesce(sum(emplois_prevus), 0)::INTEGER AS jobs_forecast,
			coalesce(sum(emplois_crees), 0)::VARCHAR AS jobs_created,
			coalesce(sum(ca_prevu), 0)::VARCHAR AS revenue_forecast,
			coalesce(sum(coalesce(ca_prevu_3_ans, ca_prevu)), 0)::VARCHAR AS revenue_updated,
			coalesce(sum(ca_genere), 0)::VARCHAR AS revenue_generated
		FROM fp WHERE has_application`))!;
	const rows = await ctx.db.all<TableRow>(`${w}
		SELECT f.numero_dossier, ap.raison_sociale, ap.releve::VARCHAR AS releve, ap.briques,
			f.emplois_prevus::INTEGER AS jobs_forecast, f.emplois_crees::VARCHAR AS jobs_created,
			f.ca_prevu::VARCHAR AS revenue_forecast, coalesce(f.ca_prevu_3_ans, f.ca_prevu)::VARCHAR AS revenue_updated,
			f.ca_genere::VARCHAR AS revenue_generated,
			strftime(f.date_dernier_rapport, '%Y-%m-%d') AS date_dernier_rapport, f.type_dernier_rapport
		FROM fp f JOIN applications ap USING (numero_dossier)
		WHERE f.has_application AND ${detailPredicate(ctx, 'ap')}
		ORDER BY ap.releve, f.numero_dossier`);
	const projects: TableData = {
		id: 'impact-par-projet',
		title: L('Emplois et chiffre d’affaires par projet', 'Jobs and revenue by project'),
		columns: [
			{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'jobs_forecast', label: L('Emplois prévus', 'Jobs forecast'), kind: 'int', hint: L('candidature, à 3 ans', 'application, 3 years') },
			{ key: 'jobs_created', label: L('Emplois créés', 'Jobs created'), kind: 'dec', hint: L('dernier rapport (ETP)', 'latest report (FTE)') },
			{ key: 'revenue_forecast', label: L('CA prévu', 'Revenue forecast'), kind: 'eur', hint: L('candidature, à 3 ans', 'application, 3 years') },
			{ key: 'revenue_updated', label: L('CA prévu actualisé', 'Updated forecast'), kind: 'eur', hint: L('dernier rapport, sinon candidature', 'latest report, else application') },
			{ key: 'revenue_generated', label: L('CA généré', 'Revenue generated'), kind: 'eur', hint: L('dernier rapport', 'latest report') },
			{ key: 'date_dernier_rapport', label: L('Dernier rapport', 'Latest report'), kind: 'date' },
			{ key: 'type_dernier_rapport', label: L('Type', 'Type'), kind: 'report_type' }
		],
		rows,
		total: ctx.seesAll
			? {
					jobs_forecast: Number(totals.jobs_forecast),
					jobs_created: String(totals.jobs_created),
					revenue_forecast: String(totals.revenue_forecast),
					revenue_updated: String(totals.revenue_updated),
					revenue_generated: String(totals.revenue_generated)
				}
			: undefined
	};
	const summary: TableData = {
		id: 'impact-total',
		title: L('Impact total : prévu, actualisé, réalisé', 'Total impact: forecast, updated, achieved'),
		columns: [
			{ key: 'figure', label: L('Indicateur', 'Figure') },
			{ key: 'forecast', label: L('Prévu (candidature)', 'Forecast (application)'), kind: 'dec' },
			{ key: 'updated', label: L('Prévu actualisé', 'Updated forecast'), kind: 'dec' },
			{ key: 'achieved', label: L('Réalisé (dernier rapport)', 'Achieved (latest report)'), kind: 'dec' }
		],
		rows: [
			{ figure: ctx.lang === 'fr' ? 'Emplois (ETP)' : 'Jobs (FTE)', forecast: Number(totals.jobs_forecast), updated: null, achieved: String(totals.jobs_created) },
			{ figure: ctx.lang === 'fr' ? 'Chiffre d’affaires (€)' : 'Revenue (€)', forecast: String(totals.revenue_forecast), updated: String(totals.revenue_updated), achieved: String(totals.revenue_generated) }
		]
	};
	return {
		totals: {
			projects: Number(totals.projects),
			withoutReport: Number(totals.without_report),
			withUpdate: Number(totals.with_update),
			jobsForecast: Number(totals.jobs_forecast),
			jobsCreated: String(totals.jobs_created),
			revenueForecast: String(totals.revenue_forecast),
			revenueUpdated: String(totals.revenue_updated),
			revenueGenerated: String(totals.revenue_generated)
		},
		hiddenProjects: Number(totals.projects) - rows.length,
		tables: { projects, summary }
	};
}

export type ImpactData = Awaited<ReturnType<typeof impactData>>;

export function impactCharts(d: ImpactData, lang: Lang) {
	const rows = d.tables.projects.rows;
	const jobs = chart(
		(width) =>
			barsSpec(
				rows.map((r) => ({ label: String(r.numero_dossier), values: { forecast: Number(r.jobs_forecast ?? 0), created: Number(r.jobs_created ?? 0) } })),
				{
					lang,
					width,
					format: 'decimal',
					series: [
						{ id: 'forecast', label: t(lang, 'Prévus (candidature)', 'Forecast (application)'), color: COLORS.secondary },
						{ id: 'created', label: t(lang, 'Créés (dernier rapport)', 'Created (latest report)'), color: COLORS.accent }
					]
				}
			),
		t(lang, 'Emplois prévus et créés par projet', 'Jobs forecast and created by project')
	);
	const revenue = chart(
		(width) =>
			barsSpec(
				rows.map((r) => ({
					label: String(r.numero_dossier),
					values: { forecast: Number(r.revenue_forecast ?? 0), updated: Number(r.revenue_updated ?? 0), generated: Number(r.revenue_generated ?? 0) }
				})),
				{
					lang,
					width,
					format: 'eur',
					series: [
						{ id: 'forecast', label: t(lang, 'Prévu (candidature)', 'Forecast (application)'), color: COLORS.secondary },
						{ id: 'updated', label: t(lang, 'Prévu actualisé', 'Updated forecast'), color: COLORS.primary },
						{ id: 'generated', label: t(lang, 'Généré', 'Generated'), color: COLORS.accent }
					]
				}
			),
		t(lang, 'Chiffre d’affaires prévu, actualisé et généré par projet', 'Revenue forecast, updated and generated by project')
	);
	return { jobs, revenue };
}
