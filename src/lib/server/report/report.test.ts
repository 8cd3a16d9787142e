/** The Bpifrance report's model: period semantics, one definition with computeKpis, confidentiality. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brickName } from '../../domain/bricks';
import type { Database } from '../db/database';
import { computeFigures, computeKpis } from '../figures/kpis';
import { asOfCtes, dayBefore, periodFlows } from '../figures/period';
import { buildReport } from './build';
import { allTables, type Cell, type ReportModel, type ReportTable } from './model';
import { defaultPeriod, parseDay, parsePeriod, presets } from './period';
import { AFTER_ALL, H2_2026, reportFixtureDb } from './test-fixtures';

let db: Database;
let h2: ReportModel;
let all: ReportModel;
const NOW = new Date('2026-11-23T10:15:00Z');

beforeAll(async () => {
	db = await reportFixtureDb();
	h2 = await buildReport(db, H2_2026, 'fr', { producedBy: 'admin@test.local', now: NOW });
	all = await buildReport(db, AFTER_ALL, 'fr', { producedBy: 'admin@test.local', now: NOW });
});
afterAll(() => db.close());

const table = (m: ReportModel, id: string): ReportTable => {
	const found = allTables(m).find((t) => t.id === id);
	if (!found) throw new Error(`no table ${id}`);
	return found;
};
/** The cells of the row whose first cell reads `label`. */
const row = (t: ReportTable, label: string): Cell[] => {
	const r = t.rows.find((x) => x[0]?.value === label);
	if (!r) throw new Error(`no row ${label} in ${t.id}`);
	return r;
};
const num = (c: Cell | undefined) => (c === undefined || c.value === null ? null : Number(c.value));

describe('a period covering all the data', () => {
	it('has exactly the headline figures of computeKpis', async () => {
		expect(all.figures.stocks).toEqual(await computeKpis(db));
	});

	it('writes those figures in the summary, the money and the impact tables', async () => {
		const k = await computeKpis(db);
		const s = table(all, 'synthese');
		const at = (label: string) => num(row(s, label)[1]);
		expect(at('Candidatures déposées')).toBe(k.applications.total);
		expect(at('Lauréats')).toBe(k.applications.by_statut.laureat);
		expect(at('Aide demandée')).toBe(k.funding.requested_eur);
		expect(at('Projets financés (conventions non résiliées)')).toBe(k.funding.funded_projects);
		expect(at('Engagé')).toBe(k.funding.committed_eur);
		expect(at('Versé')).toBe(k.funding.paid_eur);
		expect(at('Restant sur l’enveloppe')).toBe(k.funding.remaining_eur);
		expect(at('Emplois prévus (3 ans, projets financés)')).toBe(k.jobs.forecast);
		expect(at('Emplois créés (ETP, derniers rapports)')).toBe(k.jobs.created);
		expect(at('Chiffre d’affaires prévu (3 ans)')).toBe(k.revenue.forecast_eur);
		expect(at('Chiffre d’affaires généré (derniers rapports)')).toBe(k.revenue.generated_eur);
		expect(at('Signalements de règles')).toBe(k.rule_flags.length);

		const perProject = table(all, 'financement-par-projet');
		expect(num(perProject.total![6])).toBe(k.funding.committed_eur);
		expect(num(perProject.total![7])).toBe(k.funding.paid_eur);
		const impact = table(all, 'impact-par-projet');
		expect(num(impact.total![2])).toBe(k.jobs.forecast);
		expect(num(impact.total![3])).toBe(k.jobs.created);
		const bricks = table(all, 'briques');
		expect(bricks.rows).toHaveLength(Object.keys(k.bricks).length);
		for (const [id, b] of Object.entries(k.bricks)) {
			const r = bricks.rows.find((x) => String(x[0]!.value).startsWith(brickName(id)))!;
			expect([num(r[1]), num(r[2])], id).toEqual([b.applications, b.funded]);
		}
		const dnsh = table(all, 'dnsh');
		expect(dnsh.rows.map((r) => r.slice(1).map(num))).toEqual(
			['attenuation', 'adaptation', 'eau', 'economie_circulaire', 'pollution', 'biodiversite'].map((o) => ['-2', '-1', '0', '1', '2'].map((s) => k.dnsh[o]![s]))
		);
		expect(num(dnsh.total![1])).toBe(k.dnsh.flagged_applications);
		const os = table(all, 'open-source');
		expect(os.rows.map((r) => num(r[1]))).toEqual([k.open_source.background, k.open_source.foreground_committed, k.open_source.published]);
		const flags = table(all, 'regles');
		expect(num(flags.total![6])).toBe(k.rule_flags.length);
	});

	it('keeps money exact: decimal strings, sums made in SQL', () => {
		expect(all.figures.exact.committed_eur).toMatch(/^\d+\.\d{2}$/);
		const money = allTables(all).flatMap((t) => [...t.rows, ...(t.total ? [t.total] : [])]).flat().filter((c) => c.type === 'money');
		expect(money.length).toBeGreaterThan(30);
		for (const c of money) if (c.value !== null) expect(typeof c.value).toBe('string');
	});
});

