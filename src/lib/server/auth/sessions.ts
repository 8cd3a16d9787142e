/**
 * Sessions after Lucia's current design (lucia-auth.com, "Sessions — basic API"): the
 * client holds a token `<id>.<secret>`; the database keeps the id and the SHA-256 of the
 * secret only, so a leaked database yields no usable token; the secret is compared in
 * constant time.
 *
 * Lifetime: a session lapses after INACTIVITY_TIMEOUT without use (sliding expiry) and in
 * any case ABSOLUTE_LIFETIME after sign-in. Using a session more than ACTIVITY_CHECK_INTERVAL
 * after it was last verified pushes its expiry forward (one write an hour at most per
 * session) and the cookie is re-sent with the new expiry. Sign-out deletes the session;
 * a password change, a reset or disabling the account deletes all the user's sessions.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Cookies } from '@sveltejs/kit';
import type { Database, Transaction } from '../db/database';
import type { Role } from './guard';

export const INACTIVITY_TIMEOUT_MS = 7 * 24 * 3600 * 1000;
export const ACTIVITY_CHECK_INTERVAL_MS = 3600 * 1000;
export const ABSOLUTE_LIFETIME_MS = 30 * 24 * 3600 * 1000;

export const SESSION_COOKIE = 'hox_session';

export interface Session {
	id: string;
	userId: string;
	createdAt: Date;
	lastVerifiedAt: Date;
	expiresAt: Date;
}

export interface SessionUser {
	id: string;
	email: string;
	role: Role;
	org: string | null;
}

export interface SessionValidation {
	session: Session;
	user: SessionUser;
	/** True when this validation pushed the expiry forward: re-send the cookie. */
	renewed: boolean;
}

/** Lucia's human-safe alphabet (no 0/o, 1/l): 32 symbols, 5 bits each. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** 24 symbols = 120 bits of entropy from the system's CSPRNG. */
export function generateSecureRandomString(): string {
	const bytes = new Uint8Array(24);
	crypto.getRandomValues(bytes);
	let out = '';
	for (const b of bytes) out += ALPHABET[b >> 3];
	return out;
}

export function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

const TOKEN_PART = /^[a-km-z2-9]{24}$/;

/** Split `<id>.<secret>`; null for anything else. */
export function parseToken(token: string | null | undefined): { id: string; secret: string } | null {
	if (!token) return null;
	const parts = token.split('.');
	if (parts.length !== 2) return null;
	const [id, secret] = parts as [string, string];
	if (!TOKEN_PART.test(id) || !TOKEN_PART.test(secret)) return null;
	return { id, secret };
}

const micros = (d: Date) => BigInt(d.getTime()) * 1000n;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function expiryFor(createdAt: Date, verifiedAt: Date): Date {
	return new Date(Math.min(verifiedAt.getTime() + INACTIVITY_TIMEOUT_MS, createdAt.getTime() + ABSOLUTE_LIFETIME_MS));
}

/** Open a session for a user; the token goes to the client once and is never stored. */
export async function createSession(db: Database, userId: string, now: Date = new Date()): Promise<{ session: Session; token: string }> {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	const session: Session = { id, userId, createdAt: now, lastVerifiedAt: now, expiresAt: expiryFor(now, now) };
	await db.write((tx) =>
		tx.run(
			`INSERT INTO sessions (id, secret_hash, user_id, created_at, last_verified_at, expires_at)
			 VALUES ($1, from_hex($2), $3, make_timestamptz($4::BIGINT), make_timestamptz($4::BIGINT), make_timestamptz($5::BIGINT))`,
			[id, hex(hashSecret(secret)), userId, micros(now), micros(session.expiresAt)]
		),
		// An auth event: the data caches stay (issue 18 #7).
		{ data: false }
	);
	return { session, token: `${id}.${secret}` };
}

/** A session with its user, as read from the database. */
interface SessionRow {
	id: string;
	secret_hash: string;
	created: string;
	verified: string;
	expires: string;
	user_id: string;
	email: string;
	role: Role;
	org: string | null;
	disabled: boolean;
}

