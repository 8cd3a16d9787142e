/**
 * The demo-data generator (scripts/demo-data.ts): deterministic bytes, the three export styles,
 * unique keys, headers that normalise to the contract's column ids, the expected shape of the
 * default dataset, and the same data read back from every style by the project's own checker.
 */
import { describe, it, expect } from 'vitest';
import {
	DEMO_COLUMNS,
	DEMO_KINDS,
	EXPORT_STYLES,
	generateDataset,
	headerLabels,
	renderCsv,
	type DemoKind,
	type DemoRow,
	type DemoValue,
	type ExportStyle
} from '../../scripts/demo-data';
import { checkExport } from '../../src/lib/domain/check';
import { siretOfSiren } from '../../src/lib/domain/parsers';
import { brickIdOf } from '../../src/lib/domain/bricks';
import { COLUMNS, KEYS } from '../../src/lib/domain/schemas';

const normalise = (s: string) =>
	s
		.toLowerCase()
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');

const defaultSet = generateDataset({ seed: 2026, applications: 150 });

function headerLine(bytes: Uint8Array, style: ExportStyle): string[] {
	const text =
		style === 'excel-fr'
			? new TextDecoder('windows-1252').decode(bytes)
			: new TextDecoder('utf-8').decode(style === 'bom-semicolon' ? bytes.subarray(3) : bytes);
	const first = text.split(/\r?\n/, 1)[0]!;
	return first.split(style === 'clean-utf8' ? ',' : ';');
}

/** A canonical value in the form the project's checker gives it. */
function expected(type: string, value: DemoValue): unknown {
	if (value === null) return null;
	switch (type) {
		case 'amount':
		case 'decimal':
		case 'score':
			return Number(value);
		case 'datetime':
			return `${String(value).replace('T', ' ')}:00`;
		case 'bricks':
			return (value as string[]).map(brickIdOf);
		default:
			return value;
	}
}

function actual(type: string, value: unknown): unknown {
	if (value === null || value === undefined) return null;
	return type === 'amount' || type === 'decimal' || type === 'score' ? Number(value) : value;
}

