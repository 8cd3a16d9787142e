import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../db/database';
import { attenuateToken, issueToken, listTokens, publicKey, revokeToken, verifyToken } from './tokens';
import { changeRole, createUser, disableUser } from './users';

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
		expect(await verifyToken(db, c.token, get(), t0)).toEqual({ ok: false, reason: 'role_changed' });
		await disableUser(db, 'temp@x.org', 'admin@x.org');
		expect(await verifyToken(db, a.token, get(), t0)).toEqual({ ok: false, reason: 'user' });
		await expect(issueToken(db, { email: 'temp@x.org' }, 'test', t0)).rejects.toThrow(/désactivé/);
		await expect(issueToken(db, { email: 'nobody@x.org' }, 'test', t0)).rejects.toThrow(/Aucun compte/);
		await expect(issueToken(db, { email: 'bot@x.org', days: 0 }, 'test', t0)).rejects.toThrow(/Durée/);
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
