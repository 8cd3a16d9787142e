/**
 * Access control, audience by audience: what each can and cannot reach, sign-in without
 * JavaScript, the brute-force brake, sign-out and revocation, security headers.
 *
 * Tests that fail sign-ins on purpose send their own X-Forwarded-For (the e2e server runs
 * with HOX_TRUST_PROXY=1), so the brake never locks 127.0.0.1 out for the other tests.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ACCOUNTS, signIn, signOut } from './helpers';

const origin = () => `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}`;
let ipCounter = 0;
/** A fresh documentation address (RFC 5737) per call. */
const freshIp = () => `198.51.100.${(++ipCounter % 250) + 1}`;

async function postLogin(request: APIRequestContext, email: string, password: string, ip: string) {
	return request.post('/login', {
		form: { email, password, redirectTo: '/app' },
		headers: { origin: origin(), accept: 'text/html', 'x-forwarded-for': ip },
		maxRedirects: 0
	});
}

async function kpis(page: Page) {
	const res = await page.request.get('/api/v1/kpis');
	expect(res.status()).toBe(200);
	return { body: await res.json(), scope: res.headers()['x-hox-scope'] };
}

test.describe('anonymous', () => {
	test('/app pages redirect to /login and come back after signing in', async ({ page }) => {
		await page.goto('/app/admin/journal?action=logout');
		await expect(page).toHaveURL(/\/login\?redirectTo=%2Fapp%2Fadmin%2Fjournal%3Faction%3Dlogout$/);
		await page.locator('input[name="email"]').fill(ACCOUNTS.admin.email);
		await page.locator('input[name="password"]').fill(ACCOUNTS.admin.password);
		await page.locator('form[data-login] button[type="submit"]').click();
		await expect(page).toHaveURL(/\/app\/admin\/journal\?action=logout$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Journal/);
	});

	test('even an /app path that does not exist redirects (nothing is revealed)', async ({ request }) => {
		const res = await request.get('/app/nowhere', { maxRedirects: 0 });
		expect(res.status()).toBe(303);
		expect(res.headers()['location']).toBe('/login?redirectTo=%2Fapp%2Fnowhere');
	});

	test('/api answers 401 JSON, whatever the Accept header', async ({ request }) => {
		for (const accept of ['application/json', 'text/html', '*/*']) {
			const res = await request.get('/api/v1/kpis', { headers: { accept } });
			expect(res.status()).toBe(401);
			expect(res.headers()['content-type']).toContain('application/json');
			expect(await res.json()).toMatchObject({ error: 'unauthorized' });
		}
		const unknown = await request.get('/api/v1/nothing-here');
		expect(unknown.status()).toBe(401);
	});

	test('a forged session cookie is refused', async ({ browser }) => {
		const context = await browser.newContext();
		await context.addCookies([{ name: 'hox_session', value: `${'a'.repeat(24)}.${'b'.repeat(24)}`, url: origin() }]);
		const res = await context.request.get('/api/v1/kpis');
		expect(res.status()).toBe(401);
		await context.close();
	});
});

