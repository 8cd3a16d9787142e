/**
 * Free text is bounded where it enters the database (issue 18 #1): a text longer than its
 * column's limit (`TEXT_LIMITS`) is cut and loaded with a warning that says where, how long it
 * was and what was kept; an over-long identifier is refused; an issue never carries a huge value.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkExport, ISSUE_VALUE_MAX } from '../../src/lib/domain/check';
import { COLUMNS, cutText, parseRow, rowSchema, TEXT_LIMITS } from '../../src/lib/domain/schemas';
import type { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { agreement, application, csvBytes, openTempDb, report } from './fixtures';

const opened: Database[] = [];
afterAll(() => {
	for (const db of opened.splice(0)) db.close();
});

describe('text limits', () => {
	it('gives every free-text column of the three exports a limit', () => {
		for (const kind of ['candidatures', 'conventions', 'rapports'] as const) {
			for (const def of COLUMNS[kind]) {
				if (def.type === 'text' || def.type === 'bricks') expect(def.max, `${kind}.${def.id}`).toBe(TEXT_LIMITS[def.id]);
				if (def.type === 'text') expect(def.max, `${kind}.${def.id}`).toBeGreaterThan(0);
			}
		}
		expect(TEXT_LIMITS.titre_projet).toBe(300);
		expect(TEXT_LIMITS.raison_sociale).toBe(200);
	});

	it('never cuts inside a surrogate pair', () => {
		expect(cutText('ab😀cd', 3)).toBe('ab');
		expect(cutText('ab😀cd', 4)).toBe('ab😀');
		expect(cutText('abc', 3)).toBe('abc');
		expect(cutText('ab   cd', 5)).toBe('ab');
	});

	it('cuts a 200 000-character title to 300 and loads it, with a warning giving row, column, length and the cut', async () => {
		const long = 'T'.repeat(200_000);
		const bytes = csvBytes([application({ resume: '' }), application({ numero_dossier: 'HOX-2026-002', titre_projet: long, resume: `Résumé ${'mot '.repeat(3000)}` })]);
		const checked = checkExport('c.csv', bytes);
		expect(checked.errors).toEqual([]);
		expect(checked.rows[1]!.titre_projet).toBe('T'.repeat(300));
		expect((checked.rows[1]!.resume as string).length).toBeLessThanOrEqual(5000);
		const cut = checked.warnings.filter((w) => w.code === 'truncated');
		expect(cut.map((w) => [w.row, w.column])).toEqual([
			[3, 'titre_projet'],
			[3, 'resume']
		]);
		expect(cut[0]!.message.fr).toBe(`Texte de 200\u00a0000 caractères coupé à 300 (la limite de la colonne titre_projet) : chargé jusqu’à « …${'T'.repeat(40)} », la suite est ignorée.`);
		expect(cut[0]!.value).toBe('T'.repeat(300).slice(0, ISSUE_VALUE_MAX));
		expect(checked.cuts).toBe(2);
		// The zod schema (the definition) gives the same cut value.
		const viaZod = rowSchema('candidatures', ',').safeParse({ ...application(), titre_projet: long });
		expect(viaZod.success && viaZod.data.titre_projet).toBe('T'.repeat(300));
		expect(parseRow('candidatures', ',', { ...application(), titre_projet: long })).toMatchObject({ cuts: [{ column: 'titre_projet', length: 200_000 }] });

		const db = await openTempDb();
		opened.push(db);
		const result = await importExports(db, [{ name: 'c.csv', bytes }], { actor: 'test', source: 'cli' });
		expect(result.ok).toBe(true);
		expect(result.warnings.filter((w) => w.code === 'truncated').length).toBe(2);
		const stored = await db.one<{ n: number }>("SELECT max(length(titre_projet))::INTEGER AS n FROM applications");
		expect(stored!.n).toBe(300);
	});

	it('cuts every free-text column of agreements and reports too, and brick lists before reading them', () => {
		const r = checkExport('r.csv', csvBytes([report({ commentaire: 'c'.repeat(6000), depot_code_url: `https://example.org/${'a'.repeat(3000)}`, licence: 'L'.repeat(150) })]));
		expect(r.errors).toEqual([]);
		expect(r.warnings.map((w) => [w.column, (r.rows[0]![w.column!] as string).length])).toEqual([
			['depot_code_url', 2000],
			['licence', 100],
			['commentaire', 5000]
		]);
		const bricks = checkExport('c.csv', csvBytes([application({ briques: `SlapOS|${'Z'.repeat(5000)}` })]));
		expect(bricks.errors).toEqual([]);
		expect(bricks.rows[0]!.briques).toEqual(['slapos', 'z'.repeat(993)]);
		expect(bricks.warnings.filter((w) => w.code === 'truncated').map((w) => w.column)).toEqual(['briques']);
	});

	it('refuses an identifier over its limit (two ids cut alike would become one), with a short value in the report', () => {
		const c = checkExport('v.csv', csvBytes([agreement({ numero_convention: `CONV-${'9'.repeat(20_000)}` })]));
		expect(c.errors.map((e) => [e.code, e.column, e.row])).toEqual([['invalid', 'numero_convention', 2]]);
		expect(c.errors[0]!.message.fr).toBe('un identifiant d’au plus 100 caractères (celui-ci en a 20005)');
		expect(c.errors[0]!.value!.length).toBe(ISSUE_VALUE_MAX + 1);
		// A value that is merely wrong is shown cut too.
		const amount = checkExport('c.csv', csvBytes([application({ aide_demandee: '1'.repeat(30_000) + 'x' })]));
		expect(amount.errors[0]!.value).toBe(`${'1'.repeat(ISSUE_VALUE_MAX)}…`);
	});

	it('keeps texts within their limit as they are (no warning)', () => {
		const c = checkExport('c.csv', csvBytes([application({ titre_projet: 'x'.repeat(300), raison_sociale: `  ${'y'.repeat(200)}  ` })]));
		expect(c.warnings.filter((w) => w.code === 'truncated')).toEqual([]);
		expect(c.rows[0]!.raison_sociale).toBe('y'.repeat(200));
	});
});
