/**
 * Where each row came from: its line in the file (the header is row 1, a quoted field on
 * several lines is one row, blank lines count), stored with the row by both import paths
 * (one thread, and a large file checked in two halves); and the original files, kept in the
 * database with their snapshots, downloaded byte for byte, and deleted with them.
 */
import { blobValue } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/database';
import { compressOriginal, downloadOriginal, keptFiles, originalFile } from '../../src/lib/server/import/files';
import { importExports } from '../../src/lib/server/import/load';
import { restorePrevious, SNAPSHOTS_KEPT } from '../../src/lib/server/import/restore';
import { checkFile, planSplit } from '../../src/lib/server/import/split';
import { application, csvBytes, openTempDb } from './fixtures';

const opened: Database[] = [];
afterAll(() => {
	for (const db of opened.splice(0)) db.close();
});
async function freshDb(): Promise<Database> {
	const db = await openTempDb();
	opened.push(db);
	return db;
}

const dossier = (i: number) => `HOX-2026-${String(i).padStart(3, '0')}`;
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A file of `n` applications written record by record, with blank lines (empty, and of empty
 * cells) and titles on several lines, and each dossier's row number as the contract counts
 * it: the record's place in the file, the header being row 1.
 */
function messyFile(n: number, linebreak: '\n' | '\r\n' = '\n'): { bytes: Uint8Array; expected: Map<string, number> } {
	const header = Object.keys(application());
	const records: string[] = [header.join(',')];
	const expected = new Map<string, number>();
	for (let i = 1; i <= n; i++) {
		if (i % 5 === 2) records.push('');
		if (i % 7 === 3) records.push(header.map(() => '').join(','));
		const title = i % 3 === 0 ? `Projet ${i}${linebreak}deuxième ligne${linebreak}« troisième », avec "guillemets"` : `Projet ${i}`;
		const row = application({ numero_dossier: dossier(i), titre_projet: title });
		records.push(header.map((h) => cell(row[h]!)).join(','));
		expected.set(dossier(i), records.length);
	}
	return { bytes: new TextEncoder().encode(records.join(linebreak) + linebreak), expected };
}

async function storedRows(db: Database): Promise<Map<string, number>> {
	const rows = await db.all<{ d: string; r: number }>(`SELECT numero_dossier AS d, row_number::INTEGER AS r FROM candidatures_rows`);
	return new Map(rows.map((x) => [x.d, Number(x.r)]));
}

describe('row numbers stored with each row', () => {
	it('count the header as row 1, a multi-line quoted field as one row, and blank lines (one thread)', async () => {
		for (const linebreak of ['\n', '\r\n'] as const) {
			const { bytes, expected } = messyFile(40, linebreak);
			const db = await freshDb();
			const result = await importExports(db, [{ name: 'candidatures.csv', bytes }], { actor: 'test', source: 'cli', splitFrom: Number.MAX_SAFE_INTEGER });
			expect(result.ok).toBe(true);
			expect(await storedRows(db)).toEqual(expected);
			// Spot checks written out: dossier 1 follows the header; dossier 2 a blank line.
			expect(expected.get(dossier(1))).toBe(2);
			expect(expected.get(dossier(2))).toBe(4);
		}
	});

	it('are the same in the second half of a file checked in two halves (the worker’s rows)', async () => {
		// A size whose cut (a line break near the middle) falls between records, not inside a title.
		let n = 400;
		while (new TextDecoder().decode(planSplit(messyFile(n).bytes, 1)!.head).split('"').length % 2 === 0) n++;
		const { bytes, expected } = messyFile(n);
		const halves = await checkFile('candidatures.csv', bytes, 1);
		expect(halves.tail, 'checked in two halves').not.toBeNull();
		halves.tail!.cancel();
		const db = await freshDb();
		const result = await importExports(db, [{ name: 'candidatures.csv', bytes }], { actor: 'test', source: 'cli', splitFrom: 1 });
		expect(result.ok).toBe(true);
		const stored = await storedRows(db);
		expect(stored).toEqual(expected);
		// Rows of both halves were compared: the last dossier is in the second.
		expect(stored.get(dossier(n))).toBe(expected.get(dossier(n)));
		expect(stored.get(dossier(n))).toBeGreaterThan(n + 1);
	});
});

