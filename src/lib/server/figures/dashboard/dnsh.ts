/**
 * DNSH: the six objectives × five scores matrix (exactly `kpis.dnsh`), the applications
 * flagged by R12 (at least one −2) and the applicants' justifications. Justifications are
 * confidential (exports.md §2): only admins and auditors read them.
 */
import { matrixSpec } from '../../../charts/matrix';
import { DNSH_OBJECTIVES, DNSH_OBJECTIVE_LABELS, DNSH_SCORES } from '../../../domain/programme';
import { t, type Lang } from '../../../i18n';
import type { TableData, TableRow } from '../../../table';
import { computeKpis } from '../kpis';
import { ctes, detailPredicate, type DashboardContext } from './context';
import { chart } from './render';

const L = (fr: string, en: string) => ({ fr, en });
export const SCORE_LABELS: Record<string, { fr: string; en: string }> = {
	'-2': L('−2 très défavorable', '−2 very unfavourable'),
	'-1': L('−1 défavorable', '−1 unfavourable'),
	'0': L('0 neutre', '0 neutral'),
	'1': L('+1 favorable', '+1 favourable'),
	'2': L('+2 très favorable', '+2 very favourable')
};

export async function dnshData(ctx: DashboardContext) {
	const kpis = await computeKpis(ctx.db, ctx.scoped);
	const w = `WITH ${ctes(ctx)}`;
	const objectiveCols = DNSH_OBJECTIVES.map((o) => `a.dnsh_${o}`).join(', ');
	const flagged = await ctx.db.all<TableRow>(`${w}
		SELECT a.numero_dossier, a.raison_sociale, a.statut, a.releve::VARCHAR AS releve,
			list_filter([${DNSH_OBJECTIVES.map((o) => `CASE WHEN a.dnsh_${o} = -2 THEN '${o}' END`).join(', ')}], x -> x IS NOT NULL) AS objectives,
			${ctx.seesAll ? 'a.dnsh_solution_reference, a.dnsh_justification' : 'NULL AS dnsh_solution_reference, NULL AS dnsh_justification'}
		FROM app a WHERE -2 IN (${objectiveCols}) AND ${detailPredicate(ctx, 'a')}
		ORDER BY a.releve, a.numero_dossier`);
	const justifications = ctx.seesAll
		? await ctx.db.all<TableRow>(`${w}
			SELECT a.numero_dossier, a.raison_sociale, a.statut, ${DNSH_OBJECTIVES.map((o) => `a.dnsh_${o}::INTEGER AS ${o}`).join(', ')},
				a.dnsh_solution_reference, a.dnsh_justification
			FROM app a WHERE a.dnsh_justification IS NOT NULL OR a.dnsh_solution_reference IS NOT NULL
			ORDER BY (-2 IN (${objectiveCols})) DESC, a.numero_dossier`)
		: [];
	const labelObjective = (o: string) => DNSH_OBJECTIVE_LABELS[o as keyof typeof DNSH_OBJECTIVE_LABELS]?.[ctx.lang] ?? o;
	const matrix: TableData = {
		id: 'dnsh-objectifs-notes',
		title: L('Auto-évaluation DNSH : candidatures par objectif et par note', 'DNSH self-assessment: applications by objective and score'),
		columns: [
			{ key: 'objective', label: L('Objectif', 'Objective') },
			...DNSH_SCORES.map((s) => ({ key: `s${s}`, label: SCORE_LABELS[String(s)]!, kind: 'int' as const }))
		],
		rows: DNSH_OBJECTIVES.map((o) => ({
			objective: labelObjective(o),
			...Object.fromEntries(DNSH_SCORES.map((s) => [`s${s}`, kpis.dnsh[o]?.[String(s)] ?? 0]))
		}))
	};
	const flaggedTable: TableData = {
		id: 'dnsh-candidatures-signalees',
		title: L('Candidatures signalées (au moins un objectif à −2)', 'Flagged applications (at least one objective at −2)'),
		columns: [
			{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'statut', label: L('Statut', 'Status'), kind: 'app_status' },
			{ key: 'objectives_label', label: L('Objectifs à −2', 'Objectives at −2') },
			...(ctx.seesAll
				? [
						{ key: 'dnsh_solution_reference', label: L('Solution de référence', 'Reference solution') },
						{ key: 'dnsh_justification', label: L('Justification', 'Justification') }
					]
				: [])
		],
		rows: flagged.map((r) => ({ ...r, objectives_label: ((r.objectives as string[] | null) ?? []).map(labelObjective).join(', ') }))
	};
	const justificationTable: TableData = {
		id: 'dnsh-justifications',
		title: L('Justifications DNSH de toutes les candidatures', 'DNSH justifications of every application'),
		columns: [
			{ key: 'numero_dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{numero_dossier}', nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'statut', label: L('Statut', 'Status'), kind: 'app_status' },
			...DNSH_OBJECTIVES.map((o) => ({ key: o, label: L(DNSH_OBJECTIVE_LABELS[o].fr, DNSH_OBJECTIVE_LABELS[o].en), kind: 'int' as const })),
			{ key: 'dnsh_solution_reference', label: L('Solution de référence', 'Reference solution') },
			{ key: 'dnsh_justification', label: L('Justification', 'Justification') }
		],
		rows: justifications
	};
	return {
		applications: kpis.applications.total,
		flaggedCount: kpis.dnsh.flagged_applications,
		hiddenFlagged: kpis.dnsh.flagged_applications - flagged.length,
		tables: { matrix, flagged: flaggedTable, ...(ctx.seesAll ? { justifications: justificationTable } : {}) } as {
			matrix: TableData;
			flagged: TableData;
			justifications?: TableData;
		}
	};
}

export type DnshData = Awaited<ReturnType<typeof dnshData>>;

export function dnshCharts(d: DnshData, lang: Lang) {
	const xDomain = DNSH_SCORES.map((s) => (s > 0 ? `+${s}` : s < 0 ? `−${-s}` : '0'));
	const yDomain = DNSH_OBJECTIVES.map((o) => DNSH_OBJECTIVE_LABELS[o][lang]);
	const cells = d.tables.matrix.rows.flatMap((r) =>
		DNSH_SCORES.map((s, i) => ({ x: xDomain[i]!, y: String(r.objective), value: Number(r[`s${s}`] ?? 0) }))
	);
	return {
		matrix: chart(
			(width) =>
				matrixSpec(cells, {
					lang,
					xDomain,
					yDomain: width < 500 ? yDomain.map((y) => y.replace('du changement climatique', 'climat').replace('Ressources aquatiques et marines', 'Eau et mer').replace('Biodiversité et écosystèmes', 'Biodiversité').replace('Prévention de la pollution', 'Pollution').replace('Climate change ', '').replace('Water and marine resources', 'Water').replace('Biodiversity and ecosystems', 'Biodiversity')) : yDomain,
					xLabel: t(lang, 'Note (−2 très défavorable … +2 très favorable)', 'Score (−2 very unfavourable … +2 very favourable)'),
					width
				}),
			t(lang, 'Auto-évaluation DNSH : candidatures par objectif et par note', 'DNSH self-assessment: applications by objective and score'),
			t(lang, `${d.flaggedCount} candidature(s) avec au moins un objectif à −2`, `${d.flaggedCount} application(s) with at least one objective at −2`)
		)
	};
}
