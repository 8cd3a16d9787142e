/**
 * Statistical secrecy for counts of applications (programme.md "Obligations": applications are
 * confidential; only lauréats' public information and aggregates may be published). Used by the
 * public pages and, through `member-secrecy.ts`, by every table a consortium member sees.
 *
 * The attacker we protect against knows this code, every table published from the same data
 * (the totals included) and the list of funded projects. What must stay hidden: that a group
 * holds 1 or 2 applications that are not public (a value below 3 must never be determined, nor
 * narrowed to values below 3).
 *
 * The method, « masquage par seuil » (threshold masking), works on the part of each count that
 * is not public: `count - known`, where `known` counts the applications of the group anyone can
 * list (published funded projects).
 *
 * 1. If no group holds between 1 and 3 non-public applications, everything is shown.
 * 2. Otherwise every group holding at most t non-public applications is hidden (« s »), zeros
 *    included, with t = 3.
 * 3. When the table's total is published (or derivable), the hidden part (the total minus what
 *    is shown) is known: t is raised to the next count present, hiding every group at that
 *    count, until at least 2 groups are hidden and they hold at least 3 applications together.
 *
 * Why it holds against someone who knows the method: the rule looks only at values, never at
 * table order, and treats every group at or below the threshold alike. Whatever a reader sees,
 * a hidden group could have held 3: swap its value with the others' (keeping the hidden sum)
 * and the rule hides exactly the same groups. Step 2 hides 3s and 0s with the small groups, so
 * « s » never means "1 or 2", and a shown 0 never tells which hidden group is non-empty.
 * `tests/unit/public-suppress.test.ts` checks it exhaustively, as an attacker who runs this
 * function on every possible table.
 *
 * Crossings (`suppressCrossing`) are protected as one flat table; their margins are computed
 * from the protected cells (a margin is shown only when all its cells are), so a crossing and
 * its margins together say no more than the crossing. No table may publish a margin computed
 * otherwise.
 */

/** Below this, a count of non-public applications is never shown nor derivable. */
export const SECRECY_THRESHOLD = 3;
/** Groups at or below this are hidden whenever one group holds 1 to 3 (« s » never means "1 or 2"). */
const BAND = SECRECY_THRESHOLD;

export interface CountInput<K extends string = string> {
	key: K;
	count: number;
	/** Applications of the group that are public anyway (listed funded projects). */
	known?: number;
	/** Public as a whole (e.g. lauréats): shown as is, never hidden. */
	exempt?: boolean;
}

export interface CountCell<K extends string = string> {
	key: K;
	/** The count, or null when hidden by statistical secrecy. */
	count: number | null;
	suppressed: boolean;
}

export interface SuppressOptions {
	/** The table's total is published or derivable: the hidden part must hold enough. */
	totalPublished: boolean;
}

/** Which of these non-public counts are hidden (indices), by the rule above. */
export function hiddenIndices(values: readonly number[], totalPublished: boolean): Set<number> {
	const trigger = values.some((v) => v >= 1 && v <= BAND);
	if (!trigger) return new Set();
	let t = BAND;
	const at = (limit: number) => new Set(values.flatMap((v, i) => (v <= limit ? [i] : [])));
	let hidden = at(t);
	if (totalPublished) {
		const ok = (h: Set<number>) => h.size >= 2 && [...h].reduce((s, i) => s + values[i]!, 0) >= SECRECY_THRESHOLD;
		while (!ok(hidden)) {
			const next = Math.min(...values.filter((v) => v > t));
			if (!Number.isFinite(next)) break;
			t = next;
			hidden = at(t);
		}
	}
	return hidden;
}

export function suppressCounts<K extends string>(cells: readonly CountInput<K>[], options: SuppressOptions): CountCell<K>[] {
	const open = cells.flatMap((c, i) => (c.exempt ? [] : [i]));
	const values = open.map((i) => Math.max(0, cells[i]!.count - (cells[i]!.known ?? 0)));
	const hidden = new Set([...hiddenIndices(values, options.totalPublished)].map((j) => open[j]!));
	return cells.map((c, i) => ({ key: c.key, count: hidden.has(i) ? null : c.count, suppressed: hidden.has(i) }));
}

/**
 * A table's total, itself a count: shown unless it holds 1 to 3 (then every cell is hidden too,
 * and « s » for the total means 1, 2 or 3).
 */
export function secretTotal(total: number): number | null {
	return total >= 1 && total <= BAND ? null : total;
}

export interface CrossingInput<R extends string = string, C extends string = string> {
	rows: readonly R[];
	cols: readonly C[];
	/** count(row, col) and, optionally, how many of those are public anyway. */
	count: (row: R, col: C) => number;
	known?: (row: R, col: C) => number;
	/** The crossing's grand total is published or derivable (it usually is). */
	totalPublished: boolean;
}

export interface Crossing<R extends string = string, C extends string = string> {
	cell: (row: R, col: C) => number | null;
	/** Row and column margins: exact when every cell of the line is shown, else null. */
	rowTotal: (row: R) => number | null;
	colTotal: (col: C) => number | null;
	total: number | null;
	suppressed: boolean;
}

/**
 * A crossing (e.g. status × round) protected as one flat table; its margins are derived from
 * the protected cells only, never computed apart (a margin computed apart would be a second,
 * linked table that could pin a hidden cell).
 */
export function suppressCrossing<R extends string, C extends string>(input: CrossingInput<R, C>): Crossing<R, C> {
	const pairs = input.rows.flatMap((r) => input.cols.map((c) => [r, c] as const));
	const cells = suppressCounts(
		pairs.map(([r, c]) => ({ key: `${r}\u0000${c}`, count: input.count(r, c), known: input.known?.(r, c) ?? 0 })),
		{ totalPublished: input.totalPublished }
	);
	const byKey = new Map(cells.map((c) => [c.key, c.count]));
	const cell = (r: R, c: C) => byKey.get(`${r}\u0000${c}`) ?? null;
	const sum = (values: (number | null)[]) => (values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + v!, 0));
	const allTotal = pairs.reduce((s, [r, c]) => s + input.count(r, c), 0);
	return {
		cell,
		rowTotal: (r) => sum(input.cols.map((c) => cell(r, c))),
		colTotal: (c) => sum(input.rows.map((r) => cell(r, c))),
		total: input.totalPublished ? secretTotal(allTotal) : sum(pairs.map(([r, c]) => cell(r, c))),
		suppressed: cells.some((c) => c.suppressed)
	};
}
