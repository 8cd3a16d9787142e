/**
 * API tokens for automation, as Biscuit tokens (the programme's own authorization brick).
 *
 * The server signs, with its root key (Ed25519), an authority block stating who the token
 * speaks for and until when:
 *
 *     user("<user id>"); email("<e-mail>"); role("consortium"); org("nexedi"); token("<id>");
 *     check if time($t), $t <= 2026-12-31T00:00:00Z;
 *
 * Its holder may attenuate it offline (no secret needed: Biscuit blocks are appended with a
 * fresh key pair), e.g. `check if operation("read");`, `check if path($p),
 * $p.starts_with("/api/v1/kpis");` or a shorter expiry, and hand the narrower token on.
 * On every `Authorization: Bearer` request under /api the server verifies the signature
 * chain and runs an authorizer that supplies `time`, `operation` ("read" for GET/HEAD,
 * "write" otherwise), `method` and `path`; every check of every block must pass. Facts are
 * only trusted from the authority block, so an attenuation can narrow, never widen.
 *
 * A token is accepted only when the table `api_tokens` knows it: its id is there, with the
 * same authority block (revocation id) and the same user, not revoked, not past the expiry
 * recorded at issue, and issued for at most MAX_TOKEN_DAYS (so a token minted by someone who
 * got hold of the root key — from a backup, say — without going through `issueToken` is
 * refused, whatever expiry it states). Revoking refuses its attenuations too (they share the
 * first block's revocation id). Its user must be active with the same role and
 * organisation; a password change or reset, disabling the account or changing its role
 * revokes the user's tokens for good (users.ts), so re-enabling or changing back revives
 * none. Tokens cannot issue tokens: issuing needs a signed-in session (or the CLI).
 *
 * The root key: HOX_BISCUIT_PRIVATE_KEY, or a file named by HOX_BISCUIT_PRIVATE_KEY_FILE
 * (both `ed25519-private/<hex>`), keep it out of the database and so out of its backups;
 * without either, one is generated and stored in the database (`biscuit_root_key`).
 */
import fs from 'node:fs';
import type { Database } from '../db/database';
import { recordAudit } from './audit';
import type { Biscuit as BiscuitToken } from '@biscuit-auth/biscuit-wasm';
import { loadBiscuit } from './biscuit-wasm';
import type { Role } from './guard';
import type { SessionUser } from './sessions';
import { normaliseEmail, UserError, type By } from './users';

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 366;
/** Datalog run limits: generous for our tiny programs, tight enough to stop a hostile block. */
const LIMITS = { max_facts: 1000, max_iterations: 100, max_time_micro: 200_000 };

interface RootKey {
	privateKey: string;
	publicKey: string;
}

/** Per database and key setting (the server has one database; tests open several). */
const rootKeys = new WeakMap<Database, Map<string, Promise<RootKey>>>();

/** `ed25519/<hex>` as printed by Biscuit; PublicKey.fromString wants the bare hex. */
const bareHex = (key: string) => key.replace(/^ed25519\//, '');

/** The root private key given outside the database: HOX_BISCUIT_PRIVATE_KEY, else the file HOX_BISCUIT_PRIVATE_KEY_FILE. */
export function configuredPrivateKey(): string | null {
	const inline = process.env.HOX_BISCUIT_PRIVATE_KEY?.trim();
	if (inline) return inline;
	const file = process.env.HOX_BISCUIT_PRIVATE_KEY_FILE?.trim();
	if (!file) return null;
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8').trim();
	} catch (error) {
		throw new Error(`HOX_BISCUIT_PRIVATE_KEY_FILE : fichier illisible (${file}) : ${(error as Error).message}`);
	}
	if (!text) throw new Error(`HOX_BISCUIT_PRIVATE_KEY_FILE : le fichier ${file} est vide.`);
	return text;
}

