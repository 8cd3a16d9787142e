/**
 * The public module (src/lib/server/public): only lauréats with an agreement are published,
 * through an allow-list of columns; aggregates over applications keep statistical secrecy;
 * the open-data files carry nothing else. A non-lauréat with unmistakable values and
 * confidential fields with unmistakable values must never come out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/database';
import { awardingBody, checkAwardingBodyConfig } from '../../src/lib/server/public/config';
import { publicReader, type PublicReader } from '../../src/lib/server/public/index';
import {
	durationMonths,
	MENTION_FRANCE_2030,
	MENTION_NGEU,
	projectsCsv,
	projectsJson,
	recipientId,
	scdlCsv,
	scdlHeldOut,
	scdlPaymentPeriod,
	scdlPaymentTerms,
	scdlObjet,
	SCDL_COLUMNS,
	threeSixtyGiving
} from '../../src/lib/server/public/opendata';
import {
	AGGREGATE_ONLY_COLUMNS,
	NEVER_PUBLIC_COLUMNS,
	PUBLIC_AGREEMENT_COLUMNS,
	PUBLIC_APPLICATION_COLUMNS,
	PUBLIC_REPORT_COLUMNS,
	PUBLISHED_CTE
} from '../../src/lib/server/public/projects';
import { dataVersion, etagOf, matchesIfNoneMatch, conditionalResponse, publicCacheHeaders } from '../../src/lib/server/public/cache';
import { bricksChart, envelopeChart, regionsChart } from '../../src/lib/server/public/charts';
import { agreement, application, load, openTempDb, report } from './fixtures';

/** Values that must never appear anywhere public. */
const SECRET = {
	name: 'Zyxquorp Confidentielle SARL',
	siren: '552100554',
	title: 'Projet Wobblefrotz inédit',
	resume: 'Résumé Quibblequark à ne pas publier',
	site: 'https://zyxquorp-secret.example',
	dossier: 'HOX-2026-SECRET',
	// A non-lauréat holding an agreement (inconsistent data): still never published one by one.
	name2: 'Grumblewick Désistée SAS',
	dossier2: 'HOX-2026-GRUMBLE',
	// Confidential fields of a lauréat.
	turnover: '7654321.00',
	balanceSheet: '8765432.00',
	deMinimis: '123457.00',
	justification: 'Justification DNSH Plumbus confidentielle',
	score: '17.25',
	// A lauréat's declared revenue and jobs: published only as totals over at least 3 companies.
	revenueForecast: '8642097.53',
	revenueForecast3y: '3141592.65',
	revenueGenerated: '97531.86',
	jobsCreated: '77.75'
};

