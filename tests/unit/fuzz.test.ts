/**
 * Bad input (issue 8.2): a seeded property test feeds thousands of random and mutated CSV
 * files — random bytes, truncated lines, wrong encodings, enormous fields, many columns,
 * broken quotes, garbage cells — to the check and to the import:
 *
 * - checkExport never throws and its answer is coherent (no error ⇒ a kind and every row
 *   parsed; an error ⇒ a report with file, code and a message in both languages);
 * - importExports never throws and always answers with a report; refused (ok = false) ⇒ the
 *   data is exactly as before (figures, current snapshots, stored rows); loaded (ok = true)
 *   ⇒ each file's snapshot holds exactly the number of rows reported.
 *
 * Deterministic: the seed of every case is printed on failure (FUZZ_SEED=… to replay one,
 * FUZZ_CASES=… to run more).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, renderCsv, Rng, type DemoKind, type ExportStyle } from '../../scripts/demo-data';
import { checkExport, type CheckedExport, type IssueCode } from '../../src/lib/domain/check';
import { cutText } from '../../src/lib/domain/schemas';
import { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { importExports, type ImportResult } from '../../src/lib/server/import/load';

const ROOT = path.resolve(__dirname, '../..');
const CHECK_CASES = Number(process.env.FUZZ_CASES ?? 2000);
const IMPORT_CASES = Math.max(50, Math.round(CHECK_CASES / 10));
const ONLY_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : null;

const enc = new TextEncoder();
const KINDS: readonly DemoKind[] = ['candidatures', 'conventions', 'rapports'];
const STYLES: readonly ExportStyle[] = ['excel-fr', 'clean-utf8', 'bom-semicolon'];

/** Valid exports to mutate: a small dataset in each of the three real-world styles. */
let seeds: { kind: DemoKind; style: ExportStyle; bytes: Uint8Array }[] = [];

const NASTY_CELLS = [
	'',
	' ',
	'"',
	'""',
	'"a""b',
	'=HYPERLINK("http://x","y")',
	'+33 1 23',
	'-1',
	'-0',
	'@SUM(A1)',
	'1e309',
	'99999999999999999999999',
	'125 000,50 €',
	'€125,000.50',
	'1.234.567,89',
	'(500)',
	'NaN',
	'Infinity',
	'0x1F',
	'2026-02-30',
	'31/12/1899',
	'29/02/2024 25:61',
	'2026-04-15T14:32:05+14:00',
	'oui',
	'Peut-être',
	'LAURÉAT',
	'Relève 3',
	'SlapOS et Sōzu et Inconnue',
	'|||',
	'\u0000',
	'\u202e\u200b',
	'🦆',
	'\ud800',
	'\r',
	'\n\n',
	'a;b,c',
	"'; DROP TABLE loads; --",
	"O'Brien",
	'\\',
	'NULL'
];

// ---------------------------------------------------------------------------------------------
// Mutations (on bytes or on text)

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

const decodeLoose = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);

function spliceBytes(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
	const out = new Uint8Array(b.length - remove + insert.length);
	out.set(b.subarray(0, at));
	out.set(insert, at);
	out.set(b.subarray(at + remove), at + insert.length);
	return out;
}

function lines(b: Uint8Array): string[] {
	return decodeLoose(b).split(/\r?\n/);
}

