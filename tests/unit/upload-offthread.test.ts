/**
 * Issue 18 #10 in one process: an upload read and loaded the server's way (multipart body
 * parsed in a worker, the file checked and packed in workers, only the append of packed rows
 * here) holds this thread far less than the same file checked in this thread (the command
 * line's way, and the server's before). Measured for both on the same 13 MB file: the time
 * this thread was busy (event-loop utilisation: active time) and the longest gap between ticks
 * of a 10 ms timer, printed; asserted: the server's way runs no check in this thread.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateDataset, renderCsv } from '../../scripts/demo-data';
import type { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { readUpload } from '../../src/lib/server/import/upload';
import { openTempDb } from './fixtures';

// Counts the checks run in this thread (a worker thread loads its own copy of the module, unmocked).
const checksHere = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../src/lib/domain/check', async (importOriginal) => {
	const original = await importOriginal<typeof import('../../src/lib/domain/check')>();
	return {
		...original,
		checkExport: (...args: Parameters<typeof original.checkExport>) => {
			checksHere.n++;
			return original.checkExport(...args);
		}
	};
});

const opened: Database[] = [];
afterAll(() => {
	for (const db of opened.splice(0)) db.close();
});

async function longestPause(work: () => Promise<unknown>): Promise<{ pause: number; ms: number; active: number }> {
	const elu = performance.eventLoopUtilization();
	let last = performance.now();
	let pause = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		pause = Math.max(pause, now - last);
		last = now;
	}, 10);
	const start = performance.now();
	await work();
	clearInterval(timer);
	return { pause, ms: performance.now() - start, active: performance.eventLoopUtilization(elu).active };
}

describe('an upload off the request thread', { timeout: 300_000 }, () => {
	it('holds this thread far less than a check in this thread', async () => {
		const bytes = renderCsv('candidatures', generateDataset({ seed: 5, applications: 20_000 }).candidatures, 'excel-fr');
		expect(bytes.byteLength).toBeGreaterThan(12 * 1024 * 1024);
		const [a, b] = [await openTempDb(), await openTempDb()];
		opened.push(a, b);
		// Warm both ways (workers started and compiled, code paths run once).
		await importExports(a, [{ name: 'c.csv', bytes }], { actor: 'test', source: 'web', dryRun: true });
		await importExports(b, [{ name: 'c.csv', bytes }], { actor: 'test', source: 'cli', dryRun: true, splitFrom: Number.MAX_SAFE_INTEGER });

		const form = new FormData();
		form.append('files', new Blob([bytes as BlobPart], { type: 'text/csv' }), 'candidatures.csv');
		const request = new Request('http://localhost/api/v1/loads', { method: 'POST', body: form });
		const body = new Uint8Array(await request.arrayBuffer());
		const type = request.headers.get('content-type')!;

		checksHere.n = 0;
		const server = await longestPause(async () => {
			const upload = await readUpload(new Request('http://localhost/api/v1/loads', { method: 'POST', body, headers: { 'content-type': type } }), new URL('http://localhost/api/v1/loads'), Infinity);
			expect(upload.inputs.map((i) => i.bytes.byteLength)).toEqual([bytes.byteLength]);
			const result = await importExports(a, upload.inputs, { actor: 'test', source: 'web' });
			expect(result.ok).toBe(true);
		});
		// The server's way checked nothing in this thread; the command line's way does (so the count can fail).
		expect(checksHere.n).toBe(0);
		const inThread = await longestPause(async () => {
			const result = await importExports(b, [{ name: 'c.csv', bytes }], { actor: 'test', source: 'cli', splitFrom: Number.MAX_SAFE_INTEGER });
			expect(result.ok).toBe(true);
		});
		const say = (m: typeof server) => `busy ${Math.round(m.active)} ms, longest pause ${Math.round(m.pause)} ms, ${Math.round(m.ms)} ms in all`;
		console.log(`13 MB upload, this thread: off it ${say(server)}; checked in it ${say(inThread)}`);
		expect(await a.all('SELECT * EXCLUDE (load_id) FROM candidatures_rows ORDER BY row_number')).toEqual(await b.all('SELECT * EXCLUDE (load_id) FROM candidatures_rows ORDER BY row_number'));
		expect(checksHere.n).toBeGreaterThan(0);
		// How much less this thread is held is measured, not asserted (it depends on the machine's load):
		// docs/LOADS.md gives the figures.
	});
});