let db: Database;
let pub: PublicReader;
beforeAll(async () => {
	db = await openTempDb();
	const result = await load(db, {
		candidatures: [
			application({ numero_dossier: 'HOX-A', raison_sociale: 'Alpha Nuage SAS', siren: '732829320', siret: '73282932000074', code_postal: '75011', titre_projet: 'Edge souverain Alpha', resume: 'Un edge souverain.', site_web: 'https://alpha.example', briques: 'SlapOS|Sozu', chiffre_affaires: SECRET.turnover, total_bilan: SECRET.balanceSheet, aides_minimis_3_ans: SECRET.deMinimis, dnsh_justification: SECRET.justification, score_expertise: SECRET.score, effectif: '13579', ca_prevu: SECRET.revenueForecast }),
			application({ numero_dossier: 'HOX-B', raison_sociale: 'Bêta Données', siren: '443061841', code_postal: '35000', titre_projet: 'Base répliquée Bêta', briques: 'Repman', site_web: 'javascript:alert(1)' }),
			application({ numero_dossier: 'HOX-D', raison_sociale: 'Delta Edge', siren: '542051180', siret: '54205118000017', code_postal: '69001', titre_projet: 'Delta résilié', briques: 'Biscuit|Patrowl' }),
			// A lauréat without an agreement yet: counted, not listed.
			application({ numero_dossier: 'HOX-E', raison_sociale: 'Epsilon Sans Convention', siren: '552081317', code_postal: '75002', titre_projet: 'Epsilon en attente', briques: 'Wendelin' }),
			application({ numero_dossier: SECRET.dossier, statut: 'non_retenue', raison_sociale: SECRET.name, siren: SECRET.siren, code_postal: '20000', titre_projet: SECRET.title, resume: SECRET.resume, site_web: SECRET.site, briques: 'OpenSVC|Outilmaisonzyx' }),
			application({ numero_dossier: SECRET.dossier2, statut: 'desistement', raison_sociale: SECRET.name2, siren: '356000000', code_postal: '75003', titre_projet: 'Grumblewick projet', briques: 'Sozu' }),
			application({ numero_dossier: 'HOX-N3', statut: 'en_expertise', raison_sociale: 'Nadir Trois', siren: '383474814', code_postal: '75004', titre_projet: 'N3', briques: 'SlapOS' }),
			application({ numero_dossier: 'HOX-N4', statut: 'en_expertise', raison_sociale: 'Nadir Quatre', siren: '410409460', code_postal: '75005', titre_projet: 'N4', briques: 'SlapOS' }),
			application({ numero_dossier: 'HOX-N5', statut: 'en_expertise', raison_sociale: 'Nadir Cinq', siren: '334487062', code_postal: '75006', titre_projet: 'N5', briques: 'SlapOS' })
		],
		conventions: [
			agreement({ numero_convention: 'CONV-A', numero_dossier: 'HOX-A', montant_aide: '100000', montant_avance: '30000', date_avance: '2026-06-15' }),
			agreement({ numero_convention: 'CONV-B', numero_dossier: 'HOX-B', statut: 'soldee', montant_aide: '99999.99', montant_avance: '29999.99', date_avance: '2026-06-15', montant_solde: '70000', date_solde: '2027-03-01' }),
			agreement({ numero_convention: 'CONV-D', numero_dossier: 'HOX-D', statut: 'resiliee', montant_aide: '100000', montant_avance: '30000', date_avance: '2026-06-20' }),
			agreement({ numero_convention: 'CONV-GRUMBLE', numero_dossier: SECRET.dossier2, montant_aide: '54321', montant_avance: '', date_avance: '' })
		],
		rapports: [
			report({ numero_dossier: 'HOX-A', type_rapport: 'final', date_rapport: '2027-03-01', emplois_crees: SECRET.jobsCreated, ca_genere: SECRET.revenueGenerated, ca_prevu_3_ans: SECRET.revenueForecast3y, publication_effective: 'oui', depot_code_url: 'https://git.example/alpha', licence: 'AGPL-3.0' }),
			report({ numero_dossier: SECRET.dossier, emplois_crees: '3', ca_genere: '1000', commentaire: 'Commentaire Frobnicate confidentiel' })
		]
	});
	expect(result.errors).toEqual([]);
	pub = publicReader(db, await dataVersion(db));
});
afterAll(() => db.close());

describe('published projects', () => {
	it('are the lauréats with an agreement, sorted by name, terminated ones included', async () => {
		const projects = await pub.projects();
		expect(projects.map((p) => p.dossier)).toEqual(['HOX-A', 'HOX-B', 'HOX-D']);
		const d = projects.find((p) => p.dossier === 'HOX-D')!;
		expect(d.terminated).toBe(true);
		expect(d.committedEur).toBe('30000.00');
		expect(d.paidEur).toBe('30000.00');
		expect(d.agreements[0]!.advance).toEqual({ amountEur: '30000.00', date: '2026-06-20' });
	});

	it('carry the grant, the payments made, the report and the published code', async () => {
		const a = (await pub.project('HOX-A'))!;
		expect(a.company).toBe('Alpha Nuage SAS');
		expect(a.siren).toBe('732829320');
		expect(a.region).toBe('Île-de-France');
		expect(a.bricks).toEqual(['slapos', 'sozu']);
		expect(a.grantEur).toBe('100000.00');
		expect(a.paidEur).toBe('30000.00');
		expect(a.agreements[0]!.balance).toBeNull();
		// A company's declared jobs and revenue are not published company by company.
		for (const key of ['forecast', 'achieved']) expect(a).not.toHaveProperty(key);
		expect(a.openSource).toMatchObject({ published: true, codeUrl: 'https://git.example/alpha', licence: 'AGPL-3.0' });
		const b = (await pub.project('HOX-B'))!;
		expect(b.website).toBeNull(); // javascript: is not a link
		expect(b.agreements[0]!.balance).toEqual({ amountEur: '70000.00', date: '2027-03-01' });
	});

	it('are not found for anything that is not a published lauréat', async () => {
		for (const dossier of [SECRET.dossier, SECRET.dossier2, 'HOX-E', 'HOX-N3', "x' OR 1=1 --"]) {
			expect(await pub.project(dossier)).toBeNull();
		}
	});

	it('filter by brick, region and round', async () => {
		expect((await pub.projects({ brick: 'sozu' })).map((p) => p.dossier)).toEqual(['HOX-A']);
		expect((await pub.projects({ region: 'Bretagne' })).map((p) => p.dossier)).toEqual(['HOX-B']);
		expect(await pub.projects({ releve: 1 })).toEqual([]);
	});

	it('sum money exactly in SQL', async () => {
		const t = await pub.totals();
		// Three listed, one of them terminated: not a funded project (nor its jobs or code), its payments counted.
		expect(t).toMatchObject({ projects: 2, terminated: 1, listed: 3, grantEur: '299999.99', committedEur: '229999.99', paidEur: '159999.99', published: 1 });
	});
});

