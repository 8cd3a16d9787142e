/**
 * Issue 18 #5 (same-site request forgery on body-less POSTs) and #6 (64 MB bodies on any
 * route), and the rotation of backups (#5): the checks the hook runs before anything else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { crossOriginRefusal, isLoadRoute, limitBody, smallBodyLimit } from '../../src/lib/server/request-guard';
import { rotateBackups } from '../../src/lib/server/db/backup';

const SITE = 'http://127.0.0.1:4206';
const req = (method: string, pathname: string, headers: Record<string, string> = {}, body?: BodyInit) =>
	new Request(SITE + pathname, { method, headers, body, ...(body ? { duplex: 'half' } : {}) } as RequestInit);
const refused = (r: Request) => crossOriginRefusal(r, new URL(r.url));

describe('origin check on every state-changing request', () => {
	it('refuses the no-cors POST from another port of the same host (body-less, no content type)', async () => {
		const r = req('POST', '/api/v1/loads/restore?kind=candidatures', { origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-site', cookie: 'hox_session=x' });
		const answer = refused(r);
		expect(answer?.status).toBe(403);
		expect(await answer!.json()).toMatchObject({ error: 'cross_origin' });
		expect(refused(req('POST', '/api/v1/backup', { origin: 'http://127.0.0.1:8080' }))?.status).toBe(403);
		expect(refused(req('POST', '/api/v1/backup', { 'sec-fetch-site': 'same-site' }))?.status).toBe(403);
		expect(refused(req('POST', '/api/v1/backup', { 'sec-fetch-site': 'cross-site' }))?.status).toBe(403);
	});
	it('for every method and content type, pages included', () => {
		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
			for (const type of [undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv']) {
				for (const p of ['/api/v1/tokens/abc', '/app/admin/utilisateurs?/disable', '/login', '/logout']) {
					const headers: Record<string, string> = { origin: 'https://evil.example' };
					if (type) headers['content-type'] = type;
					expect(refused(req(method, p, headers))?.status, `${method} ${p} ${type}`).toBe(403);
				}
			}
		}
		// `Origin: null` (sandboxed frame, data: URL) is not this site either.
		expect(refused(req('POST', '/api/v1/backup', { origin: 'null' }))?.status).toBe(403);
	});
	it('lets same-origin requests, safe methods, tokens and non-browser clients through', () => {
		expect(refused(req('POST', '/api/v1/backup', { origin: SITE, 'sec-fetch-site': 'same-origin' }))).toBeNull();
		expect(refused(req('POST', '/api/v1/backup', { origin: SITE }))).toBeNull();
		expect(refused(req('POST', '/login', { 'sec-fetch-site': 'same-origin' }))).toBeNull();
		expect(refused(req('GET', '/api/v1/backup', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))).toBeNull();
		expect(refused(req('POST', '/api/v1/backup', { authorization: 'Bearer abc', origin: 'https://evil.example' }))).toBeNull();
		// A bearer header outside /api authenticates nothing: still checked.
		expect(refused(req('POST', '/login', { authorization: 'Bearer abc', origin: 'https://evil.example' }))?.status).toBe(403);
		expect(refused(req('POST', '/api/v1/backup'))).toBeNull(); // curl: no browser, no victim's cookie
		// A same-origin Sec-Fetch-Site with another Origin is contradictory: refused.
		expect(refused(req('POST', '/api/v1/backup', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }))?.status).toBe(403);
	});
});

function event(r: Request): RequestEvent {
	return { request: r, url: new URL(r.url) } as unknown as RequestEvent;
}

function chunked(bytes: number): ReadableStream<Uint8Array> {
	let sent = 0;
	return new ReadableStream({
		pull(controller) {
			if (sent >= bytes) return controller.close();
			const n = Math.min(16 * 1024, bytes - sent);
			sent += n;
			controller.enqueue(new Uint8Array(n).fill(97));
		}
	});
}

describe('small body limit everywhere but the loads', () => {
	it('knows the load routes', () => {
		expect(isLoadRoute('POST', new URL(SITE + '/api/v1/loads'))).toBe(true);
		expect(isLoadRoute('POST', new URL(SITE + '/app/admin/chargements?/load'))).toBe(true);
		expect(isLoadRoute('POST', new URL(SITE + '/app/admin/chargements?/restore'))).toBe(false);
		expect(isLoadRoute('POST', new URL(SITE + '/api/v1/loads/restore'))).toBe(false);
		expect(isLoadRoute('POST', new URL(SITE + '/login'))).toBe(false);
		expect(smallBodyLimit()).toBe(64 * 1024);
	});
	it('refuses a declared Content-Length over the limit at once', async () => {
		const r = req('POST', '/login', { 'content-length': String(64 * 1024 * 1024), 'content-type': 'application/x-www-form-urlencoded' });
		const answer = await limitBody(event(r));
		expect(answer?.status).toBe(413);
		expect(await answer!.text()).toMatch(/trop volumineuse/);
	});
	it('reads a chunked body only up to the limit, and keeps a small one readable', async () => {
		let pulled = 0;
		const big = chunked(64 * 1024 * 1024).pipeThrough(
			new TransformStream({
				transform(chunk, c) {
					pulled += chunk.byteLength;
					c.enqueue(chunk);
				}
			})
		);
		const answer = await limitBody(event(req('POST', '/login', {}, big)));
		expect(answer?.status).toBe(413);
		expect(pulled).toBeLessThan(256 * 1024);

		const e = event(req('POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, chunked(1000)));
		expect(await limitBody(e)).toBeNull();
		expect((await e.request.text()).length).toBe(1000);
		expect(e.request.headers.get('content-length')).toBe('1000');
	});
	it('leaves the loads to adapter-node’s BODY_SIZE_LIMIT', async () => {
		expect(await limitBody(event(req('POST', '/api/v1/loads', { 'content-length': String(50 * 1024 * 1024) })))).toBeNull();
		const api = await limitBody(event(req('POST', '/api/v1/tokens', { 'content-length': String(1024 * 1024) })));
		expect(api?.status).toBe(413);
		expect(await api!.json()).toMatchObject({ error: 'payload_too_large' });
	});
});

describe('backup rotation', () => {
	it('keeps the N newest backups and nothing else is touched', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-rot-'));
		const names = ['hox-20260101-000000.duckdb', 'hox-20260102-000000.duckdb', 'hox-20260102-000000-2.duckdb', 'hox-20260102-000000-10.duckdb', 'hox-20260103-120000.duckdb'];
		for (const n of [...names, 'replaced-20260101-000000.duckdb', 'notes.txt', 'hox-20260101-000000.duckdb.wal']) fs.writeFileSync(path.join(dir, n), 'x');
		expect(rotateBackups(dir, 3).sort()).toEqual(['hox-20260101-000000.duckdb', 'hox-20260102-000000.duckdb']);
		expect(fs.readdirSync(dir).sort()).toEqual(['hox-20260102-000000-10.duckdb', 'hox-20260102-000000-2.duckdb', 'hox-20260103-120000.duckdb', 'notes.txt', 'replaced-20260101-000000.duckdb']);
		expect(rotateBackups(dir, 3)).toEqual([]);
		fs.rmSync(dir, { recursive: true, force: true });
	});
});
