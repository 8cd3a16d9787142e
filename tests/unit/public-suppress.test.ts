/**
 * Statistical secrecy (src/lib/server/public/suppress.ts), tested as an attacker who knows the
 * code: for every possible table in a range, the attacker runs the very function the site runs,
 * groups the tables by what they publish, and so knows, for a published output, every table that
 * could be behind it. A hidden value below 3 is disclosed when, among those tables, that cell
 * never reaches 3 (it is determined, or narrowed to values below 3).
 */
import { describe, expect, it } from 'vitest';
import { hiddenIndices, secretTotal, suppressCounts, suppressCrossing, SECRECY_THRESHOLD } from '../../src/lib/server/public/suppress';

const cells = (...counts: number[]) => counts.map((count, i) => ({ key: `g${i}`, count }));
const shown = (r: { count: number | null }[]) => r.map((c) => c.count);

/** Every vector of `k` counts in 0..max. */
function* tables(k: number, max: number): Generator<number[]> {
	const x = new Array<number>(k).fill(0);
	for (;;) {
		yield [...x];
		let i = 0;
		while (i < k && x[i] === max) x[i++] = 0;
		if (i === k) return;
		x[i]!++;
	}
}

interface Publication {
	/** What a reader sees (any serialisable value). */
	output: string;
	/** The secret values behind it, and which of them the reader does not see. */
	values: number[];
	hidden: boolean[];
}

/**
 * The attacker: for each published output, the largest value each cell takes over every table
 * that gives that output. Returns the disclosures: a hidden value below 3 whose cell cannot reach 3.
 */
function attack(publications: Iterable<Publication>): { output: string; values: number[]; cell: number }[] {
	const best = new Map<string, number[]>();
	const all: Publication[] = [];
	for (const p of publications) {
		all.push(p);
		const b = best.get(p.output);
		if (!b) best.set(p.output, [...p.values]);
		else p.values.forEach((v, i) => (b[i] = Math.max(b[i]!, v)));
	}
	const found: { output: string; values: number[]; cell: number }[] = [];
	for (const p of all) {
		const b = best.get(p.output)!;
		p.values.forEach((v, i) => {
			if (p.hidden[i] && v < SECRECY_THRESHOLD && b[i]! < SECRECY_THRESHOLD) found.push({ output: p.output, values: p.values, cell: i });
		});
	}
	return found;
}

/** A total is itself a count: of 1 to 3, it is hidden (`secretTotal`). */
const publishedTotal = (t: number) => secretTotal(t) ?? 's';

function* oneTable(k: number, max: number, method: (x: number[]) => Set<number>, withTotal: boolean): Generator<Publication> {
	for (const x of tables(k, max)) {
		const hidden = method(x);
		const view = x.map((v, i) => (hidden.has(i) ? 's' : v));
		const total = withTotal ? publishedTotal(x.reduce((s, v) => s + v, 0)) : '-';
		yield { output: JSON.stringify([view, total]), values: x, hidden: x.map((_, i) => hidden.has(i)) };
	}
}

/** The method this replaced: smallest others first, table order on ties, zeros shown. */
function previousMethod(x: number[]): Set<number> {
	const hidden = new Set<number>();
	x.forEach((c, i) => c > 0 && c < 3 && hidden.add(i));
	if (hidden.size === 0) return hidden;
	const candidates = x.map((c, i) => ({ c, i })).filter(({ i }) => !hidden.has(i)).sort((a, b) => a.c - b.c || a.i - b.i);
	const sum = () => [...hidden].reduce((s, i) => s + x[i]!, 0);
	const small = () => sum() < 3 || sum() <= hidden.size;
	while ((hidden.size < 2 || small()) && candidates.length > 0) {
		const pick = small() ? Math.max(0, candidates.findIndex(({ c }) => c > 0)) : 0;
		hidden.add(candidates.splice(pick, 1)[0]!.i);
	}
	return hidden;
}

const current = (withTotal: boolean) => (x: number[]) => hiddenIndices(x, withTotal);

