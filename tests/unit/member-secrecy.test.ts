/**
 * Statistical secrecy for consortium members (issue 17 §1).
 *
 * The proof is by invariance: two databases differ only in what a member must not learn of the
 * applications that are not lauréats of its bricks (their region, amounts, DNSH scores, other
 * bricks, names; and everything about applications not naming its bricks), and agree on what the
 * protected table counts (status and round of those naming its bricks). Every table of every
 * dashboard page (the CSVs are built from them: datasets.ts), the overview's figures and charts'
 * data, and the API's figures must then be identical, for every filter and combination of
 * filters: no filter, and no difference of two filtered views, can reveal those applications.
 * Pages are taken from DATASET_PAGES, so a new page is covered as soon as it is registered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/lib/server/auth/guard';
import { kpisFor } from '../../src/lib/server/auth/scope';
import type { Database } from '../../src/lib/server/db/database';
import { brickData, bricksData } from '../../src/lib/server/figures/dashboard/bricks';
import { contextFor, filterOptions } from '../../src/lib/server/figures/dashboard/context';
import { DATASET_PAGES } from '../../src/lib/server/figures/dashboard/datasets';
import { dnshCharts, dnshData } from '../../src/lib/server/figures/dashboard/dnsh';
import { fundingCharts, fundingData } from '../../src/lib/server/figures/dashboard/funding';
import { geographyCharts, geographyData } from '../../src/lib/server/figures/dashboard/geography';
import { impactCharts, impactData } from '../../src/lib/server/figures/dashboard/impact';
import { openSourceCharts, openSourceData } from '../../src/lib/server/figures/dashboard/opensource';
import { applicationsList, listParams } from '../../src/lib/server/figures/dashboard/applications';
import { overviewCharts, overviewData } from '../../src/lib/server/figures/dashboard/overview';
import type { UrlFilter } from '../../src/lib/filter-params';
import { memberApplications } from '../../src/lib/server/figures/member-secrecy';
import { agreement, application, load, openTempDb, type RowValues } from './fixtures';

const nexedi: User = { id: 'u-nexedi', email: 'nexedi@example.org', role: 'consortium', org: 'nexedi' };

/** Lauréats (public) and the applications a Nexedi member must not see one by one. */
function applications(variant: 'a' | 'b'): RowValues[] {
	const b = variant === 'b';
	return [
		application({ numero_dossier: 'HOX-L1', raison_sociale: 'Lauréat Un', siren: '732829320', briques: 'SlapOS', code_postal: '75011' }),
		application({ numero_dossier: 'HOX-L2', raison_sociale: 'Lauréat Deux', siren: '443061841', briques: 'SlapOS|Sozu', code_postal: '35000', releve: '1' }),
		application({ numero_dossier: 'HOX-O2', raison_sociale: 'Lauréat Autre', siren: '542051180', briques: 'Sozu', code_postal: '69001' }),
		// Naming SlapOS, not lauréats: only their status and round may count (in the protected table).
		application({
			numero_dossier: 'HOX-N1',
			statut: 'non_retenue',
			releve: '1',
			raison_sociale: b ? 'Autre Nom' : 'Corse Seule SAS',
			siren: '552081317',
			code_postal: b ? '35000' : '20000',
			briques: b ? 'SlapOS|Wendelin' : 'SlapOS',
			aide_demandee: b ? '60000' : '100000',
			assiette_eligible: b ? '75000' : '125000',
			dnsh_attenuation: b ? '-2' : '1',
			dnsh_eau: b ? '2' : '0'
		}),
		application({ numero_dossier: 'HOX-N2', statut: 'en_expertise', raison_sociale: 'Nadir Deux', siren: '383474814', code_postal: b ? '20000' : '75004', briques: 'SlapOS', aide_demandee: b ? '90000' : '100000', assiette_eligible: b ? '112500' : '125000' }),
		application({ numero_dossier: 'HOX-N3', statut: 'deposee', raison_sociale: 'Nadir Trois', siren: '410409460', code_postal: '75005', briques: b ? 'SlapOS' : 'SlapOS|xcp-ng', emplois_prevus: b ? '9' : '3' }),
		// Not naming SlapOS: nothing of them at all.
		application({ numero_dossier: 'HOX-X1', statut: b ? 'desistement' : 'non_retenue', raison_sociale: 'Xen Seul', siren: '334487062', code_postal: b ? '13001' : '20000', briques: b ? 'Biscuit' : 'xcp-ng', releve: b ? '2' : '1' })
	];
}

