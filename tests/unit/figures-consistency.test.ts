/**
 * One label, one number (issue 16 §5), below the HTML: the figures every page, download,
 * open-data file and the report are built from, read from the server modules for the
 * committed samples and for a generated larger set, checked by tests/consistency.ts (equal
 * names → equal values, kpis paths → the kpis, reconciliations add up). And the check fails
 * when one definition is broken on purpose. tests/e2e/figures.test.ts reads the rendered pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, renderCsv, DEMO_KINDS } from '../../scripts/demo-data';
import { BRICK_IDS } from '../../src/lib/domain/bricks';
import type { Database } from '../../src/lib/server/db/database';
import type { DashboardContext } from '../../src/lib/server/figures/dashboard/context';
import { brickData } from '../../src/lib/server/figures/dashboard/bricks';
import { fundingData } from '../../src/lib/server/figures/dashboard/funding';
import { geographyData } from '../../src/lib/server/figures/dashboard/geography';
import { overviewData } from '../../src/lib/server/figures/dashboard/overview';
import { computeKpis, fundingReconciliation, type Kpis } from '../../src/lib/server/figures/kpis';
import { importExports } from '../../src/lib/server/import/load';
import { awardingBody } from '../../src/lib/server/public/config';
import { projectsCsv, projectsJson, scdlCsv, scdlHeldOut, threeSixtyGiving } from '../../src/lib/server/public/opendata';
import { publicBrick, publicOverview } from '../../src/lib/server/public/overview';
import { publishedProjects, publishedTotals } from '../../src/lib/server/public/projects';
import { buildReport } from '../../src/lib/server/report/build';
import { byRowLabel, csvRows, empty, merge, violations, type Observations } from '../consistency';
import { openTempDb } from './fixtures';

const REPORT_LABELS: Record<string, string> = {
	'Projets financés (conventions non résiliées)': 'funding.funded_projects',
	Engagé: 'funding.committed_eur',
	'Rendu à l’enveloppe (conventions soldées)': 'funding.released_eur',
	Versé: 'funding.paid_eur',
	'Restant sur l’enveloppe': 'funding.remaining_eur',
	'Emplois créés (ETP, derniers rapports)': 'jobs.created',
	'Chiffre d’affaires généré (derniers rapports)': 'revenue.generated_eur',
	'Signalements de règles': 'rule_flags.length'
};

function admin(db: Database): DashboardContext {
	return {
		db,
		user: { id: 'u', email: 'u@test.local', role: 'admin', org: null } as DashboardContext['user'],
		lang: 'fr',
		filter: {},
		scoped: {},
		seesAll: true,
		orgBricks: null,
		scope: { consortium: false, orgName: null, bricks: [] }
	} as DashboardContext;
}

const sum = (values: (string | number | null | undefined)[]) => values.reduce<number>((s, v) => s + Math.round(Number(v ?? 0) * 100), 0) / 100;

/** Every labelled figure the pages, files and report are built from. */
async function observe(db: Database): Promise<{ obs: Observations; kpis: Kpis }> {
	const kpis = await computeKpis(db);
	const rc = await fundingReconciliation(db);
	const out = empty();
	// A figure the secrecy rule hides (null) is shown nowhere, so it cannot disagree.
	const see = (source: string, name: string, value: number | string | null) => {
		if (value !== null) out.seen.push({ source, name, value });
	};
	const reconcile = (source: string, name: string, total: number | string, parts: (number | string)[]) => {
		out.reconciliations.push({ source, name, total, parts });
		see(source, name, total);
	};

	// Public home.
	const o = await publicOverview(db);
	see('home', 'funding.committed_eur', o.exact.committedEur);
	see('home', 'funding.paid_eur', o.exact.paidEur);
	see('home', 'funding.remaining_eur', o.exact.remainingEur);
	see('home', 'funding.released_eur', o.exact.releasedEur);
	see('home', 'funding.funded_projects', o.funding.fundedProjects);
	see('home', 'jobs.created', o.jobs.created);
	see('home', 'open_source.published', o.openSource.published);
	for (const b of o.bricks) if (b.catalogue) see('home', `bricks.${b.id}.funded`, b.funded);
	reconcile('home: by round', 'funding.funded_projects', o.funding.fundedProjects, [...o.applications.byRound.map((r) => r.funded), rc.funded_orphan + rc.funded_unlisted]);
	reconcile('home', 'funding.funded_projects', rc.funded, [rc.funded_listed, rc.funded_orphan, rc.funded_unlisted]);
	reconcile('home', 'funding.paid_eur', rc.paid_eur, [rc.paid_listed_eur, rc.paid_terminated_eur, rc.paid_orphan_eur, rc.paid_unlisted_eur]);
	reconcile('home', 'funding.committed_eur', rc.committed_eur, [rc.committed_listed_eur, rc.committed_unlisted_eur]);

	// /projets: the list and its own sums, reconciled with the programme.
	const projects = await publishedProjects(db);
	const totals = await publishedTotals(db);
	see('/projets', 'listed.funded_projects', totals.projects);
	see('/projets list', 'listed.funded_projects', projects.filter((p) => !p.terminated).length);
	see('/projets', 'listed.paid_eur', totals.paidEur);
	see('/projets', 'listed.committed_eur', totals.committedEur);
	reconcile('/projets', 'funding.paid_eur', rc.paid_eur, [rc.paid_listed_eur, rc.paid_terminated_listed_eur, rc.paid_orphan_eur, rc.paid_other_unlisted_eur]);
	reconcile('/projets', 'listed.paid_eur', totals.paidEur, [rc.paid_listed_eur, rc.paid_terminated_listed_eur]);
	const counted = projects.filter((p) => !p.terminated && p.openSource.published).length;
	reconcile('home: published code', 'open_source.published', o.openSource.published, [counted, o.openSource.published - counted]);

	// Open data.
	const csv = csvRows(projectsCsv(projects));
	const h = csv[0]!;
	const rows = csv.slice(1).filter((r) => r.length === h.length);
	see('projets-finances.csv', 'listed.paid_eur', sum(rows.map((r) => r[h.indexOf('montant_verse')])));
	see('projets-finances.csv', 'listed.committed_eur', sum(rows.map((r) => r[h.indexOf('montant_engage')])));
	const meta = { dataVersion: 'test', generatedAt: '2026-12-01T00:00:00Z' } as never;
	const json = projectsJson(projects, meta) as { projects: { montant_engage: number; montant_verse: number }[] };
	see('projets-finances.json', 'listed.paid_eur', sum(json.projects.map((p) => p.montant_verse)));
	const scdl = csvRows(scdlCsv(projects, awardingBody({})));
	// The SCDL file leaves out the lauréats without a valid SIRET (R22; /donnees says so): with them, it is the list.
	const scdlSum = sum(scdl.slice(1).filter((r) => r.length === scdl[0]!.length).map((r) => r[scdl[0]!.indexOf('montant')]));
	const heldOut = sum(scdlHeldOut(projects).map((p) => p.committedEur));
	reconcile('subventions-scdl.csv', 'listed.committed_eur', sum([scdlSum, heldOut]), [scdlSum, heldOut]);
	const giving = threeSixtyGiving(projects, awardingBody({}), meta) as { grants: { amountAwarded: number; amountDisbursed?: number }[] };
	see('360giving.json', 'listed.committed_eur', sum(giving.grants.map((g) => g.amountAwarded)));
	see('360giving.json', 'listed.paid_eur', sum(giving.grants.map((g) => g.amountDisbursed ?? 0)));

	// Dashboard.
	const ctx = admin(db);
	const ov = await overviewData(ctx);
	see('/app', 'funding.funded_projects', ov.kpis.funding.funded_projects);
	see('/app', 'funding.released_eur', ov.kpis.funding.released_eur);
	const f = await fundingData(ctx);
	see('/app/financement', 'funding.committed_eur', f.totals.committed);
	see('/app/financement', 'funding.paid_eur', f.totals.paid);
	see('/app/financement', 'funding.released_eur', f.totals.released);
	see('/app/financement', 'funding.remaining_eur', f.totals.remaining);
	reconcile('/app/financement', 'funding.granted_eur', f.totals.granted, [f.totals.committed, f.totals.released, f.totals.terminatedUnpaid, -Number(f.totals.closedOverpaid)]);
	const g = await geographyData(ctx);
	reconcile('/app/geographie', 'funding.funded_projects', g.funded, [g.placed, g.unplaced]);

	// Each brick, public and signed in.
	for (const id of BRICK_IDS) {
		const pb = (await publicBrick(db, id))!;
		const db2 = (await brickData(ctx, id))!;
		see(`/briques/${id}`, `bricks.${id}.funded`, pb.funded);
		see(`/app/briques/${id}`, `bricks.${id}.funded`, db2.kpis.fundedWithApplication);
		see(`/briques/${id}`, `brick.${id}.committed_eur`, pb.figures.committedEur);
		see(`/app/briques/${id}`, `brick.${id}.committed_eur`, db2.kpis.committed);
		see(`/briques/${id}`, `brick.${id}.jobs.created`, pb.figures.jobsCreated);
		see(`/app/briques/${id}`, `brick.${id}.jobs.created`, db2.kpis.jobsCreated);
		see(`/briques/${id}`, `brick.${id}.published`, pb.figures.published);
		see(`/app/briques/${id}`, `brick.${id}.published`, db2.kpis.published);
		reconcile(`/briques/${id}`, `bricks.${id}.funded`, pb.funded, [pb.totals.projects, pb.funded - pb.totals.projects]);
		// The listed part is never more than the whole.
		if (pb.totals.projects > pb.funded) out.unmarked.push(`/briques/${id}: ${pb.totals.projects} listed > ${pb.funded} funded`);
	}

	// The report, over a period covering every date: its stocks are the headline figures.
	const model = await buildReport(db, { start: '2024-01-01', end: '2099-12-31' }, 'fr');
	const synth = model.sections.flatMap((s) => s.tables).find((t) => t.id === 'synthese')!;
	out.seen.push(...byRowLabel(synth.rows.map((r) => r.map((c) => c.value)), REPORT_LABELS, 'report').seen);

	return { obs: out, kpis };
}

