import { fail } from '@sveltejs/kit';
import { CONSORTIUM_ORGS } from '$lib/domain/programme';
import { clientAddress } from '$lib/server/auth/client';
import { generatePassword, parisTime } from '$lib/server/auth/display';
import { requireUser } from '$lib/server/auth/guard';
import { issueToken, listTokens, publicKey, revokeToken } from '$lib/server/auth/tokens';
import { changeRole, createUser, disableUser, enableUser, listUsers, resetPassword, ROLE_LABELS, ROLES, UserError, type Actor } from '$lib/server/auth/users';
import { getDb } from '$lib/server/db/instance';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const me = requireUser(event, ['admin']);
	const db = await getDb();
	const [users, tokens] = await Promise.all([listUsers(db), listTokens(db)]);
	const now = Date.now();
	return {
		tokens: tokens.map((t) => ({
			id: t.id,
			email: t.email,
			label: t.label,
			created: parisTime(t.createdAt),
			expires: parisTime(t.expiresAt),
			state: t.revokedAt !== null ? ('revoked' as const) : t.expiresAt <= now ? ('expired' as const) : ('valid' as const)
		})),
		lang: event.locals.lang,
		me: me.email,
		roles: ROLES.map((r) => ({ id: r, label: ROLE_LABELS[r] })),
		orgs: Object.entries(CONSORTIUM_ORGS).map(([id, o]) => ({ id, name: o.name, bricks: [...o.bricks] })),
		users: users.map((u) => ({
			email: u.email,
			role: u.role,
			org: u.org,
			disabled: u.disabled,
			created: parisTime(u.createdAt),
			passwordChanged: parisTime(u.passwordChangedAt),
			lastSignIn: parisTime(u.lastSignIn),
			sessions: u.sessions
		}))
	};
};

type Outcome = {
	action: string;
	email: string;
	ok?: { fr: string; en: string };
	problem?: { fr: string; en: string };
	password?: string;
	token?: { value: string; publicKey: string; expires: string };
};

/** Every action checks the role itself: the layout's check does not cover form actions. */
async function run(event: RequestEvent, action: string, work: (form: FormData, by: Actor, email: string) => Promise<Omit<Outcome, 'action' | 'email'>>) {
	const me = requireUser(event, ['admin']);
	const form = await event.request.formData();
	const email = String(form.get('email') ?? '').trim();
	try {
		const result = await work(form, { actor: me.email, ip: clientAddress(event) }, email);
		return { action, email, ...result } satisfies Outcome;
	} catch (error) {
		if (error instanceof UserError) return fail(400, { action, email, problem: error.text } satisfies Outcome);
		throw error;
	}
}

const chosenPassword = (form: FormData) => {
	const typed = String(form.get('password') ?? '');
	return typed ? { password: typed, generated: false } : { password: generatePassword(), generated: true };
};

export const actions: Actions = {
	add: (event) =>
		run(event, 'add', async (form, by, email) => {
			const { password, generated } = chosenPassword(form);
			const role = String(form.get('role') ?? '');
			const user = await createUser(await getDb(), { email, role, org: role === 'consortium' ? String(form.get('org') ?? '') : null, password }, by);
			return {
				ok: { fr: `Compte créé pour ${user.email}.`, en: `Account created for ${user.email}.` },
				password: generated ? password : undefined
			};
		}),
	disable: (event) =>
		run(event, 'disable', async (_form, by, email) => {
			await disableUser(await getDb(), email, by);
			return { ok: { fr: `Compte ${email} désactivé ; ses sessions sont fermées.`, en: `Account ${email} disabled; its sessions are closed.` } };
		}),
	enable: (event) =>
		run(event, 'enable', async (_form, by, email) => {
			await enableUser(await getDb(), email, by);
			return { ok: { fr: `Compte ${email} réactivé.`, en: `Account ${email} enabled again.` } };
		}),
	reset: (event) =>
		run(event, 'reset', async (form, by, email) => {
			const { password, generated } = chosenPassword(form);
			await resetPassword(await getDb(), email, password, by);
			return {
				ok: { fr: `Mot de passe de ${email} changé ; ses sessions sont fermées.`, en: `Password of ${email} changed; its sessions are closed.` },
				password: generated ? password : undefined
			};
		}),
	token: (event) =>
		run(event, 'token', async (form, by, email) => {
			const db = await getDb();
			const issued = await issueToken(db, { email, days: Number(form.get('days') || 90), label: String(form.get('label') ?? '') }, by);
			return {
				ok: { fr: `Jeton d’API émis pour ${issued.email}.`, en: `API token issued for ${issued.email}.` },
				token: { value: issued.token, publicKey: await publicKey(db), expires: parisTime(issued.expiresAt.getTime()) }
			};
		}),
	revokeToken: (event) =>
		run(event, 'revokeToken', async (form, by) => {
			const id = String(form.get('id') ?? '');
			await revokeToken(await getDb(), id, by);
			return { ok: { fr: 'Jeton révoqué (et toutes ses restrictions dérivées).', en: 'Token revoked (and every attenuation of it).' } };
		}),
	role: (event) =>
		run(event, 'role', async (form, by, email) => {
			const role = String(form.get('role') ?? '');
			await changeRole(await getDb(), email, role, role === 'consortium' ? String(form.get('org') ?? '') : null, by);
			return { ok: { fr: `Rôle de ${email} changé.`, en: `Role of ${email} changed.` } };
		})
};