describe('suppressCounts: what it shows', () => {
	it('shows everything when no group holds 1 to 3', () => {
		expect(shown(suppressCounts(cells(0, 4, 10, 25), { totalPublished: true }))).toEqual([0, 4, 10, 25]);
	});

	it('hides every group of at most 3, zeros and 3s included, as soon as one group holds 1 to 3', () => {
		expect(shown(suppressCounts(cells(0, 1, 3, 4, 10), { totalPublished: false }))).toEqual([null, null, null, 4, 10]);
	});

	it('with a published total, raises the threshold until two groups holding 3 or more are hidden', () => {
		// [1] alone: the total would give it; the next count (10) is hidden with it.
		expect(shown(suppressCounts(cells(1, 10, 20), { totalPublished: true }))).toEqual([null, null, 20]);
		// The example of the issue: [3, 2, 2] was published "3, s, s" with its total, so both were 2. Now all three are hidden.
		expect(shown(suppressCounts(cells(3, 2, 2), { totalPublished: true }))).toEqual([null, null, null]);
		// Equal counts are treated alike: never by table order.
		expect(shown(suppressCounts(cells(1, 6, 6, 9), { totalPublished: true }))).toEqual([null, null, null, 9]);
	});

	it('works on the non-public part: listed funded projects are known to every reader', () => {
		// 5 applications of which 4 are listed funded projects: 1 other, hidden.
		const r = suppressCounts([{ key: 'a', count: 5, known: 4 }, { key: 'b', count: 9, known: 0 }], { totalPublished: false });
		expect(shown(r)).toEqual([null, 9]);
	});

	it('never hides nor uses exempt (public) groups', () => {
		const r = suppressCounts(
			[
				{ key: 'laureat', count: 1, exempt: true },
				{ key: 'a', count: 2 },
				{ key: 'b', count: 6 }
			],
			{ totalPublished: true }
		);
		expect(shown(r)).toEqual([1, null, null]);
	});
});

describe('an attacker who knows the algorithm', () => {
	it('undoes the previous method (the harness finds real attacks)', () => {
		const found = attack(oneTable(3, 8, previousMethod, true));
		// The example: "3, s, s" with a total of 7.
		expect(found.some((f) => f.values.join() === '3,2,2')).toBe(true);
		const four = attack(oneTable(4, 7, previousMethod, true));
		expect(four.length).toBeGreaterThan(0);
	});

	for (const withTotal of [false, true]) {
		it(`cannot determine or narrow below 3 any hidden value: every table of 1 to 5 groups, counts 0–8, ${withTotal ? 'with' : 'without'} its total`, () => {
			for (let k = 1; k <= 5; k++) {
				const found = attack(oneTable(k, 8, current(withTotal), withTotal));
				expect(found.slice(0, 3), `${k} groups`).toEqual([]);
			}
		}, 120_000);
	}

	it('cannot use a row total against its crossing: margins and a 3 × 2 crossing, counts 0–8, with the grand total', () => {
		const rows = ['a', 'b', 'c'] as const;
		const cols = ['r1', 'r2'] as const;
		function* publications(): Generator<Publication> {
			for (const x of tables(6, 8)) {
				const count = (r: (typeof rows)[number], c: (typeof cols)[number]) => x[rows.indexOf(r) * 2 + cols.indexOf(c)]!;
				const p = suppressCrossing({ rows, cols, count, totalPublished: true });
				const crossing = rows.flatMap((r) => cols.map((c) => p.cell(r, c)));
				const rowTotals = rows.map((r) => p.rowTotal(r));
				const colTotals = cols.map((c) => p.colTotal(c));
				const secretRowTotals = rows.map((r) => count(r, 'r1') + count(r, 'r2'));
				yield {
					output: JSON.stringify([crossing, rowTotals, colTotals, p.total]),
					values: [...x, ...secretRowTotals],
					hidden: [...crossing.map((v) => v === null), ...rowTotals.map((v) => v === null)]
				};
			}
		}
		expect(attack(publications()).slice(0, 3)).toEqual([]);
	}, 300_000);

	it('would break if the margins were protected apart from the crossing (why they are derived)', () => {
		// Row totals published by the 1-D method, the crossing by the same method, independently.
		function* publications(): Generator<Publication> {
			for (const x of tables(4, 8)) {
				const rowTotals = [x[0]! + x[1]!, x[2]! + x[3]!];
				const hr = hiddenIndices(rowTotals, true);
				const hc = hiddenIndices(x, true);
				const view = x.map((v, i) => (hc.has(i) ? 's' : v));
				const rt = rowTotals.map((v, i) => (hr.has(i) ? 's' : v));
				yield { output: JSON.stringify([view, rt, publishedTotal(rowTotals[0]! + rowTotals[1]!)]), values: x, hidden: x.map((_, i) => hc.has(i)) };
			}
		}
		expect(attack(publications()).length).toBeGreaterThan(0);
	});
});
