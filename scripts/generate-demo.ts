/**
 * npm run generate-demo -- [--seed N] [--applications N] [--style excel-fr|clean-utf8|bom-semicolon|mixed] [--out DIR]
 *
 * Writes candidatures.csv, conventions.csv and rapports.csv: realistic, seeded exports (the same
 * seed gives byte-identical files). Defaults: seed 2026, 150 applications, `mixed` styles (the
 * committed set: applications as Excel on French Windows, agreements as UTF-8 with BOM and `;`,
 * reports as clean UTF-8), written to data/samples.
 */
import { parseArgs } from 'node:util';
import { EXPORT_STYLES, summarize, writeDemoSet, type ExportStyle } from './demo-data';

const USAGE =
	'Usage : npm run generate-demo -- [--seed N] [--applications N] [--style excel-fr|clean-utf8|bom-semicolon|mixed] [--out DOSSIER]';

function fail(message: string): never {
	console.error(message);
	console.error(USAGE);
	process.exit(2);
}

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
	if (raw === undefined) return fallback;
	if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) fail(`--${name} : un nombre entier ≥ ${min} est attendu (reçu « ${raw} »).`);
	return Number(raw);
}

let values: Record<string, string | boolean | undefined>;
try {
	({ values } = parseArgs({
		options: {
			seed: { type: 'string' },
			applications: { type: 'string' },
			style: { type: 'string' },
			out: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		},
		strict: true,
		allowPositionals: false
	}));
} catch (error) {
	fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}

const seed = wholeNumber('seed', values.seed as string | undefined, 2026, 0);
const applications = wholeNumber('applications', values.applications as string | undefined, 150, 0);
const styleArg = (values.style as string | undefined) ?? 'mixed';
if (styleArg !== 'mixed' && !(EXPORT_STYLES as readonly string[]).includes(styleArg)) fail(`--style : style inconnu « ${styleArg} ».`);
const style = styleArg as ExportStyle | 'mixed';
const out = (values.out as string | undefined) ?? 'data/samples';

const started = performance.now();
const { dataset, files } = writeDemoSet(out, { seed, applications, style });
const ms = Math.round(performance.now() - started);
const summary = summarize(dataset);

for (const f of files) console.log(`${f.file} : ${f.rows} lignes, style ${f.style}, ${f.bytes} octets`);
const statuses = Object.entries(summary.applications.byRoundAndStatus)
	.map(([round, byStatus]) => `relève ${round} : ${Object.entries(byStatus).map(([s, n]) => `${s} ${n}`).join(', ')}`)
	.join(' ; ');
console.log(`Candidatures : ${summary.applications.total} (${statuses})`);
console.log(
	`Conventions : ${summary.conventions.total} (${Object.entries(summary.conventions.byStatus).map(([s, n]) => `${s} ${n}`).join(', ')}) ; engagé ${summary.conventions.committedEur} €, versé ${summary.conventions.paidEur} €`
);
console.log(`Rapports : ${summary.reports.total} (${Object.entries(summary.reports.byType).map(([s, n]) => `${s} ${n}`).join(', ')})`);
if (dataset.planted.length <= 60) {
	console.log('Cas particuliers volontaires :');
	for (const p of dataset.planted) console.log(`  ${p.what.padEnd(18)} ${p.dossier}${p.convention ? ` (${p.convention})` : ''} — ${p.note}`);
} else {
	console.log(`Cas particuliers volontaires : ${dataset.planted.length}`);
}
console.log(`Graine ${seed}, ${ms} ms.`);
