/**
 * Accounts: create, list, disable/enable, reset a password, change a role. Used by the admin
 * page (/app/admin/utilisateurs) and the CLI (`npm run user`). Every change is written to
 * the audit trail in the same transaction, and every change that should end a user's
 * access (disable, password reset or change) deletes the user's sessions with it and revokes
 * the user's API tokens for good (issue 18 #4: re-enabling the account, or changing its role
 * and back, must not bring old tokens back). A role change revokes the tokens too: they
 * stated the old role.
 */
import type { Database, Transaction } from '../db/database';
import { CONSORTIUM_ORGS, isConsortiumOrg } from '../../domain/programme';
import { recordAudit } from './audit';
import type { Role } from './guard';
import { hashPassword, passwordProblem, verifyPassword } from './password';
import { invalidateUserSessions } from './sessions';

export const ROLES: readonly Role[] = ['admin', 'auditor', 'consortium'];

export const ROLE_LABELS: Record<Role, { fr: string; en: string }> = {
	admin: { fr: 'Administrateur (Cap Digital)', en: 'Administrator (Cap Digital)' },
	auditor: { fr: 'Auditeur (Bpifrance)', en: 'Auditor (Bpifrance)' },
	consortium: { fr: 'Consortium', en: 'Consortium' }
};

/** A refusal to show as is (French and English): bad e-mail, unknown role, weak password… */
export class UserError extends Error {
	constructor(
		readonly code: string,
		readonly text: { fr: string; en: string }
	) {
		super(text.fr);
		this.name = 'UserError';
	}
}

/** Who makes a change, for the audit trail. */
export interface Actor {
	actor: string;
	ip?: string | null;
}

/** `'cli:jane'` is short for `{ actor: 'cli:jane' }`. */
export type By = Actor | string;
const who = (by: By): Actor => (typeof by === 'string' ? { actor: by } : by);

export interface UserRow {
	id: string;
	email: string;
	role: Role;
	org: string | null;
	disabled: boolean;
	/** Milliseconds since the epoch. */
	createdAt: number;
	passwordChangedAt: number;
	sessions: number;
	lastSignIn: number | null;
}

const EMAIL = /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/;

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

export function checkEmail(email: string): string {
	const e = normaliseEmail(email);
	if (!EMAIL.test(e) || e.length > 254) {
		throw new UserError('bad_email', { fr: `Adresse e-mail invalide : « ${email} ».`, en: `Invalid e-mail address: “${email}”.` });
	}
	return e;
}

export function isRole(value: string): value is Role {
	return (ROLES as readonly string[]).includes(value);
}

/** Check a role and its organisation: consortium members belong to one consortium org; others to none. */
export function checkRoleOrg(role: string, org: string | null | undefined): { role: Role; org: string | null } {
	if (!isRole(role)) {
		throw new UserError('bad_role', {
			fr: `Rôle inconnu : « ${role} » (admin, auditor ou consortium).`,
			en: `Unknown role: “${role}” (admin, auditor or consortium).`
		});
	}
	const o = org?.trim() || null;
	if (role === 'consortium') {
		if (!o || !isConsortiumOrg(o)) {
			const list = Object.keys(CONSORTIUM_ORGS).join(', ');
			throw new UserError('bad_org', {
				fr: o ? `Organisation inconnue : « ${o} » (${list}).` : `Un membre du consortium doit avoir une organisation (${list}).`,
				en: o ? `Unknown organisation: “${o}” (${list}).` : `A consortium member needs an organisation (${list}).`
			});
		}
		return { role, org: o };
	}
	if (o) {
		throw new UserError('org_not_allowed', {
			fr: 'Seuls les membres du consortium ont une organisation.',
			en: 'Only consortium members have an organisation.'
		});
	}
	return { role, org: null };
}

function checkPassword(password: string, email: string): void {
	const problem = passwordProblem(password, email);
	if (problem) throw new UserError('weak_password', problem);
}

const micros = (d: Date) => BigInt(d.getTime()) * 1000n;

/**
 * Revoke every live API token of a user, in the caller's transaction (password change or
 * reset, account disabled, role changed). Revoked is for good: nothing un-revokes a token.
 * Returns how many were revoked (for the audit entry).
 */
export async function revokeUserTokens(tx: Transaction, userId: string, now: Date): Promise<number> {
	const live = await tx.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
	if (!live?.n) return 0;
	await tx.run(`UPDATE api_tokens SET revoked_at = make_timestamptz($2::BIGINT) WHERE user_id = $1 AND revoked_at IS NULL`, [userId, micros(now)]);
	return live.n;
}