describe('the allow-list', () => {
	it('holds no confidential column', () => {
		const published = [...PUBLIC_APPLICATION_COLUMNS, ...PUBLIC_AGREEMENT_COLUMNS, ...PUBLIC_REPORT_COLUMNS] as string[];
		for (const c of NEVER_PUBLIC_COLUMNS) expect(published).not.toContain(c);
		for (const c of AGGREGATE_ONLY_COLUMNS) expect(published).not.toContain(c);
		for (const c of ['commentaire', 'dnsh_solution_reference', 'code_postal', 'statut', 'aide_demandee', 'assiette_eligible']) {
			expect(PUBLIC_APPLICATION_COLUMNS as readonly string[]).not.toContain(c);
		}
		for (const c of NEVER_PUBLIC_COLUMNS) expect(PUBLISHED_CTE).not.toContain(c);
		expect(PUBLISHED_CTE).toContain(`statut = 'laureat'`);
	});

	it('is the only way public routes reach the data', () => {
		const roots = ['src/routes/projets', 'src/routes/briques', 'src/routes/donnees'];
		const files = ['src/routes/+page.server.ts', 'src/routes/+page.svelte'];
		const walk = (dir: string) => {
			if (!fs.existsSync(dir)) return;
			for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
				const p = path.join(dir, e.name);
				if (e.isDirectory()) walk(p);
				else if (/\.(ts|svelte)$/.test(e.name)) files.push(p);
			}
		};
		roots.forEach(walk);
		expect(files.length).toBeGreaterThan(5);
		for (const f of files) {
			const source = fs.readFileSync(f, 'utf8');
			const imports = [...source.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
			for (const i of imports) {
				if (i.startsWith('$lib/server') || i.includes('/lib/server/')) {
					expect(i, `${f} imports ${i}`).toBe('$lib/server/public/kit');
				}
			}
			expect(source, f).not.toMatch(/\bgetDb\b|\bcomputeKpis\b|FROM\s+(applications|agreements|funded_projects|reports)\b/);
		}
	});
});

