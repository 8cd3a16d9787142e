/**
 * A small programme for the report's tests: two rounds, every status, grants signed and paid
 * before, during and after a period (the second half of 2026), a terminated grant, a grant
 * whose application is not a lauréat, an orphan grant, reports on both sides of the period,
 * amounts with cents, flags, publications. Not used by the application.
 */
import { agreement, application, load, openTempDb, report } from '../../../../tests/unit/fixtures';
import type { Database } from '../db/database';

/** The period the tests look at most, and the day after everything in the data. */
export const H2_2026 = { start: '2026-07-01', end: '2026-12-31' };
export const AFTER_ALL = { start: '2024-01-01', end: '2099-12-31' };

export async function reportFixtureDb(): Promise<Database> {
	const db = await openTempDb();
	const result = await load(db, {
		candidatures: [
			// Round 1 (2024).
			application({ numero_dossier: 'HOX-2024-001', releve: '1', date_depot: '2024-07-10 10:00', statut: 'laureat', raison_sociale: 'Alpha Cloud SAS', siren: '732829320', code_postal: '69003', titre_projet: 'Edge lyonnais', briques: 'SlapOS', aide_demandee: '100000', emplois_prevus: '4', ca_prevu: '400000' }),
			application({ numero_dossier: 'HOX-2024-002', releve: '1', date_depot: '2024-07-20 09:00', statut: 'non_retenue', raison_sociale: 'Secret Refusé SARL', titre_projet: 'Projet confidentiel', briques: 'Repman', aide_demandee: '80000.50', dnsh_eau: '-2' }),
			application({ numero_dossier: 'HOX-2024-003', releve: '1', date_depot: '2024-07-30 18:00', statut: 'laureat', raison_sociale: 'Bêta Données', siren: '552100554', code_postal: '33000', titre_projet: 'Données « souveraines »', briques: 'Wendelin|OpenSVC', aide_demandee: '99999.99', emplois_prevus: '2', ca_prevu: '150000.25', foreground_ouvert: 'non' }),
			application({ numero_dossier: 'HOX-2024-004', releve: '1', date_depot: '2024-07-31 12:00', statut: 'irrecevable', raison_sociale: 'Hors Délai SA', briques: 'Sōzu', aide_demandee: '60000', duree_mois: '12' }),
			// Round 2 (2026), some filed in the first half, the last ones in the period under test.
			application({ numero_dossier: 'HOX-2026-001', releve: '2', date_depot: '2026-03-02 11:00', statut: 'laureat', raison_sociale: 'Gamma Réseaux', siren: '443061841', code_postal: '75011', titre_projet: 'CDN de quartier', briques: 'RAPID-CDN|Sōzu', aide_demandee: '100000', emplois_prevus: '5', ca_prevu: '800000' }),
			application({ numero_dossier: 'HOX-2026-002', releve: '2', date_depot: '2026-04-29 23:59', statut: 'laureat', raison_sociale: 'Delta Auth', siren: '403052111', code_postal: '44000', titre_projet: 'Jetons Biscuit partout', briques: 'Biscuit', aide_demandee: '88000.40', emplois_prevus: '3', ca_prevu: '300000' }),
			application({ numero_dossier: 'HOX-2026-003', releve: '2', date_depot: '2026-04-30 10:00', statut: 'en_expertise', raison_sociale: 'Epsilon Pending', briques: 'OpenSVC', aide_demandee: '70000' }),
			application({ numero_dossier: 'HOX-2026-004', releve: '2', date_depot: '2026-07-15 10:00', statut: 'non_retenue', raison_sociale: 'Zeta Tardive', briques: 'Repman|Patrowl', aide_demandee: '50000' }),
			application({ numero_dossier: 'HOX-2026-005', releve: '2', date_depot: '2026-08-01 10:00', statut: 'laureat', raison_sociale: 'Eta Systèmes', siren: '732829320', code_postal: '13001', titre_projet: 'Bases répliquées', briques: 'Repman', aide_demandee: '95000', emplois_prevus: '6', ca_prevu: '450000.75', background_ouvert: 'non' }),
			application({ numero_dossier: 'HOX-2026-006', releve: '2', date_depot: '2026-09-10 10:00', statut: 'deposee', raison_sociale: 'Theta Futur', briques: 'SlapOS', aide_demandee: '100000' }),
			application({ numero_dossier: 'HOX-2026-007', releve: '2', date_depot: '2027-01-15 10:00', statut: 'eligible', raison_sociale: 'Iota Après', briques: 'Biscuit', aide_demandee: '42000' })
		],
		conventions: [
			// Round 1 lauréat: advance in 2024, balance in the period.
			agreement({ numero_convention: 'CONV-2024-001', numero_dossier: 'HOX-2024-001', date_signature: '2024-10-01', montant_aide: '100000', statut: 'soldee', montant_avance: '30000', date_avance: '2024-10-15', montant_solde: '70000', date_solde: '2026-08-20' }),
			// Round 1 lauréat: terminated after the advance (commits only what was paid).
			agreement({ numero_convention: 'CONV-2024-003', numero_dossier: 'HOX-2024-003', date_signature: '2024-10-05', montant_aide: '99999.99', statut: 'resiliee', montant_avance: '29999.99', date_avance: '2024-11-02' }),
			// Round 2: signed in the first half, advance in the period, balance declared without date.
			agreement({ numero_convention: 'CONV-2026-001', numero_dossier: 'HOX-2026-001', date_signature: '2026-06-20', montant_aide: '100000', statut: 'en_cours', montant_avance: '30000', date_avance: '2026-07-05', montant_solde: '70000', date_solde: '' }),
			// Round 2: signed in the period, advance over 30 % (R15), paid in the period.
			agreement({ numero_convention: 'CONV-2026-002', numero_dossier: 'HOX-2026-002', date_signature: '2026-09-01', montant_aide: '88000.40', statut: 'en_cours', montant_avance: '30000.10', date_avance: '2026-09-15' }),
			// Round 2: signed in the period, advance after it.
			agreement({ numero_convention: 'CONV-2026-005', numero_dossier: 'HOX-2026-005', date_signature: '2026-11-30', montant_aide: '95000', statut: 'signee', montant_avance: '28500', date_avance: '2027-01-10' }),
			// A grant whose application is not a lauréat in the export: amounts kept, never named.
			agreement({ numero_convention: 'CONV-2026-004', numero_dossier: 'HOX-2026-004', date_signature: '2026-10-01', montant_aide: '40000', statut: 'en_cours', montant_avance: '12000', date_avance: '2026-10-10' }),
			// An orphan grant (no application in the export), signed in the first half.
			agreement({ numero_convention: 'CONV-2026-099', numero_dossier: 'HOX-2026-099', date_signature: '2026-05-01', montant_aide: '50000', statut: 'en_cours', montant_avance: '', date_avance: '' })
		],
		rapports: [
			report({ numero_dossier: 'HOX-2024-001', type_rapport: 'intermediaire', date_rapport: '2025-03-01', emplois_crees: '1', ca_genere: '10000' }),
			report({ numero_dossier: 'HOX-2024-001', type_rapport: 'final', date_rapport: '2026-08-01', emplois_crees: '2.5', ca_genere: '120000.50', publication_effective: 'oui', depot_code_url: 'https://code.example/alpha/edge', licence: 'AGPL-3.0', contributions_amont: '7' }),
			report({ numero_dossier: 'HOX-2026-001', type_rapport: 'intermediaire', date_rapport: '2026-10-15', emplois_crees: '1.5', ca_genere: '5000', publication_effective: 'oui', depot_code_url: 'https://code.example/gamma/cdn', licence: 'Apache-2.0', contributions_amont: '2' }),
			report({ numero_dossier: 'HOX-2026-001', type_rapport: 'final', date_rapport: '2027-03-20', emplois_crees: '4', ca_genere: '250000' }),
			report({ numero_dossier: 'HOX-2026-004', type_rapport: 'intermediaire', date_rapport: '2026-12-01', emplois_crees: '1', ca_genere: '1000' })
		]
	});
	if (!result.ok) throw new Error(`fixture load failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
	return db;
}
