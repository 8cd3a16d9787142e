/**
 * The server's database, opened lazily on first use (never at build time) and kept for the
 * life of the process: DuckDB allows one process per file, and this server is that process.
 */
import { Database, defaultDatabasePath } from './database';

let pending: Promise<Database> | null = null;

export function getDb(): Promise<Database> {
	if (!pending) {
		pending = Database.open(defaultDatabasePath());
		pending.catch(() => {
			pending = null;
		});
	}
	return pending;
}

/** Close the database (tests, shutdown). */
export async function closeDb(): Promise<void> {
	if (!pending) return;
	const db = await pending.catch(() => null);
	pending = null;
	db?.close();
}
