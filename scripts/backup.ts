/**
 * npm run backup -- [--db PATH] [--dir DIR] [--url URL] [--json]
 *
 * Writes a consistent copy of the database (src/lib/server/db/backup.ts).
 * - No server running: opens the database and writes the copy itself, into --dir (default
 *   HOX_BACKUP_DIR, else `backups/` next to the database).
 * - The server holds the database (DuckDB lets one process open it): asks the server to
 *   write the copy, through POST /api/v1/backup, with an administrator's API token taken from
 *   the environment variable HOX_TOKEN (`npm run user -- token --email …`, or « Jetons d’API »
 *   in the administration pages). The server writes into its own backup directory.
 */
import { backupDatabase, type BackupInfo } from '../src/lib/server/db/backup';
import { Database, DatabaseLockedError, defaultDatabasePath } from '../src/lib/server/db/database';
import { actor, args, main } from './lib/cli';

function humanSize(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} Mo` : `${Math.ceil(bytes / 1024)} ko`;
}

async function throughServer(url: string, token: string): Promise<BackupInfo> {
	let response: Response;
	try {
		response = await fetch(new URL('/api/v1/backup', url), {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, accept: 'application/json' }
		});
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
		throw new Error(`le serveur ne répond pas à ${url} (${cause}) : donnez son adresse avec --url ou HOX_URL.`);
	}
	const body = (await response.json().catch(() => null)) as (BackupInfo & { message?: string }) | null;
	if (!response.ok || !body) {
		throw new Error(`le serveur a refusé la sauvegarde (HTTP ${response.status}${body?.message ? ` : ${body.message}` : ''}).`);
	}
	return body;
}

main(async () => {
	const { values } = args({ dir: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } });
	const file = values.db || defaultDatabasePath();
	let info: BackupInfo;
	let where: 'cli' | 'server';
	try {
		const db = await Database.open(file);
		try {
			info = await backupDatabase(db, { dir: values.dir, actor: actor() });
			where = 'cli';
		} finally {
			db.close();
		}
	} catch (error) {
		if (!(error instanceof DatabaseLockedError)) throw error;
		const url = values.url || process.env.HOX_URL || `http://127.0.0.1:${process.env.PORT || 3000}`;
		const token = process.env.HOX_TOKEN;
		if (!token) {
			console.error(
				`La base ${file} est ouverte par un autre processus${error.holder ? ` (${error.holder})` : ''}, sans doute le serveur : pour qu’il écrive la sauvegarde, donnez un jeton d’API administrateur dans la variable HOX_TOKEN (et son adresse avec --url, défaut ${url}).`
			);
			return 1;
		}
		if (values.dir) console.error('(--dir est ignoré : le serveur écrit dans son propre dossier de sauvegardes, HOX_BACKUP_DIR.)');
		info = await throughServer(url, token);
		where = 'server';
	}
	if (values.json) console.log(JSON.stringify({ ...info, written_by: where }, null, 2));
	// The server names the file in its own backup folder (never its absolute path).
	else console.log(`Sauvegarde écrite${where === 'server' ? ' par le serveur, dans son dossier de sauvegardes' : ''} : ${info.file} (${humanSize(info.bytes)}, sha256 ${info.sha256}, ${info.ms} ms).`);
	return 0;
});
