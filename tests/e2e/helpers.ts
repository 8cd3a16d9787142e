/** Shared steps of the end-to-end tests. */
import { expect, type Page } from '@playwright/test';
import { ACCOUNTS, type TestAccount } from './accounts';

export { ACCOUNTS, type TestAccount };

/**
 * Sign in through the /login form as one of the seeded test accounts, then land on
 * `redirectTo` (default /app). Works with JavaScript on or off.
 */
export async function signIn(page: Page, role: TestAccount, redirectTo = '/app'): Promise<void> {
	const account = ACCOUNTS[role];
	await page.goto(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
	// Filled again if hydration replaced the fields while they were being typed.
	await expect(async () => {
		await page.locator('input[name="email"]').fill(account.email);
		await page.locator('input[name="password"]').fill(account.password);
		await expect(page.locator('input[name="email"]')).toHaveValue(account.email, { timeout: 500 });
		await expect(page.locator('input[name="password"]')).toHaveValue(account.password, { timeout: 500 });
	}).toPass({ timeout: 10_000 });
	await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.locator('form[data-login] button[type="submit"]').click()]);
	await expect(page).not.toHaveURL(/\/login/);
}

/** Sign out through the /logout form (a POST, as the app bar's button does). */
export async function signOut(page: Page): Promise<void> {
	await page.goto('/logout');
	if (new URL(page.url()).pathname !== '/logout') return; // not signed in: /logout sent us to /login
	await Promise.all([page.waitForURL(/\/login/), page.locator('main form[method="POST"] button[type="submit"]').click()]);
}