describe('a past period: stocks at its end, flows within it', () => {
	it('counts what was filed, signed, paid and received by the end day (H2 2026)', () => {
		const f = h2.figures;
		expect(f.stocks.applications.total).toBe(10); // HOX-2026-007 is filed in 2027
		expect(f.flows.applications.total).toBe(3);
		expect(f.flows.applications.requested_eur).toBe('245000.00');
		expect(f.stocks.funding.funded_projects).toBe(6);
		// 100000 + 29999.99 (terminated: what was paid) + 100000 + 88000.40 + 95000 + 40000 + 50000
		expect(f.exact.committed_eur).toBe('503000.39');
		// 100000 + 29999.99 + 30000 + 30000.10 + 12000 (the 2027 advance is not counted)
		expect(f.exact.paid_eur).toBe('202000.09');
		expect(f.flows.payments).toEqual({ advances: 3, advance_eur: '72000.10', balances: 1, balance_eur: '70000.00', paid_eur: '142000.10' });
		expect(f.flows.agreements).toEqual({ signed: 3, granted_eur: '223000.40' });
		expect(f.flows.reports).toEqual({ intermediaire: 2, final: 1 });
		// Latest report by the end day: 2.5 (final 2026-08) + 1.5 (interim 2026-10, the 2027 final not yet) + 1
		expect(f.exact.jobs_created).toBe('5.00');
	});

	it('links flows and stocks: paid at the end = paid on the eve + paid within', async () => {
		const before = await computeFigures(db, asOfCtes(dayBefore(H2_2026.start)), { r17: 'scoped' });
		expect(before.exact.paid_eur).toBe('59999.99');
		expect(before.exact.committed_eur).toBe('279999.99');
		expect((Number(before.exact.paid_eur) * 100 + Number(h2.figures.flows.payments.paid_eur) * 100) / 100).toBe(Number(h2.figures.exact.paid_eur));
	});

	it('per project: paid in the period is the difference of the two stocks', () => {
		const t = table(h2, 'financement-par-projet');
		const conv = (id: string) => t.rows.find((r) => r[0]!.value === id)!;
		expect(conv('CONV-2024-001').slice(5).map((c) => c.value)).toEqual(['100000.00', '100000.00', '100000.00', '70000.00', '0.00']);
		expect(conv('CONV-2026-005').slice(5).map((c) => c.value)).toEqual(['95000.00', '95000.00', '0.00', '0.00', '95000.00']);
		expect(t.total!.slice(5).map((c) => c.value)).toEqual(['573000.39', '503000.39', '202000.09', '142000.10', '301000.30']);
	});

	it('refuses an empty period', async () => {
		await expect(periodFlows(db, { start: '2026-12-31', end: '2026-07-01' })).rejects.toThrow(/Empty period/);
	});

	it('refuses a malformed day before it reaches SQL', () => {
		expect(() => asOfCtes("2026-01-01' OR 1=1 --")).toThrow(/Invalid date/);
	});
});

