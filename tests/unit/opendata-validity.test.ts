/**
 * The open-data files pass the official standards, checked with real validators against the
 * reference copies in ../shared/standards/ (see its README):
 *
 * - SCDL « subventions » 2.1.1 (Table Schema) with `tableschema` (frictionless tableschema-js):
 *   header, types, formats and constraints of every cell; plus the schema's `custom_checks`,
 *   which generic Table Schema validators do not run and Validata does, implemented here as
 *   Validata does them: `french-siret-value` (parsers.ts siretValid, python-stdnum's rule) and
 *   `one-of-required`.
 * - 360Giving 1.4.3 (JSON Schema draft 2020-12) with `ajv` (its 2020-12 build) and
 *   `ajv-formats`, the grant schema registered under its URL before the package schema is
 *   compiled.
 *
 * Every published file of the committed samples and of a generated large set is validated; and
 * files that break the schemas make the validators fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Schema, Table } from 'tableschema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, renderCsv, DEMO_KINDS, MIXED_STYLES } from '../../scripts/demo-data';
import { siretValid } from '../../src/lib/domain/parsers';
import type { Database } from '../../src/lib/server/db/database';
import { importExports } from '../../src/lib/server/import/load';
import { awardingBody } from '../../src/lib/server/public/config';
import { dataVersion } from '../../src/lib/server/public/cache';
import { publicReader } from '../../src/lib/server/public/index';
import { scdlCsv, scdlHeldOut, threeSixtyGiving } from '../../src/lib/server/public/opendata';
import type { PublicProject } from '../../src/lib/server/public/projects';
import { openTempDb } from './fixtures';

const STANDARDS = path.resolve('../shared/standards');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(STANDARDS, file), 'utf8')) as Record<string, unknown>;
const SCDL_SCHEMA = readJson('scdl-subventions-2.1.1/schema.json') as {
	fields: { name: string }[];
	custom_checks: { name: string; params: Record<string, string> }[];
};
const GRANT_SCHEMA = readJson('360giving-1.4.3/360-giving-schema.json');
const PACKAGE_SCHEMA = readJson('360giving-1.4.3/360-giving-package-schema.json');

/** A valid SIRET for the awarding body (HOX_ATTRIBUANT_ID) in these tests. */
const BODY = awardingBody({ HOX_ATTRIBUANT_ID: '12345678200010', HOX_ATTRIBUANT_NOM: 'Cap Digital' });
const META = { dataVersion: 'v', updatedAt: '2026-07-01T10:00:00Z', baseUrl: 'https://hox.example' };

// ---------------------------------------------------------------------------------------------
// Validators

/** Every problem the SCDL schema (and its custom checks) finds in a CSV text; [] when valid. */
async function scdlProblems(csv: string): Promise<string[]> {
	const schema = await Schema.load(structuredClone(SCDL_SCHEMA));
	expect(schema.valid).toBe(true);
	const table = await Table.load(() => Readable.from([csv]), { schema });
	const rows = (await table.read({ forceCast: true, extended: true })) as unknown as (unknown[] | (Error & { errors?: Error[] }))[];
	const problems: string[] = [];
	const names = SCDL_SCHEMA.fields.map((f) => f.name);
	if (JSON.stringify(table.headers) !== JSON.stringify(names)) problems.push(`header: ${JSON.stringify(table.headers)}`);
	// The raw cells, for the custom checks (the cast rows of failing lines are errors).
	const raw = await (await Table.load(() => Readable.from([csv]))).read({ cast: false });
	rows.forEach((row, i) => {
		if (row instanceof Error) for (const e of row.errors ?? [row]) problems.push(`row ${i + 2}: ${e.message}`);
	});
	(raw as unknown as string[][]).forEach((cells, i) => {
		const cell = (column: string) => (cells[names.indexOf(column)] ?? '').trim();
		for (const check of SCDL_SCHEMA.custom_checks) {
			if (check.name === 'french-siret-value') {
				const v = cell(check.params.column!);
				if (v !== '' && !siretValid(v)) problems.push(`row ${i + 2}: french-siret-value: ${check.params.column} « ${v} » is not a valid SIRET`);
			} else if (check.name === 'one-of-required') {
				if (cell(check.params.column1!) === '' && cell(check.params.column2!) === '') {
					problems.push(`row ${i + 2}: one-of-required: ${check.params.column1} or ${check.params.column2} must be filled`);
				}
			} else problems.push(`custom check ${check.name} not implemented by this test`);
		}
	});
	return problems;
}