test.describe('sign-in form', () => {
	test('works without JavaScript', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/app/admin/utilisateurs');
		await expect(page).toHaveURL(/\/login\?redirectTo=/);
		await page.locator('input[name="email"]').fill(ACCOUNTS.admin.email);
		await page.locator('input[name="password"]').fill(ACCOUNTS.admin.password);
		await page.locator('form[data-login] button[type="submit"]').click();
		await expect(page).toHaveURL(/\/app\/admin\/utilisateurs$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Utilisateurs');
		const cookie = (await context.cookies()).find((c) => c.name === 'hox_session');
		expect(cookie?.httpOnly).toBe(true);
		expect(cookie?.sameSite).toBe('Lax');
		expect(cookie?.value).toMatch(/^[a-km-z2-9]{24}\.[a-km-z2-9]{24}$/);
		await context.close();
	});

	test('the message never tells whether the e-mail exists', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { 'x-forwarded-for': freshIp() } });
		const page = await context.newPage();
		const messages: string[] = [];
		for (const email of [ACCOUNTS.auditor.email, 'nobody-here@test.local']) {
			await page.goto('/login');
			await page.locator('input[name="email"]').fill(email);
			await page.locator('input[name="password"]').fill('not the password at all');
			await page.locator('form[data-login] button[type="submit"]').click();
			messages.push((await page.getByRole('alert').textContent()) ?? '');
		}
		expect(messages[0]).toBe('E-mail ou mot de passe incorrect.');
		expect(messages[1]).toBe(messages[0]);
		await context.close();
	});

	test('redirectTo only leads to a path of this site', async ({ page }) => {
		for (const target of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
			await page.context().clearCookies();
			await page.goto(`/login?redirectTo=${encodeURIComponent(target)}`);
			await page.locator('input[name="email"]').fill(ACCOUNTS.auditor.email);
			await page.locator('input[name="password"]').fill(ACCOUNTS.auditor.password);
			await page.locator('form[data-login] button[type="submit"]').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/login'));
			expect(new URL(page.url()).origin).toBe(origin());
			expect(new URL(page.url()).pathname).toBe('/app');
		}
	});

	test('a cross-site form post is refused (CSRF protection stays on)', async ({ request }) => {
		const res = await request.post('/login', {
			form: { email: ACCOUNTS.admin.email, password: ACCOUNTS.admin.password },
			headers: { origin: 'https://evil.example', 'x-forwarded-for': freshIp() },
			maxRedirects: 0
		});
		expect(res.status()).toBe(403);
	});
});

test.describe('brute-force brake', () => {
	test('after 10 failures for one account, the 11th attempt gets 429, even with the right password', async ({ playwright }) => {
		const request = await playwright.request.newContext({ baseURL: origin() });
		const email = 'brute-target@test.local';
		for (let i = 1; i <= 10; i++) {
			// Spread over addresses: this is the per-account count.
			const res = await postLogin(request, email, `wrong password ${i}`, freshIp());
			expect(res.status(), `attempt ${i}`).toBe(400);
		}
		const blocked = await postLogin(request, email, 'wrong password 11', freshIp());
		expect(blocked.status()).toBe(429);
		expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(0);
		expect(await blocked.text()).toContain('Trop de tentatives');
		await request.dispose();
	});

	test('after 10 failures from one address, that address gets 429 for every account', async ({ playwright }) => {
		const request = await playwright.request.newContext({ baseURL: origin() });
		const ip = '203.0.113.77';
		for (let i = 1; i <= 10; i++) {
			const res = await postLogin(request, `someone-${i}@test.local`, 'wrong password', ip);
			expect(res.status(), `attempt ${i}`).toBe(400);
		}
		const blocked = await postLogin(request, ACCOUNTS.clever.email, ACCOUNTS.clever.password, ip);
		expect(blocked.status()).toBe(429);
		// The account itself is not locked: from another address it signs in.
		const elsewhere = await postLogin(request, ACCOUNTS.clever.email, ACCOUNTS.clever.password, freshIp());
		expect(elsewhere.status()).toBe(303);
		await request.dispose();
	});
});

test.describe('admin', () => {
	test('reaches the users and audit pages and sees the sign-ins in the trail', async ({ page, playwright }) => {
		const request = await playwright.request.newContext({ baseURL: origin() });
		expect((await postLogin(request, 'nobody-here@test.local', 'a wrong password', freshIp())).status()).toBe(400);
		await request.dispose();
		await signIn(page, 'admin', '/app/admin/utilisateurs');
		const table = page.locator('table');
		for (const a of Object.values(ACCOUNTS)) await expect(table).toContainText(a.email);
		await page.goto('/app/admin/journal?action=login.failure');
		await expect(page.locator('table')).toContainText('nobody-here@test.local');
		await page.goto('/app/admin/journal?action=login.success');
		await expect(page.locator('tbody tr').first()).toContainText(ACCOUNTS.admin.email);
	});

	test('creates an account, which signs in; disabling it ends its session at once', async ({ page, browser }) => {
		await signIn(page, 'admin', '/app/admin/utilisateurs');
		const form = page.locator('form[action="?/add"]');
		await form.locator('input[name="email"]').fill('temp-rapid@test.local');
		await form.locator('select[name="role"]').selectOption('consortium');
		await form.locator('select[name="org"]').selectOption('rapid-space');
		await form.getByRole('button').click();
		await expect(page.getByRole('status')).toContainText('Compte créé pour temp-rapid@test.local');
		const password = (await page.locator('code.secret').textContent())!.trim();
		expect(password).toMatch(/^[\w-]{23}$/);

		const other = await browser.newContext();
		const member = await other.newPage();
		await member.goto('/login');
		await member.locator('input[name="email"]').fill('temp-rapid@test.local');
		await member.locator('input[name="password"]').fill(password);
		await member.locator('form[data-login] button[type="submit"]').click();
		await member.waitForURL((url) => !url.pathname.startsWith('/login'));
		expect((await member.request.get('/api/v1/kpis')).status()).toBe(200);

		const row = page.locator('tr', { hasText: 'temp-rapid@test.local' });
		await row.locator('summary').click();
		await row.getByRole('button', { name: 'Désactiver' }).click();
		await expect(page.getByRole('status')).toContainText('désactivé');

		expect((await member.request.get('/api/v1/kpis')).status()).toBe(401);
		await member.goto('/app/admin/journal');
		await expect(member).toHaveURL(/\/login/);
		await other.close();
	});

	test('kpis are the programme-wide figures', async ({ page }) => {
		await signIn(page, 'admin', '/app/admin/journal');
		const { body, scope } = await kpis(page);
		expect(scope).toBe('programme');
		expect(body.envelope_eur).toBe(2000000);
		expect(Object.keys(body.bricks)).toEqual(expect.arrayContaining(['slapos', 'rapid-cdn', 'sozu', 'biscuit', 'repman', 'wendelin', 'opensvc']));
	});
});

