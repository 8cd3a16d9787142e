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
import { benchReaders, type ReadersBench } from './bench/readers';
import { round } from './bench/stats';
import { args, main } from './lib/cli';

const ROOT = path.resolve(import.meta.dirname, '..');
const PROGRAMME_SIZE = 1000;

const TARGETS = {
	import_vs_read_csv_ratio: 3,
	figures_ms_100k: 50,
	overview_p95_ms: 100,
	dashboard_users_p95_ms: 100,
	/** Public pages of distinct anonymous readers: p95 under this multiple of the static file's… */
	public_anonymous_vs_static_p95: 2,
	/** …and at least this throughput. */
	public_anonymous_rps: 3000,
	report_page_ms: 200,
	report_pdf_ms_150: 1000,
	report_xlsx_ms_150: 500,
	report_ms_10k: 5000,
	server_rss_rest_mb: 300
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
		'no-readers': { type: 'boolean' },
		'report-applications': { type: 'string' },
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

		// Distinct readers: signed-in users each with their own session, anonymous readers, the
		// static file; the reports at the demo's size and at 10 000 applications.
		let readers: ReadersBench | null = null;
		let readersLarge: ReadersBench | null = null;
		if (!values['no-readers']) {
			const build = privateBuild(path.join(work, 'readers'), !!values.rebuild, log);
			log('Lecteurs distincts sur les données de démonstration (data/samples)…');
			const inputs = demoInputs();
			readers = await benchReaders(path.join(work, 'readers'), build, { label: 'demo data (data/samples)', applications: applicationsIn(inputs), inputs }, { connections, duration, log });
			const n = Number(values['report-applications'] ?? 10_000);
			log(`Rapport sur ${n} candidatures générées…`);
			readersLarge = await benchReaders(path.join(work, 'readers'), build, { label: 'generated', applications: n, inputs: generatedInputs(n) }, { connections: 7, duration, log, reportsOnly: true });
		}
		const group = (g: string) => readers?.groups.find((x) => x.group === g) ?? null;
		const dashboardUsers = group('dashboard');
		const publicAnonymous = group('public');
		const publicStatic = group('static');
		const report150 = readers?.reports ?? null;
		const report10k = readersLarge?.reports ?? null;

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
			server_rss_peak_mb: Math.max(pages?.memory.rss_peak_mb ?? 0, rendered?.memory.rss_peak_mb ?? 0, readers?.memory.rss_peak_mb ?? 0) || null,
			dashboard_users_p50_ms: dashboardUsers?.p50_ms ?? null,
			dashboard_users_p95_ms: dashboardUsers?.p95_ms ?? null,
			dashboard_users_rps: dashboardUsers?.rps ?? null,
			public_anonymous_p95_ms: publicAnonymous?.p95_ms ?? null,
			public_anonymous_rps: publicAnonymous?.rps ?? null,
			public_static_p95_ms: publicStatic?.p95_ms ?? null,
			public_static_rps: publicStatic?.rps ?? null,
			report_page_ms: report150?.page_ms ?? null,
			report_pdf_ms_150: report150?.pdf_ms ?? null,
			report_xlsx_ms_150: report150?.xlsx_ms ?? null,
			report_zip_ms_150: report150?.zip_ms ?? null,
			report_page_ms_10k: report10k?.page_ms ?? null,
			report_pdf_ms_10k: report10k?.pdf_ms ?? null,
			report_xlsx_ms_10k: report10k?.xlsx_ms ?? null,
			report_zip_ms_10k: report10k?.zip_ms ?? null,
			server_rss_rest_mb: readers?.memory.rss_rest_mb ?? null,
			start_to_first_page_ms: readers?.start_to_first_page_ms ?? null,
			targets: TARGETS,
			meets: {
				import_vs_read_csv_ratio: largest.import_vs_read_csv_ratio <= TARGETS.import_vs_read_csv_ratio,
				figures_ms_100k: at100k ? at100k.figures_ms.p50 < TARGETS.figures_ms_100k : null,
				figures_kept_ms_100k: at100k ? at100k.figures_kept_ms.p50 < TARGETS.figures_ms_100k : null,
				overview_p95_ms: overview ? overview.p95_ms < TARGETS.overview_p95_ms : null,
				overview_rendered_p95_ms: overviewRendered ? overviewRendered.p95_ms < TARGETS.overview_p95_ms : null,
				dashboard_users_p95_ms: dashboardUsers ? dashboardUsers.p95_ms < TARGETS.dashboard_users_p95_ms : null,
				public_anonymous:
					publicAnonymous && publicStatic
						? publicAnonymous.p95_ms < TARGETS.public_anonymous_vs_static_p95 * publicStatic.p95_ms && publicAnonymous.rps >= TARGETS.public_anonymous_rps
						: null,
				report_page_ms: report150 ? report150.page_ms < TARGETS.report_page_ms : null,
				report_pdf_ms_150: report150 ? report150.pdf_ms < TARGETS.report_pdf_ms_150 : null,
				report_xlsx_ms_150: report150 ? report150.xlsx_ms < TARGETS.report_xlsx_ms_150 : null,
				report_10k: report10k ? Math.max(report10k.pdf_ms, report10k.xlsx_ms, report10k.zip_ms) < TARGETS.report_ms_10k : null,
				server_rss_rest_mb: readers ? readers.memory.rss_rest_mb < TARGETS.server_rss_rest_mb : null
			}
		};
		const report = { ...summary, machine: info, started_at: started.toISOString(), programme_size: PROGRAMME_SIZE, imports, pages, pages_rendered: rendered, readers, readers_large: readersLarge };
		if (values.json) console.log(JSON.stringify(report, null, 2));
		else {
			console.log(table(imports, pages, rendered));
			if (readers) console.log(`\n${readersTable(readers, readersLarge)}`);
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

/** The readers' benchmark as a table (French, like the rest of the output). */
function readersTable(readers: ReadersBench, large: ReadersBench | null): string {
	const names: Record<string, string> = { dashboard: 'tableau de bord (utilisateurs distincts)', public: 'pages publiques (lecteurs anonymes)', static: 'accueil en fichier statique' };
	const lines = [`Lecteurs distincts (${readers.data}, ${readers.applications} candidatures)`];
	lines.push(`${'groupe'.padEnd(42)} ${pad('conn.', 6)} ${pad('req/s', 8)} ${pad('p50 ms', 8)} ${pad('p95 ms', 8)} ${pad('p99 ms', 8)} ${pad('non-2xx', 8)} ${pad('URL', 6)}`);
	for (const g of readers.groups) {
		lines.push(`${names[g.group]!.padEnd(42)} ${pad(g.connections, 6)} ${pad(g.rps, 8)} ${pad(g.p50_ms, 8)} ${pad(g.p95_ms, 8)} ${pad(g.p99_ms, 8)} ${pad(g.non2xx, 8)} ${pad(g.distinct_urls, 6)}`);
	}
	for (const g of readers.groups) if (g.non2xx_examples.length) lines.push(`  non-2xx (${g.group}) : ${g.non2xx_examples.join(', ')}`);
	for (const r of [readers.reports, large?.reports]) {
		if (r) lines.push(`Rapport, ${r.applications} candidatures : page ${r.page_ms} ms, PDF ${r.pdf_ms} ms, XLSX ${r.xlsx_ms} ms, ZIP ${r.zip_ms} ms`);
	}
	lines.push(`Serveur : ${readers.start_to_first_page_ms} ms du démarrage à la première page ; mémoire ${readers.memory.rss_rest_mb} Mo au repos, ${readers.memory.rss_peak_mb} Mo au plus fort`);
	return lines.join('\n');
}

/** Applications in a set of exports: the data rows of its applications file. */
function applicationsIn(inputs: { name: string; bytes: Uint8Array }[]): number {
	const checked = inputs.map((i) => checkExport(i.name, i.bytes)).find((c) => c.kind === 'candidatures');
	return checked?.rowCount ?? 0;
}
