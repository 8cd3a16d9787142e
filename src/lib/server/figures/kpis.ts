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
import { applicationBricksSelect, reconciliationSelect } from './views';

export interface RuleFlag {
	rule: string;
	dossier?: string;
	convention?: string;
}

export interface Kpis {
	envelope_eur: number;
	applications: { total: number; by_releve: Record<'1' | '2', number>; by_statut: Record<string, number> };
	funding: {
		requested_eur: number;
		committed_eur: number;
		paid_eur: number;
		remaining_eur: number;
		/** What closed (soldee) agreements paid below their grant gave back to the envelope. */
		released_eur: number;
		funded_projects: number;
	};
	bricks: Record<string, { applications: number; funded: number }>;
	jobs: { forecast: number; created: number };
	revenue: { forecast_eur: number; generated_eur: number };
	open_source: { background: number; foreground_committed: number; published: number };
	dnsh: Record<string, Record<string, number>> & { flagged_applications: number };
	rule_flags: RuleFlag[];
}

/**
 * CTEs `app`, `agr` and `fp` (funded projects) narrowed by a filter, with the bricks of those
 * applications (`app_bricks`) and the rule flags of those applications and agreements
 * (`app_flags`, `agr_flags`).
 */
export function scopedCtes(filter?: FigureFilter): string {
	const all = isEmptyFilter(filter);
	const agreementScope = all ? 'true' : 'numero_dossier IN (SELECT numero_dossier FROM app)';
	return `app AS (SELECT * FROM applications WHERE ${applicationPredicate(filter)}),
		agr AS (SELECT * FROM agreements WHERE ${agreementScope}),
		fp AS (SELECT * FROM funded_projects WHERE ${agreementScope}),
		${derivedCtes(all)}`;
}

/**
 * `app_bricks`, `app_flags` and `agr_flags`: the bricks (a row each) and the rule flags of the
 * applications in `app`, the rule flags of the agreements in `agr`; when `all` says they are
 * every one, read from the tables kept for them (views.ts, DERIVED). `prefix` renames all five,
 * as in period.ts.
 */
