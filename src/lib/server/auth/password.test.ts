import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyDummyPassword, verifyPassword } from './password';

describe('password hashing', () => {
	it('uses argon2id with 19 MiB, 2 passes, 1 lane, and a fresh salt each time', async () => {
		const a = await hashPassword('correct horse battery');
		const b = await hashPassword('correct horse battery');
		expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(a).not.toBe(b);
	});

	it('verifies the right password only', async () => {
		const h = await hashPassword('correct horse battery');
		expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
		expect(await verifyPassword(h, 'correct horse batterY')).toBe(false);
		expect(await verifyPassword(h, '')).toBe(false);
	});

	it('never throws on a corrupt hash', async () => {
		expect(await verifyPassword('not a hash', 'x')).toBe(false);
	});

	it('the dummy verification always fails', async () => {
		expect(await verifyDummyPassword('dummy password that matches nothing')).toBe(false);
	});
});

describe('password policy', () => {
	it('wants 12 characters at least', () => {
		expect(passwordProblem('short-pass1')?.fr).toMatch(/12 caractères/);
		expect(passwordProblem('long enough pass')).toBeNull();
	});
	it('refuses repetitive passwords and ones containing the e-mail’s name', () => {
		expect(passwordProblem('aaaaaaaaaaaaaaaa')).not.toBeNull();
		expect(passwordProblem('jean.dupont-2026!', 'jean.dupont@example.org')?.en).toMatch(/e-mail/);
	});
	it('caps the length (argon2 of huge inputs is a denial of service)', () => {
		expect(passwordProblem('ab'.repeat(200))).not.toBeNull();
	});
});
