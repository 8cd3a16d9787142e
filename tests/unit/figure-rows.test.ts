/**
 * A figure and the list behind it count the same rows (issue 16 §4), on a generated set larger
 * than the samples, unfiltered and filtered: each headline count equals the applications the
 * table lists with the figure's row filter (list-filter.ts) plus the agreements it says it
 * cannot list; each rule's flags equal the flags of the dossiers listed for it plus those of the
 * unlisted agreements. A consortium member's rule filter is ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilterParams, type UrlFilter } from '../../src/lib/filter-params';
import { parseRowFilter } from '../../src/lib/list-filter';
import { figureScope, seesEverything, consortiumBricks } from '../../src/lib/server/auth/scope';
import type { Database } from '../../src/lib/server/db/database';
import { applicationsList, listParams, type ListParams } from '../../src/lib/server/figures/dashboard/applications';
import type { DashboardContext } from '../../src/lib/server/figures/dashboard/context';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { importExports } from '../../src/lib/server/import/load';
import { generateDataset, renderCsv } from '../../scripts/demo-data';
import { openTempDb } from './fixtures';

type Who = { id: string; email: string; role: 'admin' | 'auditor' | 'consortium'; org: string | null };
const admin: Who = { id: 'a', email: 'admin@example.org', role: 'admin', org: null };
const nexedi: Who = { id: 'n', email: 'n@example.org', role: 'consortium', org: 'nexedi' };

let db: Database;
beforeAll(async () => {
	db = await openTempDb();
	const ds = generateDataset({ seed: 21, applications: 900 });
	const inputs = (['candidatures', 'conventions', 'rapports'] as const).map((k) => ({ name: `${k}.csv`, bytes: renderCsv(k, ds[k], 'clean-utf8') }));
	// An agreement naming an application that is not loaded (an orphan), as in the samples.
	const orphan = new TextDecoder().decode(inputs[1]!.bytes).trimEnd().split('\n');
	const last = orphan.at(-1)!.split(',');
	last[0] = 'CONV-ORPHELINE-1';
	last[1] = 'HOX-2099-999';
	inputs[1]!.bytes = new TextEncoder().encode([...orphan, last.join(',')].join('\n') + '\n');
	const result = await importExports(db, inputs, { actor: 'test', source: 'cli' });
	expect(result.errors).toEqual([]);
}, 120_000);
afterAll(() => db?.close());

function context(user: Who, filter: UrlFilter): DashboardContext {
	const orgBricks = consortiumBricks(user);
	return {
		db,
		user,
		lang: 'fr',
		filter,
		scoped: figureScope(user, filter),
		seesAll: seesEverything(user),
		orgBricks,
		scope: { consortium: orgBricks !== null, orgName: null, bricks: orgBricks ?? [] }
	};
}

/** The list at `query` (dashboard filters and row filters in one query string). */
async function list(user: Who, query: string) {
	const url = new URL(`http://x/app/candidatures?${query}`);
	const p: ListParams = listParams(url);
	return applicationsList(context(user, parseFilterParams(url.searchParams)), p);
}

describe('a figure and its list', () => {
	for (const query of ['', 'releve=2', 'brique=sozu', 'region=Bretagne&releve=1']) {
		it(`count the same rows (${query || 'no filter'})`, async () => {
			const filter = parseFilterParams(new URLSearchParams(query));
			const k = await computeKpis(db, filter);
			const and = (rows: string) => [query, rows].filter(Boolean).join('&');
			const figure = async (rows: string) => {
				const l = await list(admin, and(rows));
				return l.total + l.unlisted.length;
			};
			expect(await figure('')).toBe(k.applications.total);
			expect(await figure('convention=financee')).toBe(k.funding.funded_projects);
			expect(await figure('code=publie')).toBe(k.open_source.published);
			expect(await figure('convention=financee&ouvert=background')).toBe(k.open_source.background);
			expect(await figure('convention=financee&ouvert=foreground')).toBe(k.open_source.foreground_committed);
			expect(await figure('dnsh=signale')).toBe(k.dnsh.flagged_applications);
			expect(k.funding.funded_projects).toBeGreaterThan(0);
			// Each rule: the flags of the dossiers listed, plus those of the agreements not listable.
			const perRule = new Map<string, number>();
			for (const f of k.rule_flags) if (f.rule !== 'R17') perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
			expect(perRule.size).toBeGreaterThan(3);
			for (const [rule, count] of perRule) {
				const l = await list(admin, and(`regle=${rule}`));
				const unlistedFlags = l.unlisted.reduce((n, u) => n + u.rules.length, 0);
				expect((l.flagCount ?? 0) + unlistedFlags, rule).toBe(count);
			}
		}, 120_000);
	}

	it('says which agreements a figure counts that the list cannot show (no filter only)', async () => {
		const l = await list(admin, 'convention=financee');
		expect(l.unlisted.map((u) => u.numero_dossier)).toContain('HOX-2099-999');
		expect((await list(admin, 'convention=financee&releve=1')).unlisted).toEqual([]);
		expect((await list(admin, 'convention=financee&q=HOX')).unlisted).toEqual([]);
	});

	it('ignores a consortium member’s rule filter, and never lists an agreement outside their scope', async () => {
		const without = await list(nexedi, 'convention=financee');
		const withRule = await list(nexedi, 'convention=financee&regle=R3');
		expect(withRule.total).toBe(without.total);
		expect(withRule.rowFilter).toEqual({ convention: 'financee' });
		expect(withRule.flagCount).toBeNull();
		expect(without.unlisted).toEqual([]);
		expect(without.total).toBeGreaterThan(0);
		// Only lauréats naming one of its bricks.
		for (const row of without.table.rows) expect(row.statut).toBe('laureat');
	});

	it('parses the row filters the list applies', () => {
		expect(parseRowFilter(new URLSearchParams('regle=R3&convention=financee'))).toEqual({ regle: ['R3'], convention: ['signee', 'en_cours', 'soldee'] });
	});
});