const MUTATIONS: Record<string, Mutation> = {
	flipBytes: (b, rng) => {
		const out = b.slice();
		for (let i = rng.int(1, 8); i > 0 && out.length; i--) out[rng.int(0, out.length - 1)] = rng.int(0, 255);
		return out;
	},
	insertBytes: (b, rng) => spliceBytes(b, rng.int(0, b.length), 0, rng.bytes(rng.int(1, 64))),
	deleteRange: (b, rng) => {
		const at = rng.int(0, b.length);
		return spliceBytes(b, at, Math.min(b.length - at, rng.int(1, 200)), new Uint8Array());
	},
	truncate: (b, rng) => b.slice(0, rng.int(0, b.length)),
	truncateLastLine: (b, rng) => {
		const ls = lines(b).filter((l) => l !== '');
		const last = ls.pop() ?? '';
		return enc.encode([...ls, last.slice(0, rng.int(0, last.length))].join('\n'));
	},
	duplicateLine: (b, rng) => {
		const ls = lines(b);
		const i = rng.int(0, ls.length - 1);
		ls.splice(rng.int(0, ls.length), 0, ls[i]!);
		return enc.encode(ls.join('\n'));
	},
	dropLine: (b, rng) => {
		const ls = lines(b);
		ls.splice(rng.int(0, ls.length - 1), 1);
		return enc.encode(ls.join('\n'));
	},
	shuffleLines: (b, rng) => {
		const ls = lines(b);
		for (let i = ls.length - 1; i > 0; i--) {
			const j = rng.int(0, i);
			[ls[i], ls[j]] = [ls[j]!, ls[i]!];
		}
		return enc.encode(ls.join('\n'));
	},
	strayQuote: (b, rng) => spliceBytes(b, rng.int(0, b.length), 0, enc.encode('"')),
	swapDelimiter: (b) => {
		const t = decodeLoose(b);
		return enc.encode(t.includes(';') ? t.replace(/;/g, ',') : t.replace(/,/g, ';'));
	},
	nastyCell: (b, rng) => {
		const t = decodeLoose(b);
		const delim = (t.split('\n')[0]!.match(/;/g)?.length ?? 0) > 0 ? ';' : ',';
		const ls = t.split('\n');
		const r = rng.int(1, Math.max(1, ls.length - 1));
		const cells = (ls[r] ?? '').split(delim);
		const nasty = rng.pick(NASTY_CELLS);
		cells[rng.int(0, Math.max(0, cells.length - 1))] = rng.chance(0.5) ? nasty : `"${nasty.replace(/"/g, '""')}"`;
		ls[r] = cells.join(delim);
		return enc.encode(ls.join('\n'));
	},
	blankCell: (b, rng) => {
		const t = decodeLoose(b);
		const delim = t.split('\n')[0]!.includes(';') ? ';' : ',';
		const ls = t.split('\n');
		const r = rng.int(1, Math.max(1, ls.length - 1));
		const cells = (ls[r] ?? '').split(delim);
		cells[rng.int(0, Math.max(0, cells.length - 1))] = '';
		ls[r] = cells.join(delim);
		return enc.encode(ls.join('\n'));
	},
	renameHeader: (b, rng) => {
		const ls = lines(b);
		const delim = ls[0]!.includes(';') ? ';' : ',';
		const cells = ls[0]!.split(delim);
		cells[rng.int(0, cells.length - 1)] = rng.pick(['', 'numero_dossier', 'x', 'Numéro dossier', 'statut', '"', 'STATUT ']);
		ls[0] = cells.join(delim);
		return enc.encode(ls.join('\n'));
	},
	manyColumns: (b, rng) => {
		const ls = lines(b);
		const delim = ls[0]!.includes(';') ? ';' : ',';
		const n = rng.int(100, 3000);
		const extraHeader = Array.from({ length: n }, (_, i) => `extra_${i}`).join(delim);
		return enc.encode(ls.map((l, i) => (l === '' ? l : `${l}${delim}${i === 0 ? extraHeader : Array.from({ length: n }, () => 'v').join(delim)}`)).join('\n'));
	},
	extraCells: (b, rng) => {
		const ls = lines(b);
		const delim = ls[0]!.includes(';') ? ';' : ',';
		const r = rng.int(1, Math.max(1, ls.length - 1));
		ls[r] = `${ls[r] ?? ''}${delim}surplus${delim}encore`;
		return enc.encode(ls.join('\n'));
	},
	enormousField: (b, rng) => {
		const ls = lines(b);
		const delim = ls[0]!.includes(';') ? ';' : ',';
		const r = rng.int(1, Math.max(1, ls.length - 1));
		const cells = (ls[r] ?? '').split(delim);
		const big = 'Z'.repeat(rng.int(10_000, 300_000));
		cells[rng.int(0, Math.max(0, cells.length - 1))] = rng.chance(0.5) ? big : `"${big}\n${big}"`;
		ls[r] = cells.join(delim);
		return enc.encode(ls.join('\n'));
	},
	asUtf16: (b, rng) => {
		const t = decodeLoose(b);
		const le = rng.chance(0.5);
		const out = new Uint8Array(2 + t.length * 2);
		out.set(le ? [0xff, 0xfe] : [0xfe, 0xff]);
		for (let i = 0; i < t.length; i++) {
			const c = t.charCodeAt(i);
			out[2 + 2 * i] = le ? c & 0xff : c >> 8;
			out[3 + 2 * i] = le ? c >> 8 : c & 0xff;
		}
		return rng.chance(0.3) ? out.slice(0, out.length - 1) : out; // odd length: a cut code unit
	},
	asLatin1: (b) => {
		const t = decodeLoose(b);
		return Uint8Array.from([...t].map((c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f)));
	},
	cutMultibyte: (b, rng) => {
		// A UTF-8 sequence cut in two (the file then falls back to Windows-1252).
		const i = b.findIndex((x, k) => k > rng.int(0, b.length) && x >= 0xc0);
		return i < 0 ? b : spliceBytes(b, i + 1, 1, new Uint8Array());
	},
	bomInside: (b, rng) => spliceBytes(b, rng.int(0, b.length), 0, Uint8Array.from([0xef, 0xbb, 0xbf])),
	nulBytes: (b, rng) => spliceBytes(b, rng.int(0, b.length), 0, new Uint8Array(rng.int(1, 4))),
	crOnly: (b) => enc.encode(decodeLoose(b).replace(/\r?\n/g, '\r')),
	headerOnly: (b) => enc.encode(lines(b)[0]! + '\n'),
	blankLines: (b, rng) => {
		const ls = lines(b);
		for (let i = rng.int(1, 5); i > 0; i--) ls.splice(rng.int(0, ls.length), 0, rng.pick(['', ';;;', ',,', '   ']));
		return enc.encode(ls.join('\n'));
	}
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One fuzz input: random bytes, random text, or a valid export with 1–4 mutations. */
function makeInput(seed: number): { bytes: Uint8Array; how: string } {
	const rng = new Rng(seed);
	const roll = rng.next();
	if (roll < 0.05) return { bytes: rng.bytes(rng.int(0, 4000)), how: 'random bytes' };
	if (roll < 0.08) {
		const alphabet = 'abc;,"\n\r é€0123456789-+=@';
		const n = rng.int(0, 2000);
		let t = '';
		for (let i = 0; i < n; i++) t += alphabet[rng.int(0, alphabet.length - 1)];
		return { bytes: enc.encode(t), how: 'random text' };
	}
	const base = rng.pick(seeds);
	let bytes = base.bytes;
	const applied: string[] = [];
	const count = roll < 0.2 ? 0 : rng.int(1, 4);
	for (let i = 0; i < count; i++) {
		const name = rng.pick(MUTATION_NAMES);
		bytes = MUTATIONS[name]!(bytes, rng);
		applied.push(name);
	}
	return { bytes, how: `${base.kind}/${base.style} ${applied.join('+') || 'unchanged'}` };
}

const CODES: readonly IssueCode[] = ['not_text', 'empty_file', 'bad_quotes', 'unknown_kind', 'missing_column', 'duplicate_column', 'extra_cells', 'empty', 'invalid', 'duplicate_key', 'unknown_column', 'orphan', 'kind_repeated', 'truncated', 'siret'];

function assertCoherent(c: CheckedExport, file: string): void {
	expect(c.file).toBe(file);
	for (const i of [...c.errors, ...c.warnings]) {
		expect(i.file).toBe(file);
		expect(CODES).toContain(i.code);
		expect(['structure', 'content']).toContain(i.category);
		expect(i.message.fr.length).toBeGreaterThan(0);
		expect(i.message.en.length).toBeGreaterThan(0);
		if (i.row !== null) expect(Number.isInteger(i.row) && i.row >= 1).toBe(true);
	}
	if (c.errors.length === 0) {
		expect(c.kind).not.toBeNull();
		expect(c.rows).toHaveLength(c.rowCount);
		for (const r of c.rows) expect(Number.isInteger(r.__row) && r.__row >= 2).toBe(true);
	}
}

function seedsToRun(count: number, offset: number): number[] {
	if (ONLY_SEED !== null) return [ONLY_SEED];
	return Array.from({ length: count }, (_, i) => offset + i);
}

let dir: string;

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-fuzz-'));
	const ds = generateDataset({ seed: 11, applications: 24 });
	seeds = KINDS.flatMap((kind) => STYLES.map((style) => ({ kind, style, bytes: renderCsv(kind, ds[kind], style) })));
});

