/**
 * Figures are a function of the data alone: the same query over the same snapshots gives
 * the same answer. So a figure computed once is kept until the next committed write to the
 * data (`Database.dataGeneration`: this server is the only process that can write to it;
 * auth events — sign-in attempts, sessions — do not count),
 * and concurrent requests for the same figure share one computation.
 *
 * Only for answers that depend on nothing but the database and the key (a filter, a scope, a
 * language): never the user's identity unless it is in the key. Each caller gets its own
 * deep copy, so a caller that changes its copy cannot change another's.
 */
import type { Database } from '../db/database';

/** Keys come from URLs (filters): bound the memo against made-up ones. */
const MAX_ENTRIES = 1000;

interface Memo {
	generation: number;
	entries: Map<string, Promise<unknown>>;
}

const memos = new WeakMap<Database, Memo>();
let enabled = process.env.HOX_FIGURES_MEMO !== '0';

/** Turn the memo off (benchmarks of the cold path, tests); returns the previous setting. */
export function setFiguresMemo(on: boolean): boolean {
	const previous = enabled;
	enabled = on;
	return previous;
}

export async function memoized<T>(db: Database, key: string, compute: () => Promise<T>): Promise<T> {
	if (!enabled) return compute();
	let memo = memos.get(db);
	if (!memo || memo.generation !== db.dataGeneration) {
		memo = { generation: db.dataGeneration, entries: new Map() };
		memos.set(db, memo);
	}
	let entry = memo.entries.get(key) as Promise<T> | undefined;
	if (!entry) {
		if (memo.entries.size >= MAX_ENTRIES) memo.entries.clear();
		entry = compute();
		const entries = memo.entries;
		entries.set(key, entry);
		// A failure is not kept.
		entry.catch(() => entries.delete(key));
	}
	return structuredClone(await entry);
}
