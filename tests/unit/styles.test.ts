/**
 * The same data written as Excel on French Windows, as UTF-8 with BOM and `;`, and as clean
 * UTF-8 must give exactly the same figures.
 */
import { describe, expect, it } from 'vitest';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { importExports } from '../../src/lib/server/import/load';
import { DEMO_KINDS, EXPORT_STYLES, generateDataset, renderCsv } from '../../scripts/demo-data';
import { openTempDb } from './fixtures';

describe('export styles', () => {
	it('excel-fr, bom-semicolon and clean-utf8 exports of one dataset give identical figures and rows', async () => {
		const dataset = generateDataset({ seed: 7, applications: 300 });
		const results = [];
		for (const style of EXPORT_STYLES) {
			const db = await openTempDb();
			try {
				const inputs = DEMO_KINDS.map((kind) => ({ name: `${kind}-${style}.csv`, bytes: renderCsv(kind, dataset[kind], style) }));
				const r = await importExports(db, inputs, { actor: 'test', source: 'cli' });
				expect(r.errors).toEqual([]);
				const rows = await db.all(
					`SELECT * EXCLUDE (row_number) FROM applications ORDER BY numero_dossier`
				);
				const agreements = await db.all(`SELECT * EXCLUDE (row_number) FROM agreements ORDER BY numero_convention`);
				results.push({ style, kpis: await computeKpis(db), rows, agreements });
			} finally {
				db.close();
			}
		}
		const [first, ...others] = results;
		expect(first!.kpis.applications.total).toBe(300);
		expect(first!.kpis.rule_flags.length).toBeGreaterThan(5);
		for (const other of others) {
			expect(other.kpis, other.style).toEqual(first!.kpis);
			expect(other.agreements, other.style).toEqual(first!.agreements);
			// Text is identical too, except brick spellings (Sōzu cannot be written in Windows-1252): compare parsed ids.
			expect(other.rows, other.style).toEqual(first!.rows);
		}
	});
});
