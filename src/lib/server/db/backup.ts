/**
 * Backups and restores of the database file.
 *
 * Backup: the process that holds the database (the server, or the CLI when no server runs)
 * copies it with DuckDB's own `ATTACH '<new file>'` + `COPY FROM DATABASE`, queued with the
 * writes (Database.exclusive), so no load is half-way through, and read in one transaction,
 * so the copy is one consistent state. The copy is written to `<name>.partial` and renamed
 * when complete: a backup file that exists is whole.
 *
 * Restore: only when no process holds the database (DuckDB's lock says so). The current file
 * is kept (moved next to the backups as `replaced-<time>.duckdb`), the backup is copied in
 * place (through a `.partial` file and a rename), then opened, which migrates it if it is
 * older than the code.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { recordAudit } from '../auth/audit';
import { Database, DatabaseLockedError, openInstance } from './database';
import { MIGRATIONS } from './migrations';

export interface BackupInfo {
	/** Absolute path of the backup file. */
	file: string;
	bytes: number;
	sha256: string;
	/** When it was taken (ISO 8601, UTC). */
	at: string;
	ms: number;
}

/** Where backups go: HOX_BACKUP_DIR, else `backups/` next to the database file. */
export function backupDirectory(databaseFile: string): string {
	return path.resolve(process.env.HOX_BACKUP_DIR || path.join(path.dirname(path.resolve(databaseFile)), 'backups'));
}

/** `hox-20260415-143205.duckdb` (UTC), with `-2`, `-3`… if taken in the same second. */
function backupName(dir: string, now: Date, prefix = 'hox'): string {
	const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
	let name = `${prefix}-${stamp}.duckdb`;
	for (let i = 2; fs.existsSync(path.join(dir, name)); i++) name = `${prefix}-${stamp}-${i}.duckdb`;
	return name;
}

export function sha256File(file: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		fs.createReadStream(file)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export interface BackupOptions {
	/** Directory to write to (default: backupDirectory(db.file)). */
	dir?: string;
	/** For the audit trail. */
	actor: string;
	ip?: string | null;
	now?: Date;
}

/** Write a consistent copy of the open database; recorded in the audit trail. */
export async function backupDatabase(db: Database, options: BackupOptions): Promise<BackupInfo> {
	if (db.file === ':memory:') throw new Error('An in-memory database has no file to back up.');
	const started = performance.now();
	const now = options.now ?? new Date();
	const dir = path.resolve(options.dir ?? backupDirectory(db.file));
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = path.join(dir, backupName(dir, now));
	const partial = `${file}.partial`;
	const alias = `hox_backup_${randomUUID().replace(/-/g, '')}`;
	await db.exclusive(async (connection) => {
		for (const f of [partial, `${partial}.wal`]) fs.rmSync(f, { force: true });
		const current = (await (await connection.runAndReadAll('SELECT current_database() AS d')).getRowObjectsJson())[0]!.d as string;
		await connection.run(`ATTACH ${quote(partial)} AS ${alias}`);
		try {
			await connection.run(`COPY FROM DATABASE ${ident(current)} TO ${alias}`);
			await connection.run(`CHECKPOINT ${alias}`);
		} finally {
			await connection.run(`DETACH ${alias}`);
		}
	});
	fs.rmSync(`${partial}.wal`, { force: true });
	fs.chmodSync(partial, 0o600);
	fs.renameSync(partial, file);
	const removed = rotateBackups(dir);
	const info: BackupInfo = {
		file,
		bytes: fs.statSync(file).size,
		sha256: await sha256File(file),
		at: now.toISOString(),
		ms: Math.round(performance.now() - started)
	};
	await recordAudit(db, {
		actor: options.actor,
		action: 'db.backup',
		target: path.basename(file),
		ip: options.ip ?? null,
		outcome: 'success',
		// The name only: where the backup folder is on the server is nobody's business (issue 18 #11).
		details: { file: path.basename(file), bytes: info.bytes, sha256: info.sha256, ms: info.ms, removed: removed.length ? removed : undefined }
	});
	return info;
}

/** How many backups `backupDatabase` keeps in its folder: HOX_BACKUP_KEEP, 10 by default (at least 1). */
export function backupsToKeep(): number {
	const n = Number(process.env.HOX_BACKUP_KEEP ?? 10);
	return Number.isInteger(n) && n >= 1 ? n : 10;
}

const BACKUP_NAME = /^hox-(\d{8})-(\d{6})(?:-(\d+))?\.duckdb$/;

/**
 * Rotation: keep the `keep` newest backups (`hox-….duckdb`) of a folder, delete the older
 * ones (and any `.wal` beside them). Databases kept by a restore (`replaced-…`) and any other
 * file are left alone. Returns the names deleted.
 */
export function rotateBackups(dir: string, keep = backupsToKeep()): string[] {
	if (!fs.existsSync(dir)) return [];
	// Newest first, by the time in the name (UTC, then -2, -3… within one second).
	const backups = fs
		.readdirSync(dir)
		.map((name) => ({ name, m: BACKUP_NAME.exec(name) }))
		.filter((b): b is { name: string; m: RegExpExecArray } => b.m !== null)
		.map(({ name, m }) => ({ name, key: `${m[1]}${m[2]}${String(Number(m[3] ?? 1)).padStart(6, '0')}` }))
		.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
	const removed: string[] = [];
	for (const { name } of backups.slice(Math.max(1, keep))) {
		for (const f of [name, `${name}.wal`]) fs.rmSync(path.join(dir, f), { force: true });
		removed.push(name);
	}
	return removed;
}

/** The backups in a directory, newest first. */
export function listBackups(dir: string): { name: string; bytes: number; at: string }[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((n) => n.endsWith('.duckdb'))
		.map((name) => {
			const st = fs.statSync(path.join(dir, name));
			return { name, bytes: st.size, at: st.mtime.toISOString(), t: st.mtimeMs };
		})
		.sort((a, b) => b.t - a.t)
		.map(({ name, bytes, at }) => ({ name, bytes, at }));
}

export class RestoreRefused extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RestoreRefused';
	}
}

