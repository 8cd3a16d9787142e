/** Headline figures to the definitions of exports.md §5. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { agreement, application, load, openTempDb, report } from './fixtures';

let db: Database;
beforeAll(async () => {
	db = await openTempDb();
	const result = await load(db, {
		candidatures: [
			application({ numero_dossier: 'A', briques: 'SlapOS|Sozu', emplois_prevus: '4', ca_prevu: '400000', background_ouvert: 'oui', foreground_ouvert: 'oui' }),
			application({ numero_dossier: 'B', briques: 'Repman', emplois_prevus: '2', ca_prevu: '100000.10', background_ouvert: 'non', foreground_ouvert: 'oui', dnsh_eau: '-2', dnsh_pollution: '-2' }),
			application({ numero_dossier: 'C', briques: 'Biscuit', statut: 'non_retenue', releve: '1', date_depot: '2024-07-01', aide_demandee: '90000.05' }),
			application({ numero_dossier: 'D', briques: 'Biscuit|Patrowl', statut: 'laureat', emplois_prevus: '7' })
		],
		conventions: [
			// A: signed, advance paid, balance declared without a date: not paid yet.
			agreement({ numero_convention: 'CA', numero_dossier: 'A', montant_aide: '100000', montant_avance: '30000', date_avance: '2026-06-15', montant_solde: '70000', date_solde: '' }),
			// B: closed, advance and balance paid, with cents.
			agreement({ numero_convention: 'CB', numero_dossier: 'B', statut: 'soldee', montant_aide: '99999.99', montant_avance: '29999.99', date_avance: '2026-06-15', montant_solde: '70000', date_solde: '2027-03-01' }),
			// D: terminated after the advance: commits only what was paid.
			agreement({ numero_convention: 'CD', numero_dossier: 'D', statut: 'resiliee', montant_aide: '100000', montant_avance: '30000', date_avance: '2026-06-15' }),
			// An orphan agreement (no application in the snapshot): counted in money and funded_projects only.
			agreement({ numero_convention: 'CX', numero_dossier: 'X', montant_aide: '50000', montant_avance: '', date_avance: '' })
		],
		rapports: [
			report({ numero_dossier: 'A', type_rapport: 'intermediaire', date_rapport: '2026-09-01', emplois_crees: '1', ca_genere: '1000' }),
			// Tie on the latest date: the final report wins.
			report({ numero_dossier: 'A', type_rapport: 'final', date_rapport: '2027-03-01', emplois_crees: '2.5', ca_genere: '50000.50', publication_effective: 'oui', depot_code_url: 'https://lab.example/a' }),
			report({ numero_dossier: 'A', type_rapport: 'intermediaire', date_rapport: '2027-03-01', emplois_crees: '9', ca_genere: '9' }),
			// B published flag but no URL: not published.
			report({ numero_dossier: 'B', type_rapport: 'final', date_rapport: '2027-03-01', emplois_crees: '0.5', ca_genere: '10', publication_effective: 'oui', depot_code_url: '' }),
			// The orphan's report is not counted in jobs.
			report({ numero_dossier: 'X', emplois_crees: '100', ca_genere: '100' })
		]
	});
	expect(result.errors).toEqual([]);
	expect(result.warnings.filter((w) => w.code === 'orphan').map((w) => w.value)).toEqual(['X', 'X']);
});
afterAll(() => db.close());

describe('headline figures', () => {
	it('counts applications by round and status', async () => {
		const k = await computeKpis(db);
		expect(k.envelope_eur).toBe(2_000_000);
		expect(k.applications.total).toBe(4);
		expect(k.applications.by_releve).toEqual({ '1': 1, '2': 3 });
		expect(k.applications.by_statut.laureat).toBe(3);
		expect(k.applications.by_statut.non_retenue).toBe(1);
		expect(k.applications.by_statut.deposee).toBe(0);
	});

	it('money: requested, committed (terminated = paid only), paid (dated payments only), remaining', async () => {
		const k = await computeKpis(db);
		expect(k.funding.requested_eur).toBe(390000.05);
		// 100000 (A) + 99999.99 (B) + 30000 (D, terminated, paid) + 50000 (orphan)
		expect(k.funding.committed_eur).toBe(279999.99);
		// 30000 (A advance) + 29999.99 + 70000 (B) + 30000 (D)
		expect(k.funding.paid_eur).toBe(159999.99);
		expect(k.funding.remaining_eur).toBe(1720000.01);
		// A, B and the orphan; D is terminated.
		expect(k.funding.funded_projects).toBe(3);
	});

	it('bricks: applications naming each, and funded projects (with an application) naming each', async () => {
		const k = await computeKpis(db);
		expect(Object.keys(k.bricks).slice(0, 7)).toEqual(['slapos', 'rapid-cdn', 'sozu', 'biscuit', 'repman', 'wendelin', 'opensvc']);
		expect(k.bricks.slapos).toEqual({ applications: 1, funded: 1 });
		expect(k.bricks.biscuit).toEqual({ applications: 2, funded: 0 });
		expect(k.bricks.repman).toEqual({ applications: 1, funded: 1 });
		expect(k.bricks.wendelin).toEqual({ applications: 0, funded: 0 });
		expect(k.bricks.patrowl).toEqual({ applications: 1, funded: 0 });
	});

	it('jobs and revenue: forecast from applications, achieved from each latest report', async () => {
		const k = await computeKpis(db);
		expect(k.jobs).toEqual({ forecast: 6, created: 3 });
		expect(k.revenue).toEqual({ forecast_eur: 500000.1, generated_eur: 50010.5 });
	});

	it('open source: background, foreground, published (flag and URL in the latest report)', async () => {
		const k = await computeKpis(db);
		expect(k.open_source).toEqual({ background: 1, foreground_committed: 2, published: 1 });
	});

	it('DNSH: counts per objective and score; applications with at least one −2', async () => {
		const k = await computeKpis(db);
		expect(k.dnsh.eau).toEqual({ '-2': 1, '-1': 0, '0': 3, '1': 0, '2': 0 });
		expect(k.dnsh.attenuation).toEqual({ '-2': 0, '-1': 0, '0': 0, '1': 4, '2': 0 });
		expect(k.dnsh.flagged_applications).toBe(1);
	});

	it('rule flags per application, per agreement and for the programme', async () => {
		const k = await computeKpis(db);
		expect(k.rule_flags).toContainEqual({ rule: 'R3', dossier: 'D' });
		expect(k.rule_flags).toContainEqual({ rule: 'R12', dossier: 'B' });
		expect(k.rule_flags.some((f) => f.rule === 'R17')).toBe(false);
		const rules = k.rule_flags.map((f) => Number(f.rule.slice(1)));
		expect(rules).toEqual([...rules].sort((a, b) => a - b));
	});

	it('a filter narrows applications, and agreements follow their application', async () => {
		const k = await computeKpis(db, { briques: ['biscuit'] });
		expect(k.applications.total).toBe(2);
		expect(k.funding.committed_eur).toBe(30000);
		expect(k.funding.funded_projects).toBe(0);
		const r1 = await computeKpis(db, { releve: [1] });
		expect(r1.applications.total).toBe(1);
		expect(r1.funding.committed_eur).toBe(0);
	});
});

describe('closed grants give back what they did not spend (exports.md §5)', () => {
	it('committed = paid for soldee and resiliee; released = Σ (grant − paid) over soldee paid less, never negative; R17 on the new committed', async () => {
		const own = await openTempDb();
		try {
			const apps = ['P', 'Q', 'R', 'S', 'T'].map((d) => application({ numero_dossier: d }));
			const paid = (advance: string, balance: string) => ({ montant_avance: advance, date_avance: '2026-06-15', montant_solde: balance, date_solde: balance ? '2027-03-01' : '' });
			const result = await load(own, {
				candidatures: apps,
				conventions: [
					// Closed, paid less than its grant: gives back 19 999,50 €.
					agreement({ numero_convention: 'CP', numero_dossier: 'P', statut: 'soldee', montant_aide: '100000', ...paid('30000', '50000.50') }),
					// Closed, paid in full: gives back nothing.
					agreement({ numero_convention: 'CQ', numero_dossier: 'Q', statut: 'soldee', montant_aide: '80000', ...paid('24000', '56000') }),
					// Closed, paid more than its grant (R16): committed is what was paid, released is not negative.
					agreement({ numero_convention: 'CR', numero_dossier: 'R', statut: 'soldee', montant_aide: '50000', ...paid('15000', '40000') }),
					// Terminated after the advance: commits what was paid; what it did not pay is not "released".
					agreement({ numero_convention: 'CS', numero_dossier: 'S', statut: 'resiliee', montant_aide: '90000', ...paid('27000', '') }),
					// Live: commits its grant.
					agreement({ numero_convention: 'CT', numero_dossier: 'T', statut: 'en_cours', montant_aide: '70000', ...paid('21000', '') })
				]
			});
			expect(result.errors).toEqual([]);
			const k = await computeKpis(own);
			expect(k.funding.committed_eur).toBe(80000.5 + 80000 + 55000 + 27000 + 70000);
			expect(k.funding.paid_eur).toBe(80000.5 + 80000 + 55000 + 27000 + 21000);
			expect(k.funding.released_eur).toBe(19999.5);
			expect(k.funding.remaining_eur).toBe(2_000_000 - 312000.5);
			expect(k.rule_flags.filter((f) => f.rule === 'R16')).toEqual([{ rule: 'R16', dossier: 'R', convention: 'CR' }]);
			// The programme totals view (the envelope's account) says the same.
			const totals = await own.one<{ committed: number; released: number }>(`SELECT committed_eur::DOUBLE AS committed, released_eur::DOUBLE AS released FROM programme_totals`);
			expect(totals).toEqual({ committed: 312000.5, released: 19999.5 });

			// R17 reads the new committed: 20 live grants of 100 000 € fill the envelope exactly; the
			// 21st, closed at 60 000 € paid, would have gone over under the old definition, and does not.
			const many = Array.from({ length: 21 }, (_, i) => application({ numero_dossier: `M-${i}` }));
			const grants = many.map((a, i) =>
				agreement({
					numero_convention: `CM-${i}`,
					numero_dossier: a.numero_dossier!,
					...(i === 20 ? { statut: 'soldee', ...paid('30000', '30000') } : { montant_avance: '', date_avance: '' })
				})
			);
			expect((await load(own, { candidatures: many, conventions: grants })).errors).toEqual([]);
			let big = await computeKpis(own);
			expect(big.funding.committed_eur).toBe(2_060_000);
			expect(big.funding.released_eur).toBe(40_000);
			expect(big.rule_flags.some((f) => f.rule === 'R17')).toBe(true);
			grants[19] = { ...grants[19]!, statut: 'soldee', ...paid('30000', '10000') };
			expect((await load(own, { candidatures: many, conventions: grants })).errors).toEqual([]);
			big = await computeKpis(own);
			expect(big.funding.committed_eur).toBe(2_000_000);
			expect(big.funding.released_eur).toBe(100_000);
			expect(big.rule_flags.some((f) => f.rule === 'R17')).toBe(false);
		} finally {
			own.close();
		}
	});
});
