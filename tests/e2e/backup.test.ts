/**
 * Backups through the running server (issue 8.4): POST /api/v1/backup is for administrators
 * only, and `npm run backup`, given an administrator's API token, has the server — which holds
 * the database — write a consistent copy.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signIn } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The e2e server's backup folder: `backups/` next to its database (playwright.config.ts). */
const BACKUPS = path.join(ROOT, 'tests/.tmp/backups');

test('POST /api/v1/backup: 401 anonymous, 403 for a consortium member, a whole copy for an admin', async ({ page, request, baseURL }) => {
	expect((await request.post('/api/v1/backup')).status()).toBe(401);

	await signIn(page, 'nexedi');
	expect((await page.request.post('/api/v1/backup')).status()).toBe(403);
	expect((await page.request.get('/api/v1/backup')).status()).toBe(403);

	await page.context().clearCookies();
	await signIn(page, 'admin');
	const response = await page.request.post('/api/v1/backup');
	expect(response.status()).toBe(201);
	const info = (await response.json()) as { file: string; bytes: number; sha256: string };
	// The name in the server's backup folder, never its path (issue 18 #11).
	expect(info.file).toMatch(/^hox-\d{8}-\d{6}(-\d+)?\.duckdb$/);
	info.file = path.join(BACKUPS, info.file);
	expect(fs.statSync(info.file).size).toBe(info.bytes);
	const list = (await (await page.request.get('/api/v1/backup')).json()) as { backups: { name: string }[] };
	expect(list.backups.map((b) => b.name)).toContain(path.basename(info.file));

	// npm run backup while the server holds the database: with a token, the server writes it.
	const minted = await page.request.post('/api/v1/tokens', { data: { label: 'backup e2e', days: 1 } });
	expect(minted.status()).toBe(201);
	const { token } = (await minted.json()) as { token: string };
	const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', '--db', 'tests/.tmp/e2e.duckdb', '--url', baseURL!, '--json'], {
		cwd: ROOT,
		env: { ...process.env, HOX_TOKEN: token },
		encoding: 'utf8'
	});
	expect(cli.status, cli.stderr).toBe(0);
	const written = JSON.parse(cli.stdout) as { file: string; written_by: string };
	expect(written.written_by).toBe('server');
	written.file = path.join(BACKUPS, written.file);
	expect(fs.existsSync(written.file)).toBe(true);
	for (const f of [info.file, written.file]) fs.rmSync(f, { force: true });
});
