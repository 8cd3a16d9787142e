/** Rules R1–R22 with their boundaries (programme.md), through the real import and views. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import type { DashboardContext } from '../../src/lib/server/figures/dashboard/context';
import { qualityData } from '../../src/lib/server/figures/dashboard/quality';
import { agreement, application, load, openTempDb, type RowValues } from './fixtures';

let db: Database;
beforeAll(async () => {
	db = await openTempDb();
});
afterAll(() => db.close());

/** Load one application (and optional agreements) and return the rules it breaks. */
async function flagsOf(overrides: RowValues, agreements?: RowValues[]): Promise<string[]> {
	const result = await load(db, {
		candidatures: [application(overrides)],
		conventions: agreements ?? [agreement({ montant_avance: '', date_avance: '' })]
	});
	expect(result.errors).toEqual([]);
	const kpis = await computeKpis(db);
	return kpis.rule_flags.map((f) => f.rule);
}

describe('application rules', () => {
	it('a clean application breaks no rule (aid exactly 80 %, base exactly 125 000 €)', async () => {
		expect(await flagsOf({})).toEqual([]);
	});

	it('R1: eligible base ≥ 125 000 €', async () => {
		const base = (v: string, sub: string) => ({ assiette_eligible: v, depenses_salaires: '100000', frais_connexes: '20000', couts_sous_traitance: sub, aide_demandee: '90000' });
		expect(await flagsOf(base('125000', '5000'))).not.toContain('R1');
		expect(await flagsOf(base('124999.99', '4999.99'))).toContain('R1');
	});

	it('R2: aid ≤ min(80 % of the base, 100 000 €)', async () => {
		expect(await flagsOf({ aide_demandee: '100000' })).not.toContain('R2');
		expect(await flagsOf({ aide_demandee: '100000.01' })).toContain('R2');
		// 80 % of 130 000 is 104 000, but the cap is 100 000.
		const big = { depenses_salaires: '100000', frais_connexes: '20000', couts_sous_traitance: '10000', assiette_eligible: '130000' };
		expect(await flagsOf({ ...big, aide_demandee: '100000' })).not.toContain('R2');
		expect(await flagsOf({ ...big, aide_demandee: '104000' })).toContain('R2');
		// Exactly 80 % under the cap.
		const small = { depenses_salaires: '100000', frais_connexes: '20000', couts_sous_traitance: '5000', assiette_eligible: '125000' };
		expect(await flagsOf({ ...small, aide_demandee: '99999.99' })).not.toContain('R2');
	});

	it('R3: one or two bricks, all among the seven', async () => {
		expect(await flagsOf({ briques: 'SlapOS' })).not.toContain('R3');
		expect(await flagsOf({ briques: 'SlapOS|Sozu' })).not.toContain('R3');
		expect(await flagsOf({ briques: 'SlapOS|Sozu|Biscuit' })).toContain('R3');
		expect(await flagsOf({ briques: 'Patrowl' })).toContain('R3');
		expect(await flagsOf({ briques: 'SlapOS + XCP-ng' })).toContain('R3');
	});

	it('R4: SME — headcount 249/250, turnover and balance sheet at the limits', async () => {
		expect(await flagsOf({ effectif: '249' })).not.toContain('R4');
		expect(await flagsOf({ effectif: '250' })).toContain('R4');
		expect(await flagsOf({ effectif: '100', chiffre_affaires: '50000000', total_bilan: '99000000' })).not.toContain('R4');
		expect(await flagsOf({ effectif: '100', chiffre_affaires: '99000000', total_bilan: '43000000' })).not.toContain('R4');
		expect(await flagsOf({ effectif: '100', chiffre_affaires: '50000000.01', total_bilan: '43000000.01' })).toContain('R4');
	});

	it('R5: de minimis ≤ 300 000 € over 3 years with the aid requested', async () => {
		expect(await flagsOf({ aides_minimis_3_ans: '200000' })).not.toContain('R5');
		expect(await flagsOf({ aides_minimis_3_ans: '200000.01' })).toContain('R5');
	});

	it('R6: subcontracting < 20 % of the base (exactly 20 % is flagged)', async () => {
		const base = (sub: number) => ({
			depenses_salaires: '100000',
			frais_connexes: '20000',
			couts_sous_traitance: String(sub),
			assiette_eligible: String(120000 + sub),
			aide_demandee: '100000'
		});
		expect(await flagsOf(base(29999))).not.toContain('R6');
		expect(await flagsOf(base(30000))).toContain('R6');
	});

	it('R7: internal re-invoicing < 30 % of salaries', async () => {
		const base = (ri: string) => ({
			depenses_salaires: '100000',
			frais_connexes: '20000',
			couts_sous_traitance: '0',
			couts_refacturation_interne: ri,
			assiette_eligible: String(120000 + Number(ri)),
			aide_demandee: '100000'
		});
		expect(await flagsOf(base('29999.99'))).not.toContain('R7');
		expect(await flagsOf(base('30000'))).toContain('R7');
	});

	it('R8: related costs = 20 % of salaries ± 1 €', async () => {
		const at = (fc: string) => ({ frais_connexes: fc, assiette_eligible: String(105000 + Number(fc)) });
		expect(await flagsOf(at('20001'))).not.toContain('R8');
		expect(await flagsOf(at('19999'))).not.toContain('R8');
		expect(await flagsOf(at('20001.01'))).toContain('R8');
		expect(await flagsOf(at('19998.99'))).toContain('R8');
	});

	it('R9: base = sum of the four ± 1 €', async () => {
		expect(await flagsOf({ assiette_eligible: '125001' })).not.toContain('R9');
		expect(await flagsOf({ assiette_eligible: '125001.01' })).toContain('R9');
		expect(await flagsOf({ assiette_eligible: '124998.99' })).toContain('R9');
	});

	it('R10: 9 months', async () => {
		expect(await flagsOf({ duree_mois: '12' })).toContain('R10');
		expect(await flagsOf({ duree_mois: '8' })).toContain('R10');
	});

	it('R11: filed during the closing minute counts; a minute later does not', async () => {
		expect(await flagsOf({ releve: '2', date_depot: '30/04/2026 23:59:59' })).not.toContain('R11');
		expect(await flagsOf({ releve: '2', date_depot: '01/05/2026 00:00' })).toContain('R11');
		expect(await flagsOf({ releve: '1', date_depot: '2024-07-31 23:59' })).not.toContain('R11');
		expect(await flagsOf({ releve: '1', date_depot: '2024-08-01 00:00:00' })).toContain('R11');
		// A UTC time is read in Paris time: 21:59Z is 23:59 in summer.
		expect(await flagsOf({ releve: '1', date_depot: '2024-07-31T21:59:30Z' })).not.toContain('R11');
		expect(await flagsOf({ releve: '1', date_depot: '2024-07-31T22:00:00Z' })).toContain('R11');
	});

	it('R12: any DNSH objective at −2', async () => {
		expect(await flagsOf({ dnsh_eau: '-1' })).not.toContain('R12');
		expect(await flagsOf({ dnsh_eau: '-2' })).toContain('R12');
	});

	it('R13: SIREN of 9 digits passing Luhn', async () => {
		expect(await flagsOf({ siren: '732 829 320' })).not.toContain('R13');
		expect(await flagsOf({ siren: '732829321' })).toContain('R13');
		expect(await flagsOf({ siren: '73282932' })).toContain('R13');
		expect(await flagsOf({ siren: 'ABCDEFGHI' })).toContain('R13');
	});
});