test.describe('auditor', () => {
	test('reads everything, cannot reach or use the admin pages', async ({ page }) => {
		await signIn(page, 'auditor', '/app');
		for (const path of ['/app/admin/utilisateurs', '/app/admin/journal']) {
			const res = await page.goto(path);
			expect(res?.status(), path).toBe(403);
		}
		// Form actions check the role themselves: a hand-made POST is refused too.
		for (const action of ['add', 'disable', 'reset', 'role']) {
			const res = await page.request.post(`/app/admin/utilisateurs?/${action}`, {
				form: { email: 'auditor-made@test.local', role: 'admin', password: 'a long enough password' },
				headers: { origin: origin(), accept: 'text/html' },
				maxRedirects: 0
			});
			expect(res.status(), action).toBe(403);
		}
		const { body, scope } = await kpis(page);
		expect(scope).toBe('programme');

		await page.context().clearCookies();
		await signIn(page, 'admin', '/app/admin/utilisateurs');
		await expect(page.locator('table')).not.toContainText('auditor-made@test.local');
		const admin = await kpis(page);
		expect(body).toEqual(admin.body);
	});
});

test.describe('consortium', () => {
	test('cannot reach admin pages nor post admin actions', async ({ page }) => {
		await signIn(page, 'nexedi', '/app');
		for (const path of ['/app/admin/utilisateurs', '/app/admin/journal']) {
			const res = await page.goto(path);
			expect(res?.status(), path).toBe(403);
		}
		const res = await page.request.post('/app/admin/utilisateurs?/add', {
			form: { email: 'nexedi-made@test.local', role: 'admin', password: 'a long enough password' },
			headers: { origin: origin(), accept: 'text/html' },
			maxRedirects: 0
		});
		expect(res.status()).toBe(403);
	});

	test('kpis are scoped to the lauréats naming its bricks; the other applications under secrecy', async ({ page }) => {
		await signIn(page, 'admin', '/app/admin/journal');
		const admin = (await kpis(page)).body;
		await page.context().clearCookies();

		await signIn(page, 'nexedi', '/app');
		const nexedi = await kpis(page);
		expect(nexedi.scope).toBe('consortium:nexedi');
		// Nexedi's brick is SlapOS: its figures are over the lauréats naming SlapOS only.
		const laureats = nexedi.body.applications.by_statut.laureat ?? 0;
		expect(nexedi.body.applications.total).toBe(laureats);
		expect(nexedi.body.bricks.slapos.applications).toBe(laureats);
		// The other applications naming SlapOS: one protected table, which adds up when shown.
		const others = nexedi.body.other_applications;
		expect(others.available).toBe(true);
		if (others.total !== null) expect(laureats + others.total).toBe(admin.bricks.slapos.applications);
		for (const r of others.rows) for (const v of [r.releve1, r.releve2, r.total]) expect(v === null || v === 0 || v > 3, JSON.stringify(r)).toBe(true);
		// Same shape plus that table; the envelope left stays programme-wide; no rule flags.
		expect(Object.keys(nexedi.body).sort()).toEqual([...Object.keys(admin), 'other_applications'].sort());
		expect(nexedi.body.funding.remaining_eur).toBe(admin.funding.remaining_eur);
		expect(nexedi.body.rule_flags).toEqual([]);
		await page.context().clearCookies();

		await signIn(page, 'clever', '/app');
		const clever = await kpis(page);
		expect(clever.scope).toBe('consortium:clever-cloud');
		expect(clever.body.applications.total).toBe(clever.body.applications.by_statut.laureat ?? 0);
		expect(clever.body).not.toEqual(nexedi.body);
	});
});