async function userByEmail(tx: Transaction, email: string) {
	return tx.one<{ id: string; email: string; role: Role; org: string | null; disabled: boolean }>(
		`SELECT id, email, role, org, disabled FROM users WHERE email = $1`,
		[email]
	);
}

async function requireExisting(tx: Transaction, email: string) {
	const user = await userByEmail(tx, normaliseEmail(email));
	if (!user) throw new UserError('unknown_user', { fr: `Aucun compte pour « ${email} ».`, en: `No account for “${email}”.` });
	return user;
}

export async function createUser(
	db: Database,
	input: { email: string; role: string; org?: string | null; password: string },
	by0: By,
	now: Date = new Date()
): Promise<UserRow> {
	const by = who(by0);
	const email = checkEmail(input.email);
	const { role, org } = checkRoleOrg(input.role, input.org);
	checkPassword(input.password, email);
	const passwordHash = await hashPassword(input.password);
	const id = crypto.randomUUID();
	await db.write(async (tx) => {
		if (await userByEmail(tx, email)) {
			throw new UserError('duplicate', { fr: `Un compte existe déjà pour « ${email} ».`, en: `An account already exists for “${email}”.` });
		}
		await tx.run(
			`INSERT INTO users (id, email, role, org, password_hash, disabled, created_at, password_changed_at)
			 VALUES ($1, $2, $3, $4, $5, false, make_timestamptz($6::BIGINT), make_timestamptz($6::BIGINT))`,
			[id, email, role, org, passwordHash, micros(now)]
		);
		await recordAudit(tx, { actor: by.actor, action: 'user.add', target: email, ip: by.ip, outcome: 'success', details: { role, org } }, now);
	});
	return { id, email, role, org, disabled: false, createdAt: now.getTime(), passwordChangedAt: now.getTime(), sessions: 0, lastSignIn: null };
}

export async function listUsers(db: Database, now: Date = new Date()): Promise<UserRow[]> {
	const rows = await db.all<{
		id: string;
		email: string;
		role: Role;
		org: string | null;
		disabled: boolean;
		created: string;
		changed: string;
		sessions: number;
		last_sign_in: string | null;
	}>(
		`SELECT u.id, u.email, u.role, u.org, u.disabled, epoch_ms(u.created_at)::VARCHAR AS created,
			epoch_ms(u.password_changed_at)::VARCHAR AS changed,
			(SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > make_timestamptz($1::BIGINT))::INTEGER AS sessions,
			(SELECT epoch_ms(max(at_time))::VARCHAR FROM audit_log a WHERE a.action = 'login.success' AND a.target = u.email) AS last_sign_in
		 FROM users u ORDER BY u.disabled, u.role, u.email`,
		[micros(now)]
	);
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		role: r.role,
		org: r.org,
		disabled: r.disabled,
		createdAt: Number(r.created),
		passwordChangedAt: Number(r.changed),
		sessions: r.sessions,
		lastSignIn: r.last_sign_in === null ? null : Number(r.last_sign_in)
	}));
}

/** Disable (or re-enable) an account; disabling deletes its sessions at once. */
export async function setUserDisabled(db: Database, email: string, disabled: boolean, by0: By, now: Date = new Date()): Promise<void> {
	const by = who(by0);
	await db.write(async (tx) => {
		const user = await requireExisting(tx, email);
		if (disabled && by.actor === user.email) {
			throw new UserError('self_disable', { fr: 'Vous ne pouvez pas désactiver votre propre compte.', en: 'You cannot disable your own account.' });
		}
		if (disabled && user.role === 'admin' && !user.disabled) await requireAnotherAdmin(tx, user.id);
		await tx.run(`UPDATE users SET disabled = $2 WHERE id = $1`, [user.id, disabled]);
		let revoked = 0;
		if (disabled) {
			await invalidateUserSessions(tx, user.id);
			revoked = await revokeUserTokens(tx, user.id, now);
		}
		await recordAudit(
			tx,
			{ actor: by.actor, action: disabled ? 'user.disable' : 'user.enable', target: user.email, ip: by.ip, outcome: 'success', details: revoked ? { tokens_revoked: revoked } : null },
			now
		);
	});
}

export const disableUser = (db: Database, email: string, by: By, now?: Date) => setUserDisabled(db, email, true, by, now);
export const enableUser = (db: Database, email: string, by: By, now?: Date) => setUserDisabled(db, email, false, by, now);

