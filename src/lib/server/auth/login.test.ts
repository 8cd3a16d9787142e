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

	// Issue 18 #3: the count was written after the password check, so parallel attempts all passed.
	it('counts each attempt before the password check: of 60 parallel wrong passwords, 10 reach it', async () => {
		const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => signIn(db, 'anne@example.org', `wrong ${i}`, `10.0.3.${i % 7}`, t0)));
		expect(answers.filter((a) => !a.ok && a.status === 400)).toHaveLength(MAX_FAILURES);
		expect(answers.filter((a) => !a.ok && a.status === 429)).toHaveLength(60 - MAX_FAILURES);
		expect((await audit()).filter((a) => a.action === 'login.failure')).toHaveLength(MAX_FAILURES);
	});

	it('29 wrong passwords then the right one, in parallel, do not sign in', async () => {
		const wrong = Array.from({ length: 29 }, (_, i) => signIn(db, 'anne@example.org', `wrong ${i}`, '10.0.4.1', t0));
		const right = signIn(db, 'anne@example.org', 'correct horse battery', '10.0.4.2', t0);
		const answers = await Promise.all([...wrong, right]);
		expect(answers.some((a) => a.ok)).toBe(false);
		expect(answers.at(-1)).toMatchObject({ ok: false, status: 429 });
	});

	it('per address too: 30 parallel attempts on 30 accounts from one address, 10 reach the check', async () => {
		const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(db, `u${i}@example.org`, 'whatever it is', '192.0.2.9', t0)));
		expect(answers.filter((a) => !a.ok && a.status === 400)).toHaveLength(MAX_FAILURES);
	});

	it('a right password turns its own attempt into a success: ten sign-ins in a row from one address stay allowed', async () => {
		for (let i = 0; i < MAX_FAILURES + 2; i++) {
			expect((await signIn(db, 'anne@example.org', 'correct horse battery', '10.0.5.1', new Date(t0.getTime() + i * 1000))).ok).toBe(true);
		}
		const n = await db.one<{ failures: number }>(`SELECT count(*) FILTER (WHERE NOT success)::INTEGER AS failures FROM login_attempts`);
		expect(n?.failures).toBe(0);
	});

	// Issue 18 #7: every failed sign-in was a write that flushed the figures' and pages' caches.
	it('sign-in attempts, sessions and their audit entries leave the data caches alone', async () => {
		const before = db.dataGeneration;
		const all = db.generation;
		await signIn(db, 'anne@example.org', 'wrong password', '10.0.6.1', t0);
		await signIn(db, 'nobody@example.org', 'wrong password', '10.0.6.1', t0);
		const ok = await signIn(db, 'anne@example.org', 'correct horse battery', '10.0.6.1', t0);
		expect(ok.ok).toBe(true);
		if (ok.ok) await validateSessionToken(db, ok.token, new Date(t0.getTime() + 2 * 3600_000)); // renewal
		expect(db.generation).toBeGreaterThan(all);
		expect(db.dataGeneration).toBe(before);
		// A change to the data still counts.
		await disableUser(db, 'anne@example.org', 'test');
		expect(db.dataGeneration).toBe(before + 1);
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
	// Issue 18 #2: `/.//evil.example/x` resolved to `//evil.example/x` and was sent as the Location.
	const BYPASSES = [
		'//evil.example/x',
		'/\\evil.example/x',
		'/./\\evil.example',
		'/.//evil.example/x',
		'/..//evil.example/x',
		'/a/..//evil.example',
		'/%2e//evil.example',
		'/%2E%2E//evil.example',
		'/%2F%2Fevil.example/x',
		'/%2f/evil.example',
		'/%5Cevil.example',
		'/%5cevil.example',
		'/%252F%252Fevil.example',
		'/\t/evil.example',
		'/\n/evil.example',
		'/\r\n/evil.example',
		'/\u0000/evil.example',
		'/%09/evil.example',
		'/%0A/evil.example',
		'\t//evil.example',
		' //evil.example',
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		'/javascript:alert(1)'.slice(1),
		'data:text/html,x',
		'https://evil.example/x',
		'http:evil.example',
		'https:/evil.example',
		'///evil.example',
		'/%E0%A4%A'
	];
	it.each(BYPASSES)('refuses the bypass %j', (bad) => {
		const out = safeRedirectPath(bad);
		expect(out).toBe('/app');
	});
	it('whatever it returns stays on the origin when a browser resolves it', () => {
		const inputs = [...BYPASSES, '/app/x?y=1#z', '/app/%2F', '/app//x', '/a/../b', '/app?back=//evil.example'];
		for (const input of inputs) {
			const out = safeRedirectPath(input, '/');
			expect(new URL(out, 'https://hox.example').origin).toBe('https://hox.example');
			expect(out.startsWith('/') && !out.startsWith('//') && !out.startsWith('/\\')).toBe(true);
		}
		// Normalised, not refused, when harmless.
		expect(safeRedirectPath('/a/../app/financement')).toBe('/app/financement');
		expect(safeRedirectPath('/app?back=//evil.example')).toBe('/app?back=//evil.example');
	});
});
