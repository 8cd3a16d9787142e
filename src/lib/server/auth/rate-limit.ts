/**
 * Brute-force brake on sign-in: after MAX_FAILURES failed attempts for one e-mail, or from
 * one address, within WINDOW_MS, further attempts are refused (HTTP 429) until the oldest
 * of those failures leaves the window. The state lives in `login_attempts`, so it survives
 * a restart. An e-mail with no account is counted like any other, so a 429 says nothing
 * about whether an account exists. A successful sign-in clears the e-mail's count (not the
 * address's: an attacker holding one account must not reset the count of their address).
 */
import type { Database } from '../db/database';
import { normaliseEmail } from './users';

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60 * 1000;
/** Attempts older than this are deleted. */
const KEEP_MS = 24 * 3600 * 1000;

export type LoginGate = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: 'account' | 'address' };

const micros = (ms: number) => BigInt(ms) * 1000n;
const key = (email: string) => normaliseEmail(email).slice(0, 320);

/** Milliseconds until `failures` (ascending times) fall below the limit; 0 when already below. */
function waitFor(failures: number[], now: number): number {
	if (failures.length < MAX_FAILURES) return 0;
	const pivot = failures[failures.length - MAX_FAILURES]!;
	return Math.max(pivot + WINDOW_MS - now, 1000);
}

export async function checkLoginAllowed(db: Database, email: string, ip: string, now: Date = new Date()): Promise<LoginGate> {
	const since = micros(now.getTime() - WINDOW_MS);
	const byEmail = await db.all<{ t: string }>(
		`SELECT epoch_ms(at_time)::VARCHAR AS t FROM login_attempts
		 WHERE email = $1 AND NOT success AND at_time > make_timestamptz($2::BIGINT)
		   AND at_time > coalesce((SELECT max(at_time) FROM login_attempts WHERE email = $1 AND success), make_timestamptz(0::BIGINT))
		 ORDER BY at_time`,
		[key(email), since]
	);
	const byIp = await db.all<{ t: string }>(
		`SELECT epoch_ms(at_time)::VARCHAR AS t FROM login_attempts
		 WHERE ip = $1 AND NOT success AND at_time > make_timestamptz($2::BIGINT) ORDER BY at_time`,
		[ip, since]
	);
	const waitEmail = waitFor(byEmail.map((r) => Number(r.t)), now.getTime());
	const waitIp = waitFor(byIp.map((r) => Number(r.t)), now.getTime());
	if (!waitEmail && !waitIp) return { allowed: true };
	return {
		allowed: false,
		retryAfterSeconds: Math.ceil(Math.max(waitEmail, waitIp) / 1000),
		reason: waitEmail >= waitIp ? 'account' : 'address'
	};
}

export async function recordLoginAttempt(db: Database, email: string, ip: string, success: boolean, now: Date = new Date()): Promise<void> {
	await db.write(async (tx) => {
		await tx.run(`INSERT INTO login_attempts (at_time, email, ip, success) VALUES (make_timestamptz($1::BIGINT), $2, $3, $4)`, [
			micros(now.getTime()),
			key(email),
			ip,
			success
		]);
		await tx.run(`DELETE FROM login_attempts WHERE at_time < make_timestamptz($1::BIGINT)`, [micros(now.getTime() - KEEP_MS)]);
	});
}