/** The migration version a database file is at, read without changing it. Throws when it is not ours. */
async function schemaVersionOf(file: string): Promise<number> {
	let instance: DuckDBInstance;
	try {
		instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new RestoreRefused(`${file} n’est pas une base DuckDB lisible (${message.split('\n')[0]}).`);
	}
	try {
		const connection = await instance.connect();
		try {
			const tables = (await (await connection.runAndReadAll(`SELECT table_name AS t FROM duckdb_tables() WHERE NOT internal`)).getRowObjectsJson()).map((r) => String(r.t));
			for (const t of ['schema_migrations', 'loads', 'current_snapshot']) {
				if (!tables.includes(t)) throw new RestoreRefused(`${file} n’est pas une sauvegarde du tableau de bord (table « ${t} » absente).`);
			}
			const row = (await (await connection.runAndReadAll(`SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_migrations`)).getRowObjectsJson())[0]!;
			return Number(row.v);
		} finally {
			connection.closeSync();
		}
	} finally {
		instance.closeSync();
	}
}

export interface RestoreInfo {
	restored: string;
	into: string;
	/** Where the database that was replaced now is (null when there was none). */
	previous: string | null;
	sha256: string;
	schemaVersion: number;
}

/**
 * Replace the database file `target` by the backup `source`. Refused (RestoreRefused, with a
 * sentence saying why) while another process holds `target`, or when `source` is not a
 * backup of this application, or is from a newer version of it.
 */
export async function restoreDatabase(target: string, source: string, options: { actor: string; keepDir?: string; now?: Date }): Promise<RestoreInfo> {
	const into = path.resolve(target);
	const from = path.resolve(source);
	const now = options.now ?? new Date();
	if (!fs.existsSync(from) || !fs.statSync(from).isFile()) throw new RestoreRefused(`${source} : fichier introuvable.`);
	if (from === into) throw new RestoreRefused('La sauvegarde et la base à remplacer sont le même fichier.');

	// Nobody may hold the database: opening it is the only reliable test (DuckDB's lock).
	if (fs.existsSync(into)) {
		let instance: DuckDBInstance;
		try {
			instance = await openInstance(into);
		} catch (error) {
			if (!(error instanceof DatabaseLockedError)) throw error;
			throw new RestoreRefused(
				`La base ${target} est ouverte par un autre processus${error.holder ? ` (${error.holder})` : ''} — sans doute le serveur du tableau de bord : arrêtez-le avant de restaurer une sauvegarde.`
			);
		}
		instance.closeSync(); // (closing checkpoints its WAL into the file)
	}

	const version = await schemaVersionOf(from);
	const latest = Math.max(...MIGRATIONS.map((m) => m.version));
	if (version > latest) {
		throw new RestoreRefused(`${source} vient d’une version plus récente du tableau de bord (schéma ${version}, ce code connaît ${latest}) : mettez le code à jour avant de la restaurer.`);
	}
	const sha256 = await sha256File(from);

	// Keep the database being replaced.
	let previous: string | null = null;
	if (fs.existsSync(into)) {
		const keepDir = path.resolve(options.keepDir ?? backupDirectory(into));
		fs.mkdirSync(keepDir, { recursive: true, mode: 0o700 });
		previous = path.join(keepDir, backupName(keepDir, now, 'replaced'));
		fs.copyFileSync(into, previous);
		if (fs.existsSync(`${into}.wal`)) fs.copyFileSync(`${into}.wal`, `${previous}.wal`);
	}
	const partial = `${into}.restore-partial`;
	fs.mkdirSync(path.dirname(into), { recursive: true });
	fs.copyFileSync(from, partial);
	fs.rmSync(`${into}.wal`, { force: true });
	fs.renameSync(partial, into);

	// Open it as the server would (migrations up to this code's version), and record the restore.
	let db: Database;
	try {
		db = await Database.open(into);
	} catch (error) {
		if (error instanceof DatabaseLockedError) throw new RestoreRefused(error.message);
		throw error;
	}
	try {
		await recordAudit(db, {
			actor: options.actor,
			action: 'db.restore',
			target: path.basename(from),
			outcome: 'success',
			details: { from, sha256, previous, schema_version: version }
		});
	} finally {
		db.close();
	}
	return { restored: from, into, previous, sha256, schemaVersion: version };
}
