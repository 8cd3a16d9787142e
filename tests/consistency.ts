/**
 * "One label, one number" (issue 16, docs/DATA.md): the checker shared by the end-to-end test
 * (tests/e2e/figures.test.ts, every page and file of a running server) and the unit test
 * (tests/unit/figures-consistency.test.ts, the same figures from the server modules, on the
 * samples and a generated larger set).
 *
 * A figure is observed as (source, name, value). Names are the machine-readable labels pages
 * write next to each headline number: `data-kpi` / `data-figure` with the raw value in
 * `data-value`. A name that is a path of `npm run kpis` (`funding.paid_eur`,
 * `bricks.slapos.funded`, `rule_flags.length`) must carry the value of /api/v1/kpis; any name
 * must carry one value wherever it appears. A reconciliation (`data-reconcile`, or a column
 * `data-part-of` with its total `data-sum-of`) must have parts adding up to its whole.
 */
import { parseHTML } from 'linkedom';

export type Value = number | string;

export interface Seen {
	source: string;
	name: string;
	value: Value;
}

export interface Reconciliation {
	source: string;
	name: string;
	total: Value;
	parts: Value[];
}

export interface Observations {
	seen: Seen[];
	reconciliations: Reconciliation[];
	/** Headline values (a card's big number) written without a marker: a figure the test cannot read. */
	unmarked: string[];
}

export const empty = (): Observations => ({ seen: [], reconciliations: [], unmarked: [] });

export function merge(...all: Observations[]): Observations {
	return {
		seen: all.flatMap((o) => o.seen),
		reconciliations: all.flatMap((o) => o.reconciliations),
		unmarked: all.flatMap((o) => o.unmarked)
	};
}

/** Exact comparison of money and decimals: hundredths (no float sum is trusted). */
export const cents = (v: Value): number => Math.round(Number(v) * 100);
const numeric = (v: Value) => v !== '' && Number.isFinite(Number(v));

/** The value of `name` in the kpis JSON (`a.b.c`, `rule_flags.length`), or undefined when it is not a kpis path. */
export function kpiValue(kpis: unknown, name: string): number | undefined {
	let v: unknown = kpis;
	for (const key of name.split('.')) {
		if (v === null || typeof v !== 'object') return undefined;
		v = key === 'length' && Array.isArray(v) ? v.length : (v as Record<string, unknown>)[key];
	}
	return typeof v === 'number' ? v : undefined;
}

/** Every marked figure of an HTML page. */
export function figuresInHtml(html: string, source: string): Observations {
	const { document } = parseHTML(html);
	const out = empty();
	for (const el of document.querySelectorAll('[data-value]')) {
		const name = el.getAttribute('data-kpi') ?? el.getAttribute('data-figure') ?? el.getAttribute('data-reconcile');
		if (name) out.seen.push({ source, name, value: el.getAttribute('data-value')! });
	}
	for (const el of document.querySelectorAll('[data-reconcile]')) {
		out.reconciliations.push({
			source,
			name: el.getAttribute('data-reconcile')!,
			total: el.getAttribute('data-value')!,
			parts: [...el.querySelectorAll('[data-part]')].map((p) => p.getAttribute('data-value')!)
		});
	}
	for (const el of document.querySelectorAll('[data-sum-of]')) {
		const name = el.getAttribute('data-sum-of')!;
		out.reconciliations.push({
			source: `${source} (column)`,
			name,
			total: el.getAttribute('data-value')!,
			parts: [...document.querySelectorAll(`[data-part-of="${name}"]`)].map((p) => p.getAttribute('data-value')!)
		});
	}
	// A headline card's number (public `.card.kpi .value`, dashboard KpiCard) must say what it is.
	for (const el of document.querySelectorAll('.card.kpi .value')) {
		const marked = el.getAttribute('data-kpi') || el.getAttribute('data-figure') || el.querySelector('[data-kpi],[data-figure]');
		if (!marked) out.unmarked.push(`${source}: « ${(el.textContent ?? '').trim()} »`);
	}
	return out;
}

/** What breaks "one label, one number": a list of sentences, empty when everything agrees. */
export function violations(obs: Observations, kpis: unknown): string[] {
	const problems: string[] = [...obs.unmarked.map((u) => `unmarked headline figure ${u}`)];
	const byName = new Map<string, Seen[]>();
	for (const s of obs.seen) {
		if (!numeric(s.value)) continue; // « s » (statistical secrecy)
		byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
	}
	for (const [name, list] of byName) {
		const values = new Set(list.map((s) => cents(s.value)));
		if (values.size > 1) problems.push(`${name} differs: ${list.map((s) => `${s.value} (${s.source})`).join(', ')}`);
		const want = kpiValue(kpis, name);
		if (want !== undefined) {
			for (const s of list) if (cents(s.value) !== cents(want)) problems.push(`${name} = ${s.value} in ${s.source}, but ${want} in kpis`);
		}
	}
	for (const r of obs.reconciliations) {
		const sum = r.parts.reduce<number>((acc, p) => acc + cents(p), 0);
		if (sum !== cents(r.total)) problems.push(`${r.name} in ${r.source}: parts ${r.parts.join(' + ')} ≠ ${r.total}`);
		if (r.parts.length === 0) problems.push(`${r.name} in ${r.source}: no part`);
	}
	return problems;
}

/** `;` or `,` CSV text (a French download: BOM, decimal comma) → rows of cells. */
export function csvRows(text: string): string[][] {
	const body = text.replace(/^\uFEFF/, '');
	const delimiter = body.split(/\r?\n/, 1)[0]!.includes(';') ? ';' : ',';
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < body.length; i++) {
		const ch = body[i]!;
		if (quoted) {
			if (ch === '"' && body[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === delimiter) {
			row.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && body[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += ch;
	}
	if (cell !== '' || row.length) {
		row.push(cell);
		rows.push(row);
	}
	return rows;
}

/** A number as a French or English CSV writes it (`1 958 910,87`, `1958910.87`, `45 %`). */
export function csvNumber(cell: string, decimalComma: boolean): number {
	const s = cell.replace(/[\s\u00a0\u202f€%]/g, '');
	return Number(decimalComma ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, ''));
}

/**
 * Figures of a table (CSV download, XLSX sheet, report table) read by row label: `labels` maps
 * a row's first cell to a figure name; `column` is the value's column.
 */
export function byRowLabel(rows: readonly (readonly unknown[])[], labels: Record<string, string>, source: string, column = 1, decimalComma = false): Observations {
	const out = empty();
	const found = new Set<string>();
	for (const r of rows) {
		const label = String(r[0] ?? '').trim();
		const name = labels[label];
		if (!name) continue;
		found.add(label);
		const v = r[column];
		out.seen.push({ source, name, value: typeof v === 'number' ? v : csvNumber(String(v ?? ''), decimalComma) });
	}
	for (const label of Object.keys(labels)) if (!found.has(label)) out.unmarked.push(`${source}: row « ${label} » not found`);
	return out;
}