afterAll(() => {
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('checkExport on random and mutated files', () => {
	it(`never throws and always answers coherently (${CHECK_CASES} cases)`, () => {
		const outcomes = { ok: 0, refused: 0 };
		for (const seed of seedsToRun(CHECK_CASES, 1)) {
			const { bytes, how } = makeInput(seed);
			let c: CheckedExport;
			try {
				c = checkExport('fuzz.csv', bytes);
			} catch (error) {
				throw new Error(`checkExport threw on seed ${seed} (${how}): ${String(error)}`);
			}
			try {
				assertCoherent(c, 'fuzz.csv');
			} catch (error) {
				throw new Error(`incoherent answer on seed ${seed} (${how}): ${String(error)}`);
			}
			outcomes[c.errors.length === 0 ? 'ok' : 'refused']++;
		}
		// The generator must exercise both sides.
		if (ONLY_SEED === null) {
			expect(outcomes.ok).toBeGreaterThan(CHECK_CASES / 10);
			expect(outcomes.refused).toBeGreaterThan(CHECK_CASES / 3);
		}
	}, 120_000);

	it('handles the extremes: a 16 MB field, 20 000 columns, 200 000 blank lines, only quotes', () => {
		const header = 'numero_dossier,type_rapport,date_rapport,depenses_realisees,emplois_crees,ca_genere,commentaire';
		const cases: [string, Uint8Array][] = [
			['16 MB field', enc.encode(`${header}\nHOX-1,final,2026-01-01,1,1,1,"${'x'.repeat(16 * 1024 * 1024)}"\n`)],
			['20 000 columns', enc.encode(`${header},${Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(',')}\nHOX-1,final,2026-01-01,1,1,1,a${',v'.repeat(20_000)}\n`)],
			['200 000 blank lines', enc.encode(`${header}\n${'\n'.repeat(200_000)}HOX-1,final,2026-01-01,1,1,1,a\n`)],
			['only quotes', enc.encode('"'.repeat(100_001))],
			['one endless line', enc.encode('a;'.repeat(500_000))]
		];
		for (const [what, bytes] of cases) {
			const c = checkExport('x.csv', bytes);
			assertCoherent(c, 'x.csv');
			if (what === '16 MB field' || what === '200 000 blank lines') expect(c.errors, what).toEqual([]);
		}
	}, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Import against a database

interface Snapshot {
	kpis: string;
	current: string;
	rows: string;
}

async function snapshot(db: Database): Promise<Snapshot> {
	const rows = [];
	for (const kind of KINDS) {
		rows.push((await db.one<{ n: number; h: string }>(`SELECT count(*)::INTEGER AS n, coalesce(sum(hash(load_id, row_number)), 0)::VARCHAR AS h FROM ${kind}_rows`))!);
	}
	return {
		kpis: JSON.stringify(await computeKpis(db)),
		current: JSON.stringify(await db.all(`SELECT kind, load_id::INTEGER AS id FROM current_snapshot ORDER BY kind`)),
		rows: JSON.stringify(rows)
	};
}

describe('importExports on random and mutated files', () => {
	it(`never throws, never loads partially, always reports (${IMPORT_CASES} loads)`, async () => {
		const db = await Database.open(path.join(dir, 'fuzz.duckdb'));
		try {
			const outcomes = { loaded: 0, refused: 0 };
			let before = await snapshot(db);
			for (const seed of seedsToRun(IMPORT_CASES, 100_000)) {
				const rng = new Rng(seed * 7919);
				// One to three files per load: a refusal of one refuses them all.
				const n = rng.int(1, 3);
				const inputs = Array.from({ length: n }, (_, i) => {
					const { bytes } = makeInput(seed * 10 + i);
					return { name: `f${i}.csv`, bytes };
				});
				let result: ImportResult;
				try {
					result = await importExports(db, inputs, { actor: 'fuzz', source: 'cli' });
				} catch (error) {
					throw new Error(`importExports threw on seed ${seed}: ${error instanceof Error ? error.stack : String(error)}`);
				}
				expect(result.files).toHaveLength(n);
				expect(result.ok).toBe(result.errors.length === 0);
				const after = await snapshot(db);
				if (!result.ok) {
					expect(result.errors.length, `seed ${seed}`).toBeGreaterThan(0);
					expect(after, `refused load changed the data (seed ${seed})`).toEqual(before);
					outcomes.refused++;
				} else {
					for (const f of result.files) {
						const stored = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${f.kind}_rows WHERE load_id = $1`, [f.loadId!]);
						expect(Number(stored!.n), `seed ${seed}: ${f.file}`).toBe(f.rows);
						const current = await db.one<{ id: number }>(`SELECT load_id::INTEGER AS id FROM current_snapshot WHERE kind = $1`, [f.kind]);
						expect(Number(current!.id)).toBe(f.loadId);
					}
					outcomes.loaded++;
				}
				before = after;
			}
			if (ONLY_SEED === null) {
				expect(outcomes.loaded).toBeGreaterThan(IMPORT_CASES / 20);
				expect(outcomes.refused).toBeGreaterThan(IMPORT_CASES / 4);
			}
		} finally {
			db.close();
		}
	}, 180_000);

	it('loads a valid file with a 3 MB text cell (longer than DuckDB’s default line limit), cut to its column’s limit', async () => {
		const db = await Database.open(path.join(dir, 'big-cell.duckdb'));
		try {
			const header = 'numero_dossier,type_rapport,date_rapport,depenses_realisees,emplois_crees,ca_genere,commentaire';
			const comment = 'Très long commentaire. '.repeat(140_000);
			const result = await importExports(db, [{ name: 'r.csv', bytes: enc.encode(`${header}\nHOX-1,final,2026-01-01,1,1,1,"${comment}"\n`) }], { actor: 'fuzz', source: 'cli' });
			expect(result.errors).toEqual([]);
			// (Free text is bounded where it enters the database: TEXT_LIMITS, issue 18 #1.)
			expect(result.warnings.map((w) => [w.code, w.column])).toEqual([['truncated', 'commentaire'], ['orphan', 'numero_dossier']]);
			expect(result.warnings[0]!.message.en).toContain(`Text of ${comment.trim().length.toLocaleString('en').replace(/,/g, '\u00a0')} characters cut to 5\u00a0000`);
			const stored = await db.one<{ n: number }>(`SELECT length(commentaire)::INTEGER AS n FROM rapports_rows`);
			expect(Number(stored!.n)).toBe(cutText(comment.trim(), 5000).length);
		} finally {
			db.close();
		}
	}, 60_000);

	it('the import command answers bad files with a report and exit 1, never a stack trace', () => {
		const rng = new Rng(4242);
		const files = [
			['random.csv', rng.bytes(5000)],
			['truncated.csv', seeds[0]!.bytes.slice(0, Math.floor(seeds[0]!.bytes.length / 2) + 7)],
			['utf16.csv', MUTATIONS.asUtf16!(seeds[1]!.bytes, rng)]
		] as const;
		const paths = files.map(([name, bytes]) => {
			const p = path.join(dir, name);
			fs.writeFileSync(p, bytes);
			return p;
		});
		const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', '--db', path.join(dir, 'cli.duckdb'), ...paths], { cwd: ROOT, encoding: 'utf8' });
		expect(r.status, r.stderr).toBe(1);
		expect(r.stderr).toMatch(/^Chargement refusé : \d+ erreurs? sur \d+ lignes?\. Rien n’a été chargé/m);
		expect(r.stderr).not.toMatch(/^\s+at /m);
	}, 60_000);
});
