import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../db/database';
import { signIn } from './login';
import { MAX_FAILURES } from './rate-limit';
import { validateSessionToken } from './sessions';
import { createUser, disableUser } from './users';
import { safeRedirectPath } from './client';

let db: Database;
const t0 = new Date('2026-04-15T08:00:00Z');

beforeEach(async () => {
	db = await Database.open(':memory:');
	await createUser(db, { email: 'anne@example.org', role: 'auditor', password: 'correct horse battery' }, 'test');
	await createUser(db, { email: 'boss@example.org', role: 'admin', password: 'another good passphrase' }, 'test');
});
afterEach(() => db.close());

const audit = () => db.all<{ action: string; actor: string | null; target: string; outcome: string; details: string | null }>(`SELECT action, actor, target, outcome, details::VARCHAR AS details FROM audit_log WHERE action LIKE 'login.%' ORDER BY id`);

describe('signIn', () => {
	it('opens a session for the right password, whatever the e-mail’s case', async () => {
		const r = await signIn(db, ' Anne@Example.ORG ', 'correct horse battery', '10.0.0.1', t0);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.user).toMatchObject({ email: 'anne@example.org', role: 'auditor' });
		expect((await validateSessionToken(db, r.token, t0))?.user.email).toBe('anne@example.org');
		expect((await audit()).at(-1)).toMatchObject({ action: 'login.success', actor: 'anne@example.org', outcome: 'success' });
	});

	it('answers the same for an unknown e-mail, a wrong password and a disabled account', async () => {
		await disableUser(db, 'anne@example.org', 'test');
		const answers = [
			await signIn(db, 'nobody@example.org', 'whatever it is', '10.0.0.1', t0),
			await signIn(db, 'boss@example.org', 'wrong password!', '10.0.0.1', t0),
			await signIn(db, 'anne@example.org', 'correct horse battery', '10.0.0.1', t0)
		];
		for (const a of answers) expect(a).toEqual({ ok: false, status: 400 });
		// The trail keeps the reason for the administrators.
		const reasons = (await audit()).map((a) => JSON.parse(a.details ?? '{}').reason);
		expect(reasons).toEqual(['unknown', 'password', 'disabled']);
	});

	it('refuses the 11th attempt after 10 failures with 429 and a delay, even with the right password', async () => {
		for (let i = 0; i < MAX_FAILURES; i++) {
			expect((await signIn(db, 'anne@example.org', `wrong ${i}`, `10.0.1.${i}`, new Date(t0.getTime() + i * 1000))).ok).toBe(false);
		}
		const r = await signIn(db, 'anne@example.org', 'correct horse battery', '10.0.2.1', new Date(t0.getTime() + 20_000));
		expect(r).toMatchObject({ ok: false, status: 429 });
		if (!r.ok) expect(r.retryAfterSeconds).toBeGreaterThan(800);
		expect((await audit()).at(-1)).toMatchObject({ action: 'login.blocked', outcome: 'refused' });
	});

	it('refuses empty input without counting it against the brake', async () => {
		expect(await signIn(db, '', 'x', '10.0.0.1', t0)).toEqual({ ok: false, status: 400 });
		expect(await signIn(db, 'anne@example.org', '', '10.0.0.1', t0)).toEqual({ ok: false, status: 400 });
	});
});

describe('safeRedirectPath', () => {
	it('keeps same-site paths', () => {
		expect(safeRedirectPath('/app/financement?releve=1#x')).toBe('/app/financement?releve=1#x');
		expect(safeRedirectPath('/app')).toBe('/app');
	});
	it('refuses anything that could leave the site', () => {
		for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, '/\t/evil.example', 'app']) {
			expect(safeRedirectPath(bad)).toBe('/app');
		}
		expect(safeRedirectPath('/login?redirectTo=/x')).toBe('/app');
	});
});
