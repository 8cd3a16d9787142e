/** The report and preview of a load: verdict wording, cells marked, CSV for French Excel. */
import { describe, expect, it } from 'vitest';
import { application, csvBytes } from '../../../tests/unit/fixtures';
import { checkExport, crossFileErrors } from '../domain/check';
import { buildPreview, previewFromBytes, PREVIEW_ERROR_ROWS, PREVIEW_FIRST_ROWS } from './preview';
import { describeErrors, fileReportFromCheck, reportCsv, reportFileName, verdict, withCrossFileErrors, type LoadReport } from './report';

const apps = (n: number, at: Record<number, Record<string, string>> = {}) =>
	Array.from({ length: n }, (_, i) => application({ numero_dossier: `HOX-${i + 1}`, ...(at[i + 2] ?? {}) }));

function browserReport(bytes: Uint8Array, file = 'candidatures.csv'): LoadReport {
	const { rows: _rows, keys: _keys, ...checked } = checkExport(file, bytes);
	const report = fileReportFromCheck(checked, { bytes: bytes.byteLength, sha256: null, preview: previewFromBytes(bytes, checked.errors, checked.warnings) });
	return { stage: 'browser', ok: checked.errors.length === 0, dryRun: false, batchId: null, files: [report] };
}

describe('the verdict', () => {
	it('counts errors and the rows they are on, structure errors apart', () => {
		expect(describeErrors({ structure: 0, content: 12, contentRows: 9 }, 'fr')).toBe('12 erreurs sur 9 lignes');
		expect(describeErrors({ structure: 0, content: 1, contentRows: 1 }, 'fr')).toBe('1 erreur sur 1 ligne');
		expect(describeErrors({ structure: 2, content: 3, contentRows: 2 }, 'fr')).toBe('2 erreurs de structure et 3 erreurs sur 2 lignes');
		expect(describeErrors({ structure: 1, content: 0, contentRows: 0 }, 'en')).toBe('1 structure error');
		expect(describeErrors({ structure: 0, content: 1234, contentRows: 1000 }, 'fr')).toBe('1\u202f234 erreurs sur 1\u202f000 lignes');
	});

	it('says valid, refused or loaded, by stage', () => {
		const bad = browserReport(csvBytes(apps(9, { 3: { aide_demandee: '-1', statut: 'x' }, 5: { releve: '' } })));
		expect(verdict(bad, 'fr')).toMatchObject({ tone: 'bad', title: 'Fichier refusé : 3 erreurs sur 2 lignes' });
		expect(verdict({ ...bad, stage: 'server' }, 'fr')).toMatchObject({ tone: 'bad', title: 'Chargement refusé : 3 erreurs sur 2 lignes', detail: 'Rien n’a été chargé : les données restent celles d’avant.' });
		const good = browserReport(csvBytes(apps(3)));
		expect(verdict(good, 'fr').title).toBe('Fichier valide');
		expect(verdict({ ...good, stage: 'server' }, 'fr').title).toBe('Chargement effectué');
		expect(verdict({ ...good, stage: 'server', dryRun: true }, 'fr').detail).toMatch(/^Vérification seule \(3 lignes\) : rien n’a été chargé\./);
		expect(verdict({ ...good, stage: 'server' }, 'en').title).toBe('Loaded');
	});

	it('a missing column is a structure error, reported apart', () => {
		const rows = apps(2).map(({ siren: _s, ...r }) => r);
		const r = browserReport(csvBytes(rows));
		expect(r.files[0]!.structureCount).toBe(1);
		expect(r.files[0]!.contentCount).toBe(0);
		expect(verdict(r, 'fr').title).toBe('Fichier refusé : 1 erreur de structure');
	});

	it('two exports of one kind are refused before sending', () => {
		const a = browserReport(csvBytes(apps(1)), 'a.csv').files[0]!;
		const b = browserReport(csvBytes(apps(1)), 'b.csv').files[0]!;
		const merged = withCrossFileErrors([a, b], crossFileErrors([a, b]));
		expect(merged[0]!.structureCount).toBe(0);
		expect(merged[1]!.errors.map((e) => e.code)).toEqual(['kind_repeated']);
	});
});

