/**
 * Brute-force brake on sign-in: after MAX_FAILURES failed attempts for one e-mail, or from
 * one address, within WINDOW_MS, further attempts are refused (HTTP 429) until the oldest
 * of those failures leaves the window. The state lives in `login_attempts`, so it survives
 * a restart. An e-mail with no account is counted like any other, so a 429 says nothing
 * about whether an account exists. A successful sign-in clears the e-mail's count (not the
 * address's: an attacker holding one account must not reset the count of their address).
 *
 * The attempt is counted BEFORE the password is checked (`reserveLoginAttempt`): the check of
 * the counts and the insertion of the attempt, as a failure, are one transaction in the
 * queue of writes, so parallel attempts are counted one after the other and no more than
 * MAX_FAILURES of them ever reach the password check. A right password then turns its own
 * attempt into a success (`markLoginSuccess`). (Issue 18 #3: 60 parallel wrong passwords
 * all reached the check when the count was written after it.) These writes are auth events:
 * they leave the data caches alone (`{ data: false }`, db/database.ts).
 */
import type { Database, Transaction } from '../db/database';
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

type Reader = Pick<Database, 'all'> | Pick<Transaction, 'all'>;

export async function checkLoginAllowed(db: Reader, email: string, ip: string, now: Date = new Date()): Promise<LoginGate> {
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

async function insertAttempt(tx: Transaction, email: string, ip: string, success: boolean, now: Date): Promise<void> {
	await tx.run(`INSERT INTO login_attempts (at_time, email, ip, success) VALUES (make_timestamptz($1::BIGINT), $2, $3, $4)`, [
		micros(now.getTime()),
		key(email),
		ip,
		success
	]);
	await tx.run(`DELETE FROM login_attempts WHERE at_time < make_timestamptz($1::BIGINT)`, [micros(now.getTime() - KEEP_MS)]);
}

export async function recordLoginAttempt(db: Database, email: string, ip: string, success: boolean, now: Date = new Date()): Promise<void> {
	await db.write((tx) => insertAttempt(tx, email, ip, success, now), { data: false });
}

/**
 * Check the brake and, when it lets the attempt through, count it at once as a failure —
 * in one transaction of the write queue, so that parallel attempts cannot all pass the
 * check before any of them is counted.
 */
export async function reserveLoginAttempt(db: Database, email: string, ip: string, now: Date = new Date()): Promise<LoginGate> {
	return db.write(async (tx) => {
		const gate = await checkLoginAllowed(tx, email, ip, now);
		if (gate.allowed) await insertAttempt(tx, email, ip, false, now);
		return gate;
	}, { data: false });
}

/** The attempt reserved by `reserveLoginAttempt` had the right password: it becomes a success. */
export async function markLoginSuccess(db: Database, email: string, ip: string, now: Date = new Date()): Promise<void> {
	await db.write(async (tx) => {
		// Attempts with the same time, e-mail and address are alike: turning any one of them is the same.
		await tx.run(
			`UPDATE login_attempts SET success = true WHERE rowid = (
				SELECT min(rowid) FROM login_attempts WHERE at_time = make_timestamptz($1::BIGINT) AND email = $2 AND ip = $3 AND NOT success)`,
			[micros(now.getTime()), key(email), ip]
		);
	}, { data: false });
}
