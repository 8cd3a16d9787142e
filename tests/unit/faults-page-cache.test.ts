/**
 * The page micro-cache (src/lib/server/page-cache.ts) never serves what the request would not
 * have rendered: another browser's page, a page from before a write, an expired one, a
 * response that set a cookie, an endpoint's answer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-page-cache-'));
process.env.HOX_DB = path.join(dir, 'cache.duckdb');

const { getDb, closeDb } = await import('../../src/lib/server/db/instance');
const { keepPage, lookupPage } = await import('../../src/lib/server/page-cache');

function event(url: string, cookie = 'hox_session=a.b', user: string | null = 'u1', method = 'GET'): RequestEvent {
	return {
		url: new URL(url, 'http://localhost'),
		request: new Request(new URL(url, 'http://localhost'), { method, headers: { cookie, accept: 'text/html' } }),
		locals: { user: user ? { id: user } : null },
		isDataRequest: false
	} as unknown as RequestEvent;
}

const html = (body: string, headers: Record<string, string> = {}) => new Response(body, { status: 200, headers: { 'content-type': 'text/html', ...headers } });

/** Render through the cache: returns the body sent and whether it came from memory. */
async function visit(e: RequestEvent, render: () => Response, cookiesChanged = false): Promise<{ body: string; kept: boolean }> {
	const kept = await lookupPage(e, cookiesChanged);
	if (kept instanceof Response) return { body: await kept.text(), kept: true };
	const response = await keepPage(e, kept, render(), cookiesChanged);
	return { body: await response.text(), kept: false };
}

beforeAll(async () => {
	await getDb();
});

afterAll(async () => {
	await closeDb();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('page micro-cache', () => {
	it('serves the same page to the same browser until a write', async () => {
		expect(await visit(event('/app'), () => html('v1'))).toEqual({ body: 'v1', kept: false });
		expect(await visit(event('/app'), () => html('v2'))).toEqual({ body: 'v1', kept: true });
		// Another browser (another Cookie header), another URL, another user: rendered.
		expect((await visit(event('/app', 'hox_session=c.d', 'u2'), () => html('other'))).kept).toBe(false);
		expect((await visit(event('/app?statut=laureat'), () => html('filtered'))).kept).toBe(false);
		expect((await visit(event('/app', 'hox_session=a.b', 'u3'), () => html('u3'))).body).toBe('u3');
		// Any committed write: rendered again.
		const db = await getDb();
		await db.write((tx) => tx.run(`INSERT INTO login_attempts VALUES (current_timestamp, 'x@test.local', '127.0.0.1', false)`));
		expect(await visit(event('/app'), () => html('v3'))).toEqual({ body: 'v3', kept: false });
		expect(await visit(event('/app'), () => html('v4'))).toEqual({ body: 'v3', kept: true });
	});

	it('never keeps a response that sets a cookie, an endpoint answer, an error, a POST, or after authentication changed a cookie', async () => {
		await visit(event('/a'), () => html('a', { 'set-cookie': 'hox_session=x' }));
		expect((await visit(event('/a'), () => html('a2'))).kept).toBe(false);
		await visit(event('/b.csv'), () => new Response('x;y', { headers: { 'content-type': 'text/csv' } }));
		expect((await visit(event('/b.csv'), () => new Response('x;z', { headers: { 'content-type': 'text/csv' } }))).body).toBe('x;z');
		await visit(event('/c'), () => new Response('oops', { status: 500, headers: { 'content-type': 'text/html' } }));
		expect((await visit(event('/c'), () => html('fine'))).body).toBe('fine');
		expect(await lookupPage(event('/d', undefined, 'u1', 'POST'), false)).toBeNull();
		await visit(event('/e'), () => html('e1'), true);
		expect((await visit(event('/e'), () => html('e2'))).body).toBe('e2');
		expect(await lookupPage(event('/e'), true)).toBeNull();
	});

	it('forgets a page after its few seconds', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			await visit(event('/f'), () => html('f1'));
			expect((await visit(event('/f'), () => html('f2'))).body).toBe('f1');
			vi.setSystemTime(Date.now() + 6000);
			expect((await visit(event('/f'), () => html('f3'))).body).toBe('f3');
		} finally {
			vi.useRealTimers();
		}
	});
});