describe('aggregates', () => {
	it('publish rounds and lauréats, and hide small groups of applications', async () => {
		const o = await pub.overview();
		expect(o.applications.total).toBe(9);
		expect(o.applications.byRound).toEqual([
			{ releve: 1, applications: 0, laureats: 0, funded: 0 },
			{ releve: 2, applications: 9, laureats: 4, funded: 2 }
		]);
		expect(o.laureats).toBe(4);
		const status = Object.fromEntries(o.byStatus.map((c) => [c.key, c.count]));
		expect(status.laureat).toBe(4);
		// non_retenue (1) and desistement (1) are small: every other status holding at most 3
		// (en_expertise, 3, and the empty ones) is hidden with them, so « s » never means "1 or 2".
		expect(status.non_retenue).toBeNull();
		expect(status.desistement).toBeNull();
		expect(status.en_expertise).toBeNull();
		expect(status.deposee).toBeNull();
		expect(o.byStatus.filter((c) => !c.suppressed).map((c) => c.key)).toEqual(['laureat']);
		// Corse has a single (non-lauréat) application: hidden.
		const corse = o.regions.find((r) => r.region === 'Corse');
		expect(corse?.applications.count).toBeNull();
		// Programme money comes from the shared definitions, orphans and all.
		expect(o.funding.committedEur).toBe(100000 + 99999.99 + 30000 + 54321);
		expect(o.unpublishedCommittedEur).toBe('54321.00');
		expect(o.unpublishedAgreements).toBe(1);
		expect(o.exact).toEqual({ committedEur: '284320.99', paidEur: '159999.99', toPayEur: '124321.00', remainingEur: '1715679.01', releasedEur: '0.00' });
		// The reconciliation: funded projects = listed + orphans + others, and paid likewise.
		const rc = o.reconciliation;
		expect(rc.funded).toBe(o.funding.fundedProjects);
		expect(rc.funded_listed + rc.funded_orphan + rc.funded_unlisted).toBe(rc.funded);
		expect(Number(rc.paid_listed_eur) + Number(rc.paid_terminated_eur) + Number(rc.paid_orphan_eur) + Number(rc.paid_unlisted_eur)).toBeCloseTo(Number(rc.paid_eur), 2);
	});

	it('show bricks outside the catalogue only when a funded project names them', async () => {
		const o = await pub.overview();
		const ids = o.bricks.map((b) => b.id);
		expect(ids).toContain('patrowl');
		expect(ids).not.toContain('outilmaisonzyx');
		expect(ids).toContain('autres');
		expect(o.bricks.find((b) => b.id === 'autres')!.applications.count).toBeNull();
		// 4 applications, of which 1 is a listed project: the 3 others are a small group.
		expect(o.bricks.find((b) => b.id === 'slapos')).toMatchObject({ funded: 1, applications: { count: null } });
		expect(o.bricks.find((b) => b.id === 'opensvc')!.applications.count).toBeNull();
		expect(await pub.brick('outilmaisonzyx')).toBeNull();
		expect(await pub.brick('autres')).toBeNull();
		const sozu = (await pub.brick('sozu'))!;
		expect(sozu.applications.count).toBeNull(); // 2 applications
		expect(sozu.totals.projects).toBe(1);
	});
});

describe('declared jobs and revenue, as aggregates only', () => {
	it('are summed over at least 3 companies, and hidden when a group or the rest of the list is smaller', async () => {
		// Programme: 3 funded projects with an application (A, B and the non-lauréat's agreement): forecasts shown;
		// one report among them: what was achieved is hidden.
		const o = await pub.overview();
		expect(o.jobs.forecast).toBe(9);
		expect(o.revenue.forecastEur).not.toBeNull();
		expect(o.jobs.created).toBeNull();
		expect(o.revenue.generatedEur).toBeNull();
		// The published list holds 2 funded projects (HOX-D's agreement is terminated: not a funded
		// project, docs/DATA.md): hidden; a brick of 1 project: hidden.
		const all = await pub.totals();
		expect(all.projects).toBe(2);
		expect(all.forecast).toBeNull();
		expect(all.achieved).toBeNull(); // one report
		const sozu = (await pub.brick('sozu'))!;
		expect(sozu.totals.forecast).toBeNull();
		expect(sozu.totals.achieved).toBeNull();
	});
});

