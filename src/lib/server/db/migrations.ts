/**
 * Schema migrations, applied in order on open and recorded in `schema_migrations`.
 * Never edit a migration that has shipped: add a new one.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { COLUMNS, EXPORT_KINDS } from '../../domain/schemas';

function snapshotTable(kind: (typeof EXPORT_KINDS)[number]): string {
	const cols = COLUMNS[kind].map((c) => `${c.id} ${c.sql}`);
	const extra = kind === 'candidatures' ? ', region_name VARCHAR' : '';
	return `CREATE TABLE IF NOT EXISTS ${kind}_rows (load_id BIGINT NOT NULL, row_number INTEGER NOT NULL, ${cols.join(', ')}${extra})`;
}

export const MIGRATIONS: { version: number; name: string; sql: string[] }[] = [
	{
		version: 1,
		name: 'snapshots and loads',
		sql: [
			`CREATE SEQUENCE IF NOT EXISTS load_seq START 1`,
			`CREATE TABLE IF NOT EXISTS loads (
				load_id BIGINT PRIMARY KEY DEFAULT nextval('load_seq'),
				batch_id VARCHAR NOT NULL,
				kind VARCHAR,
				loaded_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
				actor VARCHAR NOT NULL,
				source VARCHAR NOT NULL,
				file_name VARCHAR NOT NULL,
				sha256 VARCHAR,
				bytes BIGINT,
				encoding VARCHAR,
				delimiter VARCHAR,
				rows INTEGER,
				outcome VARCHAR NOT NULL,
				error_count INTEGER NOT NULL DEFAULT 0,
				warning_count INTEGER NOT NULL DEFAULT 0,
				restored_from BIGINT,
				issues JSON
			)`,
			`CREATE TABLE IF NOT EXISTS current_snapshot (kind VARCHAR NOT NULL, load_id BIGINT NOT NULL, since TIMESTAMPTZ NOT NULL)`,
			...EXPORT_KINDS.map(snapshotTable)
		]
	},
	{
		version: 2,
		name: 'users, sessions, audit trail',
		sql: [
			`CREATE SEQUENCE IF NOT EXISTS audit_seq START 1`,
			`CREATE TABLE IF NOT EXISTS users (
				id VARCHAR PRIMARY KEY,
				email VARCHAR NOT NULL UNIQUE,
				role VARCHAR NOT NULL,
				org VARCHAR,
				password_hash VARCHAR NOT NULL,
				disabled BOOLEAN NOT NULL DEFAULT false,
				created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
				password_changed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
			)`,
			`CREATE TABLE IF NOT EXISTS sessions (
				id VARCHAR NOT NULL,
				secret_hash BLOB NOT NULL,
				user_id VARCHAR NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				last_verified_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE TABLE IF NOT EXISTS audit_log (
				id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
				at_time TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
				actor VARCHAR,
				action VARCHAR NOT NULL,
				target VARCHAR,
				ip VARCHAR,
				outcome VARCHAR,
				details JSON
			)`,
			`CREATE TABLE IF NOT EXISTS login_attempts (at_time TIMESTAMPTZ NOT NULL, email VARCHAR, ip VARCHAR, success BOOLEAN NOT NULL)`
		]
	},
	{
		version: 3,
		name: 'API tokens (Biscuit)',
		sql: [
			// The root key pair that signs API tokens (unless HOX_BISCUIT_PRIVATE_KEY is set).
			`CREATE TABLE IF NOT EXISTS biscuit_root_key (
				id INTEGER PRIMARY KEY,
				private_key VARCHAR NOT NULL,
				public_key VARCHAR NOT NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
			)`,
			// Tokens issued by the server; revoking one refuses it and every attenuation of it.
			`CREATE TABLE IF NOT EXISTS api_tokens (
				id VARCHAR PRIMARY KEY,
				user_id VARCHAR NOT NULL,
				label VARCHAR,
				revocation_id VARCHAR NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL,
				created_by VARCHAR,
				revoked_at TIMESTAMPTZ
			)`
		]
	},
	{
		version: 4,
		name: 'original files of the kept snapshots',
		sql: [
			// The bytes of each loaded file (gzip-compressed), kept with its snapshot and deleted with
			// it (import/restore.ts, files.ts): an original can be downloaded and checked against loads.sha256.
			`CREATE TABLE IF NOT EXISTS load_files (load_id BIGINT PRIMARY KEY, compression VARCHAR NOT NULL, bytes BLOB NOT NULL)`
		]
	}
];

export async function migrate(connection: DuckDBConnection): Promise<void> {
	await connection.run(
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT current_timestamp)`
	);
	const done = new Set(
		(await connection.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjectsJson().map((r) => Number(r.version))
	);
	for (const m of MIGRATIONS) {
		if (done.has(m.version)) continue;
		await connection.run('BEGIN TRANSACTION');
		try {
			for (const sql of m.sql) await connection.run(sql);
			await connection.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
			await connection.run('COMMIT');
		} catch (error) {
			await connection.run('ROLLBACK');
			throw error;
		}
	}
}
