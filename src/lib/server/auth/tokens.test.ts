import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../db/database';
import { attenuateToken, issueToken, listTokens, publicKey, revokeToken, verifyToken } from './tokens';
import { changeOwnPassword, changeRole, createUser, disableUser, enableUser, resetPassword } from './users';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let db: Database;
const t0 = new Date('2026-04-15T08:00:00Z');
const DAY = 24 * 3600 * 1000;
const get = (path = '/api/v1/kpis') => ({ method: 'GET', path });
const post = (path = '/api/v1/loads') => ({ method: 'POST', path });

beforeAll(async () => {
	db = await Database.open(':memory:');
	await createUser(db, { email: 'admin@x.org', role: 'admin', password: 'correct horse battery' }, 'test');
	await createUser(db, { email: 'member@nexedi.com', role: 'consortium', org: 'nexedi', password: 'correct horse battery' }, 'test');
	await createUser(db, { email: 'bot@x.org', role: 'admin', password: 'correct horse battery' }, 'test');
});
afterAll(() => db.close());

describe('Biscuit API tokens', () => {
	it('speak for their user, role and organisation until they expire', async () => {
		const issued = await issueToken(db, { email: 'Member@Nexedi.com', days: 30, label: 'CI' }, 'admin@x.org', t0);
		expect(issued.token).toMatch(/^[A-Za-z0-9_-]+=*$/);
		expect(issued.publicKey).toMatch(/^ed25519\/[0-9a-f]{64}$/);
		const ok = await verifyToken(db, issued.token, get(), new Date(t0.getTime() + DAY));
		expect(ok).toMatchObject({ ok: true, tokenId: issued.id, user: { email: 'member@nexedi.com', role: 'consortium', org: 'nexedi' } });
		expect(await verifyToken(db, issued.token, get(), new Date(t0.getTime() + 30 * DAY + 1000))).toEqual({ ok: false, reason: 'unauthorized' });
		const [row] = await listTokens(db);
		expect(row).toMatchObject({ id: issued.id, email: 'member@nexedi.com', label: 'CI', revokedAt: null, createdBy: 'admin@x.org' });
	});

	it('refuse tampering, other keys and garbage', async () => {
		const issued = await issueToken(db, { email: 'admin@x.org' }, 'test', t0);
		const chars = issued.token.split('');
		const i = Math.floor(chars.length / 2);
		chars[i] = chars[i] === 'A' ? 'B' : 'A';
		expect((await verifyToken(db, chars.join(''), get(), t0)).ok).toBe(false);
		expect((await verifyToken(db, 'not a token!', get(), t0)).ok).toBe(false);
		expect((await verifyToken(db, '', get(), t0)).ok).toBe(false);
		const other = await Database.open(':memory:');
		await createUser(other, { email: 'admin@x.org', role: 'admin', password: 'correct horse battery' }, 'test');
		expect(await verifyToken(other, issued.token, get(), t0)).toEqual({ ok: false, reason: 'signature' });
		other.close();
	});

	it('can be attenuated offline by their holder, never widened', async () => {
		const issued = await issueToken(db, { email: 'bot@x.org' }, 'test', t0);
		const pk = await publicKey(db);
		expect((await verifyToken(db, issued.token, post(), t0)).ok).toBe(true);
		const readOnly = await attenuateToken(issued.token, pk, { readOnly: true });
		expect((await verifyToken(db, readOnly, get(), t0)).ok).toBe(true);
		expect(await verifyToken(db, readOnly, post(), t0)).toEqual({ ok: false, reason: 'unauthorized' });
		const kpisOnly = await attenuateToken(readOnly, pk, { pathPrefix: '/api/v1/kpis', expiresAt: new Date(t0.getTime() + DAY) });
		expect((await verifyToken(db, kpisOnly, get('/api/v1/kpis'), t0)).ok).toBe(true);
		expect((await verifyToken(db, kpisOnly, get('/api/v1/tokens'), t0)).ok).toBe(false);
		expect((await verifyToken(db, kpisOnly, get('/api/v1/kpis'), new Date(t0.getTime() + 2 * DAY))).ok).toBe(false);
	});

	it('an appended block cannot grant itself another role', async () => {
		const issued = await issueToken(db, { email: 'member@nexedi.com' }, 'test', t0);
		const { loadBiscuit } = await import('./biscuit-wasm');
		const b = await loadBiscuit();
		const parsed = b.Biscuit.fromBase64(issued.token, b.PublicKey.fromString((await publicKey(db)).replace('ed25519/', ''), b.SignatureAlgorithm.Ed25519));
		const block = b.Biscuit.block_builder();
		block.addCode(`role("admin"); user("someone-else"); token("x");`);
		const forged = parsed.appendBlock(block).toBase64();
		const v = await verifyToken(db, forged, get(), t0);
		expect(v).toMatchObject({ ok: true, user: { email: 'member@nexedi.com', role: 'consortium' } });
	});

	it('revocation refuses the token and its attenuations', async () => {
		const issued = await issueToken(db, { email: 'bot@x.org' }, 'test', t0);
		const child = await attenuateToken(issued.token, await publicKey(db), { readOnly: true });
		await revokeToken(db, issued.id, 'admin@x.org', t0);
		expect(await verifyToken(db, issued.token, get(), t0)).toEqual({ ok: false, reason: 'revoked' });
		expect(await verifyToken(db, child, get(), t0)).toEqual({ ok: false, reason: 'revoked' });
		const audit = await db.all<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'token.%' ORDER BY id`);
		expect(audit.map((a) => a.action)).toContain('token.revoke');
	});

	it('are refused when the user is disabled or changes role', async () => {
		await createUser(db, { email: 'temp@x.org', role: 'auditor', password: 'correct horse battery' }, 'test');
		await createUser(db, { email: 'temp2@x.org', role: 'auditor', password: 'correct horse battery' }, 'test');
		const a = await issueToken(db, { email: 'temp@x.org' }, 'test', t0);
		const c = await issueToken(db, { email: 'temp2@x.org' }, 'test', t0);
		await changeRole(db, 'temp2@x.org', 'consortium', 'opensvc', 'admin@x.org');
		expect(await verifyToken(db, c.token, get(), t0)).toEqual({ ok: false, reason: 'revoked' });
		await disableUser(db, 'temp@x.org', 'admin@x.org');
		expect(await verifyToken(db, a.token, get(), t0)).toEqual({ ok: false, reason: 'revoked' });
		await expect(issueToken(db, { email: 'temp@x.org' }, 'test', t0)).rejects.toThrow(/désactivé/);
		await expect(issueToken(db, { email: 'nobody@x.org' }, 'test', t0)).rejects.toThrow(/Aucun compte/);
		await expect(issueToken(db, { email: 'bot@x.org', days: 0 }, 'test', t0)).rejects.toThrow(/Durée/);
	});

	// Issue 18 #4: tokens outlived what should end them.
	it('a password change, an admin reset or disabling revokes the user’s tokens for good', async () => {
		const ids: string[] = [];
		for (const [i, end] of [
			async (email: string) => {
				const u = await db.one<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email]);
				await changeOwnPassword(db, u!.id, 'correct horse battery', 'another long passphrase 2', null, email);
			},
			(email: string) => resetPassword(db, email, 'yet another passphrase 3', 'admin@x.org'),
			async (email: string) => {
				await disableUser(db, email, 'admin@x.org');
				await enableUser(db, email, 'admin@x.org');
			},
			async (email: string) => {
				await changeRole(db, email, 'admin', null, 'admin@x.org');
				await changeRole(db, email, 'auditor', null, 'admin@x.org');
			}
		].entries()) {
			const email = `ends${i}@x.org`;
			await createUser(db, { email, role: 'auditor', password: 'correct horse battery' }, 'test');
			const tok = await issueToken(db, { email }, 'test', t0);
			const child = await attenuateToken(tok.token, await publicKey(db), { readOnly: true });
			expect((await verifyToken(db, tok.token, get(), t0)).ok).toBe(true);
			await end(email);
			// Back to the same role, enabled: still refused, with its attenuations.
			expect(await verifyToken(db, tok.token, get(), t0)).toEqual({ ok: false, reason: 'revoked' });
			expect(await verifyToken(db, child, get(), t0)).toEqual({ ok: false, reason: 'revoked' });
			ids.push(tok.id);
			// A new token issued afterwards works.
			expect((await verifyToken(db, (await issueToken(db, { email }, 'test', t0)).token, get(), t0)).ok).toBe(true);
		}
		const rows = (await listTokens(db)).filter((r) => ids.includes(r.id));
		expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
	});

	it('a token the table does not know is refused, even signed by the right key', async () => {
		const { loadBiscuit } = await import('./biscuit-wasm');
		const { rootKey } = await import('./tokens');
		const b = await loadBiscuit();
		const key = await rootKey(db);
		const admin = await db.one<{ id: string }>(`SELECT id FROM users WHERE email = 'admin@x.org'`);
		const mint = (tokenId: string, until = '2099-01-01T00:00:00Z') => {
			const builder = b.Biscuit.builder();
			builder.addCode(`user("${admin!.id}"); email("admin@x.org"); role("admin"); token("${tokenId}"); check if time($t), $t <= ${until};`);
			return builder.build(b.PrivateKey.fromString(key.privateKey)).toBase64();
		};
		// Someone holding a backup (and so the stored root key) mints a token: no row, refused.
		expect(await verifyToken(db, mint(crypto.randomUUID()), post(), t0)).toEqual({ ok: false, reason: 'unknown' });
		// Nor can they reuse the id of a real token: its authority block is not the recorded one.
		const real = await issueToken(db, { email: 'admin@x.org' }, 'test', t0);
		expect(await verifyToken(db, mint(real.id), post(), t0)).toEqual({ ok: false, reason: 'unknown' });
		expect((await verifyToken(db, real.token, post(), t0)).ok).toBe(true);
	});

	it('the server enforces the lifetime recorded at issue, and the maximum', async () => {
		const tok = await issueToken(db, { email: 'bot@x.org', days: 2 }, 'test', t0);
		expect((await verifyToken(db, tok.token, get(), new Date(t0.getTime() + DAY))).ok).toBe(true);
		// The row says it ended earlier (e.g. shortened): the row wins over the token's own check.
		await db.write((tx) => tx.run(`UPDATE api_tokens SET expires_at = make_timestamptz($2::BIGINT) WHERE id = $1`, [tok.id, BigInt(t0.getTime() + DAY / 2) * 1000n]));
		expect(await verifyToken(db, tok.token, get(), new Date(t0.getTime() + DAY))).toEqual({ ok: false, reason: 'expired' });
		// A row stretched past the maximum (a tampered database) is refused too.
		const far = await issueToken(db, { email: 'bot@x.org', days: 366 }, 'test', t0);
		await db.write((tx) => tx.run(`UPDATE api_tokens SET expires_at = make_timestamptz($2::BIGINT) WHERE id = $1`, [far.id, BigInt(t0.getTime() + 3650 * DAY) * 1000n]));
		expect(await verifyToken(db, far.token, get(), new Date(t0.getTime() + DAY))).toEqual({ ok: false, reason: 'expired' });
		// Not before it was issued.
		const later = await issueToken(db, { email: 'bot@x.org', days: 2 }, 'test', new Date(t0.getTime() + 10 * DAY));
		expect(await verifyToken(db, later.token, get(), t0)).toEqual({ ok: false, reason: 'expired' });
	});

	it('the root key can live in a file (HOX_BISCUIT_PRIVATE_KEY_FILE), out of the database', async () => {
		const { loadBiscuit } = await import('./biscuit-wasm');
		const b = await loadBiscuit();
		const pair = new b.KeyPair(b.SignatureAlgorithm.Ed25519);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hox-key-'));
		const file = path.join(dir, 'biscuit.key');
		fs.writeFileSync(file, `${pair.getPrivateKey().toString()}\n`, { mode: 0o600 });
		const fresh = await Database.open(':memory:');
		process.env.HOX_BISCUIT_PRIVATE_KEY_FILE = file;
		try {
			await createUser(fresh, { email: 'k@x.org', role: 'admin', password: 'correct horse battery' }, 'test');
			expect(await publicKey(fresh)).toBe(pair.getPublicKey().toString());
			const issued = await issueToken(fresh, { email: 'k@x.org' }, 'test', t0);
			expect((await verifyToken(fresh, issued.token, get(), t0)).ok).toBe(true);
			// Nothing of it in the database (nor in its backups).
			expect((await fresh.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM biscuit_root_key`))?.n).toBe(0);
		} finally {
			delete process.env.HOX_BISCUIT_PRIVATE_KEY_FILE;
			fresh.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('the root key comes from HOX_BISCUIT_PRIVATE_KEY when set', async () => {
		const { loadBiscuit } = await import('./biscuit-wasm');
		const b = await loadBiscuit();
		const pair = new b.KeyPair(b.SignatureAlgorithm.Ed25519);
		process.env.HOX_BISCUIT_PRIVATE_KEY = pair.getPrivateKey().toString();
		try {
			expect(await publicKey(db)).toBe(pair.getPublicKey().toString());
			const issued = await issueToken(db, { email: 'bot@x.org' }, 'test', t0);
			expect((await verifyToken(db, issued.token, get(), t0)).ok).toBe(true);
		} finally {
			delete process.env.HOX_BISCUIT_PRIVATE_KEY;
		}
	});
});
