/**
 * One rendering of a public page for every anonymous reader (src/lib/server/http/shared-public.ts):
 * a second reader without a session gets the same bytes from the shared cache; a signed-in
 * reader, a dashboard page and another language never do.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

const HIT = 'x-hox-shared-cache';

test('anonymous readers share one rendering of a public page, per language', async ({ playwright, baseURL }) => {
	// Two readers, two request contexts: no cookie in common.
	const first = await playwright.request.newContext({ baseURL });
	const second = await playwright.request.newContext({ baseURL });
	const english = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: 'lang=en' } });
	try {
		for (const url of ['/projets', '/donnees/projets-finances.csv']) {
			const a = await first.get(url);
			expect(a.status()).toBe(200);
			const b = await second.get(url);
			expect(b.status()).toBe(200);
			expect(b.headers()[HIT], `${url} for a second anonymous reader`).toBe('hit');
			expect(await b.body()).toEqual(await a.body());
		}
		const fr = await (await second.get('/projets')).text();
		const en = await english.get('/projets');
		expect(await en.text()).not.toEqual(fr);
		expect(en.headers()['content-language'] ?? (await en.text()).match(/<html lang="(\w+)"/)?.[1]).toContain('en');
	} finally {
		await Promise.all([first.dispose(), second.dispose(), english.dispose()]);
	}
});

test('a signed-in reader never gets the shared rendering', async ({ page }) => {
	await signIn(page, 'admin', '/app');
	const seen: (string | undefined)[] = [];
	for (let i = 0; i < 2; i++) {
		const response = await page.request.get('/projets');
		expect(response.status()).toBe(200);
		seen.push(response.headers()[HIT]);
	}
	expect(seen).toEqual([undefined, undefined]);
	const app = await page.request.get('/app');
	expect(app.headers()[HIT]).toBeUndefined();
});
