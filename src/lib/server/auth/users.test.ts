import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../db/database';
import { listAudit } from './audit';
import { changeRole, createUser, disableUser, enableUser, listUsers, resetPassword, UserError } from './users';

let db: Database;
beforeEach(async () => {
	db = await Database.open(':memory:');
});
afterEach(() => db.close());

const by = { actor: 'boss@cap.fr', ip: '10.0.0.1' };
const pw = 'correct horse battery';

describe('accounts', () => {
	it('are created with a normalised e-mail, a role and, for consortium members, an organisation', async () => {
		await createUser(db, { email: ' Boss@Cap.FR ', role: 'admin', password: pw }, by);
		await createUser(db, { email: 'n@nexedi.com', role: 'consortium', org: 'nexedi', password: pw }, by);
		const users = await listUsers(db);
		expect(users.map((u) => [u.email, u.role, u.org, u.disabled])).toEqual([
			['boss@cap.fr', 'admin', null, false],
			['n@nexedi.com', 'consortium', 'nexedi', false]
		]);
		const stored = await db.one<{ h: string }>(`SELECT password_hash AS h FROM users WHERE email = 'boss@cap.fr'`);
		expect(stored?.h).toMatch(/^\$argon2id\$/);
	});

	it('refuse bad input with a message in French and English', async () => {
		const cases: [Parameters<typeof createUser>[1], string][] = [
			[{ email: 'not-an-email', role: 'admin', password: pw }, 'bad_email'],
			[{ email: 'a@b.fr', role: 'superuser', password: pw }, 'bad_role'],
			[{ email: 'a@b.fr', role: 'consortium', password: pw }, 'bad_org'],
			[{ email: 'a@b.fr', role: 'consortium', org: 'acme', password: pw }, 'bad_org'],
			[{ email: 'a@b.fr', role: 'auditor', org: 'nexedi', password: pw }, 'org_not_allowed'],
			[{ email: 'a@b.fr', role: 'auditor', password: 'short' }, 'weak_password']
		];
		for (const [input, code] of cases) {
			const e = await createUser(db, input, by).catch((x: unknown) => x);
			expect(e).toBeInstanceOf(UserError);
			expect((e as UserError).code).toBe(code);
			expect((e as UserError).text.en.length).toBeGreaterThan(5);
		}
		await createUser(db, { email: 'a@b.fr', role: 'auditor', password: pw }, by);
		await expect(createUser(db, { email: 'A@B.fr', role: 'auditor', password: pw }, by)).rejects.toMatchObject({ code: 'duplicate' });
	});

	it('keep at least one active administrator', async () => {
		await createUser(db, { email: 'boss@cap.fr', role: 'admin', password: pw }, by);
		await createUser(db, { email: 'other@cap.fr', role: 'auditor', password: pw }, by);
		await expect(disableUser(db, 'boss@cap.fr', 'other@cap.fr')).rejects.toMatchObject({ code: 'last_admin' });
		await expect(changeRole(db, 'boss@cap.fr', 'auditor', null, 'other@cap.fr')).rejects.toMatchObject({ code: 'last_admin' });
		await expect(disableUser(db, 'boss@cap.fr', 'boss@cap.fr')).rejects.toMatchObject({ code: 'self_disable' });
		await changeRole(db, 'other@cap.fr', 'admin', null, 'boss@cap.fr');
		await disableUser(db, 'boss@cap.fr', 'other@cap.fr');
		await enableUser(db, 'boss@cap.fr', 'other@cap.fr');
	});

	it('write every change to the audit trail', async () => {
		await createUser(db, { email: 'n@nexedi.com', role: 'consortium', org: 'nexedi', password: pw }, by);
		await resetPassword(db, 'n@nexedi.com', 'a new passphrase here', by);
		await changeRole(db, 'n@nexedi.com', 'consortium', 'rapid-space', by);
		await disableUser(db, 'n@nexedi.com', by);
		const { rows } = await listAudit(db);
		expect(rows.map((r) => r.action)).toEqual(['user.disable', 'user.role', 'user.reset-password', 'user.add']);
		expect(rows.every((r) => r.actor === 'boss@cap.fr' && r.ip === '10.0.0.1' && r.target === 'n@nexedi.com')).toBe(true);
		expect(rows[1]!.details).toEqual({ from: { role: 'consortium', org: 'nexedi' }, to: { role: 'consortium', org: 'rapid-space' } });
		// Passwords never reach the trail.
		expect(JSON.stringify(rows)).not.toContain('passphrase');
	});
});

describe('npm run user', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-user-cli-'));
	const file = path.join(dir, 'cli.duckdb');
	const run = (args: string[], env: Record<string, string> = {}) =>
		spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/user.ts', ...args, '--db', file], {
			encoding: 'utf8',
			env: { ...process.env, HOX_PASSWORD: '', ...env },
			input: ''
		});

	it('adds, lists, disables and resets, with clear errors and exit codes', () => {
		let r = run(['add', '--email', 'boss@cap.fr', '--role', 'admin'], { HOX_PASSWORD: pw });
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toContain('Compte créé : boss@cap.fr (admin)');
		r = run(['add', '--email', 'n@nexedi.com', '--role', 'consortium', '--org', 'nexedi'], { HOX_PASSWORD: pw });
		expect(r.status).toBe(0);
		r = run(['add', '--email', 'x@y.fr', '--role', 'auditor']);
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('HOX_PASSWORD');
		r = run(['add', '--email', 'x@y.fr', '--role', 'consortium'], { HOX_PASSWORD: pw });
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('organisation');
		r = run(['disable', '--email', 'n@nexedi.com']);
		expect(r.status).toBe(0);
		r = run(['reset-password', '--email', 'n@nexedi.com'], { HOX_PASSWORD: 'another passphrase' });
		expect(r.status).toBe(0);
		r = run(['list']);
		expect(r.stdout).toMatch(/boss@cap\.fr\s+admin\s+actif/);
		expect(r.stdout).toMatch(/n@nexedi\.com\s+consortium\s+nexedi\s+désactivé/);
		r = run(['frobnicate']);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('Commande inconnue');
	});
});
