import { json } from '@sveltejs/kit';
import { clientAddress } from '$lib/server/auth/client';
import { requireApiUser } from '$lib/server/auth/guard';
import { backupDatabase, backupDirectory, listBackups } from '$lib/server/db/backup';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/**
 * POST /api/v1/backup — the server writes a consistent copy of its database into its backup
 * directory (HOX_BACKUP_DIR, else `backups/` next to the database) and answers
 * `{ file, bytes, sha256, at, ms }`. Used by `npm run backup` while the server holds the
 * database. Admin only (session or API token); recorded in the audit trail (`db.backup`).
 */
export const POST: RequestHandler = async (event) => {
	const user = requireApiUser(event, ['admin']);
	const info = await backupDatabase(await getDb(), { actor: user.email, ip: clientAddress(event) });
	return json(info, { status: 201 });
};

/** GET /api/v1/backup — the backups in the server's backup directory, newest first. Admin only. */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin']);
	const db = await getDb();
	const dir = backupDirectory(db.file);
	return json({ directory: dir, backups: listBackups(dir) });
};
