import { json } from '@sveltejs/kit';
import path from 'node:path';
import { clientAddress } from '$lib/server/auth/client';
import { requireApiUser } from '$lib/server/auth/guard';
import { backupDatabase, backupDirectory, backupsToKeep, listBackups } from '$lib/server/db/backup';
import { getDb } from '$lib/server/db/instance';
import type { RequestHandler } from './$types';

/**
 * Backups through the server are rate-limited (issue 18 #5: a same-site page could have an
 * admin's browser write backups without end): at most HOX_BACKUP_MAX_PER_HOUR (6 by default)
 * per hour, counted when a backup starts. Together with the rotation (HOX_BACKUP_KEEP newest
 * kept, backup.ts) this bounds the disk and the time spent.
 */
const started: number[] = [];
function maxPerHour(): number {
	const n = Number(process.env.HOX_BACKUP_MAX_PER_HOUR ?? 6);
	return Number.isInteger(n) && n >= 1 ? n : 6;
}

/** The folder as shown to clients: never the server's absolute path (issue 18 #11). */
function shownDirectory(): string {
	return process.env.HOX_BACKUP_DIR ? 'HOX_BACKUP_DIR' : 'backups/';
}

/**
 * POST /api/v1/backup — the server writes a consistent copy of its database into its backup
 * directory (HOX_BACKUP_DIR, else `backups/` next to the database) and answers
 * `{ file, bytes, sha256, at, ms }`, `file` being the name in that folder. Used by `npm run
 * backup` while the server holds the database. Admin only (session or API token); recorded
 * in the audit trail (`db.backup`); 429 with Retry-After past the hourly limit.
 */
export const POST: RequestHandler = async (event) => {
	const user = requireApiUser(event, ['admin']);
	const now = Date.now();
	while (started.length && started[0]! <= now - 3600_000) started.shift();
	if (started.length >= maxPerHour()) {
		const retry = Math.max(1, Math.ceil((started[0]! + 3600_000 - now) / 1000));
		return json(
			{
				error: 'too_many_requests',
				message: `Trop de sauvegardes : au plus ${maxPerHour()} par heure (HOX_BACKUP_MAX_PER_HOUR). Réessayez dans ${Math.ceil(retry / 60)} min.`,
				message_en: `Too many backups: at most ${maxPerHour()} an hour (HOX_BACKUP_MAX_PER_HOUR). Try again in ${Math.ceil(retry / 60)} min.`
			},
			{ status: 429, headers: { 'retry-after': String(retry) } }
		);
	}
	// Counted before the copy starts, synchronously: parallel requests cannot all pass.
	started.push(now);
	const info = await backupDatabase(await getDb(), { actor: user.email, ip: clientAddress(event) });
	return json({ ...info, file: path.basename(info.file), directory: shownDirectory(), keep: backupsToKeep() }, { status: 201 });
};

/** GET /api/v1/backup — the backups in the server's backup directory (names in it), newest first. Admin only. */
export const GET: RequestHandler = async (event) => {
	requireApiUser(event, ['admin']);
	const db = await getDb();
	return json({ directory: shownDirectory(), keep: backupsToKeep(), backups: listBackups(backupDirectory(db.file)) });
};