describe('confidentiality', () => {
	const secrets = ['Secret Refusé SARL', 'Projet confidentiel', 'Zeta Tardive', 'Epsilon Pending', 'Theta Futur', 'Hors Délai SA', 'Iota Après'];
	it('never names an application that is not a lauréat', () => {
		for (const m of [h2, all]) {
			const json = JSON.stringify(m.sections);
			for (const s of secrets) expect(json).not.toContain(s);
		}
	});
	it('keeps the amounts of a grant whose application is not a lauréat, without a name', () => {
		const r = table(h2, 'financement-par-projet').rows.find((x) => x[0]!.value === 'CONV-2026-004')!;
		expect(r[2]!.value).toMatch(/non nommé/);
		expect(r[5]!.value).toBe('40000.00');
	});
	it('lists lauréats with their details', () => {
		const t = table(h2, 'laureats');
		expect(t.rows.map((r) => r[2]!.value)).toEqual(['Alpha Cloud SAS', 'Bêta Données', 'Gamma Réseaux', 'Delta Auth', 'Eta Systèmes']);
		expect(t.total!.map((c) => c.value).filter((v) => v !== null)).toEqual(['5 lauréats', '483000.39', '483000.39', '190000.09']);
	});
});

describe('the report states what it is', () => {
	it('carries the programme, the period semantics, the mentions and the provenance', () => {
		expect(h2.period.label).toBe('du 01/07/2026 au 31/12/2026');
		expect(h2.producedAt).toBe('2026-11-23 11:15');
		expect(h2.method.join(' ')).toContain('jusqu’au 31/12/2026 inclus');
		expect(h2.mentions).toContain("Financé par l'Union européenne - Next Generation EU dans le cadre du plan France Relance");
		const prov = table(h2, 'provenance');
		expect(prov.rows.map((r) => r[0]!.value)).toEqual(['Candidatures', 'Conventions', 'Rapports']);
		for (const r of prov.rows) expect(String(r[6]!.value)).toMatch(/^[0-9a-f]{64}$/);
	});
	it('exists in English', async () => {
		const en = await buildReport(db, H2_2026, 'en', { now: NOW });
		expect(en.title).toBe('Report to Bpifrance');
		expect(en.sections.map((s) => s.id)).toEqual(h2.sections.map((s) => s.id));
		expect(en.figures).toEqual(h2.figures);
	});
});

describe('choosing the period', () => {
	const today = '2026-11-23';
	it('defaults to the current half-year to date', () => {
		expect(defaultPeriod(today)).toEqual({ start: '2026-07-01', end: '2026-11-23' });
		expect(defaultPeriod('2026-03-05')).toEqual({ start: '2026-01-01', end: '2026-03-05' });
		expect(parsePeriod(new URLSearchParams(), today, 'fr')).toEqual({ ok: true, period: { start: '2026-07-01', end: '2026-11-23' }, isDefault: true });
	});
	it('offers the previous half-years', () => {
		const p = presets(today, 'fr');
		expect(p.find((x) => x.id === 'previous')!.period).toEqual({ start: '2026-01-01', end: '2026-06-30' });
		expect(p.find((x) => x.id === 'before')!.period).toEqual({ start: '2025-07-01', end: '2025-12-31' });
		expect(p.find((x) => x.id === 'all')!.period).toEqual({ start: '2024-06-11', end: today });
	});
	it('accepts ISO and French days, any range', () => {
		expect(parseDay('15/04/2026')).toBe('2026-04-15');
		expect(parseDay('2026-02-30')).toBeNull();
		const r = parsePeriod(new URLSearchParams('debut=01/01/2025&fin=2027-06-30'), today, 'fr');
		expect(r).toEqual({ ok: true, period: { start: '2025-01-01', end: '2027-06-30' }, isDefault: false });
	});
	it('explains a bad period', () => {
		const r = parsePeriod(new URLSearchParams('debut=2026-12-01&fin=2026-01-01'), today, 'fr');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0]).toContain('commence (01/12/2026) après sa fin (01/01/2026)');
		const bad = parsePeriod(new URLSearchParams('debut=hier'), today, 'en');
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors[0]).toContain('Unreadable start of period');
	});
});