async function loadInto(db: Database, files: { name: string; bytes: Uint8Array }[]) {
	const result = await importExports(db, files, { actor: 'test', source: 'cli' });
	expect(result.errors).toEqual([]);
}

describe('one label, one number (the figures behind every page)', () => {
	let samples: Database;
	let large: Database;
	beforeAll(async () => {
		samples = await openTempDb();
		await loadInto(
			samples,
			fs.readdirSync('data/samples').filter((f) => f.endsWith('.csv')).map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join('data/samples', f))) }))
		);
		// A generated set four times larger, another seed: every special case four times over.
		large = await openTempDb();
		const ds = generateDataset({ seed: 7, applications: 600 });
		await loadInto(large, DEMO_KINDS.map((k) => ({ name: `${k}.csv`, bytes: renderCsv(k, ds[k], 'clean-utf8') })));
	}, 60_000);
	afterAll(() => {
		samples.close();
		large.close();
	});

	it('agree on the committed samples', async () => {
		const { obs, kpis } = await observe(samples);
		expect(violations(obs, kpis)).toEqual([]);
		expect(obs.seen.length).toBeGreaterThan(80);
	});

	it('agree on a generated set of 600 applications', async () => {
		const { obs, kpis } = await observe(large);
		expect(violations(obs, kpis)).toEqual([]);
		// The larger set holds every case the reconciliations speak of.
		const rc = await fundingReconciliation(large);
		expect(rc.funded_orphan).toBeGreaterThan(0);
		expect(rc.terminated_listed).toBeGreaterThan(0);
		expect(rc.closed_below_grant).toBeGreaterThan(0);
	});

	describe('fail when one definition is broken on purpose', () => {
		it('the report computing committed with the old definition (a closed grant committing its whole amount)', async () => {
			const { obs, kpis } = await observe(samples);
			const old = await samples.one<{ v: string }>(
				`SELECT sum(CASE WHEN statut <> 'resiliee' THEN montant_aide ELSE paid_eur END)::VARCHAR AS v FROM agreements`
			);
			const broken = merge(obs, { seen: [{ source: 'report (old definition)', name: 'funding.committed_eur', value: old!.v }], reconciliations: [], unmarked: [] });
			expect(violations(broken, kpis).some((v) => v.startsWith('funding.committed_eur'))).toBe(true);
		});

		it('the public home counting funded projects as the listed lauréats (21 vs 19 in the issue)', async () => {
			const { obs, kpis } = await observe(samples);
			const listed = (await publishedTotals(samples)).projects;
			expect(listed).not.toBe(kpis.funding.funded_projects);
			const broken = merge(obs, { seen: [{ source: 'home (narrower scope, same label)', name: 'funding.funded_projects', value: listed }], reconciliations: [], unmarked: [] });
			expect(violations(broken, kpis).join('\n')).toMatch(/funding\.funded_projects/);
		});

		it('a reconciliation line that forgets a part (the orphans)', async () => {
			const { obs, kpis } = await observe(samples);
			const rc = await fundingReconciliation(samples);
			const broken = merge(obs, { seen: [], reconciliations: [{ source: '/projets', name: 'funding.funded_projects', total: rc.funded, parts: [rc.funded_listed] }], unmarked: [] });
			expect(violations(broken, kpis).join('\n')).toMatch(/parts .* ≠/);
		});

		it('the shared agreements table with closed grants committing their whole amount again: what was granted no longer reconciles', async () => {
			// Every reader reads the one definition, so a wrong shared definition moves them all
			// together; the reconciliation of granted = committed + released + not paid on
			// terminated grants still catches it (and figures.test.ts pins the definition itself).
			const db = await openTempDb();
			try {
				await loadInto(
					db,
					fs.readdirSync('data/samples').filter((f) => f.endsWith('.csv')).map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join('data/samples', f))) }))
				);
				await db.write((tx) => tx.run(`UPDATE agreements SET committed_eur = montant_aide, to_pay_eur = montant_aide - paid_eur WHERE statut = 'soldee'`));
				const { obs, kpis } = await observe(db);
				expect(kpis.funding.committed_eur).toBeGreaterThan((await computeKpis(samples)).funding.committed_eur);
				expect(violations(obs, kpis).join('\n')).toMatch(/funding\.granted_eur .* ≠/);
			} finally {
				db.close();
			}
		});
	});
});
