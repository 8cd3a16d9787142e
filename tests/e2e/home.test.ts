import { expect, test } from '@playwright/test';

test('the home page shows the headline figures', async ({ page }) => {
	await page.goto('/');
	await expect(page.locator('h1')).toBeVisible();
	await expect(page.locator('[data-kpi="funding.committed_eur"]')).toContainText('€');
});