describe('open data and pages never carry a confidential value', () => {
	it('in any output of the public module', async () => {
		const body = awardingBody({ HOX_ATTRIBUANT_ID: '123 456 782 00010' });
		const projects = await pub.projects();
		const o = await pub.overview();
		const meta = { dataVersion: pub.dataVersion, updatedAt: await pub.updatedAt(), baseUrl: 'https://hox.example' };
		const outputs = [
			JSON.stringify(o),
			JSON.stringify(projects),
			JSON.stringify(await Promise.all(o.bricks.map((b) => pub.brick(b.id)))),
			projectsCsv(projects),
			JSON.stringify(projectsJson(projects, meta)),
			scdlCsv(projects, body),
			JSON.stringify(threeSixtyGiving(projects, body, meta)),
			envelopeChart(o, 'fr'),
			bricksChart(o.bricks, 'fr'),
			regionsChart(o.regions, 'fr')
		].join('\n');
		for (const [what, value] of Object.entries(SECRET)) {
			expect(outputs, what).not.toContain(value);
			// Also as written on pages and in JSON numbers (8642097.53, 8 642 097,53, 77.75 → 77,75).
			if (/^\d+\.\d+$/.test(value)) expect(outputs, what).not.toContain(value.replace('.', ','));
		}
		// No per-company output names a company's declared jobs or revenue, by any key.
		const keys = new Set<string>();
		const walk = (v: unknown): void => {
			if (Array.isArray(v)) v.forEach(walk);
			else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (keys.add(k), walk(x));
		};
		walk([projects, projectsJson(projects, meta), threeSixtyGiving(projects, body, meta)]);
		walk(await pub.project('HOX-A'));
		for (const line of [projectsCsv(projects), scdlCsv(projects, body)]) for (const k of line.split('\r\n')[0]!.split(',')) keys.add(k);
		const forbidden = [...AGGREGATE_ONLY_COLUMNS, 'forecast', 'achieved', 'jobs', 'revenue', 'emplois', 'chiffre_affaires'];
		expect([...keys].filter((k) => forbidden.some((f) => k.toLowerCase().includes(f)))).toEqual([]);
		for (const v of ['Outilmaisonzyx', 'outilmaisonzyx', 'Frobnicate', 'Nadir', 'Epsilon Sans Convention', '13579']) {
			expect(outputs).not.toContain(v);
		}
		for (const v of ['Alpha Nuage SAS', '732829320', 'Bêta Données', '443061841', 'Delta Edge', '542051180']) {
			expect(outputs).toContain(v);
		}
	});
});

