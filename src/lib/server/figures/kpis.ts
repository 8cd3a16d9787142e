/**
 * The headline figures in the shape of exports.md §6. Aggregates are computed here, once,
 * in SQL over the views of `views.ts`; every consumer (CLI, API, pages, report, open data)
 * calls `computeKpis`. A filter narrows the applications; agreements then follow their
 * application (unfiltered, every agreement counts, orphans included, as §5 says).
 */
import type { Database } from '../db/database';
import { BRICK_IDS } from '../../domain/bricks';
import { APPLICATION_STATUSES, DNSH_OBJECTIVES, DNSH_SCORES, ENVELOPE_EUR } from '../../domain/programme';
import { applicationPredicate, isEmptyFilter, type FigureFilter } from './filters';
import { memoized } from './memo';

export interface RuleFlag {
	rule: string;
	dossier?: string;
	convention?: string;
}

export interface Kpis {
	envelope_eur: number;
	applications: { total: number; by_releve: Record<'1' | '2', number>; by_statut: Record<string, number> };
	funding: { requested_eur: number; committed_eur: number; paid_eur: number; remaining_eur: number; funded_projects: number };
	bricks: Record<string, { applications: number; funded: number }>;
	jobs: { forecast: number; created: number };
	revenue: { forecast_eur: number; generated_eur: number };
	open_source: { background: number; foreground_committed: number; published: number };
	dnsh: Record<string, Record<string, number>> & { flagged_applications: number };
	rule_flags: RuleFlag[];
}