describe('the original files', () => {
	const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
	const file = (n: number) => csvBytes(Array.from({ length: n }, (_, i) => application({ numero_dossier: dossier(i + 1) })), ';');

	it('are kept byte for byte with their load; a download matches the recorded SHA-256 and is audited', async () => {
		const db = await freshDb();
		const bytes = file(3);
		const result = await importExports(db, [{ name: 'Export candidatures été.csv', bytes }], { actor: 'admin@example.org', source: 'web' });
		const id = result.files[0]!.loadId!;
		const got = await downloadOriginal(db, id, { actor: 'auditor@example.org', ip: '192.0.2.7' });
		expect(got.ok).toBe(true);
		if (!got.ok) return;
		expect(Buffer.from(got.file.bytes).equals(Buffer.from(bytes))).toBe(true);
		expect(got.file.sha256).toBe(sha(bytes));
		const recorded = await db.one<{ sha256: string }>(`SELECT sha256 FROM loads WHERE load_id = $1`, [id]);
		expect(got.file.sha256).toBe(recorded!.sha256);
		expect(got.file.load.file).toBe('Export candidatures été.csv');
		const audit = await db.all<{ actor: string; target: string; outcome: string; ip: string; details: string }>(
			`SELECT actor, target, outcome, ip, details::VARCHAR AS details FROM audit_log WHERE action = 'load.download'`
		);
		expect(audit.map((a) => [a.actor, a.target, a.outcome, a.ip])).toEqual([['auditor@example.org', 'Export candidatures été.csv', 'success', '192.0.2.7']]);
		expect(JSON.parse(audit[0]!.details)).toMatchObject({ load: id, sha256: sha(bytes), bytes: bytes.byteLength });
	});

	it('are kept compressed, and refused when the stored bytes no longer match the recorded SHA-256', async () => {
		const db = await freshDb();
		const bytes = file(50);
		const id = (await importExports(db, [{ name: 'c.csv', bytes }], { actor: 'test', source: 'cli' })).files[0]!.loadId!;
		const stored = await db.one<{ c: string; n: number; magic: string }>(
			`SELECT compression AS c, octet_length(bytes)::INTEGER AS n, hex(bytes[1:2]) AS magic FROM load_files WHERE load_id = $1`,
			[id]
		);
		expect(stored).toEqual({ c: 'gzip', n: expect.any(Number), magic: '1F8B' });
		expect(stored!.n).toBeLessThan(bytes.byteLength / 3);
		// Someone changes the kept file: the download is refused, and the attempt recorded.
		const other = await compressOriginal(file(49));
		await db.write((tx) => tx.run(`UPDATE load_files SET bytes = $1 WHERE load_id = $2`, [blobValue(other.bytes), id]));
		expect(await downloadOriginal(db, id, { actor: 'admin@example.org', ip: null })).toEqual({ ok: false, reason: 'altered' });
		expect(await db.one(`SELECT outcome FROM audit_log WHERE action = 'load.download'`)).toEqual({ outcome: 'error' });
	});

	it('are not kept for a refused load, nor for a dry run', async () => {
		const db = await freshDb();
		const bad = csvBytes([application({ date_depot: '31/02/2026' })]);
		const refused = await importExports(db, [{ name: 'c.csv', bytes: bad }], { actor: 'test', source: 'cli' });
		expect(refused.ok).toBe(false);
		await importExports(db, [{ name: 'c.csv', bytes: file(2) }], { actor: 'test', source: 'cli', dryRun: true });
		expect(await db.one(`SELECT count(*)::INTEGER AS n FROM load_files`)).toEqual({ n: 0 });
		const missing = await downloadOriginal(db, refused.files[0]!.loadId!, { actor: 'admin@example.org', ip: null });
		expect(missing).toEqual({ ok: false, reason: 'missing' });
		expect(await db.one(`SELECT outcome FROM audit_log WHERE action = 'load.download'`)).toEqual({ outcome: 'refused' });
	});

	it('are deleted with their snapshot: past the last versions kept, the bytes are gone', async () => {
		const db = await freshDb();
		const ids: number[] = [];
		for (let n = 1; n <= SNAPSHOTS_KEPT + 2; n++) {
			const r = await importExports(db, [{ name: `candidatures-${n}.csv`, bytes: file(n) }], { actor: 'test', source: 'cli' });
			ids.push(r.files[0]!.loadId!);
		}
		const kept = await keptFiles(db, ids);
		expect(ids.filter((id) => !kept.has(id))).toEqual(ids.slice(0, 2));
		expect(await originalFile(db, ids[0]!)).toBeNull();
		expect(await db.one(`SELECT count(*)::INTEGER AS n FROM load_files WHERE load_id IN (${ids[0]}, ${ids[1]})`)).toEqual({ n: 0 });
		// Exactly as the rows: a file is kept if and only if its snapshot's rows are.
		const withRows = await db.all<{ id: number }>(`SELECT DISTINCT load_id::INTEGER AS id FROM candidatures_rows ORDER BY 1`);
		expect([...kept].sort((a, b) => a - b)).toEqual(withRows.map((r) => Number(r.id)));
		expect((await originalFile(db, ids.at(-1)!))?.sha256).toBe(sha(file(SNAPSHOTS_KEPT + 2)));
	});

	it('of a restore is that of the version restored', async () => {
		const db = await freshDb();
		const first = await importExports(db, [{ name: 'v1.csv', bytes: file(1) }], { actor: 'test', source: 'cli' });
		await importExports(db, [{ name: 'v2.csv', bytes: file(2) }], { actor: 'test', source: 'cli' });
		const restored = await restorePrevious(db, 'candidatures', { actor: 'test', source: 'cli' });
		const got = await originalFile(db, restored.loadId);
		expect(got?.load.id).toBe(first.files[0]!.loadId);
		expect(got?.sha256).toBe(sha(file(1)));
	});
});
