/**
 * Import and figures benchmark at one size: synthetic exports from scripts/demo-data.ts, the
 * real pipeline (importExports: decode, parse, check every cell, one transaction) against
 * DuckDB's own `CREATE TABLE … AS SELECT * FROM read_csv('<same file>')`, then the headline
 * figures (computeKpis) on the loaded database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkExport } from '../../src/lib/domain/check';
import { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { setFiguresMemo } from '../../src/lib/server/figures/memo';
import { importExports } from '../../src/lib/server/import/load';
import { DEMO_KINDS, generateDataset, renderCsv, type ExportStyle } from '../demo-data';
import { median, percentile, round } from './stats';

export interface ImportBench {
	applications: number;
	agreements: number;
	reports: number;
	/** Bytes of the three files. */
	bytes: number;
	style: ExportStyle;
	repetitions: number;
	/** Median wall time of importExports of the three files, in one load, into a fresh database. */
	import_ms: number;
	/** Of which: checking the three files (checkExport, pure JavaScript). */
	check_ms: number;
	/** Median wall time of DuckDB reading the same three files into three tables. */
	read_csv_ms: number;
	import_vs_read_csv_ratio: number;
	/** The same files written as Excel on French Windows does (Windows-1252, `;`, `125 000,50 €`). */
	import_excel_fr_ms: number;
	/** computeKpis computed from scratch (the figures memo off): the first request after a load. */
	figures_ms: { p50: number; p95: number; mean: number; runs: number };
	/** computeKpis as every later request gets it until the next write (memo on). */
	figures_kept_ms: { p50: number; p95: number; mean: number; runs: number };
	/** Peak resident memory of the benchmark process so far (it holds the files and the parsed rows). */
	process_peak_rss_mb: number;
}

function writeSet(dir: string, applications: number, style: ExportStyle, seed: number): { files: string[]; counts: Record<string, number>; bytes: number } {
	const ds = generateDataset({ seed, applications });
	fs.mkdirSync(dir, { recursive: true });
	let bytes = 0;
	const files = DEMO_KINDS.map((kind) => {
		const file = path.join(dir, `${kind}.csv`);
		const data = renderCsv(kind, ds[kind], style);
		fs.writeFileSync(file, data);
		bytes += data.length;
		return file;
	});
	return { files, counts: { candidatures: ds.candidatures.length, conventions: ds.conventions.length, rapports: ds.rapports.length }, bytes };
}

function freshDbPath(dir: string, name: string): string {
	const file = path.join(dir, `${name}.duckdb`);
	for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
	return file;
}

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function timeImport(dbFile: string, files: string[]): Promise<{ importMs: number; db: Database }> {
	const inputs = files.map((f) => ({ name: path.basename(f), bytes: new Uint8Array(fs.readFileSync(f)) }));
	const db = await Database.open(dbFile);
	const t = performance.now();
	const result = await importExports(db, inputs, { actor: 'bench', source: 'cli' });
	const importMs = performance.now() - t;
	if (!result.ok) throw new Error(`bench data refused: ${result.errors.slice(0, 3).map((e) => e.message.en).join('; ')}`);
	return { importMs, db };
}

export async function benchImport(work: string, applications: number, options: { repetitions: number; figureRuns: number; log: (s: string) => void }): Promise<ImportBench> {
	const { log } = options;
	const dir = path.join(work, `n${applications}`);
	log(`  ${applications} candidatures : génération des exports…`);
	const clean = writeSet(path.join(dir, 'clean-utf8'), applications, 'clean-utf8', 2026);
	const excel = writeSet(path.join(dir, 'excel-fr'), applications, 'excel-fr', 2026);

	const importMs: number[] = [];
	const checkMs: number[] = [];
	const readMs: number[] = [];
	let loaded: Database | null = null;
	for (let rep = 0; rep < options.repetitions; rep++) {
		// Check alone (the JavaScript part), for the breakdown.
		const t0 = performance.now();
		for (const f of clean.files) checkExport(path.basename(f), new Uint8Array(fs.readFileSync(f)));
		checkMs.push(performance.now() - t0);

		loaded?.close();
		const { importMs: ms, db } = await timeImport(freshDbPath(dir, 'bench'), clean.files);
		importMs.push(ms);
		loaded = db;
		// DuckDB's own reader on the same files, into the same database.
		const t1 = performance.now();
		await db.write(async (tx) => {
			for (const [i, f] of clean.files.entries()) await tx.run(`CREATE OR REPLACE TABLE bench_read_csv_${i} AS SELECT * FROM read_csv(${sql(f)})`);
		});
		readMs.push(performance.now() - t1);
		await db.write(async (tx) => {
			for (let i = 0; i < clean.files.length; i++) await tx.run(`DROP TABLE bench_read_csv_${i}`);
		});
		log(`    essai ${rep + 1} : import ${Math.round(ms)} ms, read_csv ${Math.round(readMs.at(-1)!)} ms`);
	}

	// Figures on the loaded database: computed from scratch (memo off), then as a request
	// after the first one gets them (kept until the next write: src/lib/server/figures/memo.ts).
	const db = loaded!;
	const timeFigures = async (runs: number) => {
		for (let i = 0; i < 2; i++) await computeKpis(db);
		const times: number[] = [];
		for (let i = 0; i < runs; i++) {
			const t = performance.now();
			await computeKpis(db);
			times.push(performance.now() - t);
		}
		return times;
	};
	const memo = setFiguresMemo(false);
	const figures = await timeFigures(options.figureRuns);
	setFiguresMemo(true);
	const kept = await timeFigures(options.figureRuns);
	setFiguresMemo(memo);
	db.close();
	const stats = (times: number[]) => ({
		p50: round(percentile(times, 50), 1),
		p95: round(percentile(times, 95), 1),
		mean: round(times.reduce((a, b) => a + b, 0) / times.length, 1),
		runs: times.length
	});

	const excelRun = await timeImport(freshDbPath(dir, 'bench-excel'), excel.files);
	excelRun.db.close();

	const result: ImportBench = {
		applications,
		agreements: clean.counts.conventions!,
		reports: clean.counts.rapports!,
		bytes: clean.bytes,
		style: 'clean-utf8',
		repetitions: options.repetitions,
		import_ms: round(median(importMs)),
		check_ms: round(median(checkMs)),
		read_csv_ms: round(median(readMs)),
		import_vs_read_csv_ratio: round(median(importMs) / median(readMs), 2),
		import_excel_fr_ms: round(excelRun.importMs),
		figures_ms: stats(figures),
		figures_kept_ms: stats(kept),
		process_peak_rss_mb: round(process.resourceUsage().maxRSS / 1024)
	};
	fs.rmSync(dir, { recursive: true, force: true });
	return result;
}