async function loadRootKey(db: Database): Promise<RootKey> {
	const b = await loadBiscuit();
	const fromEnv = configuredPrivateKey();
	if (fromEnv) {
		const pair = b.KeyPair.fromPrivateKey(b.PrivateKey.fromString(fromEnv));
		return { privateKey: fromEnv, publicKey: pair.getPublicKey().toString() };
	}
	const stored = await db.one<{ private_key: string; public_key: string }>(`SELECT private_key, public_key FROM biscuit_root_key WHERE id = 1`);
	if (stored) return { privateKey: stored.private_key, publicKey: stored.public_key };
	const pair = new b.KeyPair(b.SignatureAlgorithm.Ed25519);
	const key = { privateKey: pair.getPrivateKey().toString(), publicKey: pair.getPublicKey().toString() };
	await db.write(async (tx) => {
		// Another request may have created it first: keep the first one.
		const again = await tx.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM biscuit_root_key WHERE id = 1`);
		if (!again?.n) await tx.run(`INSERT INTO biscuit_root_key (id, private_key, public_key) VALUES (1, $1, $2)`, [key.privateKey, key.publicKey]);
	});
	const final = await db.one<{ private_key: string; public_key: string }>(`SELECT private_key, public_key FROM biscuit_root_key WHERE id = 1`);
	return { privateKey: final!.private_key, publicKey: final!.public_key };
}

/** The root key pair of this database (or of HOX_BISCUIT_PRIVATE_KEY), created on first use. */
export function rootKey(db: Database): Promise<RootKey> {
	const k = `${process.env.HOX_BISCUIT_PRIVATE_KEY ?? ''}\u0000${process.env.HOX_BISCUIT_PRIVATE_KEY_FILE ?? ''}`;
	let forDb = rootKeys.get(db);
	if (!forDb) rootKeys.set(db, (forDb = new Map()));
	let key = forDb.get(k);
	if (!key) {
		key = loadRootKey(db);
		forDb.set(k, key);
		key.catch(() => forDb.delete(k));
	}
	return key;
}

/** The public key that verifies this server's tokens (`ed25519/<hex>`): needed to attenuate one. */
export async function publicKey(db: Database): Promise<string> {
	return (await rootKey(db)).publicKey;
}

export interface IssuedToken {
	id: string;
	token: string;
	email: string;
	expiresAt: Date;
	publicKey: string;
}

const micros = (d: Date) => BigInt(d.getTime()) * 1000n;

/** Mint a token for an active account, valid `days` days; recorded and audited. */
export async function issueToken(
	db: Database,
	input: { email: string; days?: number; label?: string | null },
	by0: By,
	now: Date = new Date()
): Promise<IssuedToken> {
	const by = typeof by0 === 'string' ? { actor: by0 } : by0;
	const days = Math.trunc(input.days ?? DEFAULT_TOKEN_DAYS);
	if (!Number.isFinite(days) || days < 1 || days > MAX_TOKEN_DAYS) {
		throw new UserError('bad_days', {
			fr: `Durée de validité invalide : de 1 à ${MAX_TOKEN_DAYS} jours.`,
			en: `Invalid validity: 1 to ${MAX_TOKEN_DAYS} days.`
		});
	}
	const label = input.label?.trim().slice(0, 120) || null;
	const email = normaliseEmail(input.email);
	const user = await db.one<{ id: string; email: string; role: Role; org: string | null; disabled: boolean }>(
		`SELECT id, email, role, org, disabled FROM users WHERE email = $1`,
		[email]
	);
	if (!user) throw new UserError('unknown_user', { fr: `Aucun compte pour « ${input.email} ».`, en: `No account for “${input.email}”.` });
	if (user.disabled) throw new UserError('disabled', { fr: `Le compte ${user.email} est désactivé.`, en: `Account ${user.email} is disabled.` });

	const b = await loadBiscuit();
	const key = await rootKey(db);
	const id = crypto.randomUUID();
	const expiresAt = new Date(now.getTime() + days * 24 * 3600 * 1000);
	const builder = b.Biscuit.builder();
	const params: Record<string, unknown> = {
		user: user.id,
		email: user.email,
		role: user.role,
		token: id,
		expires: { date: expiresAt.toISOString() }
	};
	let code = `user({user}); email({email}); role({role}); token({token});\ncheck if time($time), $time <= {expires};`;
	if (user.org) {
		code = `org({org});\n${code}`;
		params.org = user.org;
	}
	builder.addCodeWithParameters(code, params, {});
	const biscuit = builder.build(b.PrivateKey.fromString(key.privateKey));
	const revocationId = String(biscuit.getRevocationIdentifiers()[0]);
	const token = biscuit.toBase64();
	await db.write(async (tx) => {
		await tx.run(
			`INSERT INTO api_tokens (id, user_id, label, revocation_id, created_at, expires_at, created_by)
			 VALUES ($1, $2, $3, $4, make_timestamptz($5::BIGINT), make_timestamptz($6::BIGINT), $7)`,
			[id, user.id, label, revocationId, micros(now), micros(expiresAt), by.actor]
		);
		await recordAudit(tx, { actor: by.actor, action: 'token.issue', target: user.email, ip: by.ip, outcome: 'success', details: { token: id, label, days } }, now);
	});
	return { id, token, email: user.email, expiresAt, publicKey: key.publicKey };
}

export interface TokenRow {
	id: string;
	email: string;
	label: string | null;
	createdAt: number;
	expiresAt: number;
	createdBy: string | null;
	revokedAt: number | null;
}

export async function listTokens(db: Database): Promise<TokenRow[]> {
	const rows = await db.all<{ id: string; email: string | null; label: string | null; created: string; expires: string; created_by: string | null; revoked: string | null }>(
		`SELECT t.id, u.email, t.label, epoch_ms(t.created_at)::VARCHAR AS created, epoch_ms(t.expires_at)::VARCHAR AS expires,
			t.created_by, epoch_ms(t.revoked_at)::VARCHAR AS revoked
		 FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC`
	);
	return rows.map((r) => ({
		id: r.id,
		email: r.email ?? '?',
		label: r.label,
		createdAt: Number(r.created),
		expiresAt: Number(r.expires),
		createdBy: r.created_by,
		revokedAt: r.revoked === null ? null : Number(r.revoked)
	}));
}

/** Revoke a token (and so every attenuation of it). */
export async function revokeToken(db: Database, id: string, by0: By, now: Date = new Date()): Promise<void> {
	const by = typeof by0 === 'string' ? { actor: by0 } : by0;
	await db.write(async (tx) => {
		const row = await tx.one<{ email: string | null; revoked: boolean }>(
			`SELECT u.email, t.revoked_at IS NOT NULL AS revoked FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
			[id]
		);
		if (!row) throw new UserError('unknown_token', { fr: `Jeton inconnu : ${id}.`, en: `Unknown token: ${id}.` });
		if (row.revoked) return;
		await tx.run(`UPDATE api_tokens SET revoked_at = make_timestamptz($2::BIGINT) WHERE id = $1`, [id, micros(now)]);
		await recordAudit(tx, { actor: by.actor, action: 'token.revoke', target: row.email, ip: by.ip, outcome: 'success', details: { token: id } }, now);
	});
}

