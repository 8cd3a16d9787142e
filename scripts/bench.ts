/**
 * npm run bench -- [--json] [--sizes 1000,10000,100000] [--repetitions N] [--connections 50]
 *                  [--duration 10] [--pages-applications N] [--no-pages] [--rebuild]
 *
 * Measures, in one run (docs/BENCHMARKS.md):
 * - import: the real pipeline (importExports) on synthetic exports of 1×, 10× and 100× the
 *   programme's size (1 000 applications taken as 1×, up to 100 000), against DuckDB's own
 *   read_csv of the same files into tables, as a ratio;
 * - figures: computeKpis latency on each loaded database;
 * - pages: p50/p95 latency and throughput of the signed-in overview (/app) and of the public
 *   home page (/) under 50 concurrent connections (autocannon), on the demo data (the
 *   committed data/samples), with the server's memory: once with the server as shipped
 *   (pages kept a few seconds, src/lib/server/page-cache.ts), once rendering every request.
 * `--json` prints the results as JSON (summary keys first, then the details); otherwise a table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { checkExport } from '../src/lib/domain/check';
import { generateDataset, renderCsv, DEMO_KINDS } from './demo-data';
import { benchImport, type ImportBench } from './bench/imports';
import { benchPages, privateBuild, type PagesBench } from './bench/pages';
import { round } from './bench/stats';
import { args, main } from './lib/cli';

const ROOT = path.resolve(import.meta.dirname, '..');
const PROGRAMME_SIZE = 1000;

const TARGETS = {
	import_vs_read_csv_ratio: 3,
	figures_ms_100k: 50,
	overview_p95_ms: 100
};

async function duckdbVersion(): Promise<string> {
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	const rows = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjectsJson();
	connection.closeSync();
	instance.closeSync();
	return String(rows[0]!.v);
}

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		memory_gb: round(os.totalmem() / 1024 ** 3, 1),
		os: `${os.type()} ${os.release()}`,
		node: process.versions.node,
		load_average_at_start: os.loadavg().map((l) => round(l, 2))
	};
}

function demoInputs(): { name: string; bytes: Uint8Array }[] {
	const dir = path.join(ROOT, 'data', 'samples');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.csv'))
		.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))) }));
}

function generatedInputs(applications: number): { name: string; bytes: Uint8Array }[] {
	const ds = generateDataset({ seed: 2026, applications });
	return DEMO_KINDS.map((kind) => ({ name: `${kind}.csv`, bytes: renderCsv(kind, ds[kind], 'clean-utf8') }));
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

function table(imports: ImportBench[], ...pageRuns: (PagesBench | null)[]): string {
	const lines: string[] = [];
	lines.push('Import (3 fichiers, une transaction) contre read_csv de DuckDB sur les mêmes fichiers');
	lines.push(`${pad('candidatures', 12)} ${pad('Mo', 6)} ${pad('import ms', 10)} ${pad('dont contrôle', 14)} ${pad('read_csv ms', 12)} ${pad('ratio', 6)} ${pad('Excel FR ms', 12)} ${pad('chiffres p50', 13)} ${pad('p95 ms', 7)} ${pad('gardés p50', 11)}`);
	for (const r of imports) {
		lines.push(
			`${pad(r.applications, 12)} ${pad((r.bytes / 1024 / 1024).toFixed(1), 6)} ${pad(r.import_ms, 10)} ${pad(r.check_ms, 14)} ${pad(r.read_csv_ms, 12)} ${pad(r.import_vs_read_csv_ratio.toFixed(2), 6)} ${pad(r.import_excel_fr_ms, 12)} ${pad(r.figures_ms.p50, 13)} ${pad(r.figures_ms.p95, 7)} ${pad(r.figures_kept_ms.p50, 11)}`
		);
	}
	for (const pages of pageRuns) {
		if (!pages) continue;
		lines.push('');
		lines.push(`Pages (${pages.data}, ${pages.applications} candidatures, ${pages.mode === 'rendered' ? 'rendues à chaque requête' : 'micro-cache du serveur'})`);
		lines.push(`${pad('page', 6)} ${pad('conn.', 6)} ${pad('req/s', 8)} ${pad('p50 ms', 8)} ${pad('p95 ms', 8)} ${pad('p99 ms', 8)} ${pad('non-2xx', 8)} ${pad('octets', 8)}`);
		for (const p of pages.pages) {
			lines.push(`${pad(p.path, 6)} ${pad(p.connections, 6)} ${pad(p.rps, 8)} ${pad(p.p50_ms, 8)} ${pad(p.p95_ms, 8)} ${pad(p.p99_ms, 8)} ${pad(p.non2xx, 8)} ${pad(p.bytes_per_page, 8)}`);
		}
		lines.push(`Mémoire du serveur : ${pages.memory.rss_idle_mb} Mo au repos, ${pages.memory.rss_peak_mb} Mo au plus fort (VmHWM ${pages.memory.hwm_mb} Mo)`);
	}
	return lines.join('\n');
}

main(async () => {
	const { values } = args({
		json: { type: 'boolean' },
		sizes: { type: 'string' },
		repetitions: { type: 'string' },
		connections: { type: 'string' },
		duration: { type: 'string' },
		'pages-applications': { type: 'string' },
		'no-pages': { type: 'boolean' },
		rebuild: { type: 'boolean' }
	});
	const sizes = (values.sizes ?? `${PROGRAMME_SIZE},${PROGRAMME_SIZE * 10},${PROGRAMME_SIZE * 100}`).split(',').map(Number);
	if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) {
		console.error('--sizes : des nombres de candidatures séparés par des virgules (1 à 1 000 000).');
		return 2;
	}
	const connections = Number(values.connections ?? 50);
	const duration = Number(values.duration ?? 10);
	const log = (s: string) => console.error(s);
	const work = path.join(ROOT, 'tests', '.tmp', `bench-${process.pid}`);
	fs.mkdirSync(work, { recursive: true });
	try {
		const started = new Date();
		const info = { ...machine(), duckdb: await duckdbVersion() };
		log(`Banc d’essai — ${info.cores} cœurs (${info.cpu}), Node ${info.node}, DuckDB ${info.duckdb}`);

		const imports: ImportBench[] = [];
		for (const n of sizes) {
			const repetitions = Number(values.repetitions ?? 3);
			imports.push(await benchImport(work, n, { repetitions, figureRuns: n >= 100_000 ? 30 : 50, log }));
		}

		let pages: PagesBench | null = null;
		let rendered: PagesBench | null = null;
		if (!values['no-pages']) {
			const n = values['pages-applications'] ? Number(values['pages-applications']) : null;
			log(`Pages sur ${n ? `${n} candidatures générées` : 'les données de démonstration (data/samples)'}…`);
			const inputs = n ? generatedInputs(n) : demoInputs();
			const applications = n ?? applicationsIn(inputs);
			const data = { label: n ? 'generated' : 'demo data (data/samples)', applications, inputs };
			const build = privateBuild(path.join(work, 'pages'), !!values.rebuild, log);
			// The server as shipped (pages kept a few seconds: src/lib/server/page-cache.ts), then rendering every request.
			pages = await benchPages(path.join(work, 'pages'), data, { connections, duration, rebuild: false, log, pageCache: true, build });
			rendered = await benchPages(path.join(work, 'pages'), data, { connections, duration, rebuild: false, log, pageCache: false, build });
		}

		const largest = imports.reduce((a, b) => (b.applications > a.applications ? b : a), imports[0]!);
		const at100k = imports.find((r) => r.applications === 100_000);
		const overview = pages?.pages.find((p) => p.path === '/app');
		const home = pages?.pages.find((p) => p.path === '/');
		const overviewRendered = rendered?.pages.find((p) => p.path === '/app');
		const homeRendered = rendered?.pages.find((p) => p.path === '/');
		const summary = {
			import_vs_read_csv_ratio: largest.import_vs_read_csv_ratio,
			import_vs_read_csv_ratio_at: largest.applications,
			figures_ms_100k: at100k ? at100k.figures_ms.p50 : null,
			figures_kept_ms_100k: at100k ? at100k.figures_kept_ms.p50 : null,
			overview_p50_ms: overview?.p50_ms ?? null,
			overview_p95_ms: overview?.p95_ms ?? null,
			overview_rps: overview?.rps ?? null,
			public_p50_ms: home?.p50_ms ?? null,
			public_p95_ms: home?.p95_ms ?? null,
			public_rps: home?.rps ?? null,
			overview_rendered_p50_ms: overviewRendered?.p50_ms ?? null,
			overview_rendered_p95_ms: overviewRendered?.p95_ms ?? null,
			overview_rendered_rps: overviewRendered?.rps ?? null,
			public_rendered_p50_ms: homeRendered?.p50_ms ?? null,
			public_rendered_p95_ms: homeRendered?.p95_ms ?? null,
			public_rendered_rps: homeRendered?.rps ?? null,
			server_rss_peak_mb: pages && rendered ? Math.max(pages.memory.rss_peak_mb, rendered.memory.rss_peak_mb) : null,
			targets: TARGETS,
			meets: {
				import_vs_read_csv_ratio: largest.import_vs_read_csv_ratio <= TARGETS.import_vs_read_csv_ratio,
				figures_ms_100k: at100k ? at100k.figures_ms.p50 < TARGETS.figures_ms_100k : null,
				figures_kept_ms_100k: at100k ? at100k.figures_kept_ms.p50 < TARGETS.figures_ms_100k : null,
				overview_p95_ms: overview ? overview.p95_ms < TARGETS.overview_p95_ms : null,
				overview_rendered_p95_ms: overviewRendered ? overviewRendered.p95_ms < TARGETS.overview_p95_ms : null
			}
		};
		const report = { ...summary, machine: info, started_at: started.toISOString(), programme_size: PROGRAMME_SIZE, imports, pages, pages_rendered: rendered };
		if (values.json) console.log(JSON.stringify(report, null, 2));
		else {
			console.log(table(imports, pages, rendered));
			console.log('');
			console.log(
				`Objectifs : ratio import/read_csv ≤ ${TARGETS.import_vs_read_csv_ratio} → ${summary.import_vs_read_csv_ratio} (${summary.meets.import_vs_read_csv_ratio ? 'atteint' : 'non atteint'}) ; chiffres à 100 000 < ${TARGETS.figures_ms_100k} ms → ${summary.figures_ms_100k ?? '—'} ms calculés, ${summary.figures_kept_ms_100k ?? '—'} ms gardés ; vue d’ensemble p95 < ${TARGETS.overview_p95_ms} ms → ${summary.overview_p95_ms ?? '—'} ms (rendue à chaque requête : ${summary.overview_rendered_p95_ms ?? '—'} ms).`
			);
		}
		return 0;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
});

/** Applications in a set of exports: the data rows of its applications file. */
function applicationsIn(inputs: { name: string; bytes: Uint8Array }[]): number {
	const checked = inputs.map((i) => checkExport(i.name, i.bytes)).find((c) => c.kind === 'candidatures');
	return checked?.rowCount ?? 0;
}