async function requireAnotherAdmin(tx: Transaction, userId: string): Promise<void> {
	const others = await tx.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`, [userId]);
	if (!others?.n) {
		throw new UserError('last_admin', {
			fr: 'C’est le dernier administrateur actif : créez-en un autre d’abord.',
			en: 'This is the last active administrator: create another one first.'
		});
	}
}

/** Set a new password chosen by an administrator; the user's sessions end. */
export async function resetPassword(db: Database, email: string, password: string, by0: By, now: Date = new Date()): Promise<void> {
	const by = who(by0);
	checkPassword(password, normaliseEmail(email));
	const passwordHash = await hashPassword(password);
	await db.write(async (tx) => {
		const user = await requireExisting(tx, email);
		await tx.run(`UPDATE users SET password_hash = $2, password_changed_at = make_timestamptz($3::BIGINT) WHERE id = $1`, [user.id, passwordHash, micros(now)]);
		await invalidateUserSessions(tx, user.id);
		const revoked = await revokeUserTokens(tx, user.id, now);
		await recordAudit(tx, { actor: by.actor, action: 'user.reset-password', target: user.email, ip: by.ip, outcome: 'success', details: revoked ? { tokens_revoked: revoked } : null }, now);
	});
}

/** A user changes their own password: the current one is required; other sessions end, `keepSession` stays. */
export async function changeOwnPassword(
	db: Database,
	userId: string,
	current: string,
	next: string,
	keepSession: string | null,
	by0: By,
	now: Date = new Date()
): Promise<void> {
	const by = who(by0);
	const user = await db.one<{ email: string; password_hash: string }>(`SELECT email, password_hash FROM users WHERE id = $1`, [userId]);
	if (!user || !(await verifyPassword(user.password_hash, current))) {
		await recordAudit(db, { actor: by.actor, action: 'user.change-password', target: user?.email ?? null, ip: by.ip, outcome: 'failure' }, now);
		throw new UserError('wrong_password', { fr: 'Le mot de passe actuel est incorrect.', en: 'The current password is wrong.' });
	}
	checkPassword(next, user.email);
	const passwordHash = await hashPassword(next);
	await db.write(async (tx) => {
		await tx.run(`UPDATE users SET password_hash = $2, password_changed_at = make_timestamptz($3::BIGINT) WHERE id = $1`, [userId, passwordHash, micros(now)]);
		await invalidateUserSessions(tx, userId, keepSession ?? undefined);
		const revoked = await revokeUserTokens(tx, userId, now);
		await recordAudit(tx, { actor: by.actor, action: 'user.change-password', target: user.email, ip: by.ip, outcome: 'success', details: revoked ? { tokens_revoked: revoked } : null }, now);
	});
}

/** Change a role (and organisation). Takes effect on the user's next request. */
export async function changeRole(db: Database, email: string, role: string, org: string | null | undefined, by0: By, now: Date = new Date()): Promise<void> {
	const by = who(by0);
	const checked = checkRoleOrg(role, org);
	await db.write(async (tx) => {
		const user = await requireExisting(tx, email);
		if (user.role === 'admin' && checked.role !== 'admin') {
			if (by.actor === user.email) {
				throw new UserError('self_demote', { fr: 'Vous ne pouvez pas retirer votre propre rôle d’administrateur.', en: 'You cannot remove your own administrator role.' });
			}
			if (!user.disabled) await requireAnotherAdmin(tx, user.id);
		}
		await tx.run(`UPDATE users SET role = $2, org = $3 WHERE id = $1`, [user.id, checked.role, checked.org]);
		// Tokens state the role they were issued for: changed, they end for good (changing back revives none).
		const changed = user.role !== checked.role || (user.org ?? null) !== checked.org;
		const revoked = changed ? await revokeUserTokens(tx, user.id, now) : 0;
		await recordAudit(tx, {
			actor: by.actor,
			action: 'user.role',
			target: user.email,
			ip: by.ip,
			outcome: 'success',
			details: { from: { role: user.role, org: user.org }, to: checked, ...(revoked ? { tokens_revoked: revoked } : {}) }
		}, now);
	});
}

/** The account behind a sign-in attempt (null when the e-mail has none). */
export async function findUserForLogin(db: Database, email: string) {
	return db.one<{ id: string; email: string; role: Role; org: string | null; password_hash: string; disabled: boolean }>(
		`SELECT id, email, role, org, password_hash, disabled FROM users WHERE email = $1`,
		[normaliseEmail(email)]
	);
}
