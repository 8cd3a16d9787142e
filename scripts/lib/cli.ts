/** Shared plumbing of the command-line entry points: Node version, arguments, database. */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Database, DatabaseLockedError, defaultDatabasePath } from '../../src/lib/server/db/database';

export function requireNode(): void {
	const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
	if (major < 22 || (major === 22 && minor < 17)) {
		console.error(
			`Node ${process.versions.node} est trop ancien (22.17 au moins) : lancez les commandes par npm (npm run …), qui utilise le Node 24 du projet (node_modules/.bin/node). Si « npm ci --ignore-scripts » a été utilisé, relancez « npm ci ».`
		);
		process.exit(1);
	}
}

export function args<T extends ParseArgsConfig['options']>(options: T) {
	try {
		return parseArgs({ options: { db: { type: 'string' }, ...options }, allowPositionals: true, strict: true });
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		process.exit(2);
	}
}

export function actor(): string {
	return process.env.HOX_ACTOR || `cli:${os.userInfo().username}`;
}

/**
 * Open the database, or say in one sentence that another process holds it, and exit 1. A command
 * that only reads (`mustExist`) refuses a database that does not exist instead of creating an
 * empty one and printing zeros.
 */
export async function openDatabase(file: string | undefined, options: { mustExist?: boolean } = {}): Promise<Database> {
	const path = file || defaultDatabasePath();
	if (options.mustExist && !fs.existsSync(path)) {
		const demo = 'data/demo.duckdb';
		const hint = path !== demo && fs.existsSync(demo) ? ` La base de démonstration existe : ajoutez « --db ${demo} ».` : ' Chargez d’abord des exports (npm run import) ou choisissez une base avec --db.';
		console.error(`La base ${path} n’existe pas.${hint}`);
		process.exit(1);
	}
	try {
		return await Database.open(path);
	} catch (error) {
		if (error instanceof DatabaseLockedError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
}

/** Run a CLI main: unexpected errors print one line (no stack unless HOX_DEBUG is set). */
export function main(fn: () => Promise<number | void>): void {
	requireNode();
	fn().then(
		(code) => process.exit(code ?? 0),
		(error) => {
			if (process.env.HOX_DEBUG) console.error(error);
			else console.error(`Erreur : ${error instanceof Error ? error.message : String(error)}`);
			process.exit(1);
		}
	);
}
