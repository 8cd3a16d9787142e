/** Small hand-made exports for unit tests: one valid row per kind, overridable per column. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../../src/lib/server/db/database';
import { importExports, type ImportResult } from '../../src/lib/server/import/load';

export type RowValues = Record<string, string>;

/** A valid application breaking no rule: base 125 000 €, aid 100 000 € (exactly 80 %). */
export function application(overrides: RowValues = {}): RowValues {
	return {
		numero_dossier: 'HOX-2026-001',
		releve: '2',
		date_depot: '2026-04-15 14:32',
		statut: 'laureat',
		raison_sociale: 'Nuageo SAS',
		siren: '732829320',
		code_postal: '75011',
		titre_projet: 'Edge souverain',
		briques: 'SlapOS|Sōzu',
		depenses_salaires: '100000',
		frais_connexes: '20000',
		couts_sous_traitance: '5000',
		couts_refacturation_interne: '0',
		assiette_eligible: '125000',
		aide_demandee: '100000',
		duree_mois: '9',
		effectif: '12',
		chiffre_affaires: '1200000',
		total_bilan: '800000',
		aides_minimis_3_ans: '0',
		background_ouvert: 'oui',
		foreground_ouvert: 'oui',
		emplois_prevus: '3',
		ca_prevu: '500000',
		dnsh_attenuation: '1',
		dnsh_adaptation: '0',
		dnsh_eau: '0',
		dnsh_economie_circulaire: '1',
		dnsh_pollution: '0',
		dnsh_biodiversite: '0',
		...overrides
	};
}

export function agreement(overrides: RowValues = {}): RowValues {
	return {
		numero_convention: 'CONV-2026-001',
		numero_dossier: 'HOX-2026-001',
		date_signature: '2026-06-01',
		assiette_retenue: '125000',
		montant_aide: '100000',
		date_debut: '2026-06-01',
		date_fin: '2027-02-28',
		statut: 'en_cours',
		montant_avance: '30000',
		date_avance: '2026-06-15',
		montant_solde: '',
		date_solde: '',
		...overrides
	};
}

export function report(overrides: RowValues = {}): RowValues {
	return {
		numero_dossier: 'HOX-2026-001',
		type_rapport: 'intermediaire',
		date_rapport: '2026-10-01',
		depenses_realisees: '60000',
		emplois_crees: '1.5',
		ca_genere: '20000',
		ca_prevu_3_ans: '',
		briques_integrees: '',
		depot_code_url: '',
		licence: '',
		publication_effective: '',
		contributions_amont: '',
		trl: '',
		commentaire: '',
		...overrides
	};
}

/** Rows → clean UTF-8 CSV bytes (header from the first row's keys). */
export function csvBytes(rows: RowValues[], delimiter: ',' | ';' = ','): Uint8Array {
	const header = Object.keys(rows[0] ?? {});
	const cell = (v: string) => (/[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
	const lines = [header, ...rows.map((r) => header.map((h) => r[h] ?? ''))].map((r) => r.map(cell).join(delimiter));
	return new TextEncoder().encode(lines.join('\r\n') + '\r\n');
}

export function tempDbPath(name = 'test'): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-'));
	return path.join(dir, `${name}.duckdb`);
}

export async function openTempDb(): Promise<Database> {
	return Database.open(tempDbPath());
}

/** Open the database file, run `fn`, close it (as a command would, one process at a time). */
export async function withDb<T>(file: string, fn: (db: Database) => Promise<T>): Promise<T> {
	const db = await Database.open(file);
	try {
		return await fn(db);
	} finally {
		db.close();
	}
}

export async function load(
	db: Database,
	files: { candidatures?: RowValues[]; conventions?: RowValues[]; rapports?: RowValues[] }
): Promise<ImportResult> {
	const inputs = Object.entries(files)
		.filter(([, rows]) => rows !== undefined)
		.map(([kind, rows]) => ({ name: `${kind}.csv`, bytes: csvBytes(rows!) }));
	return importExports(db, inputs, { actor: 'test', source: 'cli' });
}
