/**
 * The DuckDB database: one file, owned by one process (DuckDB locks it). A reader
 * connection serves queries; a writer connection, behind a queue, runs loads and other
 * changes in transactions, so that two writes are never interleaved and readers only ever
 * see committed snapshots.
 */
import { DuckDBBlobValue, DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations';
import { createViews } from '../figures/views';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export class DatabaseLockedError extends Error {
	constructor(
		readonly file: string,
		readonly holder: string | null
	) {
		super(
			`La base ${file} est ouverte par un autre processus${holder ? ` (${holder})` : ''} — sans doute le serveur du tableau de bord : arrêtez-le, ou chargez les fichiers par l’interface.`
		);
		this.name = 'DatabaseLockedError';
	}
}

export function defaultDatabasePath(): string {
	return process.env.HOX_DB || path.join('data', 'hox.duckdb');
}

/** Reader connections per database (HOX_DB_READERS, default 3). */
const READERS = Math.max(1, Math.min(16, Number(process.env.HOX_DB_READERS) || 3));

/** Open the DuckDB file; another process holding it is a DatabaseLockedError (DuckDB's lock). */
export async function openInstance(file: string): Promise<DuckDBInstance> {
	try {
		return await DuckDBInstance.create(file);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (/lock/i.test(message)) {
			const pid = /PID (\d+)/.exec(message);
			throw new DatabaseLockedError(file, pid ? `PID ${pid[1]}` : null);
		}
		throw error;
	}
}

export interface WriteOptions {
	/**
	 * `false` for a write that changes nothing the figures or pages show: an auth event (a
	 * sign-in attempt, a session created, renewed or ended, their audit entries). It leaves
	 * `dataGeneration`, and so the data caches, alone.
	 */
	data?: boolean;
}

export class Database {
	private queue: Promise<unknown> = Promise.resolve();
	private writes = 0;
	private dataWrites = 0;

	/**
	 * Goes up with every committed write (this process is the only writer: DuckDB's lock):
	 * what is read from any table (sessions, accounts) may be kept while it stays the same.
	 */
	get generation(): number {
		return this.writes;
	}

	/**
	 * Goes up with every committed write that may change the data (loads, undo, restores,
	 * accounts…), not with auth events (sign-in attempts, sessions, their audit entries:
	 * writes made with `{ data: false }`). What is derived from the data alone — figures
	 * (figures/memo.ts), rendered pages (page-cache.ts) — is kept while it stays the same, so
	 * that failed sign-ins cannot flush those caches (issue 18 #7).
	 */
	get dataGeneration(): number {
		return this.dataWrites;
	}

	/** Queries running on each reader connection (a connection runs one query at a time). */
	private readonly busy: number[];

	private constructor(
		readonly file: string,
		private readonly instance: DuckDBInstance,
		private readonly readers: DuckDBConnection[],
		private readonly writer: DuckDBConnection
	) {
		this.busy = readers.map(() => 0);
	}

	static async open(file = defaultDatabasePath()): Promise<Database> {
		if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
		const instance = await openInstance(file);
		const writer = await instance.connect();
		// A few reader connections, so that concurrent requests' queries run side by side.
		const readers = await Promise.all(Array.from({ length: READERS }, () => instance.connect()));
		const db = new Database(file, instance, readers, writer);
		await migrate(writer);
		await createViews(new Transaction(writer));
		return db;
	}

	/** Rows of a query as plain objects (BIGINT and DECIMAL come back as strings: cast in SQL). */
	async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
		// The least busy reader.
		let i = 0;
		for (let k = 1; k < this.busy.length; k++) if (this.busy[k]! < this.busy[i]!) i = k;
		this.busy[i]!++;
		try {
			const reader = await this.readers[i]!.runAndReadAll(sql, params);
			return reader.getRowObjectsJson() as T[];
		} finally {
			this.busy[i]!--;
		}
	}

	async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
		return (await this.all<T>(sql, params))[0];
	}

	/** The BLOB in the first column of the first row, as its bytes (null when no row, or NULL). */
	async blob(sql: string, params?: Params): Promise<Uint8Array | null> {
		const reader = await this.readers[0]!.runAndReadAll(sql, params);
		const value = reader.getRows()[0]?.[0];
		return value instanceof DuckDBBlobValue ? value.bytes : null;
	}

	/**
	 * Run `work` alone on the writer connection inside one transaction: it commits when
	 * `work` resolves and rolls back when it throws. Writes are queued, never interleaved.
	 */
	write<T>(work: (tx: Transaction) => Promise<T>, options: WriteOptions = {}): Promise<T> {
		const run = async () => {
			await this.writer.run('BEGIN TRANSACTION');
			try {
				const result = await work(new Transaction(this.writer));
				await this.writer.run('COMMIT');
				this.writes++;
				if (options.data !== false) this.dataWrites++;
				return result;
			} catch (error) {
				await this.writer.run('ROLLBACK').catch(() => undefined);
				throw error;
			}
		};
		const next = this.queue.then(run, run);
		this.queue = next.catch(() => undefined);
		return next;
	}

	/**
	 * Run `work` alone on the writer connection, queued with the writes (so no write runs
	 * meanwhile) but outside any transaction: for statements that cannot run inside one
	 * (ATTACH, DETACH, CHECKPOINT), e.g. a backup (backup.ts).
	 */
	exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
		const run = () =>
			work(this.writer).finally(() => {
				this.writes++;
				this.dataWrites++;
			});
		const next = this.queue.then(run, run);
		this.queue = next.catch(() => undefined);
		return next;
	}

	/** Write everything to the database file (so a copy of the file is consistent). */
	async checkpoint(): Promise<void> {
		await this.write(async () => undefined);
		await this.writer.run('CHECKPOINT');
	}

	close(): void {
		for (const reader of this.readers) reader.closeSync();
		this.writer.closeSync();
		this.instance.closeSync();
	}
}

export class Transaction {
	constructor(readonly connection: DuckDBConnection) {}

	async run(sql: string, params?: Params): Promise<void> {
		await this.connection.run(sql, params);
	}

	async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
		const reader = await this.connection.runAndReadAll(sql, params);
		return reader.getRowObjectsJson() as T[];
	}

	async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
		return (await this.all<T>(sql, params))[0];
	}
}