const agreements = [
	agreement({ numero_convention: 'CONV-L1', numero_dossier: 'HOX-L1' }),
	agreement({ numero_convention: 'CONV-L2', numero_dossier: 'HOX-L2', montant_aide: '80000', montant_avance: '24000' }),
	agreement({ numero_convention: 'CONV-O2', numero_dossier: 'HOX-O2' })
];

const FILTERS: UrlFilter[] = [
	{},
	{ region: ['Corse'] },
	{ statut: ['non_retenue'] },
	{ releve: [1] },
	{ region: ['Corse'], statut: ['non_retenue'], releve: [1] },
	{ region: ['Bretagne'] },
	{ region: ['Île-de-France'], releve: [2] },
	{ statut: ['en_expertise', 'deposee'] },
	{ briques: ['slapos'] },
	{ briques: ['xcp-ng'] },
	{ briques: ['sozu'], region: ['Bretagne'] }
];

/** Everything a member can get for a filter, as JSON, without load times (they differ between the two databases). */
async function memberView(db: Database, filter: UrlFilter): Promise<unknown> {
	const out: Record<string, unknown> = {};
	for (const lang of ['fr'] as const) {
		const ctx = contextFor(db, nexedi, filter, lang);
		for (const [key, page] of Object.entries(DATASET_PAGES)) {
			if (page.roles && !page.roles.includes('consortium')) continue;
			for (const rest of [[], ['slapos'], ['sozu'], ['xcp-ng']]) {
				if (rest.length && key !== 'briques') continue;
				const tables = await page.load(ctx, rest, new URL('http://localhost/app/csv/x.csv'));
				out[`${lang}/${key}/${rest.join('/')}`] = tables;
			}
		}
		out[`${lang}/filterOptions`] = await filterOptions(ctx);
		const { freshness: _f, tables: { freshness: _t, ...tables }, ...overview } = await overviewData(ctx);
		const charts = overviewCharts(await overviewData(ctx), lang);
		out[`${lang}/overview`] = { ...overview, tables, charts };
		// Each page's whole data (not only its tables) and its rendered charts.
		const funding = await fundingData(ctx);
		const dnsh = await dnshData(ctx);
		const geography = await geographyData(ctx);
		const impact = await impactData(ctx);
		const openSource = await openSourceData(ctx);
		out[`${lang}/pages`] = {
			funding: [funding, fundingCharts(funding, lang)],
			dnsh: [dnsh, dnshCharts(dnsh, lang)],
			geography: [geography, geographyCharts(geography, lang)],
			impact: [impact, impactCharts(impact, lang)],
			openSource: [openSource, openSourceCharts(openSource, lang)],
			list: await applicationsList(ctx, listParams(new URL('http://localhost/app/candidatures')))
		};
		out[`${lang}/bricks`] = await bricksData(ctx);
		out[`${lang}/brick/slapos`] = await brickData(ctx, 'slapos');
	}
	out.api = await kpisFor(db, nexedi);
	out.apiOther = await memberApplications(db, ['slapos']);
	return JSON.parse(JSON.stringify(out), (key, value) => (key === 'loadedAt' ? undefined : value));
}

let a: Database;
let b: Database;
beforeAll(async () => {
	a = await openTempDb();
	b = await openTempDb();
	expect((await load(a, { candidatures: applications('a'), conventions: agreements })).errors).toEqual([]);
	expect((await load(b, { candidatures: applications('b'), conventions: agreements })).errors).toEqual([]);
});
afterAll(() => {
	a?.close();
	b?.close();
});

