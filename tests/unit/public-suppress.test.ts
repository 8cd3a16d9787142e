/** Statistical secrecy (src/lib/server/public/suppress.ts). */
import { describe, expect, it } from 'vitest';
import { suppressCounts } from '../../src/lib/server/public/suppress';

const cells = (...counts: number[]) => counts.map((count, i) => ({ key: `g${i}`, count }));
const shown = (r: { count: number | null }[]) => r.map((c) => c.count);

describe('suppressCounts', () => {
	it('hides groups of 1 or 2, shows 0 and 3 or more', () => {
		expect(shown(suppressCounts(cells(0, 1, 2, 3, 10), { totalPublished: false }))).toEqual([0, null, null, 3, 10]);
	});

	it('with a published total, a lone hidden group takes the smallest other with it', () => {
		expect(shown(suppressCounts(cells(1, 5, 4, 9), { totalPublished: true }))).toEqual([null, 5, null, 9]);
	});

	it('keeps hiding until the hidden groups hold at least 3 and more than their number', () => {
		// 1 + 1 = 2 < 3: one more.
		expect(shown(suppressCounts(cells(1, 1, 7, 4), { totalPublished: true }))).toEqual([null, null, 7, null]);
		// 1 + 2 = 3 over two groups: enough.
		expect(shown(suppressCounts(cells(1, 2, 7, 4), { totalPublished: true }))).toEqual([null, null, 7, 4]);
		// 1 + 1 + 1 = 3 over three groups would give each away: one more.
		expect(shown(suppressCounts(cells(1, 1, 1, 5, 8), { totalPublished: true }))).toEqual([null, null, null, null, 8]);
	});

	it('hides an empty group only to reach two hidden groups', () => {
		// 3 alone is exposed by the total; the empty group makes two hidden groups holding 3.
		expect(shown(suppressCounts(cells(0, 2, 1, 40), { totalPublished: true }))).toEqual([0, null, null, 40]);
		expect(shown(suppressCounts(cells(0, 2, 5, 40), { totalPublished: true }))).toEqual([0, null, null, 40]);
		expect(shown(suppressCounts(cells(0, 1, 1, 40), { totalPublished: true }))).toEqual([0, null, null, null]);
		expect(shown(suppressCounts(cells(0, 2, 0), { totalPublished: true }))).toEqual([null, null, null]);
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

	it('no differencing: the published total minus the shown groups never pins a hidden group', () => {
		// Exhaustive over small tables: for every table, the hidden groups are ≥ 2 and hold > their number and ≥ 3,
		// or every group is hidden.
		const values = [0, 1, 2, 3, 4];
		for (const a of values) for (const b of values) for (const c of values) for (const d of values) {
			const r = suppressCounts(cells(a, b, c, d), { totalPublished: true });
			const hidden = r.map((x, i) => (x.suppressed ? [a, b, c, d][i]! : null)).filter((x): x is number => x !== null);
			if (hidden.length === 0) continue;
			const sum = hidden.reduce((s, x) => s + x, 0);
			const all = hidden.length === 4;
			expect(all || (hidden.length >= 2 && sum >= 3 && sum > hidden.length), `${[a, b, c, d]}`).toBe(true);
		}
	});
});