describe('SCDL subventions 2.1.1', () => {
	it('has the 16 columns in order and one row per agreement that granted money', async () => {
		const projects = await pub.projects();
		const csv = scdlCsv(projects, awardingBody({ HOX_ATTRIBUANT_ID: '12345678200010', HOX_ATTRIBUANT_NOM: 'Cap Digital' }));
		const lines = csv.trimEnd().split('\r\n');
		expect(lines[0]).toBe(SCDL_COLUMNS.join(','));
		expect(SCDL_COLUMNS).toHaveLength(16);
		// HOX-B has no SIRET: held out of this file (and only of it), and counted.
		expect(lines).toHaveLength(3);
		expect(scdlHeldOut(projects).map((p) => p.dossier)).toEqual(['HOX-B']);
		expect(projectsCsv(projects)).toContain('CONV-B');
		const rows = lines.slice(1).map((l) => l.split(','));
		const a = rows.find((r) => r[3] === 'CONV-A')!;
		expect(a.slice(0, 7)).toEqual(['Cap Digital', '12345678200010', '2026-06-01', 'CONV-A', 'Alpha Nuage SAS', '73282932000074', '']);
		expect(a.slice(8)).toEqual(['100000.00', 'aide en numéraire', 'échelonné', '2026-06-15/2027-02-28', '', 'non', '1.00', '']);
		expect(rows.find((r) => r[3] === 'CONV-B')).toBeUndefined();
		const d = rows.find((r) => r[3] === 'CONV-D')!;
		expect(d[5]).toBe('54205118000017');
		expect(d[8]).toBe('30000.00'); // terminated: what was paid
		expect(d[10]).toBe('unique'); // terminated after a single payment
		expect(d[11]).toBe('2026-06-20');
	});

	it('objet stays under 256 characters; the payment period runs from the first to the last payment, made or scheduled', () => {
		expect(scdlObjet('x'.repeat(400)).length).toBeLessThanOrEqual(255);
		const g = { reference: 'C', status: 'signee', signedOn: '2026-06-01', startsOn: '2026-06-01', endsOn: '2027-02-28', grantEur: '1', committedEur: '1', paidEur: '0', advance: null, balance: null } as const;
		// Nothing paid yet: the advance is due at signature, the balance at the end.
		expect(scdlPaymentPeriod(g)).toBe('2026-06-01/2027-02-28');
		expect(scdlPaymentTerms(g)).toBe('échelonné');
		const advance = { amountEur: '1', date: '2026-06-15' };
		const balance = { amountEur: '1', date: '2027-03-10' };
		expect(scdlPaymentPeriod({ ...g, advance })).toBe('2026-06-15/2027-02-28');
		// Closed: only the payments made; a balance paid after the planned end counts.
		expect(scdlPaymentPeriod({ ...g, status: 'soldee', advance, balance })).toBe('2026-06-15/2027-03-10');
		expect(scdlPaymentPeriod({ ...g, status: 'soldee', balance })).toBe('2027-03-10');
		expect(scdlPaymentTerms({ ...g, status: 'soldee', balance })).toBe('unique');
		expect(scdlPaymentPeriod({ ...g, status: 'resiliee', advance })).toBe('2026-06-15');
		expect(scdlPaymentTerms({ ...g, status: 'resiliee', advance })).toBe('unique');
		expect(scdlPaymentTerms({ ...g, status: 'resiliee', advance, balance })).toBe('échelonné');
	});

	it('the awarding body is configured; a wrong SIRET is refused, and stops the server at start-up', () => {
		expect(awardingBody({})).toMatchObject({ name: 'Cap Digital', siret: '', problem: expect.any(String) });
		expect(awardingBody({ HOX_ATTRIBUANT_ID: '1234' })).toMatchObject({ siret: '', problem: expect.stringContaining('14 digits') });
		// 14 digits, but the Luhn check fails.
		expect(awardingBody({ HOX_ATTRIBUANT_ID: '12345678900012' })).toMatchObject({ siret: '', problem: expect.stringContaining('Luhn') });
		expect(awardingBody({ HOX_ATTRIBUANT_NOM: 'Autre', HOX_ATTRIBUANT_ID: '12345678200010' })).toMatchObject({ name: 'Autre', siret: '12345678200010', problem: null });
		expect(() => checkAwardingBodyConfig({ HOX_ATTRIBUANT_ID: '12345678900012' })).toThrow(/HOX_ATTRIBUANT_ID.*ne démarre pas/s);
		expect(() => checkAwardingBodyConfig({ HOX_ATTRIBUANT_ID: 'abc' })).toThrow(/HOX_ATTRIBUANT_ID/);
		expect(() => checkAwardingBodyConfig({})).not.toThrow();
		expect(() => checkAwardingBodyConfig({ HOX_ATTRIBUANT_ID: '123 456 782 00010' })).not.toThrow();
	});
});

describe('360Giving', () => {
	it('carries the funding mentions, fromOpenCall, the planned duration and FR-RCS ids only for valid SIRENs', async () => {
		const body = awardingBody({ HOX_ATTRIBUANT_ID: '12345678200010' });
		const pkg = threeSixtyGiving(await pub.projects(), body, { dataVersion: 'v', updatedAt: '2026-07-01T10:00:00Z', baseUrl: 'https://hox.example' }) as {
			description: string;
			grants: { id: string; description: string; fromOpenCall: string; plannedDates: { duration: number }[]; recipientOrganization: { id: string }[] }[];
		};
		expect(pkg.description).toContain(MENTION_FRANCE_2030);
		expect(pkg.description).toContain(MENTION_NGEU);
		for (const g of pkg.grants) {
			expect(g.description).toContain(MENTION_FRANCE_2030);
			expect(g.description).toContain(MENTION_NGEU);
			expect(g.fromOpenCall).toBe('Yes');
		}
		// The fixtures' agreements run 2026-06-01 → 2027-02-28: 9 months.
		expect(pkg.grants[0]!.plannedDates[0]!.duration).toBe(9);
		expect(pkg.grants.map((g) => g.recipientOrganization[0]!.id)).toContain('FR-RCS-732829320');
	});

	it('durations in months follow the calendar', () => {
		expect(durationMonths('2026-05-01', '2027-01-31')).toBe(9);
		expect(durationMonths('2026-04-15', '2027-01-14')).toBe(9);
		// 31 January + 1 month is the end of February.
		expect(durationMonths('2026-01-31', '2026-02-27')).toBe(1);
		expect(durationMonths('2026-02-01', '2026-02-14')).toBe(0.5);
		expect(durationMonths('2026-06-01', '2026-06-15')).toBe(0.5);
		expect(durationMonths('2026-06-01', '2026-05-01')).toBe(0);
	});

	it('a recipient whose SIREN fails R13 gets the publisher’s own identifier, not FR-RCS', () => {
		expect(recipientId({ siren: '732829320', dossier: 'HOX-A' }, '360G-x')).toBe('FR-RCS-732829320');
		expect(recipientId({ siren: '732829321', dossier: 'HOX-A' }, '360G-x')).toBe('360G-x-beneficiaire-HOX-A');
		expect(recipientId({ siren: '73282932', dossier: 'HOX-A' }, '360G-x')).toBe('360G-x-beneficiaire-HOX-A');
	});
});