/** CTEs `app`, `agr` and `fp` (funded projects) narrowed by a filter. */
export function scopedCtes(filter?: FigureFilter): string {
	const agreementScope = isEmptyFilter(filter) ? 'true' : 'numero_dossier IN (SELECT numero_dossier FROM app)';
	return `app AS (SELECT * FROM applications WHERE ${applicationPredicate(filter)}),
		agr AS (SELECT * FROM agreements WHERE ${agreementScope}),
		fp AS (SELECT * FROM funded_projects WHERE ${agreementScope})`;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function computeKpis(db: Database, filter?: FigureFilter): Promise<Kpis> {
	return (await computeFigures(db, scopedCtes(filter))).kpis;
}

/** The money and decimal figures of `Kpis` exactly, as the database's decimal strings. */
export interface ExactFigures {
	requested_eur: string;
	committed_eur: string;
	paid_eur: string;
	remaining_eur: string;
	jobs_created: string;
	revenue_forecast_eur: string;
	revenue_generated_eur: string;
}

/**
 * The headline figures over any CTEs `app`, `agr` and `fp` shaped like `applications`,
 * `agreements` and `funded_projects`: `scopedCtes` (a filter) or `asOfCtes` (a day, for the
 * Bpifrance report, ./period.ts). R17 is programme-wide (`programme_totals`) unless
 * `r17: 'scoped'` asks for it over `agr`.
 */
export function computeFigures(
	db: Database,
	ctes: string,
	options: { r17?: 'programme' | 'scoped' } = {}
): Promise<{ kpis: Kpis; exact: ExactFigures }> {
	// A function of the data and of the CTEs' text alone: kept until the next write (memo.ts).
	return memoized(db, `figures\u0000${options.r17 ?? 'programme'}\u0000${ctes}`, () => figuresNow(db, ctes, options));
}

async function figuresNow(db: Database, ctes: string, options: { r17?: 'programme' | 'scoped' }): Promise<{ kpis: Kpis; exact: ExactFigures }> {
	const dnshCols = DNSH_OBJECTIVES.map(
		(o) => `[${DNSH_SCORES.map((s) => `count(*) FILTER (WHERE dnsh_${o} = ${s})`).join(', ')}]::INTEGER[] AS ${o}`
	);
	// Independent reads: run side by side on the reader connections.
	const headQuery = db.all<Record<string, unknown>>(`WITH ${ctes}
		SELECT
			(SELECT count(*) FROM app)::INTEGER AS total,
			(SELECT count(*) FROM app WHERE releve = 1)::INTEGER AS r1,
			(SELECT count(*) FROM app WHERE releve = 2)::INTEGER AS r2,
			(SELECT coalesce(sum(aide_demandee), 0) FROM app)::VARCHAR AS requested,
			(SELECT coalesce(sum(committed_eur), 0) FROM agr)::VARCHAR AS committed,
			(SELECT coalesce(sum(paid_eur), 0) FROM agr)::VARCHAR AS paid,
			(${ENVELOPE_EUR} - (SELECT coalesce(sum(committed_eur), 0) FROM agr))::VARCHAR AS remaining,
			(SELECT count(*) FROM fp)::INTEGER AS funded_projects,
			(SELECT coalesce(sum(emplois_prevus), 0) FROM fp WHERE has_application)::INTEGER AS jobs_forecast,
			(SELECT coalesce(sum(emplois_crees), 0) FROM fp WHERE has_application)::VARCHAR AS jobs_created,
			(SELECT coalesce(sum(ca_prevu), 0) FROM fp WHERE has_application)::VARCHAR AS revenue_forecast,
			(SELECT coalesce(sum(ca_genere), 0) FROM fp WHERE has_application)::VARCHAR AS revenue_generated,
			(SELECT count(*) FILTER (WHERE background_ouvert) FROM fp WHERE has_application)::INTEGER AS background,
			(SELECT count(*) FILTER (WHERE foreground_ouvert) FROM fp WHERE has_application)::INTEGER AS foreground,
			(SELECT count(*) FILTER (WHERE published) FROM fp WHERE has_application)::INTEGER AS published,
			(SELECT count(*) FROM app WHERE -2 IN (${DNSH_OBJECTIVES.map((o) => `dnsh_${o}`).join(', ')}))::INTEGER AS dnsh_flagged
	`);
	const byStatutQuery = db.all<{ statut: string; n: number }>(
		`WITH ${ctes} SELECT statut, count(*)::INTEGER AS n FROM app GROUP BY statut`
	);
	const bricksQuery = db.all<{ brick: string; applications: number; funded: number }>(`WITH ${ctes},
		a AS (SELECT DISTINCT numero_dossier, unnest(briques) AS brick FROM app),
		f AS (SELECT numero_convention, unnest(briques) AS brick FROM fp WHERE has_application)
		SELECT brick, (SELECT count(*) FROM a WHERE a.brick = b.brick)::INTEGER AS applications,
			(SELECT count(DISTINCT numero_convention) FROM f WHERE f.brick = b.brick)::INTEGER AS funded
		FROM (SELECT brick FROM a UNION SELECT brick FROM f) b ORDER BY brick`);
	const dnshQuery = db.all<Record<string, number[]>>(`WITH ${ctes} SELECT ${dnshCols.join(', ')} FROM app`);
	const appFlagsQuery = db.all<{ rule: string; dossier: string }>(`WITH ${ctes}
		SELECT rule, numero_dossier AS dossier FROM application_flags
		WHERE numero_dossier IN (SELECT numero_dossier FROM app)
		ORDER BY CAST(substr(rule, 2) AS INTEGER), numero_dossier`);
	const agrFlagsQuery = db.all<{ rule: string; dossier: string; convention: string }>(`WITH ${ctes}
		SELECT rule, numero_dossier AS dossier, numero_convention AS convention FROM agreement_flags
		WHERE numero_convention IN (SELECT numero_convention FROM agr)
		ORDER BY CAST(substr(rule, 2) AS INTEGER), numero_convention`);
	const totalsQuery = db.one<{ over: boolean }>(
		options.r17 === 'scoped'
			? `WITH ${ctes} SELECT coalesce(sum(committed_eur), 0) > ${ENVELOPE_EUR} AS over FROM agr`
			: `SELECT committed_eur > envelope_eur AS over FROM programme_totals`
	);

	const [[head], byStatut, bricks, [dnsh], appFlags, agrFlags, totals] = await Promise.all([
		headQuery,
		byStatutQuery,
		bricksQuery,
		dnshQuery,
		appFlagsQuery,
		agrFlagsQuery,
		totalsQuery
	]);

	const h = head ?? {};
	const byStatutRecord: Record<string, number> = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0]));
	for (const r of byStatut) byStatutRecord[r.statut] = num(r.n);
	const bricksRecord: Record<string, { applications: number; funded: number }> = Object.fromEntries(
		BRICK_IDS.map((b) => [b, { applications: 0, funded: 0 }])
	);
	for (const b of bricks) bricksRecord[b.brick] = { applications: num(b.applications), funded: num(b.funded) };
	const dnshRecord = Object.fromEntries(
		DNSH_OBJECTIVES.map((o) => {
			const counts = (dnsh?.[o] ?? [0, 0, 0, 0, 0]).map(num);
			return [o, { '-2': counts[0]!, '-1': counts[1]!, '0': counts[2]!, '1': counts[3]!, '2': counts[4]! }];
		})
	) as unknown as Kpis['dnsh'];
	dnshRecord.flagged_applications = num(h.dnsh_flagged);

	const str = (v: unknown) => (v === null || v === undefined ? '0' : String(v));
	const exact: ExactFigures = {
		requested_eur: str(h.requested),
		committed_eur: str(h.committed),
		paid_eur: str(h.paid),
		remaining_eur: str(h.remaining),
		jobs_created: str(h.jobs_created),
		revenue_forecast_eur: str(h.revenue_forecast),
		revenue_generated_eur: str(h.revenue_generated)
	};
	const kpis: Kpis = {
		envelope_eur: ENVELOPE_EUR,
		applications: { total: num(h.total), by_releve: { '1': num(h.r1), '2': num(h.r2) }, by_statut: byStatutRecord },
		funding: {
			requested_eur: num(h.requested),
			committed_eur: num(h.committed),
			paid_eur: num(h.paid),
			remaining_eur: num(h.remaining),
			funded_projects: num(h.funded_projects)
		},
		bricks: bricksRecord,
		jobs: { forecast: num(h.jobs_forecast), created: num(h.jobs_created) },
		revenue: { forecast_eur: num(h.revenue_forecast), generated_eur: num(h.revenue_generated) },
		open_source: { background: num(h.background), foreground_committed: num(h.foreground), published: num(h.published) },
		dnsh: dnshRecord,
		rule_flags: [
			...appFlags.map((f) => ({ rule: f.rule, dossier: f.dossier })),
			...agrFlags.map((f) => ({ rule: f.rule, dossier: f.dossier, convention: f.convention })),
			...(totals?.over ? [{ rule: 'R17' }] : [])
		].sort((a, b) => Number(a.rule.slice(1)) - Number(b.rule.slice(1)))
	};
	return { kpis, exact };
}