test.describe('sign-out', () => {
	test('POST /logout ends the session on the server, not just the cookie', async ({ page, browser }) => {
		await signIn(page, 'auditor', '/app');
		const cookie = (await page.context().cookies()).find((c) => c.name === 'hox_session')!;
		await page.goto('/logout');
		await page.getByRole('button', { name: 'Se déconnecter' }).click();
		await expect(page).toHaveURL(/\/login$/);
		expect((await page.request.get('/api/v1/kpis')).status()).toBe(401);
		// Replaying the old cookie does not work either.
		const replay = await browser.newContext();
		await replay.addCookies([{ name: 'hox_session', value: cookie.value, url: origin() }]);
		expect((await replay.request.get('/api/v1/kpis')).status()).toBe(401);
		await replay.close();
	});

	test('the signOut helper signs out', async ({ page }) => {
		await signIn(page, 'nexedi', '/app');
		expect((await page.request.get('/api/v1/kpis')).status()).toBe(200);
		await signOut(page);
		expect((await page.request.get('/api/v1/kpis')).status()).toBe(401);
		await page.goto('/app');
		await expect(page).toHaveURL(/\/login/);
	});

	test('GET /logout does not sign out', async ({ page }) => {
		await signIn(page, 'auditor', '/app');
		await page.goto('/logout');
		expect((await page.request.get('/api/v1/kpis')).status()).toBe(200);
	});
});