describe('demo data generator', () => {
	it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
		const again = generateDataset({ seed: 2026, applications: 150 });
		const other = generateDataset({ seed: 7, applications: 150 });
		for (const kind of DEMO_KINDS) {
			for (const style of EXPORT_STYLES) {
				expect(renderCsv(kind, again[kind], style)).toEqual(renderCsv(kind, defaultSet[kind], style));
			}
		}
		expect(renderCsv('candidatures', other.candidatures, 'clean-utf8')).not.toEqual(
			renderCsv('candidatures', defaultSet.candidatures, 'clean-utf8')
		);
	});

	it('writes Excel exports in Windows-1252: € is 0x80, no UTF-8 sequence, no BOM, CRLF, trailing ;', () => {
		const bytes = renderCsv('candidatures', defaultSet.candidatures, 'excel-fr');
		expect(bytes.includes(0x80)).toBe(true); // €
		expect(bytes.includes(0xa0)).toBe(true); // no-break space in amounts
		expect(bytes.includes(0x92)).toBe(true); // ’
		expect(bytes.includes(0x9c)).toBe(true); // œ
		expect(bytes[0]).not.toBe(0xef);
		expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
		for (let i = 0; i + 1 < bytes.length; i++) {
			const a = bytes[i]!;
			const b = bytes[i + 1]!;
			// A UTF-8 lead byte followed by a continuation byte would be a multi-byte sequence.
			if (a >= 0xc2 && a <= 0xf4) expect(b >= 0x80 && b <= 0xbf, `UTF-8 sequence at byte ${i}`).toBe(false);
		}
		const text = new TextDecoder('windows-1252').decode(bytes);
		const lines = text.split('\r\n');
		expect(lines[0]!.endsWith(';')).toBe(true);
		expect(text).toMatch(/\r\n;+\r\n/); // an empty spreadsheet row
		expect(text).toContain('Relève');
		expect(text).toContain('Lauréat');
		expect(text).toContain('Chargé de mission');
		expect(text).not.toContain('Sōzu');
	});

	it('writes UTF-8 with BOM and `;`, and clean UTF-8 with `,`', () => {
		const bom = renderCsv('conventions', defaultSet.conventions, 'bom-semicolon');
		expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const bomText = new TextDecoder('utf-8', { fatal: true }).decode(bom.subarray(3));
		expect(bomText).toContain('\r\n');
		expect(bomText).toContain('\u202f');
		const clean = renderCsv('rapports', defaultSet.rapports, 'clean-utf8');
		expect(clean[0]).not.toBe(0xef);
		const cleanText = new TextDecoder('utf-8', { fatal: true }).decode(clean);
		expect(cleanText).not.toContain('\r');
		const cand = new TextDecoder().decode(renderCsv('candidatures', defaultSet.candidatures, 'clean-utf8'));
		expect(cand).toMatch(/"€\d{1,3}(,\d{3})+\.\d{2}"/);
	});

	it('has unique keys', () => {
		for (const kind of DEMO_KINDS) {
			const keys = defaultSet[kind].map((r) => KEYS[kind].map((k) => String(r[k])).join('|'));
			expect(new Set(keys).size, kind).toBe(keys.length);
		}
	});

	it('writes headers that normalise to the contract’s column ids, every column present', () => {
		for (const kind of DEMO_KINDS) {
			const contract = COLUMNS[kind].map((c) => c.id).sort();
			expect(DEMO_COLUMNS[kind].map((c) => c.id).sort()).toEqual(contract);
			for (const style of EXPORT_STYLES) {
				const labels = headerLabels(kind, style);
				const known = labels.map(normalise).filter((h) => contract.includes(h));
				expect(known.sort(), `${kind} ${style}`).toEqual(contract);
				const written = headerLine(renderCsv(kind, defaultSet[kind], style), style).filter((h) => h !== '');
				expect(written.map(normalise).filter((h) => contract.includes(h)).sort()).toEqual(contract);
				const unknown = written.map(normalise).filter((h) => !contract.includes(h));
				expect(unknown).toEqual(style === 'excel-fr' ? ['charge_de_mission'] : []);
			}
		}
	});

	it('has the expected shape: ~150 applications in two rounds, ~20 lauréats and agreements, orphans', () => {
		const apps = defaultSet.candidatures;
		expect(apps).toHaveLength(150);
		const round1 = apps.filter((a) => a.releve === 1);
		const round2 = apps.filter((a) => a.releve === 2);
		expect(round1.length).toBeGreaterThanOrEqual(50);
		expect(round1.length).toBeLessThanOrEqual(70);
		expect(round1.every((a) => ['laureat', 'non_retenue', 'irrecevable', 'desistement'].includes(String(a.statut)))).toBe(true);
		expect(new Set(round2.map((a) => a.statut))).toEqual(
			new Set(['deposee', 'irrecevable', 'eligible', 'en_expertise', 'laureat', 'non_retenue', 'desistement'])
		);
		const laureats = apps.filter((a) => a.statut === 'laureat');
		expect(laureats.length).toBeGreaterThanOrEqual(17);
		expect(laureats.length).toBeLessThanOrEqual(23);
		expect(defaultSet.conventions.length).toBeGreaterThanOrEqual(17);
		expect(defaultSet.conventions.length).toBeLessThanOrEqual(25);
		const ids = new Set(apps.map((a) => a.numero_dossier));
		expect(defaultSet.conventions.filter((c) => !ids.has(c.numero_dossier)).length).toBeGreaterThanOrEqual(1);
		expect(defaultSet.rapports.filter((r) => !ids.has(r.numero_dossier)).length).toBeGreaterThanOrEqual(1);
		// Every lauréat has its agreement; no one else has one.
		const withAgreement = new Set(defaultSet.conventions.map((c) => c.numero_dossier));
		for (const a of apps) expect(withAgreement.has(a.numero_dossier), String(a.numero_dossier)).toBe(a.statut === 'laureat');
		// Each planted application rule R1–R13 is there, and R14, R15, R18–R21, and a closed grant paid below its amount.
		const rules = new Set(defaultSet.planted.map((p) => p.what));
		for (const r of [...Array.from({ length: 15 }, (_, i) => i + 1), 18, 19, 20, 21]) expect(rules.has(`R${r}`), `R${r}`).toBe(true);
		expect(rules.has('R22')).toBe(true);
		expect(rules.has('soldee-partielle')).toBe(true);
	});

	it('plants R18–R21 and a closed grant paid below its amount as the spec defines them, and no other agreement breaks them', () => {
		const apps = new Map(defaultSet.candidatures.map((a) => [String(a.numero_dossier), a]));
		const day = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000;
		const paid = (g: DemoRow) =>
			(g.montant_avance !== null && g.date_avance !== null ? Number(g.montant_avance) : 0) +
			(g.montant_solde !== null && g.date_solde !== null ? Number(g.montant_solde) : 0);
		const breaks = (g: DemoRow): string[] => {
			const a = apps.get(String(g.numero_dossier));
			const out: string[] = [];
			if (a && Number(g.montant_aide) > Number(a.aide_demandee)) out.push('R18');
			const days = day(String(g.date_fin)) - day(String(g.date_debut));
			if (days < 259 || days > 289) out.push('R19');
			if (a && Number(a.aides_minimis_3_ans) + Number(g.montant_aide) > 300_000) out.push('R20');
			if (a && day(String(g.date_debut)) < day(String(a.date_depot)) + 1) out.push('R21');
			return out;
		};
		const planted = new Map<string, Set<string>>();
		for (const p of defaultSet.planted) if (p.convention) (planted.get(p.convention) ?? planted.set(p.convention, new Set()).get(p.convention)!).add(p.what);
		for (const g of defaultSet.conventions) {
			const mine = planted.get(String(g.numero_convention)) ?? new Set();
			for (const rule of breaks(g)) {
				// A grant above the cap (R14) is also above the aid requested (R18); R20 is planted with R18 (the
				// de minimis ceiling can only be crossed by the grant when the grant exceeds the request).
				const explained = mine.has(rule) || (rule === 'R18' && (mine.has('R14') || mine.has('R20')));
				expect(explained, `${String(g.numero_convention)} breaks ${rule} without being planted`).toBe(true);
			}
			for (const rule of ['R18', 'R19', 'R20', 'R21']) if (mine.has(rule)) expect(breaks(g)).toContain(rule);
		}
		const partial = defaultSet.planted.find((p) => p.what === 'soldee-partielle')!;
		const g = defaultSet.conventions.find((c) => c.numero_convention === partial.convention)!;
		expect(g.statut).toBe('soldee');
		expect(paid(g)).toBeLessThan(Number(g.montant_aide));
	});

	it('keeps canonical values canonical: ≤ 2 decimals, ISO dates, valid SIRENs but for R13', () => {
		const luhn = (s: string) =>
			[...s].reverse().reduce((sum, ch, i) => {
				let n = Number(ch);
				if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
				return sum + n;
			}, 0) %
				10 ===
			0;
		const r13 = new Set(defaultSet.planted.filter((p) => p.what === 'R13').map((p) => p.dossier));
		const r22 = new Set(defaultSet.planted.filter((p) => p.what === 'R22').map((p) => p.dossier));
		for (const a of defaultSet.candidatures) {
			expect(luhn(String(a.siren)), String(a.numero_dossier)).toBe(!r13.has(String(a.numero_dossier)));
			expect(String(a.date_depot)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
			if (a.siret !== null) expect(String(a.siret).startsWith(String(a.siren)) && luhn(String(a.siret)), String(a.numero_dossier)).toBe(!r22.has(String(a.numero_dossier)));
		}
		// Every lauréat has a SIRET, valid but for exactly one (a typo: rule R22, left out of the SCDL file).
		const laureats = defaultSet.candidatures.filter((a) => a.statut === 'laureat');
		expect(laureats.every((a) => a.siret !== null)).toBe(true);
		expect(laureats.filter((a) => !siretOfSiren(String(a.siret), String(a.siren))).map((a) => a.numero_dossier)).toEqual([...r22]);
		expect(r22.size).toBe(1);
		for (const kind of DEMO_KINDS) {
			for (const row of defaultSet[kind]) {
				for (const c of DEMO_COLUMNS[kind]) {
					const v = row[c.id];
					if (typeof v === 'number') expect(Math.round(v * 100) / 100).toBe(v);
					if (c.type === 'date' && v !== null) expect(String(v)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
				}
			}
		}
	});

	it('means the same data in every style, as the project’s checker reads it', () => {
		for (const kind of DEMO_KINDS) {
			const rows: DemoRow[] = defaultSet[kind];
			for (const style of EXPORT_STYLES) {
				const checked = checkExport(`${kind}.csv`, renderCsv(kind, rows, style));
				expect(checked.errors, `${kind} ${style}`).toEqual([]);
				expect(checked.kind).toBe(kind as DemoKind);
				expect(checked.rows).toHaveLength(rows.length);
				const types = new Map(COLUMNS[kind].map((c) => [c.id, c.type]));
				checked.rows.forEach((parsed, i) => {
					for (const c of COLUMNS[kind]) {
						expect(actual(c.type, parsed[c.id]), `${kind} ${style} row ${i} ${c.id}`).toEqual(
							expected(types.get(c.id)!, rows[i]![c.id] ?? null)
						);
					}
				});
			}
		}
	});

	it('scales: 100 000 applications with unique keys', () => {
		const big = generateDataset({ seed: 1, applications: 100_000 });
		expect(big.candidatures).toHaveLength(100_000);
		for (const kind of DEMO_KINDS) {
			const keys = big[kind].map((r) => KEYS[kind].map((k) => String(r[k])).join('|'));
			expect(new Set(keys).size, kind).toBe(keys.length);
		}
		expect(big.conventions.length).toBeGreaterThan(10_000);
	});
});
