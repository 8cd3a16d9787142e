/**
 * One sign-in attempt, from the form of /login: brake, account lookup, password check,
 * session, audit. The answer never tells whether the e-mail has an account: unknown,
 * disabled and wrong password give the same message in about the same time.
 */
import type { Database } from '../db/database';
import { recordAudit } from './audit';
import { verifyDummyPassword, verifyPassword } from './password';
import { markLoginSuccess, reserveLoginAttempt } from './rate-limit';
import { createSession, deleteExpiredSessions, type Session, type SessionUser } from './sessions';
import { findUserForLogin, normaliseEmail } from './users';

export type SignIn =
	| { ok: true; user: SessionUser; session: Session; token: string }
	| { ok: false; status: 400 | 429; retryAfterSeconds?: number };

export async function signIn(db: Database, emailInput: string, password: string, ip: string, now: Date = new Date()): Promise<SignIn> {
	const email = normaliseEmail(emailInput).slice(0, 320);
	if (!email || !password || password.length > 1024) {
		return { ok: false, status: 400 };
	}
	// Counted (as a failure) before the password is checked, atomically: see rate-limit.ts.
	const gate = await reserveLoginAttempt(db, email, ip, now);
	if (!gate.allowed) {
		await recordAudit(db, { actor: null, action: 'login.blocked', target: email, ip, outcome: 'refused', details: { reason: gate.reason, retry_after_s: gate.retryAfterSeconds } }, now);
		return { ok: false, status: 429, retryAfterSeconds: gate.retryAfterSeconds };
	}
	const account = await findUserForLogin(db, email);
	let valid = false;
	let reason: 'unknown' | 'disabled' | 'password' | null = null;
	if (!account) {
		await verifyDummyPassword(password);
		reason = 'unknown';
	} else if (account.disabled) {
		await verifyDummyPassword(password);
		reason = 'disabled';
	} else {
		valid = await verifyPassword(account.password_hash, password);
		if (!valid) reason = 'password';
	}
	if (valid) await markLoginSuccess(db, email, ip, now);
	if (!valid || !account) {
		await recordAudit(db, { actor: null, action: 'login.failure', target: email, ip, outcome: 'failure', details: { reason } }, now);
		return { ok: false, status: 400 };
	}
	// Now and then is enough to forget lapsed sessions (validation ignores them anyway).
	await deleteExpiredSessions(db, now);
	const { session, token } = await createSession(db, account.id, now);
	await recordAudit(db, { actor: account.email, action: 'login.success', target: account.email, ip, outcome: 'success' }, now);
	return { ok: true, user: { id: account.id, email: account.email, role: account.role, org: account.org }, session, token };
}