describe('R22: a SIRET, when given, valid and of the row’s SIREN', () => {
	it('flags a wrong check digit, another company’s SIRET, a malformed one; loads them all', async () => {
		expect(await flagsOf({ siren: '732829320', siret: '' })).not.toContain('R22');
		expect(await flagsOf({ siren: '732829320', siret: '732 829 320 00074' })).not.toContain('R22');
		expect(await flagsOf({ siren: '732829320', siret: '73282932000075' })).toContain('R22');
		expect(await flagsOf({ siren: '732829320', siret: '54205118000017' })).toContain('R22');
		expect(await flagsOf({ siren: '732829320', siret: '7328293200007' })).toContain('R22');
		expect(await flagsOf({ siren: '732829320', siret: '7328293200007X' })).toContain('R22');
		// La Poste: the sum of the digits, not Luhn.
		expect(await flagsOf({ siren: '356000000', siret: '35600000049837' })).not.toContain('R22');
		expect(await flagsOf({ siren: '356000000', siret: '35600000049838' })).toContain('R22');
		const row = await db.one<{ detail: string }>(`SELECT detail FROM application_flags WHERE rule = 'R22'`);
		expect(JSON.parse(row!.detail)).toEqual({ siret: '35600000049838', siren: '356000000' });
	});

	it('is a warning on load naming row and column, and names each lauréat without a valid SIRET', async () => {
		const result = await load(db, {
			candidatures: [
				application({ numero_dossier: 'HOX-OK', statut: 'laureat', siren: '732829320', siret: '73282932000074' }),
				application({ numero_dossier: 'HOX-TYPO', statut: 'laureat', raison_sociale: 'Typo SAS', siren: '732829320', siret: '73282932000075' }),
				application({ numero_dossier: 'HOX-NONE', statut: 'laureat', raison_sociale: 'Sans Siret SA', siren: '542051180', siret: '' }),
				application({ numero_dossier: 'HOX-OTHER', statut: 'non_retenue', siren: '443061841', siret: '54205118000017' }),
				application({ numero_dossier: 'HOX-NOTL', statut: 'en_expertise', siren: '443061841', siret: '' })
			],
			conventions: ['HOX-OK', 'HOX-TYPO', 'HOX-NONE'].map((d, i) => agreement({ numero_convention: `C-${i}`, numero_dossier: d, montant_avance: '', date_avance: '' }))
		});
		expect(result.ok).toBe(true);
		const siret = result.warnings.filter((w) => w.code === 'siret');
		expect(siret.map((w) => [w.row, w.column, w.value])).toEqual([
			[3, 'siret', '73282932000075'],
			[4, 'siret', ''],
			[5, 'siret', '54205118000017']
		]);
		expect(siret[0]!.message.fr).toMatch(/R22.*clé de contrôle.*HOX-TYPO \(Typo SAS\).*hors du fichier SCDL/s);
		expect(siret[1]!.message.fr).toMatch(/Lauréat HOX-NONE \(Sans Siret SA\) sans SIRET.*hors du fichier SCDL/s);
		expect(siret[2]!.message.fr).toMatch(/ne commence pas par le SIREN « 443061841 »/);
		expect(siret[2]!.message.fr).not.toMatch(/SCDL/);
		const kpis = await computeKpis(db);
		expect(kpis.rule_flags.filter((f) => f.rule === 'R22').map((f) => f.dossier)).toEqual(['HOX-OTHER', 'HOX-TYPO']);
		// The quality page: R22 with its fix-it sentence, and a line per lauréat without a valid SIRET.
		const quality = await qualityData({ db, lang: 'fr' } as DashboardContext);
		expect(quality.byRule.find((r) => r.rule === 'R22')).toMatchObject({ count: 2, fix: expect.stringContaining('SCDL') });
		expect(quality.tables.withoutSiret.rows.map((r) => r.dossier)).toEqual(['HOX-NONE', 'HOX-TYPO']);
	});
});