test.describe('security headers', () => {
	test('on pages, API answers, redirects and errors', async ({ request }) => {
		const answers = [
			await request.get('/login'),
			await request.get('/api/v1/kpis'),
			await request.get('/app', { maxRedirects: 0 }),
			await request.get('/no-such-page')
		];
		for (const res of answers) {
			const h = res.headers();
			const where = `${res.url()} (${res.status()})`;
			expect(h['x-content-type-options'], where).toBe('nosniff');
			expect(h['referrer-policy'], where).toBeTruthy();
			const csp = h['content-security-policy'] ?? '';
			expect(csp, where).toContain("frame-ancestors 'none'");
			const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
			expect(scriptSrc, where).not.toContain('unsafe-inline');
		}
		const page = answers[0]!.headers()['content-security-policy']!;
		expect(page).toMatch(/script-src 'self' 'sha256-/);
	});
});

test.describe('API tokens (Biscuit)', () => {
	test('issued on the admin page, used as Bearer, attenuated offline, revoked', async ({ page, playwright }) => {
		await signIn(page, 'admin', '/app/admin/utilisateurs');
		const form = page.locator('form[action="?/token"]');
		await form.locator('select[name="email"]').selectOption(ACCOUNTS.nexedi.email);
		await form.locator('select[name="days"]').selectOption('7');
		await form.locator('input[name="label"]').fill('e2e robot');
		await form.getByRole('button').click();
		await expect(page.getByRole('status')).toContainText('Jeton d’API émis pour nexedi@test.local');
		const token = await page.locator('textarea.token').inputValue();
		const publicKey = (await page.locator('.notice code.break').textContent())!.trim();

		const api = await playwright.request.newContext({ baseURL: origin() });
		const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
		const res = await api.get('/api/v1/kpis', { headers: bearer(token) });
		expect(res.status()).toBe(200);
		expect(res.headers()['x-hox-scope']).toBe('consortium:nexedi');
		// A consortium token does not open admin endpoints.
		expect((await api.get('/api/v1/tokens', { headers: bearer(token) })).status()).toBe(403);

		// The holder narrows it offline to reading /api/v1/kpis only.
		const { attenuateToken } = await import('../../src/lib/server/auth/tokens');
		const narrow = await attenuateToken(token, publicKey, { readOnly: true, pathPrefix: '/api/v1/kpis' });
		expect((await api.get('/api/v1/kpis', { headers: bearer(narrow) })).status()).toBe(200);
		const outside = await api.get('/api/v1/tokens/public-key', { headers: bearer(narrow) });
		expect(outside.status()).toBe(401);
		expect(await outside.json()).toMatchObject({ error: 'invalid_token' });

		// Revoking on the admin page refuses the token and its attenuation.
		await page.reload();
		const row = page.locator('tr', { hasText: 'e2e robot' });
		await row.getByRole('button', { name: /Révoquer/ }).click();
		await expect(page.getByRole('status')).toContainText('Jeton révoqué');
		expect((await api.get('/api/v1/kpis', { headers: bearer(token) })).status()).toBe(401);
		expect((await api.get('/api/v1/kpis', { headers: bearer(narrow) })).status()).toBe(401);
		await api.dispose();
	});

	test('only a signed-in admin issues tokens through the API; a token cannot issue tokens', async ({ page, playwright }) => {
		await signIn(page, 'auditor', '/app');
		const asAuditor = await page.request.post('/api/v1/tokens', { data: {}, headers: { origin: origin() } });
		expect(asAuditor.status()).toBe(403);
		await page.context().clearCookies();

		await signIn(page, 'admin', '/app');
		const issued = await page.request.post('/api/v1/tokens', { data: { days: 1, label: 'e2e api' }, headers: { origin: origin() } });
		expect(issued.status()).toBe(201);
		const body = await issued.json();
		expect(body).toMatchObject({ email: ACCOUNTS.admin.email, public_key: expect.stringMatching(/^ed25519\//) });

		const api = await playwright.request.newContext({ baseURL: origin(), extraHTTPHeaders: { authorization: `Bearer ${body.token}` } });
		expect((await api.get('/api/v1/tokens')).status()).toBe(200);
		const again = await api.post('/api/v1/tokens', { data: { days: 1 } });
		expect(again.status()).toBe(403);
		expect(await again.json()).toMatchObject({ error: 'session_required' });
		await api.dispose();
	});
});

test.describe('my account', () => {
	test('changing one’s password keeps this session and ends the others', async ({ page, browser }) => {
		// A throw-away account: the seeded ones keep their passwords for the other tests.
		await signIn(page, 'admin', '/app/admin/utilisateurs');
		const add = page.locator('form[action="?/add"]');
		await add.locator('input[name="email"]').fill('temp-pw@test.local');
		await add.locator('select[name="role"]').selectOption('auditor');
		await add.locator('input[name="password"]').fill('first passphrase 2026');
		await add.getByRole('button').click();
		await expect(page.getByRole('status')).toContainText('temp-pw@test.local');

		const open = async () => {
			const context = await browser.newContext({ javaScriptEnabled: false });
			const p = await context.newPage();
			await p.goto('/login?redirectTo=/app/compte');
			await p.locator('input[name="email"]').fill('temp-pw@test.local');
			await p.locator('input[name="password"]').fill('first passphrase 2026');
			await p.locator('form[data-login] button[type="submit"]').click();
			await expect(p).toHaveURL(/\/app\/compte$/);
			return { context, p };
		};
		const a = await open();
		const b = await open();

		await a.p.locator('#current').fill('not my password');
		await a.p.locator('#next').fill('second passphrase 2026');
		await a.p.locator('#confirm').fill('second passphrase 2026');
		await a.p.getByRole('button', { name: 'Changer le mot de passe' }).click();
		await expect(a.p.getByRole('alert')).toContainText('actuel est incorrect');

		await a.p.locator('#current').fill('first passphrase 2026');
		await a.p.locator('#next').fill('second passphrase 2026');
		await a.p.locator('#confirm').fill('second passphrase 2026');
		await a.p.getByRole('button', { name: 'Changer le mot de passe' }).click();
		await expect(a.p.getByRole('status')).toContainText('Mot de passe changé');

		expect((await a.context.request.get('/api/v1/kpis')).status()).toBe(200);
		expect((await b.context.request.get('/api/v1/kpis')).status()).toBe(401);
		await a.context.close();
		await b.context.close();
	});
});