export interface TokenRequest {
	method: string;
	path: string;
}

export type TokenCheck = { ok: true; user: SessionUser; tokenId: string } | { ok: false; reason: string };

const operationOf = (method: string) => (['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? 'read' : 'write');

/** Verify a Bearer token for one request; the user it speaks for, or why it is refused. */
export async function verifyToken(db: Database, token: string, request: TokenRequest, now: Date = new Date()): Promise<TokenCheck> {
	if (!token || token.length > 16_384 || !/^[A-Za-z0-9_-]+=*$/.test(token)) return { ok: false, reason: 'malformed' };
	const b = await loadBiscuit();
	const key = await rootKey(db);
	let parsed: BiscuitToken;
	try {
		parsed = b.Biscuit.fromBase64(token, b.PublicKey.fromString(bareHex(key.publicKey), b.SignatureAlgorithm.Ed25519));
	} catch {
		return { ok: false, reason: 'signature' };
	}
	const revocationIds: string[] = parsed.getRevocationIdentifiers().map(String);
	let facts: { user: string; role: string; tokenId: string; org: string | null };
	try {
		const builder = new b.AuthorizerBuilder();
		builder.addCodeWithParameters(
			`time({now}); operation({operation}); method({method}); path({path});
			allow if user($u), role($r), token($t);`,
			{ now: { date: now.toISOString() }, operation: operationOf(request.method), method: request.method.toUpperCase(), path: request.path },
			{}
		);
		const authorizer = builder.buildAuthenticated(parsed);
		authorizer.authorizeWithLimits(LIMITS);
		const [row] = authorizer.queryWithLimits(b.Rule.fromString(`data($u, $r, $t) <- user($u), role($r), token($t)`), LIMITS) as { terms(): unknown[] }[];
		const orgs = authorizer.queryWithLimits(b.Rule.fromString(`data($o) <- org($o)`), LIMITS) as { terms(): unknown[] }[];
		if (!row) return { ok: false, reason: 'no_identity' };
		const [u, r, t] = row.terms() as string[];
		facts = { user: u!, role: r!, tokenId: t!, org: orgs.length ? String(orgs[0]!.terms()[0]) : null };
	} catch {
		return { ok: false, reason: 'unauthorized' };
	}
	// The table must know this very token: its id, its authority block (the first revocation
	// id, shared by every attenuation), its user; live and within the lifetime it was issued for.
	const row = await db.one<{
		user_id: string;
		revocation_id: string;
		revoked: boolean;
		created: string;
		expires: string;
		email: string | null;
		role: Role | null;
		org: string | null;
		disabled: boolean | null;
	}>(
		`SELECT t.user_id, t.revocation_id, t.revoked_at IS NOT NULL AS revoked,
			epoch_ms(t.created_at)::VARCHAR AS created, epoch_ms(t.expires_at)::VARCHAR AS expires,
			u.email, u.role, u.org, u.disabled
		 FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
		[facts.tokenId]
	);
	if (!row || row.revocation_id !== revocationIds[0] || row.user_id !== facts.user) return { ok: false, reason: 'unknown' };
	if (row.revoked) return { ok: false, reason: 'revoked' };
	const created = Number(row.created);
	const expires = Number(row.expires);
	if (!(now.getTime() < expires) || expires - created > MAX_TOKEN_DAYS * DAY_MS || now.getTime() < created - CLOCK_SKEW_MS) {
		return { ok: false, reason: 'expired' };
	}
	if (!row.email || row.disabled) return { ok: false, reason: 'user' };
	if (row.role !== facts.role || (row.org ?? null) !== facts.org) return { ok: false, reason: 'role_changed' };
	return { ok: true, user: { id: row.user_id, email: row.email, role: row.role!, org: row.org }, tokenId: facts.tokenId };
}

const DAY_MS = 24 * 3600 * 1000;
/** A token is not used before it was issued (a little slack for clocks). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Attenuate a token offline (what a holder would do with the Biscuit CLI or library): add a
 * block of checks. Needs only the token and the server's public key, never its secret.
 */
export async function attenuateToken(
	token: string,
	serverPublicKey: string,
	narrow: { readOnly?: boolean; pathPrefix?: string; expiresAt?: Date }
): Promise<string> {
	const b = await loadBiscuit();
	const parsed = b.Biscuit.fromBase64(token, b.PublicKey.fromString(bareHex(serverPublicKey), b.SignatureAlgorithm.Ed25519));
	const block = b.Biscuit.block_builder();
	const lines: string[] = [];
	const params: Record<string, unknown> = {};
	if (narrow.readOnly) lines.push(`check if operation("read");`);
	if (narrow.pathPrefix) {
		lines.push(`check if path($p), $p.starts_with({prefix});`);
		params.prefix = narrow.pathPrefix;
	}
	if (narrow.expiresAt) {
		lines.push(`check if time($t), $t <= {until};`);
		params.until = { date: narrow.expiresAt.toISOString() };
	}
	if (!lines.length) throw new Error('Rien à restreindre : --read-only, --path ou --days.');
	block.addCodeWithParameters(lines.join('\n'), params, {});
	return parsed.appendBlock(block).toBase64();
}