describe('agreement and programme rules', () => {
	it('R14: grant ≤ min(80 % of the retained base, 100 000 €)', async () => {
		expect(await flagsOf({}, [agreement({ assiette_retenue: '125000', montant_aide: '100000', montant_avance: '' })])).not.toContain('R14');
		expect(await flagsOf({}, [agreement({ assiette_retenue: '120000', montant_aide: '96000.01', montant_avance: '' })])).toContain('R14');
		expect(await flagsOf({}, [agreement({ assiette_retenue: '200000', montant_aide: '100000.01', montant_avance: '' })])).toContain('R14');
	});

	it('R15: advance ≤ 30 % of the grant (exactly 30 % passes)', async () => {
		expect(await flagsOf({}, [agreement({ montant_avance: '30000' })])).not.toContain('R15');
		expect(await flagsOf({}, [agreement({ montant_avance: '30000.01' })])).toContain('R15');
	});

	it('R16: advance + balance paid ≤ grant', async () => {
		const paid = (solde: string) => agreement({ montant_avance: '30000', montant_solde: solde, date_solde: '2027-03-01', statut: 'soldee' });
		expect(await flagsOf({}, [paid('70000')])).not.toContain('R16');
		expect(await flagsOf({}, [paid('70000.01')])).toContain('R16');
	});

	it('R17: committed above the envelope, once for the programme', async () => {
		const apps = Array.from({ length: 21 }, (_, i) => application({ numero_dossier: `HOX-${i}` }));
		const agreements = apps.map((a, i) =>
			agreement({ numero_convention: `C-${i}`, numero_dossier: a.numero_dossier!, montant_avance: '' })
		);
		await load(db, { candidatures: apps.slice(0, 20), conventions: agreements.slice(0, 20) });
		let kpis = await computeKpis(db);
		expect(kpis.funding.committed_eur).toBe(2_000_000);
		expect(kpis.rule_flags.filter((f) => f.rule === 'R17')).toEqual([]);
		await load(db, { candidatures: apps, conventions: agreements });
		kpis = await computeKpis(db);
		expect(kpis.funding.remaining_eur).toBe(-100_000);
		expect(kpis.rule_flags.filter((f) => f.rule === 'R17')).toEqual([{ rule: 'R17' }]);
		// R17 is the programme's: a filter that leaves no agreement does not hide it.
		kpis = await computeKpis(db, { releve: [1] });
		expect(kpis.funding.committed_eur).toBe(0);
		expect(kpis.rule_flags.filter((f) => f.rule === 'R17')).toEqual([{ rule: 'R17' }]);
	});

	it('R18: grant ≤ the aid requested (equal passes, a cent more is flagged)', async () => {
		const grant = (aid: string) => [agreement({ assiette_retenue: '125000', montant_aide: aid, montant_avance: '' })];
		expect(await flagsOf({ aide_demandee: '99999.99' }, grant('99999.99'))).not.toContain('R18');
		expect(await flagsOf({ aide_demandee: '99999.99' }, grant('100000'))).toContain('R18');
		expect(await flagsOf({ aide_demandee: '93000' }, grant('93000.01'))).toContain('R18');
	});

	it('R19: 259 to 289 days from start to end, both inclusive', async () => {
		const plus = (days: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
		const lasting = (days: number) => [agreement({ date_debut: '2026-06-01', date_fin: plus(days), montant_avance: '' })];
		expect(await flagsOf({}, lasting(258))).toContain('R19');
		expect(await flagsOf({}, lasting(259))).not.toContain('R19');
		expect(await flagsOf({}, lasting(273))).not.toContain('R19');
		expect(await flagsOf({}, lasting(289))).not.toContain('R19');
		expect(await flagsOf({}, lasting(290))).toContain('R19');
		// An end before the start.
		expect(await flagsOf({}, lasting(-1))).toContain('R19');
	});

	it('R20: de minimis already received + the signed grant ≤ 300 000 € (not R5 when the request stays under)', async () => {
		const grant = (aid: string) => [agreement({ assiette_retenue: '125000', montant_aide: aid, montant_avance: '' })];
		expect(await flagsOf({ aide_demandee: '90000', aides_minimis_3_ans: '210000' }, grant('90000'))).not.toContain('R20');
		const over = await flagsOf({ aide_demandee: '90000', aides_minimis_3_ans: '210000' }, grant('90000.01'));
		expect(over).toContain('R20');
		expect(over).not.toContain('R5');
		expect(await flagsOf({ aide_demandee: '90000', aides_minimis_3_ans: '210000.01' }, grant('90000'))).toEqual(['R5', 'R20']);
	});

	it('R21: the agreement starts no earlier than the day after filing, a Paris date', async () => {
		const starting = (day: string) => [agreement({ date_debut: day, date_fin: '2027-01-15', montant_avance: '' })];
		expect(await flagsOf({ date_depot: '2026-04-15 14:32' }, starting('2026-04-16'))).not.toContain('R21');
		expect(await flagsOf({ date_depot: '2026-04-15 14:32' }, starting('2026-04-15'))).toContain('R21');
		expect(await flagsOf({ date_depot: '2026-04-15 14:32' }, starting('2026-04-01'))).toContain('R21');
		expect(await flagsOf({ date_depot: '2026-04-15 23:59:59' }, starting('2026-04-16'))).not.toContain('R21');
		// 22:30 UTC on the 15th is 00:30 on the 16th in Paris: the first eligible day is the 17th.
		expect(await flagsOf({ date_depot: '2026-04-15T22:30:00Z' }, starting('2026-04-16'))).toContain('R21');
		expect(await flagsOf({ date_depot: '2026-04-15T22:30:00Z' }, starting('2026-04-17'))).not.toContain('R21');
	});

	it('R18, R20 and R21 are not evaluated for an orphan agreement; R19 is', async () => {
		const orphan = agreement({
			numero_convention: 'CONV-ORPHAN',
			numero_dossier: 'HOX-ABSENT',
			montant_aide: '100000',
			date_debut: '2020-01-01',
			date_fin: '2021-06-30',
			montant_avance: ''
		});
		const flags = await flagsOf({ aide_demandee: '1000', aides_minimis_3_ans: '290000' }, [orphan]);
		expect(flags).toEqual(['R19']);
		const kpis = await computeKpis(db);
		expect(kpis.rule_flags).toEqual([{ rule: 'R19', dossier: 'HOX-ABSENT', convention: 'CONV-ORPHAN' }]);
	});

	it('flags carry the values that triggered them', async () => {
		await flagsOf({ aide_demandee: '100000.01' });
		const row = await db.one<{ detail: string }>(`SELECT detail FROM application_flags WHERE rule = 'R2'`);
		expect(JSON.parse(row!.detail)).toMatchObject({ aide_demandee: 100000.01, plafond: 100000 });
	});
});
