/**
 * The audit trail: who did what, when, from where, and how it ended. Sign-ins (success and
 * failure), sign-outs, user changes, token issues, data loads, restores and exports all land
 * in `audit_log`, listed newest first on /app/admin/journal.
 *
 * `recordAudit` accepts the database or an open transaction: inside `db.write(tx => …)` pass
 * `tx` (the write queue is not re-entrant), so that the entry commits or rolls back with the
 * change it describes.
 */
import type { Database, Transaction } from '../db/database';

export type AuditOutcome = 'success' | 'failure' | 'refused' | 'error';

export interface AuditEntry {
	/** Who: a user's e-mail, `cli:<unix user>`, `token:<id>`, or null when unknown (a failed sign-in). */
	actor: string | null;
	/** What, as `domain.verb`: login.success, login.failure, logout, user.add, user.disable, load.import, export.csv… */
	action: string;
	/** On what: an e-mail, a file name, a load id, an export name… */
	target?: string | null;
	/** From where: the client address (null from the command line). */
	ip?: string | null;
	outcome?: AuditOutcome | string | null;
	/** Anything else worth keeping, stored as JSON (never secrets or passwords). */
	details?: Record<string, unknown> | null;
}

export interface AuditRow {
	id: number;
	/** Milliseconds since the epoch. */
	at: number;
	actor: string | null;
	action: string;
	target: string | null;
	ip: string | null;
	outcome: string | null;
	details: Record<string, unknown> | null;
}

type Writer = Database | Transaction;

function isDatabase(db: Writer): db is Database {
	return typeof (db as Database).write === 'function';
}

const INSERT = `INSERT INTO audit_log (at_time, actor, action, target, ip, outcome, details)
	VALUES (make_timestamptz($1::BIGINT), $2, $3, $4, $5, $6, $7::JSON)`;

/** Append one entry to the audit trail (in its own transaction, or in `tx` when given one). */
export async function recordAudit(db: Writer, entry: AuditEntry, now: Date = new Date()): Promise<void> {
	const params = [
		BigInt(now.getTime()) * 1000n,
		entry.actor ?? null,
		entry.action,
		entry.target ?? null,
		entry.ip ?? null,
		entry.outcome ?? null,
		entry.details ? JSON.stringify(entry.details) : null
	];
	// An entry of its own (not part of a load's transaction) changes no data: it leaves the
	// data caches alone (issue 18 #7: each failed sign-in's entry flushed them).
	if (isDatabase(db)) await db.write((tx) => tx.run(INSERT, params), { data: false });
	else await db.run(INSERT, params);
}

export interface AuditQuery {
	action?: string | null;
	/** 1-based page. */
	page?: number;
	pageSize?: number;
}

/** Entries newest first, optionally only one action (or an action prefix ending in `.`). */
export async function listAudit(db: Database, q: AuditQuery = {}): Promise<{ rows: AuditRow[]; total: number; page: number; pageSize: number }> {
	const pageSize = Math.min(Math.max(Math.trunc(q.pageSize ?? 50), 1), 500);
	const page = Math.max(Math.trunc(q.page ?? 1), 1);
	const where: string[] = [];
	const params: string[] = [];
	if (q.action) {
		params.push(q.action.endsWith('.') ? `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : q.action);
		where.push(q.action.endsWith('.') ? `action LIKE $1 ESCAPE '\\'` : `action = $1`);
	}
	const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
	const total = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit_log ${clause}`, params);
	const rows = await db.all<{
		id: number;
		at: string;
		actor: string | null;
		action: string;
		target: string | null;
		ip: string | null;
		outcome: string | null;
		details: string | null;
	}>(
		`SELECT id::INTEGER AS id, epoch_ms(at_time)::VARCHAR AS "at", actor, action, target, ip, outcome, details::VARCHAR AS details
		 FROM audit_log ${clause} ORDER BY at_time DESC, id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
		params
	);
	return {
		rows: rows.map((r) => ({ ...r, at: Number(r.at), details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null })),
		total: total?.n ?? 0,
		page,
		pageSize
	};
}

/** The distinct actions present, for the filter of the journal page. */
export async function auditActions(db: Database): Promise<string[]> {
	const rows = await db.all<{ action: string }>(`SELECT DISTINCT action FROM audit_log ORDER BY action`);
	return rows.map((r) => r.action);
}
