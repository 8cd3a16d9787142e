/**
 * npm run restore -- [--db PATH] FILE
 *
 * Replaces the database by the backup FILE (written by `npm run backup`). Refused while a
 * process — the server — holds the database: stop it first. The database being replaced is
 * kept as `replaced-<time>.duckdb` in the backup directory (HOX_BACKUP_DIR, else `backups/`
 * next to the database). See src/lib/server/db/backup.ts.
 */
import { computeKpis } from '../src/lib/server/figures/kpis';
import { restoreDatabase, RestoreRefused } from '../src/lib/server/db/backup';
import { Database, defaultDatabasePath } from '../src/lib/server/db/database';
import { actor, args, main } from './lib/cli';

main(async () => {
	const { values, positionals } = args({});
	if (positionals.length !== 1) {
		console.error('Usage : npm run restore -- [--db CHEMIN] SAUVEGARDE.duckdb');
		return 2;
	}
	const target = values.db || defaultDatabasePath();
	try {
		const info = await restoreDatabase(target, positionals[0]!, { actor: actor() });
		const db = await Database.open(target);
		try {
			const kpis = await computeKpis(db);
			const loads = await db.one<{ n: number; last: string | null }>(`SELECT count(*)::INTEGER AS n, strftime(max(loaded_at)::TIMESTAMP, '%Y-%m-%d %H:%M:%S UTC') AS last FROM loads`);
			console.log(`Base ${info.into} restaurée depuis ${info.restored} (sha256 ${info.sha256}).`);
			console.log(`  ${kpis.applications.total} candidatures, ${kpis.funding.funded_projects} projets financés, ${loads?.n ?? 0} chargements (dernier : ${loads?.last ?? '—'}).`);
			console.log(info.previous ? `  La base remplacée est conservée : ${info.previous}` : '  (Il n’y avait pas de base à remplacer.)');
		} finally {
			db.close();
		}
		return 0;
	} catch (error) {
		if (error instanceof RestoreRefused) {
			console.error(error.message);
			return 1;
		}
		throw error;
	}
});
