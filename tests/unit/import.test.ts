/** The import contract (exports.md §1, §6): what is accepted, what is refused, and how. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExport } from '../../src/lib/domain/check';
import { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { importExports } from '../../src/lib/server/import/load';
import { agreement, application, csvBytes, load, openTempDb, report, tempDbPath } from './fixtures';

const text = (s: string) => new TextEncoder().encode(s);
const cp1252 = (s: string) => {
	// The few characters these tests need, encoded as Excel on French Windows does.
	const map: Record<string, number> = { '€': 0x80, '’': 0x92, 'é': 0xe9, 'è': 0xe8, 'à': 0xe0, 'É': 0xc9, 'ô': 0xf4, 'û': 0xfb, '\u00a0': 0xa0 };
	return Uint8Array.from([...s].map((c) => map[c] ?? c.charCodeAt(0)));
};

function check(bytes: Uint8Array) {
	return checkExport('f.csv', bytes);
}

describe('accepted variations', () => {
	it('reads an Excel-style Windows-1252 export with ;, French labels, decimal commas and € amounts', () => {
		const header = 'Numéro dossier;Relève;Date dépôt;Statut;Raison sociale;SIREN;Code postal;Titre projet;Briques;Dépenses salaires;Frais connexes;Coûts sous-traitance;Coûts refacturation interne;Assiette éligible;Aide demandée;Durée mois;Effectif;Chiffre affaires;Total bilan;Aides minimis 3 ans;Background ouvert;Foreground ouvert;Emplois prévus;CA prévu;DNSH atténuation;DNSH adaptation;DNSH eau;DNSH économie circulaire;DNSH pollution;DNSH biodiversité;';
		const row = 'HOX-1;Relève 2;15/04/2026 14:32;Lauréat;"L’équipe ""Nuage""";732 829 320;75011;"Edge\r\nsouverain";SlapOS et Rapid CDN;100\u00a0000,00 €;20 000;5 000;0;125 000,00 €;100 000 €;9;12;1 200 000;800 000;0;Oui;Non;3;500 000;+1;0;-2;1;2;0;';
		const r = check(cp1252(`${header}\r\n${row}\r\n\r\n`));
		expect(r.errors).toEqual([]);
		expect(r.encoding).toBe('windows-1252');
		expect(r.delimiter).toBe(';');
		expect(r.kind).toBe('candidatures');
		const a = r.rows[0]!;
		expect(a.raison_sociale).toBe('L’équipe "Nuage"');
		expect(a.titre_projet).toBe('Edge\nsouverain');
		expect(a.briques).toEqual(['slapos', 'rapid-cdn']);
		expect(a.depenses_salaires).toBe('100000.00');
		expect(a.assiette_eligible).toBe('125000.00');
		expect(a.dnsh_eau).toBe(-2);
		expect(a.foreground_ouvert).toBe(false);
	});

	it('reads UTF-8 with a BOM, upper-case headers, columns in any order, and ignores unknown and trailing empty columns', () => {
		const rows = [application({ siret: '73282932000074' })];
		const keys = Object.keys(rows[0]!).reverse();
		const header = keys.map((k) => k.toUpperCase()).join(';') + ';Commentaire interne;;';
		const line = keys.map((k) => rows[0]![k]).join(';') + ';rien;;';
		const r = check(text(`\ufeff${header}\n${line}\n`));
		expect(r.errors).toEqual([]);
		expect(r.encoding).toBe('utf-8-bom');
		expect(r.unknownColumns).toEqual(['Commentaire interne']);
		expect(r.warnings.map((w) => w.code)).toEqual(['unknown_column']);
	});

	it('counts rows as Frictionless does: header is row 1, a quoted multi-line field is one row', () => {
		const bad = application({ numero_dossier: 'HOX-2', aide_demandee: 'beaucoup' });
		const good = application({ titre_projet: 'une\nnouvelle\nligne' });
		const r = check(csvBytes([good, bad]));
		expect(r.errors).toHaveLength(1);
		expect(r.errors[0]).toMatchObject({ row: 3, column: 'aide_demandee', value: 'beaucoup', code: 'invalid' });
	});
});

describe('refusals: every error is reported, with file, row, column and value', () => {
	it.each([
		['a binary file', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3, 0, 0]), 'not_text'],
		['an empty file', text(''), 'empty_file'],
		['a header of none of the three kinds', text('nom,prenom\nDupont,Jean\n'), 'unknown_kind']
	])('%s', (_label, bytes, code) => {
		const r = check(bytes);
		expect(r.errors.map((e) => e.code)).toContain(code);
	});

	it('a required column missing', () => {
		const row = application();
		delete row.aide_demandee;
		const r = check(csvBytes([row]));
		expect(r.errors).toEqual([expect.objectContaining({ code: 'missing_column', column: 'aide_demandee', row: 1, category: 'structure' })]);
	});

	it('empty required values, unparsable values, negative amounts, unknown enumerations, DNSH out of range — all of them', () => {
		const r = check(
			csvBytes([
				application({ numero_dossier: 'A1', raison_sociale: '' }),
				application({ numero_dossier: 'A2', date_depot: '31/02/2026', duree_mois: 'neuf' }),
				application({ numero_dossier: 'A3', aide_demandee: '-100' }),
				application({ numero_dossier: 'A4', statut: 'Gagnant', releve: '3' }),
				application({ numero_dossier: 'A5', dnsh_eau: '-3', dnsh_pollution: '+3' }),
				application({ numero_dossier: 'A6', background_ouvert: 'peut-être' })
			])
		);
		expect(r.errors.map((e) => [e.row, e.column, e.value])).toEqual([
			[2, 'raison_sociale', ''],
			[3, 'date_depot', '31/02/2026'],
			[3, 'duree_mois', 'neuf'],
			[4, 'aide_demandee', '-100'],
			[5, 'releve', '3'],
			[5, 'statut', 'Gagnant'],
			[6, 'dnsh_eau', '-3'],
			[6, 'dnsh_pollution', '+3'],
			[7, 'background_ouvert', 'peut-être']
		]);
		expect(r.errors[0]!.code).toBe('empty');
		for (const e of r.errors) expect(e.message.fr.length).toBeGreaterThan(10);
	});

	it('a duplicate key inside the file, naming the first occurrence', () => {
		const r = check(csvBytes([application(), application()]));
		expect(r.errors).toEqual([expect.objectContaining({ code: 'duplicate_key', row: 3, value: 'HOX-2026-001' })]);
		expect(r.errors[0]!.message.fr).toContain('ligne 2');
		const reports = check(csvBytes([report(), report({ type_rapport: 'Intermédiaire' }), report({ type_rapport: 'final' })]));
		expect(reports.errors.map((e) => [e.code, e.row])).toEqual([['duplicate_key', 3]]);
	});

	it('a row with more cells than the header', () => {
		const r = check(text('numero_dossier,type_rapport,date_rapport,depenses_realisees,emplois_crees,ca_genere\nA,final,2026-01-01,1,1,1,extra\n'));
		expect(r.errors).toEqual([expect.objectContaining({ code: 'extra_cells', row: 2 })]);
	});

	it('an unclosed quote', () => {
		const r = check(text('numero_dossier,type_rapport,date_rapport,depenses_realisees,emplois_crees,ca_genere\nA,final,2026-01-01,1,1,"1\n'));
		expect(r.errors.map((e) => e.code)).toContain('bad_quotes');
	});
});

describe('loading', () => {
	let db: Database;
	beforeAll(async () => {
		db = await openTempDb();
	});
	afterAll(() => db.close());

	it('refuses the whole call when one file has an error, and leaves the data as it was', async () => {
		expect((await load(db, { candidatures: [application()], conventions: [agreement()] })).ok).toBe(true);
		const before = await computeKpis(db);
		const result = await load(db, {
			candidatures: [application(), application({ numero_dossier: 'NEW' })],
			conventions: [agreement({ montant_aide: 'cent mille' })]
		});
		expect(result.ok).toBe(false);
		expect(result.errors).toHaveLength(1);
		expect(await computeKpis(db)).toEqual(before);
		const loads = await db.all<{ outcome: string; kind: string }>(`SELECT outcome, kind FROM loads ORDER BY load_id`);
		expect(loads.map((l) => l.outcome)).toEqual(['loaded', 'loaded', 'refused', 'refused']);
	});

	it('is idempotent: the same files twice give the same state, each load recorded with its hash', async () => {
		const files = { candidatures: [application(), application({ numero_dossier: 'B' })], rapports: [report()] };
		await load(db, files);
		const once = await computeKpis(db);
		await load(db, files);
		expect(await computeKpis(db)).toEqual(once);
		const last = await db.all<{ sha256: string; rows: number; actor: string }>(
			`SELECT sha256, rows, actor FROM loads WHERE kind = 'candidatures' ORDER BY load_id DESC LIMIT 2`
		);
		expect(last[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(last[0]!.sha256).toBe(last[1]!.sha256);
		expect(last[0]).toMatchObject({ rows: 2, actor: 'test' });
	});

	it('refuses two files of the same kind in one call', async () => {
		const bytes = csvBytes([application()]);
		const r = await importExports(db, [{ name: 'a.csv', bytes }, { name: 'b.csv', bytes }], { actor: 't', source: 'cli' });
		expect(r.ok).toBe(false);
		expect(r.errors.map((e) => e.code)).toEqual(['kind_repeated']);
	});

	it('a dry run checks without loading or recording', async () => {
		const count = async () => Number((await db.one<{ n: string }>('SELECT count(*)::INTEGER AS n FROM loads'))!.n);
		const before = await count();
		const r = await importExports(db, [{ name: 'c.csv', bytes: csvBytes([application({ numero_dossier: 'DRY' })]) }], {
			actor: 't',
			source: 'cli',
			dryRun: true
		});
		expect(r.ok).toBe(true);
		expect(await count()).toBe(before);
		expect((await db.all(`SELECT * FROM applications WHERE numero_dossier = 'DRY'`)).length).toBe(0);
	});
});

describe('the command line', () => {
	const run = (args: string[], env: Record<string, string> = {}) =>
		spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', ...args], {
			encoding: 'utf8',
			env: { ...process.env, ...env }
		});

	it('imports, exits 1 with every error on stderr, and prints the figures', () => {
		const dbPath = tempDbPath('cli');
		const dir = fs.mkdtempSync('/tmp/hox-cli-');
		fs.writeFileSync(`${dir}/c.csv`, csvBytes([application()], ';'));
		fs.writeFileSync(`${dir}/bad.csv`, csvBytes([agreement({ montant_aide: 'x', statut: 'perdue' })]));
		const ok = run(['scripts/import.ts', '--db', dbPath, `${dir}/c.csv`]);
		expect(ok.status).toBe(0);
		const bad = run(['scripts/import.ts', '--db', dbPath, `${dir}/c.csv`, `${dir}/bad.csv`]);
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('bad.csv, ligne 2, colonne montant_aide, valeur « x »');
		expect(bad.stderr).toContain('colonne statut, valeur « perdue »');
		expect(bad.stderr).toContain('Rien n’a été chargé');
		const kpis = run(['scripts/kpis.ts', '--db', dbPath]);
		expect(kpis.status).toBe(0);
		expect(JSON.parse(kpis.stdout).applications.total).toBe(1);
		const viaEnv = run(['scripts/kpis.ts'], { HOX_DB: dbPath });
		expect(JSON.parse(viaEnv.stdout).funding.requested_eur).toBe(100000);
	});

	it('refuses to read a database that does not exist, naming it, and creates nothing', () => {
		const dbPath = `${tempDbPath('missing')}-absent.duckdb`;
		const r = run(['scripts/kpis.ts', '--db', dbPath]);
		expect(r.status).toBe(1);
		expect(r.stdout).toBe('');
		expect(r.stderr).toContain(`La base ${dbPath} n’existe pas.`);
		expect(fs.existsSync(dbPath)).toBe(false);
	});

	it('says in one sentence that another process holds the database', async () => {
		const dbPath = tempDbPath('locked');
		const holder = await Database.open(dbPath);
		try {
			// DuckDB's lock is per process: a second process is refused.
			const r = run(['scripts/kpis.ts', '--db', dbPath]);
			expect(r.status).toBe(1);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
			expect(r.stderr).toMatch(/ouverte par un autre processus/);
			expect(r.stderr).not.toMatch(/at .*\.js/);
		} finally {
			holder.close();
		}
	});
});