describe('a consortium member', () => {
	it('sees the same everywhere whatever the applications it may not see hold, for every filter', async () => {
		for (const filter of FILTERS) {
			expect(await memberView(b, filter), JSON.stringify(filter)).toEqual(await memberView(a, filter));
		}
	}, 300_000);

	it('the two databases do differ where the member cannot look (the test can fail)', async () => {
		const admin: User = { id: 'u-admin', email: 'admin@example.org', role: 'admin', org: null };
		const view = async (db: Database) => JSON.stringify((await overviewData(contextFor(db, admin, { region: ['Corse'] }, 'fr'))).kpis);
		expect(await view(b)).not.toEqual(await view(a));
	});

	it('gets the other applications naming its bricks only in the protected table', async () => {
		const m = await memberApplications(a, ['slapos']);
		// 3 applications (1 non retenue round 1, 1 en expertise and 1 déposée round 2): all small, all hidden, and so is the total of 3.
		expect(m.rows.every((r) => r.releve1 === null && r.releve2 === null)).toBe(true);
		expect(m.total).toBeNull();
		const overview = await overviewData(contextFor(a, nexedi, {}, 'fr'));
		expect(overview.kpis.applications.total).toBe(2);
		expect(overview.tables.statuts.rows.find((r) => r.statut === 'non_retenue')).toMatchObject({ releve1: 's', releve2: 's', total: 's' });
		// With a region filter the table is not given at all.
		expect((await memberApplications(a, ['slapos'], { region: ['Corse'] })).available).toBe(false);
	});

	it('sees nothing of the Corse application with region=Corse: no count, amount or DNSH score', async () => {
		const ctx = contextFor(a, nexedi, { region: ['Corse'] }, 'fr');
		const o = await overviewData(ctx);
		expect(o.kpis.applications.total).toBe(0);
		expect(o.kpis.funding.requested_eur).toBe(0);
		const dnsh = await DATASET_PAGES.dnsh!.load(ctx, [], new URL('http://localhost/'));
		expect(JSON.stringify(dnsh)).not.toMatch(/"n":\s*[1-9]/);
	});

	it('is sent to the public page for a brick that is not its organisation’s', async () => {
		const ctx = contextFor(a, nexedi, {}, 'fr');
		expect(await brickData(ctx, 'sozu')).toBeNull();
		expect(await brickData(ctx, 'xcp-ng')).toBeNull();
		expect(await brickData(ctx, 'slapos')).not.toBeNull();
	});
});

describe('the scope cannot be forgotten', () => {
	it('dashboard code reads the tables of applications only through the scoped CTEs, except where reviewed', async () => {
		const fs = await import('node:fs');
		const path = await import('node:path');
		const walk = (dir: string): string[] =>
			fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
		const files = ['src/lib/server/figures/dashboard', 'src/routes/app', 'src/routes/api'].flatMap(walk);
		// Reviewed: the filter options (names of bricks and regions, members get a fixed list), the
		// existence of a brick id, one application's detail (guarded by canSeeApplication), and the
		// unscoped filter for admins and auditors.
		const reviewed: Record<string, number> = {
			'src/lib/server/figures/dashboard/context.ts': 2,
			// (bricks.ts: the third is the filter of the links to the list, which is scoped itself.)
			'src/lib/server/figures/dashboard/bricks.ts': 3,
			// One application's detail and its rows' provenance (guarded by canSeeApplication), and the
			// list's `rapport=` filter, a predicate on rows the scoped CTE already selected.
			'src/lib/server/figures/dashboard/applications.ts': 7,
			'src/lib/server/figures/dashboard/overview.ts': 2,
			// The quality page is for admins and auditors only (its lauréats without a valid SIRET).
			'src/lib/server/figures/dashboard/quality.ts': 2
		};
		const direct = /FROM (applications|agreements|funded_projects|reports)\b|(computeKpis|scopedCtes|kpisFor)\([^)]*ctx\.filter|ctx\.filter\s*,\s*briques|\.\.\.ctx\.filter/g;
		for (const file of files) {
			const found = (fs.readFileSync(file, 'utf8').match(direct) ?? []).length;
			expect(found, `${file}: a new direct read must use ctx.scoped / ctes(ctx), or be reviewed here`).toBeLessThanOrEqual(reviewed[file] ?? 0);
		}
	});
});