/**
 * Session rows as read since the database's last committed write. Every change to a session
 * or a user (sign-in, sign-out, renewal, password change, disabling) is a write, which empties
 * this: a request never sees a revoked session as valid, and a page seen again and again
 * costs no query. (This process is the only writer: DuckDB's lock.)
 */
const sessionRows = new WeakMap<Database, { generation: number; byId: Map<string, SessionRow | null> }>();
const SESSION_ROWS_MAX = 10_000;

async function sessionRow(db: Database, id: string): Promise<SessionRow | null> {
	let kept = sessionRows.get(db);
	if (!kept || kept.generation !== db.generation) sessionRows.set(db, (kept = { generation: db.generation, byId: new Map() }));
	const known = kept.byId.get(id);
	if (known !== undefined) return known;
	const row =
		(await db.one<SessionRow>(
			`SELECT s.id, hex(s.secret_hash) AS secret_hash, epoch_ms(s.created_at)::VARCHAR AS created,
				epoch_ms(s.last_verified_at)::VARCHAR AS verified, epoch_ms(s.expires_at)::VARCHAR AS expires,
				u.id AS user_id, u.email, u.role, u.org, u.disabled
			 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
			[id]
		)) ?? null;
	// (Read under a generation since gone: not kept, the map it would go in is discarded.)
	if (kept.byId.size >= SESSION_ROWS_MAX) kept.byId.clear();
	kept.byId.set(id, row);
	return row;
}

/**
 * The session and user of a token, or null when the token is malformed, unknown, wrong,
 * expired (then deleted) or its user disabled. Renews the expiry when due.
 */
export async function validateSessionToken(db: Database, token: string | null | undefined, now: Date = new Date()): Promise<SessionValidation | null> {
	const parsed = parseToken(token);
	if (!parsed) return null;
	const row = await sessionRow(db, parsed.id);
	if (!row) return null;
	const stored = new Uint8Array(Buffer.from(row.secret_hash, 'hex'));
	if (!constantTimeEqual(stored, hashSecret(parsed.secret))) return null;
	const session: Session = {
		id: row.id,
		userId: row.user_id,
		createdAt: new Date(Number(row.created)),
		lastVerifiedAt: new Date(Number(row.verified)),
		expiresAt: new Date(Number(row.expires))
	};
	if (row.disabled || now.getTime() >= session.expiresAt.getTime()) {
		await invalidateSession(db, session.id);
		return null;
	}
	let renewed = false;
	if (now.getTime() - session.lastVerifiedAt.getTime() >= ACTIVITY_CHECK_INTERVAL_MS) {
		session.lastVerifiedAt = now;
		session.expiresAt = expiryFor(session.createdAt, now);
		await db.write((tx) =>
			tx.run(`UPDATE sessions SET last_verified_at = make_timestamptz($2::BIGINT), expires_at = make_timestamptz($3::BIGINT) WHERE id = $1`, [
				session.id,
				micros(now),
				micros(session.expiresAt)
			]),
			{ data: false }
		);
		renewed = true;
	}
	return { session, user: { id: row.user_id, email: row.email, role: row.role, org: row.org }, renewed };
}

type Writer = Database | Transaction;
const run = (db: Writer, sql: string, params: string[]) =>
	'write' in db ? db.write((tx) => tx.run(sql, params), { data: false }) : db.run(sql, params);

/** Sign-out: delete one session. */
export async function invalidateSession(db: Writer, sessionId: string): Promise<void> {
	await run(db, `DELETE FROM sessions WHERE id = $1`, [sessionId]);
}

/** Delete every session of a user (password change or reset, account disabled), but `keep`. */
export async function invalidateUserSessions(db: Writer, userId: string, keep?: string): Promise<void> {
	if (keep) await run(db, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, [userId, keep]);
	else await run(db, `DELETE FROM sessions WHERE user_id = $1`, [userId]);
}

/** Forget sessions that have expired (called now and then; validation ignores them anyway). */
export async function deleteExpiredSessions(db: Database, now: Date = new Date()): Promise<void> {
	await db.write((tx) => tx.run(`DELETE FROM sessions WHERE expires_at <= make_timestamptz($1::BIGINT)`, [micros(now)]), { data: false });
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, expiring with the session. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
