import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../db/database';
import { checkLoginAllowed, MAX_FAILURES, recordLoginAttempt, WINDOW_MS } from './rate-limit';

let db: Database;
const t0 = new Date('2026-04-15T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const MIN = 60_000;

beforeEach(async () => {
	db = await Database.open(':memory:');
});
afterEach(() => db.close());

async function fail(email: string, ip: string, n: number, startMs = 0, stepMs = 1000) {
	for (let i = 0; i < n; i++) await recordLoginAttempt(db, email, ip, false, at(startMs + i * stepMs));
}

describe('sign-in brake', () => {
	it('allows nine failures, refuses after the tenth, for one account', async () => {
		await fail('a@x.org', '10.0.0.1', MAX_FAILURES - 1);
		expect(await checkLoginAllowed(db, 'a@x.org', '10.0.0.2', at(MIN))).toEqual({ allowed: true });
		await recordLoginAttempt(db, 'a@x.org', '10.0.0.3', false, at(MIN));
		const gate = await checkLoginAllowed(db, 'A@X.org ', '10.0.0.4', at(MIN + 1000));
		expect(gate.allowed).toBe(false);
		if (!gate.allowed) expect(gate.reason).toBe('account');
		// Another account from another address is not affected.
		expect(await checkLoginAllowed(db, 'b@x.org', '10.0.0.4', at(MIN + 1000))).toEqual({ allowed: true });
	});

	it('refuses after ten failures from one address, whatever the e-mails', async () => {
		for (let i = 0; i < MAX_FAILURES; i++) await recordLoginAttempt(db, `u${i}@x.org`, '192.0.2.7', false, at(i * 1000));
		const gate = await checkLoginAllowed(db, 'fresh@x.org', '192.0.2.7', at(20_000));
		expect(gate.allowed).toBe(false);
		if (!gate.allowed) expect(gate.reason).toBe('address');
		expect(await checkLoginAllowed(db, 'fresh@x.org', '192.0.2.8', at(20_000))).toEqual({ allowed: true });
	});

	it('lifts when the oldest failure leaves the 15-minute window, and says when', async () => {
		await fail('a@x.org', '10.0.0.1', MAX_FAILURES, 0, MIN); // failures at 0, 1, … 9 minutes
		const gate = await checkLoginAllowed(db, 'a@x.org', '10.0.0.1', at(10 * MIN));
		expect(gate).toEqual({ allowed: false, retryAfterSeconds: 5 * 60, reason: 'account' });
		expect((await checkLoginAllowed(db, 'a@x.org', '10.0.0.1', at(WINDOW_MS - 1))).allowed).toBe(false);
		expect((await checkLoginAllowed(db, 'a@x.org', '10.0.0.1', at(WINDOW_MS))).allowed).toBe(true);
	});

	it('a success clears the account’s count but not the address’s', async () => {
		await fail('a@x.org', '10.0.0.1', MAX_FAILURES - 1);
		await recordLoginAttempt(db, 'a@x.org', '10.0.0.1', true, at(20_000));
		await recordLoginAttempt(db, 'a@x.org', '10.0.0.9', false, at(21_000));
		expect((await checkLoginAllowed(db, 'a@x.org', '10.0.0.9', at(22_000))).allowed).toBe(true);
		// The address 10.0.0.1 keeps its nine failures; one more (any account) closes it.
		await recordLoginAttempt(db, 'other@x.org', '10.0.0.1', false, at(23_000));
		expect((await checkLoginAllowed(db, 'z@x.org', '10.0.0.1', at(24_000))).allowed).toBe(false);
	});

	it('state lives in the database (survives a restart)', async () => {
		const fs = await import('node:fs');
		const os = await import('node:os');
		const path = await import('node:path');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-rl-'));
		const file = path.join(dir, 'rl.duckdb');
		let d = await Database.open(file);
		for (let i = 0; i < MAX_FAILURES; i++) await recordLoginAttempt(d, 'a@x.org', '10.0.0.1', false, at(i));
		d.close();
		d = await Database.open(file);
		expect((await checkLoginAllowed(d, 'a@x.org', '10.0.0.1', at(MIN))).allowed).toBe(false);
		d.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});
});