/** Every problem the 360Giving 1.4.3 package schema finds in a package; [] when valid. */
const validate360 = (() => {
	// Both files declare `"$schema": "http://json-schema.org/draft/2020-12/schema"` (http, where
	// Ajv registers the https URL): they are compiled by Ajv's 2020-12 build, which is that draft,
	// without the key. `strict: false`: the standard's own keywords (rollUp…) are annotations.
	const withoutMeta = ({ $schema: _, ...rest }: Record<string, unknown>) => rest;
	const ajv = new Ajv2020({ allErrors: true, strict: false });
	addFormats(ajv);
	ajv.addSchema(withoutMeta(GRANT_SCHEMA), String(GRANT_SCHEMA.$id));
	const validate = ajv.compile(withoutMeta(PACKAGE_SCHEMA));
	return (pkg: unknown): string[] => (validate(pkg) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
})();

// ---------------------------------------------------------------------------------------------
// Data sets: the committed samples, and a generated large set.

async function loaded(inputs: { name: string; bytes: Uint8Array }[]): Promise<{ db: Database; projects: PublicProject[] }> {
	const db = await openTempDb();
	const result = await importExports(db, inputs, { actor: 'test', source: 'cli' });
	expect(result.errors).toEqual([]);
	const pub = publicReader(db, await dataVersion(db));
	return { db, projects: await pub.projects() };
}

const SAMPLES = path.resolve('data/samples');
let samples: { db: Database; projects: PublicProject[] };
let large: { db: Database; projects: PublicProject[] };
beforeAll(async () => {
	samples = await loaded(DEMO_KINDS.map((kind) => ({ name: `${kind}.csv`, bytes: new Uint8Array(fs.readFileSync(path.join(SAMPLES, `${kind}.csv`))) })));
	const set = generateDataset({ seed: 17, applications: 6000 });
	large = await loaded(DEMO_KINDS.map((kind) => ({ name: `${kind}.csv`, bytes: renderCsv(kind, set[kind], MIXED_STYLES[kind]) })));
}, 120_000);
afterAll(() => {
	samples?.db.close();
	large?.db.close();
});

describe('the validators themselves', () => {
	it('tableschema and the custom checks reject a file that breaks the SCDL schema', async () => {
		const good = scdlCsv(samples.projects, BODY);
		expect(await scdlProblems(good)).toEqual([]);
		const lines = good.trimEnd().split('\r\n');
		const row = lines[1]!;
		const broken = (replace: (cells: string) => string) => [lines[0], replace(row)].join('\r\n') + '\r\n';
		// A wrong check digit in idBeneficiaire (french-siret-value).
		const siret = row.split(',')[5]!;
		const wrongSiret = siret.slice(0, 13) + String((Number(siret[13]) + 1) % 10);
		expect((await scdlProblems(broken((r) => r.replace(siret, wrongSiret)))).join('\n')).toMatch(/french-siret-value/);
		// No beneficiary identifier at all (one-of-required).
		expect((await scdlProblems(broken((r) => r.replace(siret, '')))).join('\n')).toMatch(/one-of-required/);
		// A cell of the wrong type, a value outside an enumeration, a missing column.
		expect((await scdlProblems(broken((r) => r.replace('aide en numéraire', 'subvention')))).join('\n')).toMatch(/enum/);
		expect((await scdlProblems(broken((r) => r.replace(',non,', ',peut-être,')))).join('\n')).toMatch(/notificationUE/);
		expect(await scdlProblems(good.replace('nomAttribuant,', 'nom,'))).not.toEqual([]);
		// The awarding body not configured: idAttribuant empty, required.
		expect((await scdlProblems(scdlCsv(samples.projects, awardingBody({})))).join('\n')).toMatch(/idAttribuant/);
	});

	it('ajv rejects a package that breaks the 360Giving schema', () => {
		const good = threeSixtyGiving(samples.projects, BODY, META) as { grants: Record<string, unknown>[] };
		expect(validate360(good)).toEqual([]);
		const grant = good.grants[0]!;
		const bad = (change: (g: Record<string, unknown>) => Record<string, unknown>) => ({ ...good, grants: [change(structuredClone(grant))] });
		expect(validate360(bad(({ description: _, ...g }) => g))).not.toEqual([]);
		expect(validate360(bad((g) => ({ ...g, fromOpenCall: 'Oui' })))).not.toEqual([]);
		expect(validate360(bad((g) => ({ ...g, dateModified: '01/07/2026' })))).not.toEqual([]);
		expect(validate360(bad((g) => ({ ...g, plannedDates: [{ startDate: '2026-06-01', duration: '9 mois' }] })))).not.toEqual([]);
		expect(validate360({ ...good, grants: [] })).not.toEqual([]);
	});
});

describe.each([
	['the committed samples', () => samples],
	['a generated set of 6 000 applications', () => large]
])('every published file of %s', (_, set) => {
	it('the SCDL « subventions » file passes the schema and its custom checks, row by row', async () => {
		const { projects } = set();
		const csv = scdlCsv(projects, BODY);
		expect(await scdlProblems(csv)).toEqual([]);
		// One row per agreement that granted money, but for the lauréats held out for want of a valid SIRET.
		const held = new Set(scdlHeldOut(projects).map((p) => p.dossier));
		const expected = projects.filter((p) => !held.has(p.dossier)).flatMap((p) => p.agreements.filter((g) => Number(g.committedEur) > 0));
		expect(csv.trimEnd().split('\r\n')).toHaveLength(expected.length + 1);
		expect(held.size).toBeGreaterThanOrEqual(1);
	});

	it('the 360Giving package passes the 1.4.3 schema', () => {
		const pkg = threeSixtyGiving(set().projects, BODY, META) as { grants: unknown[] };
		expect(pkg.grants.length).toBeGreaterThan(10);
		expect(validate360(pkg)).toEqual([]);
	});
});

describe('the samples show each case', () => {
	it('every lauréat but one has a valid SIRET; that one is out of the SCDL file only', () => {
		const held = scdlHeldOut(samples.projects);
		expect(held).toHaveLength(1);
		const scdl = scdlCsv(samples.projects, BODY);
		for (const g of held[0]!.agreements) expect(scdl).not.toContain(`,${g.reference},`);
		const pkg = JSON.stringify(threeSixtyGiving(samples.projects, BODY, META));
		expect(pkg).toContain(held[0]!.company);
	});
});