export function derivedCtes(all = false, prefix = ''): string {
	return `${prefix}app_bricks AS (${all ? 'SELECT * FROM application_bricks' : applicationBricksSelect(`${prefix}app`)}),
		${prefix}app_flags AS (SELECT * FROM application_flags${all ? '' : ` WHERE numero_dossier IN (SELECT numero_dossier FROM ${prefix}app)`}),
		${prefix}agr_flags AS (SELECT * FROM agreement_flags${all ? '' : ` WHERE numero_convention IN (SELECT numero_convention FROM ${prefix}agr)`})`;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function computeKpis(db: Database, filter?: FigureFilter): Promise<Kpis> {
	return (await (isEmptyFilter(filter) ? programmeFigures(db) : computeFigures(db, scopedCtes(filter)))).kpis;
}

/** The figures of the whole programme (`computeKpis(db)`), with their exact decimals. */
export function programmeFigures(db: Database): Promise<{ kpis: Kpis; exact: ExactFigures }> {
	// `agr` is every agreement: R17 over it is the programme's.
	return computeFigures(db, scopedCtes(), { r17: 'scoped' });
}

/** The money and decimal figures of `Kpis` exactly, as the database's decimal strings. */
export interface ExactFigures {
	requested_eur: string;
	committed_eur: string;
	paid_eur: string;
	/** Committed minus paid: what the live agreements still have to pay. */
	to_pay_eur: string;
	remaining_eur: string;
	/** Σ (grant − paid) over closed agreements paid less than their grant. */
	released_eur: string;
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
	// Independent reads: run side by side on the reader connections.
	// One pass over each of `app`, `agr` and `fp`.
	const headQuery = db.all<Record<string, unknown>>(`WITH ${ctes}
		SELECT * FROM
			(SELECT count(*)::INTEGER AS total,
				count(*) FILTER (WHERE releve = 1)::INTEGER AS r1,
				count(*) FILTER (WHERE releve = 2)::INTEGER AS r2,
				coalesce(sum(aide_demandee), 0)::VARCHAR AS requested,
				count(*) FILTER (WHERE -2 IN (${DNSH_OBJECTIVES.map((o) => `dnsh_${o}`).join(', ')}))::INTEGER AS dnsh_flagged
			FROM app),
			(SELECT coalesce(sum(committed_eur), 0)::VARCHAR AS committed,
				coalesce(sum(paid_eur), 0)::VARCHAR AS paid,
				coalesce(sum(to_pay_eur), 0)::VARCHAR AS to_pay,
				(${ENVELOPE_EUR} - coalesce(sum(committed_eur), 0))::VARCHAR AS remaining,
				coalesce(sum(released_eur), 0)::VARCHAR AS released,
				coalesce(sum(committed_eur), 0) > ${ENVELOPE_EUR} AS over_envelope
			FROM agr),
			(SELECT count(*)::INTEGER AS funded_projects,
				coalesce(sum(emplois_prevus) FILTER (WHERE has_application), 0)::INTEGER AS jobs_forecast,
				coalesce(sum(emplois_crees) FILTER (WHERE has_application), 0)::VARCHAR AS jobs_created,
				coalesce(sum(ca_prevu) FILTER (WHERE has_application), 0)::VARCHAR AS revenue_forecast,
				coalesce(sum(ca_genere) FILTER (WHERE has_application), 0)::VARCHAR AS revenue_generated,
				count(*) FILTER (WHERE has_application AND background_ouvert)::INTEGER AS background,
				count(*) FILTER (WHERE has_application AND foreground_ouvert)::INTEGER AS foreground,
				count(*) FILTER (WHERE has_application AND published)::INTEGER AS published
			FROM fp)
	`);
	const byStatutQuery = db.all<{ statut: string; n: number }>(
		`WITH ${ctes} SELECT statut, count(*)::INTEGER AS n FROM app GROUP BY statut`
	);
	// An application's list names each brick once (the import removes repeats) and an agreement
	// is one row of `fp` (its number is the agreements' key): rows are counted, not distinct values.
	const bricksQuery = db.all<{ brick: string; applications: number; funded: number }>(`WITH ${ctes},
		a AS (SELECT brick, count(*) AS n FROM app_bricks GROUP BY brick),
		f AS (SELECT brick, count(*) AS n FROM (SELECT unnest(briques) AS brick FROM fp WHERE has_application) GROUP BY brick)
		SELECT brick, coalesce(a.n, 0)::INTEGER AS applications, coalesce(f.n, 0)::INTEGER AS funded
		FROM a FULL JOIN f USING (brick) ORDER BY brick`);
	const dnshQuery = db.all<{ objective: string; score: number; n: number }>(`WITH ${ctes}
		SELECT CASE ${DNSH_OBJECTIVES.map((o) => `WHEN grouping(dnsh_${o}) = 0 THEN '${o}'`).join(' ')} END AS objective,
			coalesce(${DNSH_OBJECTIVES.map((o) => `dnsh_${o}`).join(', ')})::INTEGER AS score, count(*)::INTEGER AS n
		FROM app GROUP BY GROUPING SETS (${DNSH_OBJECTIVES.map((o) => `(dnsh_${o})`).join(', ')})`);
	// The flags as one JSON value each (thousands of rows are read faster so).
	const appFlagsQuery = db.one<{ flags: string | null }>(`WITH ${ctes}
		SELECT to_json(list({rule: rule, dossier: numero_dossier} ORDER BY CAST(substr(rule, 2) AS INTEGER), numero_dossier))::VARCHAR AS flags
		FROM app_flags`);
	const agrFlagsQuery = db.one<{ flags: string | null }>(`WITH ${ctes}
		SELECT to_json(list({rule: rule, dossier: numero_dossier, convention: numero_convention} ORDER BY CAST(substr(rule, 2) AS INTEGER), numero_convention))::VARCHAR AS flags
		FROM agr_flags`);
	// R17: over `agr` (the head query's `over_envelope`), or over every agreement.
	const totalsQuery =
		options.r17 === 'scoped' ? Promise.resolve(undefined) : db.one<{ over: boolean }>(`SELECT committed_eur > envelope_eur AS over FROM programme_totals`);

	const [[head], byStatut, bricks, dnsh, appFlags, agrFlags, totals] = await Promise.all([
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
		DNSH_OBJECTIVES.map((o) => [o, Object.fromEntries(DNSH_SCORES.map((score) => [String(score), 0]))])
	) as unknown as Kpis['dnsh'];
	for (const d of dnsh) {
		const counts = dnshRecord[d.objective] as Record<string, number> | undefined;
		if (counts && String(d.score) in counts) counts[String(d.score)] = num(d.n);
	}
	dnshRecord.flagged_applications = num(h.dnsh_flagged);

	const str = (v: unknown) => (v === null || v === undefined ? '0' : String(v));
	const exact: ExactFigures = {
		requested_eur: str(h.requested),
		committed_eur: str(h.committed),
		paid_eur: str(h.paid),
		to_pay_eur: str(h.to_pay),
		remaining_eur: str(h.remaining),
		released_eur: str(h.released),
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
			released_eur: num(h.released),
			funded_projects: num(h.funded_projects)
		},
		bricks: bricksRecord,
		jobs: { forecast: num(h.jobs_forecast), created: num(h.jobs_created) },
		revenue: { forecast_eur: num(h.revenue_forecast), generated_eur: num(h.revenue_generated) },
		open_source: { background: num(h.background), foreground_committed: num(h.foreground), published: num(h.published) },
		dnsh: dnshRecord,
		rule_flags: [
			...(JSON.parse(appFlags?.flags ?? '[]') as RuleFlag[]),
			...(JSON.parse(agrFlags?.flags ?? '[]') as RuleFlag[]),
			...((options.r17 === 'scoped' ? h.over_envelope : totals?.over) ? [{ rule: 'R17' }] : [])
		].sort((a, b) => Number(a.rule.slice(1)) - Number(b.rule.slice(1)))
	};
	return { kpis, exact };
}

/**
 * The parts behind the funding figures, for the one-line reconciliations the pages write next
 * to a narrower scope (docs/DATA.md): counts, and amounts as exact decimal strings. Over every
 * agreement, or over `agr` and `app` CTEs (a filter, a day).
 */
export interface FundingReconciliation {
	funded: number;
	funded_listed: number;
	funded_orphan: number;
	funded_unlisted: number;
	terminated: number;
	terminated_listed: number;
	closed: number;
	closed_below_grant: number;
	granted_eur: string;
	committed_eur: string;
	released_eur: string;
	terminated_unpaid_eur: string;
	closed_overpaid_eur: string;
	paid_eur: string;
	paid_listed_eur: string;
	paid_terminated_eur: string;
	paid_terminated_listed_eur: string;
	paid_orphan_eur: string;
	paid_unlisted_eur: string;
	/** Paid to agreements neither listed nor live orphans: live with a non-lauréat application, or terminated and not listed. */
	paid_other_unlisted_eur: string;
	committed_listed_eur: string;
	committed_unlisted_eur: string;
}

export function fundingReconciliation(db: Database, ctes?: string): Promise<FundingReconciliation> {
	const sql = ctes ? `WITH ${ctes} SELECT * FROM (${reconciliationSelect('agr', 'app')})` : reconciliationSelect();
	return memoized(db, `reconciliation\u0000${sql}`, async () => {
		const row = (await db.one<Record<string, string | number>>(sql)) ?? {};
		const out: Record<string, string | number> = {};
		for (const [k, v] of Object.entries(row)) out[k] = k.endsWith('_eur') ? String(v ?? '0') : Number(v ?? 0);
		return out as unknown as FundingReconciliation;
	});
}
