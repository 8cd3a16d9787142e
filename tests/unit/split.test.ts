/**
 * A large file checked in two halves on two cores (split.ts) gives exactly the answer of one
 * check of the whole file, and loads exactly the same rows: on clean files of every style, and
 * on files made to trip the join (the cut inside a quoted field, blank lines, a duplicate key
 * across the halves, an error in one half, unknown columns, orphans). Each case also says
 * whether the halves must be joined or the whole file checked again, so a test cannot pass by
 * never splitting.
 */
import { isDeepStrictEqual } from 'node:util';
import Papa from 'papaparse';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkExport, type CheckedExport } from '../../src/lib/domain/check';
import type { Database } from '../../src/lib/server/db/database';
import { importExports, type ImportInput, type ImportResult } from '../../src/lib/server/import/load';
import { checkFile, hasSpareWorker, planSplit, setSpareIdleMs } from '../../src/lib/server/import/split';
import { encodeWindows1252, generateDataset, renderCsv, type ExportStyle } from '../../scripts/demo-data';
import { openTempDb } from './fixtures';

const small = generateDataset({ seed: 11, applications: 400 });
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** The records of a clean-utf8 export (header first), to change and write back with `csv`. */
const records = (kind: 'candidatures' | 'conventions', ds = small) => Papa.parse<string[]>(text(renderCsv(kind, ds[kind], 'clean-utf8')).trimEnd()).data;
const csv = (rows: string[][]) => utf8(Papa.unparse(rows, { newline: '\n' }) + '\n');

/** Everything a check says but the rows (split: the first half's; the rest are packed). */
function answer(c: CheckedExport) {
	return {
		file: c.file,
		kind: c.kind,
		encoding: c.encoding,
		delimiter: c.delimiter,
		headers: c.headers,
		unknownColumns: c.unknownColumns,
		rowCount: c.rowCount,
		keys: [...c.keys].sort(([a], [b]) => (a < b ? -1 : 1)),
		errors: c.errors,
		warnings: c.warnings
	};
}

const opened: Database[] = [];
afterAll(() => {
	for (const db of opened.splice(0)) db.close();
});

/** Every snapshot table's rows but their load id, in file order. */
async function tables(db: Database): Promise<Record<string, unknown[]>> {
	const out: Record<string, unknown[]> = {};
	for (const kind of ['candidatures', 'conventions', 'rapports']) {
		out[kind] = await db.all(`SELECT * EXCLUDE (load_id) FROM ${kind}_rows ORDER BY row_number`);
	}
	return out;
}

/** What an import says, but what differs from one import to the next (batch, load ids). */
const said = (r: ImportResult) => ({ ok: r.ok, files: r.files.map(({ loadId, ...f }) => f), errors: r.errors, warnings: r.warnings });

/** Check and load `inputs` in two halves (every file of any size) and whole; expect the same, and expect `split` of the first file. */
async function expectSame(inputs: ImportInput[], split: boolean): Promise<void> {
	const first = inputs[0]!;
	const halves = await checkFile(first.name, first.bytes, 1);
	const whole = checkExport(first.name, first.bytes);
	expect(halves.split, 'checked in two halves').toBe(split);
	expect(halves.tail, 'checked in a worker').not.toBeNull();
	expect(answer(halves)).toEqual(answer(whole));
	halves.tail?.cancel();
	// The whole file in one worker (the server's way for a file too small to split): the same.
	const inWorker = await checkFile(first.name, first.bytes, Number.MAX_SAFE_INTEGER);
	expect([inWorker.split, inWorker.tail !== null, inWorker.rows.length]).toEqual([false, true, 0]);
	expect(answer(inWorker)).toEqual(answer(whole));
	inWorker.tail?.cancel();

	const [a, b] = [await openTempDb(), await openTempDb()];
	opened.push(a, b);
	const inTwo = await importExports(a, inputs, { actor: 'test', source: 'cli', splitFrom: 1 });
	const inOne = await importExports(b, inputs, { actor: 'test', source: 'cli', splitFrom: Number.MAX_SAFE_INTEGER });
	expect(said(inTwo)).toEqual(said(inOne));
	expect(await tables(a)).toEqual(await tables(b));
}

const input = (name: string, bytes: Uint8Array): ImportInput => ({ name, bytes });

