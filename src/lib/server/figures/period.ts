/**
 * The figures of a period, for the Bpifrance report (issue 7). Two kinds of figure:
 *
 * - **stocks at the end of the period** ("au 31/12/2026"): the same definitions as every
 *   other page (views.ts), over what had happened by the end day: applications filed by
 *   then, agreements signed by then, payments dated by then, reports dated by then. What
 *   the exports do not date (an application's or an agreement's status) is the current one.
 * - **flows within the period**: applications filed, agreements signed, payments made and
 *   reports received between the first and the last day (both included). A payment flow is
 *   the difference of two stocks (paid by the end day − paid by the eve of the first day),
 *   so that a flow can never disagree with the stocks it links.
 *
 * `asOfCtes(day)` gives the CTEs `app`, `agr`, `fp`, `app_bricks`, `app_flags`, `agr_flags` (and `rep`, `lrep`) of kpis.ts's
 * `scopedCtes`, so `computeFigures(db, asOfCtes(day), { r17: 'scoped' })` is the headline
 * figures as of that day; when the day is on or after every date in the data, they are
 * exactly `computeKpis(db)`.
 */
import type { Database } from '../db/database';
import { derivedCtes } from './kpis';
import { agreementsSelect, fundedProjectsSelect, latestReportsSelect, sqlDate } from './views';

export interface Period {
	/** First day, `YYYY-MM-DD`, included. */
	start: string;
	/** Last day, `YYYY-MM-DD`, included. */
	end: string;
}

/** The day before `YYYY-MM-DD`. */
export function dayBefore(day: string): string {
	sqlDate(day);
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().slice(0, 10);
}

/**
 * CTEs over the data as it stood at the end of `day`: `app` (applications filed by then),
 * `rep` and `lrep` (reports dated by then, and each project's latest of them), `agr`
 * (agreements signed by then, with the payments dated by then), `fp` (funded projects).
 * `prefix` renames them (`s_app`, …) so that two days can sit in one query.
 */
export function asOfCtes(day: string, prefix = ''): string {
	const d = sqlDate(day);
	const n = (name: string) => `${prefix}${name}`;
	return `${n('app')} AS (SELECT * FROM applications WHERE date_depot < ${d} + INTERVAL 1 DAY),
		${n('rep')} AS (SELECT * FROM reports WHERE date_rapport <= ${d}),
		${n('lrep')} AS (${latestReportsSelect(n('rep'))}),
		${n('agr')} AS (${agreementsSelect({ asOf: day, applications: n('app') })}),
		${n('fp')} AS (${fundedProjectsSelect({ agreements: n('agr'), applications: n('app'), latestReports: n('lrep') })}),
		${derivedCtes(false, prefix)}`;
}

/** CTEs for a period: the stocks at its end (`app`, `agr`, `fp`, …) and on the eve of its start (`s_app`, `s_agr`, …). */
export function periodCtes(p: Period): string {
	return `${asOfCtes(p.end)},\n${asOfCtes(dayBefore(p.start), 's_')}`;
}

export interface PeriodFlows {
	applications: { total: number; r1: number; r2: number; requested_eur: string };
	agreements: { signed: number; granted_eur: string };
	payments: { advances: number; advance_eur: string; balances: number; balance_eur: string; paid_eur: string };
	reports: { intermediaire: number; final: number };
}

/** What happened within the period (both days included). */
export async function periodFlows(db: Database, p: Period): Promise<PeriodFlows> {
	if (p.start > p.end) throw new Error(`Empty period: ${p.start} > ${p.end}`);
	const row = await db.one<Record<string, string | number>>(`WITH ${periodCtes(p)},
		filed AS (SELECT * FROM app WHERE numero_dossier NOT IN (SELECT numero_dossier FROM s_app)),
		signed AS (SELECT * FROM agr WHERE date_signature BETWEEN ${sqlDate(p.start)} AND ${sqlDate(p.end)}),
		pay AS (
			SELECT e.numero_convention,
				e.advance_paid_eur - coalesce(s.advance_paid_eur, 0) AS advance_eur,
				e.balance_paid_eur - coalesce(s.balance_paid_eur, 0) AS balance_eur
			FROM agr e LEFT JOIN s_agr s USING (numero_convention))
		SELECT
			(SELECT count(*) FROM filed)::INTEGER AS filed,
			(SELECT count(*) FROM filed WHERE releve = 1)::INTEGER AS filed_r1,
			(SELECT count(*) FROM filed WHERE releve = 2)::INTEGER AS filed_r2,
			(SELECT coalesce(sum(aide_demandee), 0) FROM filed)::VARCHAR AS requested,
			(SELECT count(*) FROM signed)::INTEGER AS signed,
			(SELECT coalesce(sum(montant_aide), 0) FROM signed)::VARCHAR AS granted,
			(SELECT count(*) FILTER (WHERE advance_eur <> 0) FROM pay)::INTEGER AS advances,
			(SELECT coalesce(sum(advance_eur), 0) FROM pay)::VARCHAR AS advance_eur,
			(SELECT count(*) FILTER (WHERE balance_eur <> 0) FROM pay)::INTEGER AS balances,
			(SELECT coalesce(sum(balance_eur), 0) FROM pay)::VARCHAR AS balance_eur,
			((SELECT coalesce(sum(paid_eur), 0) FROM agr) - (SELECT coalesce(sum(paid_eur), 0) FROM s_agr))::VARCHAR AS paid_eur,
			(SELECT count(*) FILTER (WHERE type_rapport = 'intermediaire') FROM rep WHERE date_rapport >= ${sqlDate(p.start)})::INTEGER AS rep_i,
			(SELECT count(*) FILTER (WHERE type_rapport = 'final') FROM rep WHERE date_rapport >= ${sqlDate(p.start)})::INTEGER AS rep_f
	`);
	const r = row ?? {};
	const int = (v: unknown) => Number(v ?? 0);
	const dec = (v: unknown) => (v === null || v === undefined ? '0' : String(v));
	return {
		applications: { total: int(r.filed), r1: int(r.filed_r1), r2: int(r.filed_r2), requested_eur: dec(r.requested) },
		agreements: { signed: int(r.signed), granted_eur: dec(r.granted) },
		payments: {
			advances: int(r.advances),
			advance_eur: dec(r.advance_eur),
			balances: int(r.balances),
			balance_eur: dec(r.balance_eur),
			paid_eur: dec(r.paid_eur)
		},
		reports: { intermediaire: int(r.rep_i), final: int(r.rep_f) }
	};
}
