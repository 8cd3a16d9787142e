/**
 * The figures memo (src/lib/server/figures/memo.ts) never serves stale or shared figures:
 * every committed write (load, refused load, undo, any other write) starts afresh; what is
 * kept equals a fresh computation; each caller gets its own copy; concurrent callers share
 * one computation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, renderCsv } from '../../scripts/demo-data';
import { Database } from '../../src/lib/server/db/database';
import { computeKpis } from '../../src/lib/server/figures/kpis';
import { setFiguresMemo } from '../../src/lib/server/figures/memo';
import { overviewData } from '../../src/lib/server/figures/dashboard/overview';
import type { DashboardContext } from '../../src/lib/server/figures/dashboard/context';
import { importExports } from '../../src/lib/server/import/load';
import { restorePrevious } from '../../src/lib/server/import/restore';
import { openTempDb } from './fixtures';

let db: Database;

const set = (seed: number, applications: number) => {
	const ds = generateDataset({ seed, applications });
	return (['candidatures', 'conventions', 'rapports'] as const).map((k) => ({ name: `${k}.csv`, bytes: renderCsv(k, ds[k], 'clean-utf8') }));
};

async function fresh() {
	const previous = setFiguresMemo(false);
	try {
		return await computeKpis(db);
	} finally {
		setFiguresMemo(previous);
	}
}

function ctx(role: 'admin' | 'consortium', org: string | null = null): DashboardContext {
	const orgBricks = role === 'consortium' ? ['slapos'] : null;
	return {
		db,
		user: { id: 'u', email: 'u@test.local', role, org } as DashboardContext['user'],
		lang: 'fr',
		filter: {},
		scoped: orgBricks ? { briques: orgBricks } : {},
		seesAll: role === 'admin',
		orgBricks,
		scope: { consortium: role !== 'admin', orgName: org, bricks: orgBricks ?? [] }
	} as DashboardContext;
}

beforeAll(async () => {
	db = await openTempDb();
});

afterAll(() => db.close());

describe('figures memo', () => {
	it('follows every write: loads, refused loads, undo', async () => {
		expect((await computeKpis(db)).applications.total).toBe(0);
		await importExports(db, set(1, 150), { actor: 't', source: 'cli' });
		const a = await computeKpis(db);
		expect(a.applications.total).toBe(150);
		expect(a).toEqual(await fresh());

		await importExports(db, set(2, 90), { actor: 't', source: 'cli' });
		const b = await computeKpis(db);
		expect(b.applications.total).toBe(90);
		expect(b).toEqual(await fresh());

		const before = db.generation;
		const refused = await importExports(db, [{ name: 'x.csv', bytes: new TextEncoder().encode('numero_dossier;releve\nHOX-1;9\n') }], { actor: 't', source: 'cli' });
		expect(refused.ok).toBe(false);
		expect(db.generation).toBeGreaterThan(before); // the refusal is recorded: a write
		expect(await computeKpis(db)).toEqual(b);

		for (const kind of ['candidatures', 'conventions', 'rapports']) await restorePrevious(db, kind, { actor: 't', source: 'cli', ip: null });
		expect(await computeKpis(db)).toEqual(a);
		expect(await computeKpis(db)).toEqual(await fresh());
	}, 60_000);

	it('gives each caller its own copy', async () => {
		const first = await computeKpis(db);
		first.applications.total = -1;
		first.rule_flags.length = 0;
		const second = await computeKpis(db);
		expect(second.applications.total).toBeGreaterThan(0);
		expect(second).toEqual(await fresh());
	});

	it('shares one computation between concurrent callers, and keeps scopes apart', async () => {
		await importExports(db, set(3, 120), { actor: 't', source: 'cli' });
		let queries = 0;
		const all = db.all.bind(db);
		db.all = ((sql: string, params?: unknown) => {
			queries++;
			return all(sql, params as never);
		}) as typeof db.all;
		try {
			const results = await Promise.all(Array.from({ length: 20 }, () => computeKpis(db)));
			const once = queries;
			expect(once).toBeLessThan(15); // one computation (a handful of queries), not twenty
			for (const r of results) expect(r).toEqual(results[0]);

			const admin = await overviewData(ctx('admin'));
			const member = await overviewData(ctx('consortium', 'nexedi'));
			expect(member.flagCount).toBe(0); // a consortium member never sees rule flags
			expect(admin.flagCount).toBe((await computeKpis(db)).rule_flags.length);
			expect(admin.flagCount).toBeGreaterThan(0);
			expect(member.kpis.applications.total).toBeLessThan(admin.kpis.applications.total);
			// Again, from the memo: still apart.
			expect((await overviewData(ctx('consortium', 'nexedi'))).kpis).toEqual(member.kpis);
			expect((await overviewData(ctx('admin'))).kpis).toEqual(admin.kpis);
			expect((await overviewData(ctx('admin'))).flagCount).toBe(admin.flagCount);
		} finally {
			db.all = all;
		}
	}, 60_000);
});