describe('caching', () => {
	it('the ETag follows the data version, the code version, the language and sign-in', () => {
		const anon = { locals: { lang: 'fr', user: null } };
		const a = publicCacheHeaders('v1', anon, { appVersion: '1', page: true });
		expect(a['cache-control']).toMatch(/^public, max-age=\d+/);
		expect(a.vary).toBe('Cookie');
		expect(publicCacheHeaders('v1', anon, { appVersion: '1', page: true }).etag).toBe(a.etag);
		expect(publicCacheHeaders('v2', anon, { appVersion: '1', page: true }).etag).not.toBe(a.etag);
		expect(publicCacheHeaders('v1', anon, { appVersion: '2', page: true }).etag).not.toBe(a.etag);
		expect(publicCacheHeaders('v1', { locals: { lang: 'en', user: null } }, { appVersion: '1', page: true }).etag).not.toBe(a.etag);
		const signedIn = publicCacheHeaders('v1', { locals: { lang: 'fr', user: {} } }, { appVersion: '1', page: true });
		expect(signedIn.etag).not.toBe(a.etag);
		expect(signedIn['cache-control']).toBe('private, no-cache');
		expect(publicCacheHeaders('v1', anon, { appVersion: '1', page: false }).vary).toBeUndefined();
	});

	it('answers 304 when If-None-Match matches (weak comparison)', async () => {
		const etag = etagOf(['x']);
		expect(matchesIfNoneMatch(`"nope", ${etag}`, etag)).toBe(true);
		expect(matchesIfNoneMatch(etag.replace('W/', ''), etag)).toBe(true);
		expect(matchesIfNoneMatch('"nope"', etag)).toBe(false);
		const ok = () => new Response('body', { headers: { etag, 'cache-control': 'public, max-age=300' } });
		const r = conditionalResponse(new Request('http://x/', { headers: { 'if-none-match': etag } }), ok());
		expect(r.status).toBe(304);
		expect(r.headers.get('etag')).toBe(etag);
		expect(await r.text()).toBe('');
		expect(conditionalResponse(new Request('http://x/'), ok()).status).toBe(200);
		expect(conditionalResponse(new Request('http://x/', { method: 'POST', headers: { 'if-none-match': etag } }), ok()).status).toBe(200);
	});

	it('the data version changes with a load', async () => {
		const before = await dataVersion(db);
		expect(before).toMatch(/candidatures:\d+/);
	});
});

describe('remembered answers', () => {
	it('are kept for one data version and dropped by a new load', async () => {
		const other = await openTempDb();
		try {
			await load(other, {
				candidatures: [application({ numero_dossier: 'M1', raison_sociale: 'Première Version' })],
				conventions: [agreement({ numero_convention: 'CM1', numero_dossier: 'M1' })]
			});
			const v1 = await dataVersion(other);
			const first = publicReader(other, v1);
			expect((await first.projects()).map((p) => p.company)).toEqual(['Première Version']);
			expect(await first.projects()).toBe(await publicReader(other, v1).projects());
			await load(other, {
				candidatures: [application({ numero_dossier: 'M1', raison_sociale: 'Seconde Version' })],
				conventions: [agreement({ numero_convention: 'CM1', numero_dossier: 'M1' })]
			});
			const v2 = await dataVersion(other);
			expect(v2).not.toBe(v1);
			expect((await publicReader(other, v2).projects()).map((p) => p.company)).toEqual(['Seconde Version']);
		} finally {
			other.close();
		}
	});
});
