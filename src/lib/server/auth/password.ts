/**
 * Password hashing with argon2id (OWASP's minimum: 19 MiB, 2 passes, 1 lane), and the
 * password policy shared by the sign-in form, the admin page and the CLI.
 */
import { hash, verify } from '@node-rs/argon2';

/** Argon2id's number in @node-rs/argon2 (its `Algorithm` is a const enum, unusable with isolated modules). */
const ARGON2ID = 2;

export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_OPTIONS);
}

/** True when `password` matches the PHC string `passwordHash`; false (never throws) otherwise. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | null = null;

/**
 * Spend the time of a real verification, for an e-mail that has no account (or a disabled
 * one), so that the answer time does not tell whether the account exists.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
	dummy ??= hashPassword('dummy password that matches nothing');
	await verifyPassword(await dummy, password);
	return false;
}

/** Why a new password is refused (French and English), or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): { fr: string; en: string } | null {
	if (password.length < PASSWORD_MIN_LENGTH) {
		return {
			fr: `Le mot de passe doit compter au moins ${PASSWORD_MIN_LENGTH} caractères.`,
			en: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`
		};
	}
	if (password.length > PASSWORD_MAX_LENGTH) {
		return {
			fr: `Le mot de passe ne peut dépasser ${PASSWORD_MAX_LENGTH} caractères.`,
			en: `The password cannot be longer than ${PASSWORD_MAX_LENGTH} characters.`
		};
	}
	if (email && password.toLowerCase().includes(email.toLowerCase().split('@')[0]!) && email.split('@')[0]!.length >= 4) {
		return { fr: 'Le mot de passe ne doit pas contenir l’adresse e-mail.', en: 'The password must not contain the e-mail address.' };
	}
	if (new Set(password).size < 5) {
		return { fr: 'Le mot de passe est trop répétitif.', en: 'The password is too repetitive.' };
	}
	return null;
}
