/** Undo of a load: the undo stack, what is kept, restore and its records. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { application, csvBytes, openTempDb } from '../../../../tests/unit/fixtures';
import type { Database } from '../db/database';
import { importExports } from './load';
import { allKindVersions, keptSnapshots, kindVersions, listLoads, readUndoStack, restorePrevious, RestoreError, SNAPSHOTS_KEPT, undoStack, type SnapshotEvent } from './restore';

const loaded = (loadId: number): SnapshotEvent => ({ loadId, outcome: 'loaded', restoredFrom: null });
const restored = (loadId: number, from: number): SnapshotEvent => ({ loadId, outcome: 'restored', restoredFrom: from });

describe('the undo stack', () => {
	it('a load pushes, a restore pops: repeated undo walks back, a new load goes on top of the restored one', () => {
		expect(undoStack([])).toEqual([]);
		expect(undoStack([loaded(1), loaded(2), loaded(3)])).toEqual([1, 2, 3]);
		expect(undoStack([loaded(1), loaded(2), loaded(3), restored(4, 2)])).toEqual([1, 2]);
		expect(undoStack([loaded(1), loaded(2), loaded(3), restored(4, 2), restored(5, 1)])).toEqual([1]);
		expect(undoStack([loaded(1), loaded(2), loaded(3), restored(4, 2), loaded(6)])).toEqual([1, 2, 6]);
	});

	it('recovers from a history that does not match (a restore naming a snapshot deeper down, or unknown)', () => {
		expect(undoStack([loaded(1), loaded(2), loaded(3), restored(4, 1)])).toEqual([1]);
		expect(undoStack([loaded(2), loaded(3), restored(4, 1)])).toEqual([1]);
	});

	it('keeps the top of the stack, the latest loads and the current snapshot', () => {
		const events = Array.from({ length: 15 }, (_, i) => loaded(i + 1));
		expect(keptSnapshots(events, 15)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
		// After three undos the undone loads stay kept (among the latest loads), so does the bottom of the stack.
		const undone = [...events, restored(16, 14), restored(17, 13), restored(18, 12)];
		expect(keptSnapshots(undone, 12)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
		expect(keptSnapshots([loaded(1)], 99)).toEqual([1, 99]);
	});
});

describe('restoring the previous version', () => {
	let db: Database;
	beforeEach(async () => {
		db = await openTempDb();
	});
	afterEach(() => db.close());

	const applications = (n: number, aid = '100000') =>
		Array.from({ length: n }, (_, i) => application({ numero_dossier: `HOX-2026-${String(i + 1).padStart(3, '0')}`, aide_demandee: aid }));
	async function loadApplications(n: number, name = `candidatures-${n}.csv`) {
		const result = await importExports(db, [{ name, bytes: csvBytes(applications(n)) }], { actor: 'admin@example.org', source: 'web', ip: '192.0.2.1' });
		expect(result.ok).toBe(true);
		return result.files[0]!.loadId!;
	}
	const count = async () => Number((await db.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM applications'))!.n);
	const audit = (action: string) =>
		db.all<{ actor: string; target: string; ip: string; outcome: string; details: string }>(
			`SELECT actor, target, ip, outcome, details::VARCHAR AS details FROM audit_log WHERE action = $1 ORDER BY id`,
			[action]
		);

	it('brings back the snapshot current before, records a `restored` load and an audit entry; undo again walks further back', async () => {
		const a = await loadApplications(1);
		const b = await loadApplications(2);
		await loadApplications(3);
		expect(await count()).toBe(3);

		const first = await restorePrevious(db, 'candidatures', { actor: 'admin@example.org', source: 'web', ip: '192.0.2.1' });
		expect(first.to.id).toBe(b);
		expect(first.from.rows).toBe(3);
		expect(await count()).toBe(2);
		const row = await db.one<{ outcome: string; restored_from: number; file_name: string; rows: number; actor: string }>(
			`SELECT outcome, restored_from::INTEGER AS restored_from, file_name, rows, actor FROM loads WHERE load_id = $1`,
			[first.loadId]
		);
		expect(row).toEqual({ outcome: 'restored', restored_from: b, file_name: 'candidatures-2.csv', rows: 2, actor: 'admin@example.org' });

		await restorePrevious(db, 'candidatures', { actor: 'admin@example.org', source: 'api' });
		expect(await count()).toBe(1);
		expect((await kindVersions(db, 'candidatures')).current?.id).toBe(a);

		await expect(restorePrevious(db, 'candidatures', { actor: 'admin@example.org', source: 'web' })).rejects.toBeInstanceOf(RestoreError);
		expect(await count()).toBe(1);

		const entries = await audit('load.restore');
		expect(entries.map((e) => e.outcome)).toEqual(['success', 'success', 'refused']);
		expect(entries[0]).toMatchObject({ actor: 'admin@example.org', target: 'candidatures', ip: '192.0.2.1' });
		expect(JSON.parse(entries[0]!.details)).toMatchObject({ source: 'web', from: expect.stringContaining('3 rows'), to: expect.stringMatching(new RegExp(`^load ${b} · candidatures-2\\.csv · 2 rows · sha256 [0-9a-f]{64}$`)) });
	});

	it('a load after an undo goes on top of the restored version', async () => {
		const a = await loadApplications(1);
		await loadApplications(2);
		await restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' });
		const c = await loadApplications(4);
		expect(await readUndoStack(db, 'candidatures')).toEqual([a, c]);
		const v = await kindVersions(db, 'candidatures');
		expect(v.current?.id).toBe(c);
		expect(v.previous?.id).toBe(a);
		expect(v.deeper).toBe(0);
		await restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' });
		expect(await count()).toBe(1);
	});

	it('says why there is nothing to restore, and refuses an unknown kind', async () => {
		const none = await kindVersions(db, 'conventions');
		expect(none).toMatchObject({ current: null, previous: null, reason: 'never_loaded' });
		await expect(restorePrevious(db, 'conventions', { actor: 'x', source: 'web' })).rejects.toThrow(/Aucun export des conventions/);
		await loadApplications(1);
		expect((await kindVersions(db, 'candidatures')).reason).toBe('first_version');
		await expect(restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' })).rejects.toThrow(/pas de version précédente/);
		await expect(restorePrevious(db, 'utilisateurs', { actor: 'x', source: 'web' })).rejects.toMatchObject({ code: 'unknown_kind' });
	});

	it('never deletes the current snapshot, keeps SNAPSHOTS_KEPT restorable, and says when an older one is gone', async () => {
		const ids: number[] = [];
		for (let i = 1; i <= SNAPSHOTS_KEPT + 2; i++) ids.push(await loadApplications(i));
		const stored = async () =>
			(await db.all<{ id: number }>(`SELECT DISTINCT load_id::INTEGER AS id FROM candidatures_rows ORDER BY id`)).map((r) => Number(r.id));
		expect(await stored()).toEqual(ids.slice(-SNAPSHOTS_KEPT));
		const v = await kindVersions(db, 'candidatures');
		expect(v.deeper).toBe(SNAPSHOTS_KEPT - 2);
		// Walk back as far as kept: every step restores the right figures.
		for (let step = 1; step < SNAPSHOTS_KEPT; step++) {
			await restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' });
			expect(await count()).toBe(SNAPSHOTS_KEPT + 2 - step);
		}
		const last = await kindVersions(db, 'candidatures');
		expect(last).toMatchObject({ previous: null, reason: 'pruned' });
		await expect(restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' })).rejects.toMatchObject({ code: 'pruned' });
		// The current snapshot (the oldest kept) survives a new load and a restore back to it.
		const current = last.current!.id;
		await loadApplications(5);
		expect(await stored()).toContain(current);
		await restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' });
		expect(await count()).toBe(3);
	});

	it('restoring one kind leaves the others alone; the history lists loads and restores newest first', async () => {
		await loadApplications(1);
		await loadApplications(2);
		await restorePrevious(db, 'candidatures', { actor: 'x', source: 'web' });
		const versions = await allKindVersions(db);
		expect(versions.map((v) => v.kind)).toEqual(['candidatures', 'conventions', 'rapports']);
		const history = await listLoads(db);
		expect(history.total).toBe(3);
		expect(history.rows.map((r) => r.outcome)).toEqual(['restored', 'loaded', 'loaded']);
		expect(history.rows[0]!.restoredFrom).toBe(history.rows[2]!.id);
		expect(typeof history.rows[0]!.at).toBe('number');
		expect(Math.abs(history.rows[0]!.at - Date.now())).toBeLessThan(24 * 3600 * 1000);
	});

	it('records every load and refusal in the audit trail, with the source and the address', async () => {
		await loadApplications(1);
		const bad = await importExports(db, [{ name: 'bad.csv', bytes: csvBytes([application({ aide_demandee: '-5' })]) }], { actor: 'cli:alice', source: 'cli' });
		expect(bad.ok).toBe(false);
		const entries = await audit('load.import');
		expect(entries.map((e) => [e.actor, e.outcome, e.target])).toEqual([
			['admin@example.org', 'success', 'candidatures-1.csv'],
			['cli:alice', 'refused', 'bad.csv']
		]);
		expect(entries[0]!.ip).toBe('192.0.2.1');
		expect(JSON.parse(entries[1]!.details)).toMatchObject({ source: 'cli', 'file 1': expect.stringMatching(/^bad\.csv · candidatures · 1 rows · 1 errors · 0 warnings · load \d+ · sha256 [0-9a-f]{64}$/) });
	});
});
