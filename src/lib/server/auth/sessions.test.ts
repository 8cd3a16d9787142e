import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../db/database';
import {
	ABSOLUTE_LIFETIME_MS,
	ACTIVITY_CHECK_INTERVAL_MS,
	createSession,
	deleteExpiredSessions,
	generateSecureRandomString,
	INACTIVITY_TIMEOUT_MS,
	invalidateSession,
	invalidateUserSessions,
	parseToken,
	validateSessionToken
} from './sessions';
import { changeOwnPassword, createUser, disableUser, resetPassword } from './users';

let db: Database;
let userId: string;
const t0 = new Date('2026-04-15T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

beforeEach(async () => {
	db = await Database.open(':memory:');
	userId = (await createUser(db, { email: 'Anne@Example.org', role: 'admin', password: 'correct horse battery' }, 'test')).id;
	await createUser(db, { email: 'second@example.org', role: 'admin', password: 'another good passphrase' }, 'test');
});
afterEach(() => db.close());

describe('tokens', () => {
	it('are <id>.<secret>, 24 symbols each from the 32-letter alphabet', async () => {
		const { token, session } = await createSession(db, userId, t0);
		expect(token).toMatch(/^[a-km-z2-9]{24}\.[a-km-z2-9]{24}$/);
		expect(token.split('.')[0]).toBe(session.id);
		const many = new Set(Array.from({ length: 1000 }, generateSecureRandomString));
		expect(many.size).toBe(1000);
	});

	it('store only the SHA-256 of the secret', async () => {
		const { token, session } = await createSession(db, userId, t0);
		const secret = token.split('.')[1]!;
		const row = await db.one<{ h: string; n: number }>(`SELECT lower(hex(secret_hash)) AS h, octet_length(secret_hash)::INTEGER AS n FROM sessions WHERE id = $1`, [session.id]);
		expect(row?.n).toBe(32);
		const { createHash } = await import('node:crypto');
		expect(row?.h).toBe(createHash('sha256').update(secret).digest('hex'));
		const dump = JSON.stringify(await db.all(`SELECT id, hex(secret_hash) AS h, user_id FROM sessions`));
		expect(dump).not.toContain(secret);
	});

	it('refuse malformed tokens without touching the database', async () => {
		for (const bad of [null, undefined, '', 'abc', 'a.b.c', `${'a'.repeat(24)}.${'0'.repeat(24)}`, `${'a'.repeat(24)}`]) {
			expect(parseToken(bad)).toBeNull();
			expect(await validateSessionToken(db, bad, t0)).toBeNull();
		}
	});
});

describe('validation', () => {
	it('returns the user and session for a valid token', async () => {
		const { token, session } = await createSession(db, userId, t0);
		const v = await validateSessionToken(db, token, at(1000));
		expect(v?.user).toEqual({ id: userId, email: 'anne@example.org', role: 'admin', org: null });
		expect(v?.session.id).toBe(session.id);
		expect(v?.renewed).toBe(false);
	});

	it('refuses a wrong secret for an existing id', async () => {
		const { token } = await createSession(db, userId, t0);
		const [id, secret] = token.split('.') as [string, string];
		const other = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
		expect(await validateSessionToken(db, `${id}.${other}`, at(1000))).toBeNull();
		// The real token still works: a wrong guess does not destroy the session.
		expect(await validateSessionToken(db, token, at(2000))).not.toBeNull();
	});

	it('refuses an unknown id', async () => {
		const { token } = await createSession(db, userId, t0);
		const [, secret] = token.split('.') as [string, string];
		expect(await validateSessionToken(db, `${generateSecureRandomString()}.${secret}`, at(1000))).toBeNull();
	});
});

describe('expiry and renewal', () => {
	it('expires after the inactivity timeout and is then deleted', async () => {
		const { token, session } = await createSession(db, userId, t0);
		expect(session.expiresAt.getTime()).toBe(t0.getTime() + INACTIVITY_TIMEOUT_MS);
		expect(await validateSessionToken(db, token, at(INACTIVITY_TIMEOUT_MS - 1))).not.toBeNull();
		// That use renewed it; take a fresh session for the strict boundary.
		const fresh = await createSession(db, userId, t0);
		expect(await validateSessionToken(db, fresh.token, at(INACTIVITY_TIMEOUT_MS))).toBeNull();
		const left = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM sessions WHERE id = $1`, [fresh.session.id]);
		expect(left?.n).toBe(0);
	});

	it('does not write within the activity interval, then slides the expiry forward', async () => {
		const { token } = await createSession(db, userId, t0);
		const early = await validateSessionToken(db, token, at(ACTIVITY_CHECK_INTERVAL_MS - 1));
		expect(early?.renewed).toBe(false);
		expect(early?.session.expiresAt.getTime()).toBe(t0.getTime() + INACTIVITY_TIMEOUT_MS);
		const later = await validateSessionToken(db, token, at(2 * DAY));
		expect(later?.renewed).toBe(true);
		expect(later?.session.expiresAt.getTime()).toBe(t0.getTime() + 2 * DAY + INACTIVITY_TIMEOUT_MS);
		// The renewal is stored: the session now outlives its first expiry.
		const after = await validateSessionToken(db, token, at(INACTIVITY_TIMEOUT_MS + DAY));
		expect(after).not.toBeNull();
	});

	it('an active session still ends at the absolute lifetime', async () => {
		const { token } = await createSession(db, userId, t0);
		let now = 0;
		while (now + 5 * DAY < ABSOLUTE_LIFETIME_MS) {
			now += 5 * DAY;
			const v = await validateSessionToken(db, token, at(now));
			expect(v).not.toBeNull();
			expect(v!.session.expiresAt.getTime()).toBeLessThanOrEqual(t0.getTime() + ABSOLUTE_LIFETIME_MS);
		}
		expect(await validateSessionToken(db, token, at(ABSOLUTE_LIFETIME_MS))).toBeNull();
	});

	it('deleteExpiredSessions forgets only expired sessions', async () => {
		await createSession(db, userId, t0);
		const recent = await createSession(db, userId, at(3 * DAY));
		await deleteExpiredSessions(db, at(INACTIVITY_TIMEOUT_MS + HOUR));
		const ids = (await db.all<{ id: string }>(`SELECT id FROM sessions`)).map((r) => r.id);
		expect(ids).toEqual([recent.session.id]);
	});
});

describe('revocation', () => {
	it('sign-out deletes the session', async () => {
		const { token, session } = await createSession(db, userId, t0);
		await invalidateSession(db, session.id);
		expect(await validateSessionToken(db, token, at(1000))).toBeNull();
	});

	it('ending all sessions of a user can keep the current one', async () => {
		const a = await createSession(db, userId, t0);
		const b = await createSession(db, userId, t0);
		await invalidateUserSessions(db, userId, a.session.id);
		expect(await validateSessionToken(db, a.token, at(1000))).not.toBeNull();
		expect(await validateSessionToken(db, b.token, at(1000))).toBeNull();
	});

	it('a password reset ends every session of the user', async () => {
		const a = await createSession(db, userId, t0);
		await resetPassword(db, 'anne@example.org', 'a brand new passphrase', 'test', at(1000));
		expect(await validateSessionToken(db, a.token, at(2000))).toBeNull();
	});

	it('changing one’s own password ends the other sessions and keeps this one', async () => {
		const mine = await createSession(db, userId, t0);
		const other = await createSession(db, userId, t0);
		await expect(changeOwnPassword(db, userId, 'wrong', 'a brand new passphrase', mine.session.id, 'anne@example.org')).rejects.toThrow(/incorrect/);
		expect(await validateSessionToken(db, other.token, at(1000))).not.toBeNull();
		await changeOwnPassword(db, userId, 'correct horse battery', 'a brand new passphrase', mine.session.id, 'anne@example.org');
		expect(await validateSessionToken(db, mine.token, at(2000))).not.toBeNull();
		expect(await validateSessionToken(db, other.token, at(2000))).toBeNull();
	});

	it('disabling the account ends its sessions, and a disabled user’s token is refused', async () => {
		const a = await createSession(db, userId, t0);
		await disableUser(db, 'anne@example.org', 'test', at(1000));
		expect(await validateSessionToken(db, a.token, at(2000))).toBeNull();
		// Even a session created by other means is refused while the account is disabled.
		const b = await createSession(db, userId, at(3000));
		expect(await validateSessionToken(db, b.token, at(4000))).toBeNull();
	});
});

describe('rows kept between writes', () => {
	it('a session validated again reads no row until the next write, and every revocation is seen at once', async () => {
		const { token } = await createSession(db, userId, t0);
		const other = await createSession(db, userId, t0);
		const one = db.one.bind(db);
		let reads = 0;
		db.one = ((sql: string, params?: never) => {
			if (/FROM sessions s JOIN users/.test(sql)) reads++;
			return one(sql, params);
		}) as typeof db.one;

		expect(await validateSessionToken(db, token, at(1000))).not.toBeNull();
		expect(await validateSessionToken(db, token, at(2000))).not.toBeNull();
		expect(await validateSessionToken(db, token, at(3000))).not.toBeNull();
		expect(reads).toBe(1);
		// A wrong secret for a kept row is still refused (constant-time comparison each time).
		expect(await validateSessionToken(db, `${token.split('.')[0]}.${'a'.repeat(24)}`, at(3000))).toBeNull();

		// Sign-out of the other session (a write): read again, still valid, the other one not.
		await invalidateSession(db, other.session.id);
		expect(await validateSessionToken(db, other.token, at(4000))).toBeNull();
		expect(await validateSessionToken(db, token, at(4000))).not.toBeNull();
		expect(reads).toBe(3);

		await disableUser(db, 'anne@example.org', 'test');
		expect(await validateSessionToken(db, token, at(5000))).toBeNull();
	});
});