describe('the preview', () => {
	it('shows the first rows and the rows with errors, the offending cells marked', () => {
		const bytes = csvBytes(apps(40, { 12: { statut: 'Gagnant' }, 30: { aide_demandee: '-5' } }));
		const r = browserReport(bytes).files[0]!;
		const p = r.preview!;
		expect(p.columns).toBe(p.headers.length);
		expect(p.rows.map((x) => x.row)).toEqual([...Array.from({ length: PREVIEW_FIRST_ROWS }, (_, i) => i + 2), 12, 30]);
		const twelve = p.rows.find((x) => x.row === 12)!;
		expect(twelve.hasError).toBe(true);
		expect(twelve.marks).toHaveLength(1);
		expect(p.headers[twelve.marks[0]!.col]).toBe('statut');
		expect(twelve.cells[twelve.marks[0]!.col]).toBe('Gagnant');
		expect(twelve.marks[0]!.level).toBe('error');
		expect(p.rows[0]!.hasError).toBe(false);
	});

	it('marks extra cells beyond the header and the key of a duplicate; keeps long files short', () => {
		const header = 'numero_convention,numero_dossier,date_signature,assiette_retenue,montant_aide,date_debut,date_fin,statut,montant_avance,date_avance,montant_solde,date_solde';
		const row = (conv: string, extra = '') => `${conv},HOX-1,2026-06-01,125000,100000,2026-06-01,2027-02-28,en_cours,30000,2026-06-15,,${extra}`;
		const text = [header, row('C-1'), row('C-2', ',surplus'), row('C-1')].join('\n');
		const bytes = new TextEncoder().encode(text);
		const checked = checkExport('conventions.csv', bytes);
		const p = previewFromBytes(bytes, checked.errors)!;
		const extra = p.rows.find((x) => x.row === 3)!;
		expect(p.headers.at(-1)).toBe('#13');
		expect(extra.marks.map((m) => p.headers[m.col])).toEqual(['#13']);
		const dup = p.rows.find((x) => x.row === 4)!;
		expect(dup.marks.map((m) => p.headers[m.col]).sort()).toEqual(['numero_convention']);

		const many = csvBytes(apps(200, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 50, { statut: 'x' }]))));
		const big = browserReport(many).files[0]!.preview!;
		expect(big.rows.filter((x) => x.hasError)).toHaveLength(PREVIEW_ERROR_ROWS);
		expect(big.hiddenErrorRows).toBe(100 - PREVIEW_ERROR_ROWS);
	});

	it('works from records as the worker gets them', () => {
		const p = buildPreview([[], ['a', 'b', ''], ['1', '2', '']], 1, []);
		expect(p.headers).toEqual(['a', 'b']);
		expect(p.rows).toEqual([{ row: 3, cells: ['1', '2'], marks: [], hasError: false }]);
	});
});

describe('the report as CSV', () => {
	it('is for French Excel: BOM, semicolons, one line per error then warning, formulas neutralised', () => {
		const r = browserReport(csvBytes(apps(3, { 3: { aide_demandee: '-5', titre_projet: '=HYPERLINK("x")' } })));
		const csv = reportCsv(r.files, 'fr');
		expect(csv.startsWith('\ufefffichier;type;niveau;categorie;ligne;colonne;valeur;code;message\r\n')).toBe(true);
		expect(csv).toContain("candidatures.csv;candidatures;erreur;content;3;aide_demandee;'-5;invalid;Attendu : un montant positif ou nul");
		expect(reportFileName(r.files)).toBe('rapport-candidatures.csv');
		expect(reportFileName([{ file: 'a.csv' }, { file: 'b.csv' }], 'en')).toBe('report-load-2-files.csv');
	});

	it('says how many errors a stored report left out', () => {
		const r = browserReport(csvBytes(apps(3, { 2: { statut: 'x' } }))).files[0]!;
		const csv = reportCsv([{ ...r, errorCount: 250 }], 'fr');
		expect(csv).toContain('… et 249 autres erreurs non conservées par le serveur');
	});
});
