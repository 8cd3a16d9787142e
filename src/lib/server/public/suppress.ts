/**
 * Statistical secrecy for counts of applications (programme.md "Obligations": applications are
 * confidential; only lauréats' public information and aggregates may be published).
 *
 * The rule, applied to every table of counts over applications that are not all lauréats:
 *
 * 1. Primary suppression: a group of 1 or 2 applications is not shown (« s », secret
 *    statistique). An empty group (0) is shown: it reveals no one.
 * 2. Complementary suppression: when the table's total is published (or can be derived from
 *    published figures, e.g. the number of applications per round), the hidden groups'
 *    combined count can be found by subtraction. So more groups are hidden, smallest first
 *    (table order on a tie), until at least two groups are hidden and they hold together at
 *    least 3 applications and more applications than there are hidden groups (otherwise each
 *    would be pinned: 1 + 1 = 2 over two groups means one each). An empty group is taken only
 *    to make up the second hidden group, or when no non-empty group is left (then the reader
 *    knows the total but not which group holds it).
 * 3. Groups whose count is already public (e.g. the number of lauréats, listed one by one) are
 *    exempt: they are always shown and never used for complementary suppression.
 *
 * Hidden cells all look the same (« s »), whether hidden for being small or to protect another.
 */

export const SECRECY_THRESHOLD = 3;

export interface CountInput<K extends string = string> {
	key: K;
	count: number;
	/** Public anyway (lauréats): shown as is, never hidden. */
	exempt?: boolean;
}

export interface CountCell<K extends string = string> {
	key: K;
	/** The count, or null when hidden by statistical secrecy. */
	count: number | null;
	suppressed: boolean;
}

export interface SuppressOptions {
	/** The table's total is published or derivable: apply complementary suppression. */
	totalPublished: boolean;
	threshold?: number;
}

export function suppressCounts<K extends string>(cells: readonly CountInput<K>[], options: SuppressOptions): CountCell<K>[] {
	const threshold = options.threshold ?? SECRECY_THRESHOLD;
	const hidden = new Set<number>();
	cells.forEach((c, i) => {
		if (!c.exempt && c.count > 0 && c.count < threshold) hidden.add(i);
	});
	if (options.totalPublished && hidden.size > 0) {
		const candidates = cells
			.map((c, i) => ({ c, i }))
			.filter(({ c, i }) => !c.exempt && !hidden.has(i))
			.sort((a, b) => a.c.count - b.c.count || a.i - b.i);
		const hiddenSum = () => [...hidden].reduce((s, i) => s + cells[i]!.count, 0);
		// Hidden groups are at least 1 each as far as a reader can tell: a hidden total equal to the
		// number of hidden groups would give each of them away (all ones), so it must exceed it.
		const sumTooSmall = () => hiddenSum() < threshold || hiddenSum() <= hidden.size;
		while ((hidden.size < 2 || sumTooSmall()) && candidates.length > 0) {
			// An empty group adds nothing to the hidden total: take one only to reach two groups.
			// With no non-empty group left, the empty ones are hidden too: the reader then knows the
			// total, but not which group holds it.
			const pick = sumTooSmall() ? Math.max(0, candidates.findIndex(({ c }) => c.count > 0)) : 0;
			hidden.add(candidates.splice(pick, 1)[0]!.i);
		}
	}
	return cells.map((c, i) => ({ key: c.key, count: hidden.has(i) ? null : c.count, suppressed: hidden.has(i) }));
}