// Every check starts worker threads, run through tsx from the sources: slow on a busy machine.
describe('a file checked in two halves', { timeout: 180_000 }, () => {
	it('joins the halves of clean files (LF, UTF-8; Windows-1252; BOM) and loads the same rows', async () => {
		await expectSame([input('candidatures.csv', renderCsv('candidatures', small.candidatures, 'clean-utf8'))], true);
		// From the server (source web), three files each checked whole in a worker: the same tables as checked in this thread.
		const three = (['candidatures', 'conventions', 'rapports'] as const).map((k) => input(`${k}.csv`, renderCsv(k, small[k], 'clean-utf8')));
		const [w, t] = [await openTempDb(), await openTempDb()];
		opened.push(w, t);
		const viaWorkers = await importExports(w, three, { actor: 'test', source: 'web', splitFrom: Number.MAX_SAFE_INTEGER });
		expect(viaWorkers.ok).toBe(true);
		expect(said(viaWorkers)).toEqual(said(await importExports(t, three, { actor: 'test', source: 'cli', splitFrom: Number.MAX_SAFE_INTEGER })));
		expect(await tables(w)).toEqual(await tables(t));
		// Excel-style Windows-1252 with `;`, rewritten with LF line breaks (CRLF: the next test).
		const excel = renderCsv('candidatures', small.candidatures, 'excel-fr');
		const lf = encodeWindows1252(new TextDecoder('windows-1252').decode(excel).replaceAll('\r\n', '\n'));
		await expectSame([input('candidatures.csv', lf)], true);
		const bom = utf8('\ufeff' + text(renderCsv('candidatures', small.candidatures, 'bom-semicolon')).replaceAll('\r\n', '\n'));
		expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		await expectSame([input('candidatures.csv', bom)], true);
		// Agreements and reports too, with orphans (no applications loaded): same rows in the warnings.
		await expectSame([input('conventions.csv', renderCsv('conventions', small.conventions, 'clean-utf8'))], true);
		await expectSame([input('rapports.csv', renderCsv('rapports', small.rapports, 'clean-utf8'))], true);
	});

	it('joins CRLF files only when papaparse guesses the line break from over a megabyte of the first half', async () => {
		const styles: ExportStyle[] = ['excel-fr', 'bom-semicolon'];
		for (const style of styles) await expectSame([input('candidatures.csv', renderCsv('candidatures', small.candidatures, style))], false);
		const large = generateDataset({ seed: 12, applications: 4000 });
		const bytes = renderCsv('candidatures', large.candidatures, 'excel-fr');
		expect(bytes.byteLength).toBeGreaterThan(2.2 * 1024 * 1024);
		await expectSame([input('candidatures.csv', bytes), input('conventions.csv', renderCsv('conventions', large.conventions, 'excel-fr'))], true);
	});

	it('numbers the second half’s rows as in the file, blank lines and multi-line cells included', async () => {
		const [header, ...rows] = records('candidatures');
		const title = header!.indexOf('titre_projet');
		// Blank lines (empty, and of empty cells) every 7 rows; a title on three lines every 10.
		const messy = [header!, ...rows.flatMap((r, i) => [...(i % 7 === 3 ? [[''], r.map(() => '')] : []), i % 10 === 5 ? r.map((c, k) => (k === title ? `${c}\nsuite\nfin` : c)) : r])];
		const bytes = csv(messy);
		expect(checkExport('c.csv', bytes).errors).toEqual([]);
		const plan = planSplit(bytes, 1)!;
		expect(text(plan.head).split('"').length % 2, 'the cut is outside quotes').toBe(1);
		await expectSame([input('candidatures.csv', bytes)], true);
	});

	it('checks the whole file again when the cut falls inside a quoted field', async () => {
		const [header, ...rows] = records('candidatures');
		const title = header!.indexOf('titre_projet');
		// The middle row's title: 3 000 lines, so the middle of the file is inside it.
		const middle = Math.floor(rows.length / 2);
		rows[middle]![title] = `${'une ligne de titre\n'.repeat(3000)}fin`;
		const bytes = csv([header!, ...rows]);
		const plan = planSplit(bytes, 1)!;
		expect(text(plan.head).split('"').length % 2, 'the cut is inside the quotes').toBe(0);
		expect(checkExport('x.csv', bytes).errors).toEqual([]);
		await expectSame([input('candidatures.csv', bytes)], false);
	});

	it('finds a duplicate key across the halves, an error in either half, as the whole file’s check does', async () => {
		const [header, ...rows] = records('candidatures');
		const dossier = header!.indexOf('numero_dossier');
		const date = header!.indexOf('date_depot');
		const duplicate = rows.map((r) => [...r]);
		duplicate.at(-1)![dossier] = rows[0]![dossier]!;
		await expectSame([input('candidatures.csv', csv([header!, ...duplicate]))], false);
		expect((await checkFile('c.csv', csv([header!, ...duplicate]), 1)).errors.map((e) => [e.code, e.row])).toEqual([['duplicate_key', rows.length + 1]]);
		for (const at of [1, rows.length - 2]) {
			const bad = rows.map((r, i) => (i === at ? r.map((c, k) => (k === date ? '31/02/2026' : c)) : r));
			await expectSame([input('candidatures.csv', csv([header!, ...bad]))], false);
			expect((await checkFile('c.csv', csv([header!, ...bad]), 1)).errors.map((e) => [e.code, e.row, e.column])).toEqual([['invalid', at + 2, 'date_depot']]);
		}
	});

	it('cuts over-long texts alike in both halves: the same warnings (the first 1 000, then a count) and the same loaded rows', async () => {
		const [header, ...rows] = records('candidatures');
		const title = header!.indexOf('titre_projet');
		const resume = header!.indexOf('resume');
		// A few long titles in each half, with an unknown column (a header warning to keep once).
		const some = [header!, ...rows.map((r, i) => (i % 50 === 7 ? r.map((c, k) => (k === title ? `${c} ${'x'.repeat(400)}` : c)) : r))];
		await expectSame([input('candidatures.csv', csv(some.map((r, i) => [...r, i === 0 ? 'extra' : ''])))], true);
		// More cut cells than are listed (two per row over 2 500 rows): a count of the rest, as one check of the whole file says it.
		const big = records('candidatures', generateDataset({ seed: 14, applications: 2500 }));
		const many = csv(big.map((r, i) => (i === 0 ? r : r.map((c, k) => (k === title ? 'y'.repeat(301) : k === resume ? 'z'.repeat(5001) : c)))));
		const whole = checkExport('c.csv', many);
		expect(whole.cuts).toBe(5000);
		// (The other warnings are those of SIRETs, rule R22.)
		expect(whole.warnings.filter((w) => w.code === 'truncated').length).toBe(1001);
		expect(whole.warnings.at(-1)!.message.en).toBe('4\u00a0000 more texts cut to their column\'s limit (not listed).');
		await expectSame([input('candidatures.csv', many)], true);
	});

	it('keeps the warnings of the header once, and the orphans of the second half with their rows', async () => {
		const lines = records('conventions');
		const withExtra = csv(lines.map((r, i) => [...r, i === 0 ? 'commentaire' : 'note']));
		await expectSame([input('conventions.csv', withExtra)], true);
		const db = await openTempDb();
		opened.push(db);
		const result = await importExports(db, [input('conventions.csv', withExtra)], { actor: 'test', source: 'cli', splitFrom: 1 });
		const orphans = result.warnings.filter((w) => w.code === 'orphan');
		expect(orphans.length).toBe(lines.length - 1);
		expect(orphans.at(-1)!.row).toBe(lines.length);
		expect(result.warnings.filter((w) => w.code === 'unknown_column').length).toBe(1);
	});

	it('checks and packs the halves again in this thread when the workers are gone after their check', async () => {
		const bytes = renderCsv('candidatures', generateDataset({ seed: 13, applications: 3000 }).candidatures, 'clean-utf8');
		const fromWorker = await (await checkFile('c.csv', bytes, 1)).tail!.batches();
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		try {
			const stopped = await checkFile('c.csv', bytes, 1);
			stopped.tail!.cancel();
			const again = await stopped.tail!.batches();
			// (A worker that had packed its rows when it was stopped gave them.)
			const said = warn.mock.calls.map((c) => String(c[0]));
			expect(said.length).toBeGreaterThan(0);
			expect(said.every((m) => /^Check worker failed, the (first|second) half of c\.csv is checked again in this thread:$/.test(m))).toBe(true);
			expect(again.reduce((n, b) => n + b.n, 0)).toBeGreaterThan(1000);
			expect(isDeepStrictEqual(again, fromWorker)).toBe(true);
		} finally {
			warn.mockRestore();
		}
	});

	it('keeps the worker for the next file a while, then stops it', async () => {
		setSpareIdleMs(300);
		try {
			const bytes = renderCsv('candidatures', small.candidatures, 'clean-utf8');
			await (await checkFile('c.csv', bytes, 1)).tail!.batches();
			expect(hasSpareWorker()).toBe(true);
			await (await checkFile('c.csv', bytes, 1)).tail!.batches();
			expect(hasSpareWorker()).toBe(true);
			await new Promise((resolve) => setTimeout(resolve, 600));
			expect(hasSpareWorker()).toBe(false);
		} finally {
			setSpareIdleMs(60_000);
		}
	});

	it('is not tried on small files, UTF-16, a quoted header or a file of one line', async () => {
		const clean = renderCsv('candidatures', small.candidatures, 'clean-utf8');
		expect(planSplit(clean, clean.byteLength + 1)).toBeNull();
		expect(planSplit(clean, clean.byteLength)).not.toBeNull();
		expect(planSplit(new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x0a, 0x00, 0x62, 0x00, 0x0a, 0x00]), 1)).toBeNull();
		expect(planSplit(utf8('"numero_dossier",statut\nA,B\nC,D\n'), 1)).toBeNull();
		expect(planSplit(utf8('numero_dossier,statut'), 1)).toBeNull();
		// A dry run: the worker checks without packing, and is kept; nothing is loaded.
		const db = await openTempDb();
		opened.push(db);
		const dry = await importExports(db, [input('candidatures.csv', clean)], { actor: 'test', source: 'cli', splitFrom: 1, dryRun: true });
		expect(dry.ok).toBe(true);
		expect(said(dry)).toEqual(said(await importExports(db, [input('candidatures.csv', clean)], { actor: 'test', source: 'cli', dryRun: true })));
		expect(await db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM candidatures_rows')).toEqual({ n: 0 });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(hasSpareWorker()).toBe(true);
	});
});
