/**
 * The Bpifrance report as data, independent of any format: sections holding tables of typed
 * cells and chart specs. `buildReport` (./build.ts) makes it once; each renderer (the Svelte
 * page, ./pdf.ts, ./xlsx.ts, ./zip.ts) only lays it out, so every format shows the same
 * figures. Money travels as the database's decimal strings and becomes a number only at a
 * renderer's edge (an XLSX or CSV number cell, a chart).
 */
import type { Lang } from '../../i18n';
import type { ExactFigures, Kpis } from '../figures/kpis';
import type { Period, PeriodFlows } from '../figures/period';

export type Cell =
	| { type: 'text'; value: string | null }
	/** Euros, as a decimal string (`"99999.99"`). */
	| { type: 'money'; value: string | null }
	| { type: 'integer'; value: number | null }
	/** A decimal quantity such as full-time equivalents, as a decimal string (`"2.50"`). */
	| { type: 'decimal'; value: string | null }
	/** A ratio: 0.25 is 25 %. */
	| { type: 'percent'; value: number | null }
	/** A day, `YYYY-MM-DD`. */
	| { type: 'date'; value: string | null };

export type CellType = Cell['type'];

export const text = (value: string | null | undefined): Cell => ({ type: 'text', value: value ?? null });
export const money = (value: string | number | null | undefined): Cell => ({ type: 'money', value: value === null || value === undefined ? null : String(value) });
export const integer = (value: number | string | null | undefined): Cell => ({
	type: 'integer',
	value: value === null || value === undefined || value === '' ? null : Number(value)
});
export const decimal = (value: string | number | null | undefined): Cell => ({ type: 'decimal', value: value === null || value === undefined ? null : String(value) });
export const percent = (value: number | null | undefined): Cell => ({
	type: 'percent',
	value: value === null || value === undefined || !Number.isFinite(value) ? null : value
});
export const date = (value: string | null | undefined): Cell => ({ type: 'date', value: value ? value.slice(0, 10) : null });

export interface Column {
	label: string;
	/** The type of most cells (alignment, width); each cell still carries its own type. */
	type: CellType;
	/** A relative width for paged formats (PDF): 1 is a normal column, 2 twice as wide. */
	width?: number;
	/** Keep on one line (identifiers). */
	nowrap?: boolean;
	/** Fixed-width characters, broken anywhere (fingerprints). */
	mono?: boolean;
}

export interface ReportTable {
	/** Stable, file-name-safe id: the XLSX sheet and the CSV file are named after it. */
	id: string;
	title: string;
	columns: Column[];
	rows: Cell[][];
	/** A last row of totals (written last, set apart). */
	total?: Cell[];
	/** Read-me under the table: scope, definitions. */
	note?: string;
	/** Shown instead of an empty table. */
	empty?: string;
}

export interface ChartSeries {
	id: string;
	label: string;
	color?: string;
}

export type ChartSpec =
	| {
			id: string;
			kind: 'envelope';
			title: string;
			description: string;
			envelope: number;
			committed: number;
			paid: number;
	  }
	| {
			id: string;
			kind: 'bars';
			title: string;
			description: string;
			rows: { label: string; values: Record<string, number> }[];
			series: ChartSeries[];
			format: 'number' | 'eur' | 'decimal';
			mode: 'grouped' | 'overlay';
			axisLabel?: string;
	  };

export interface Section {
	id: string;
	title: string;
	paragraphs: string[];
	charts: ChartSpec[];
	tables: ReportTable[];
}

export interface ReportModel {
	lang: Lang;
	title: string;
	programme: string;
	/** Lines of the title block: operator, funder, envelope. */
	subtitle: string[];
	period: Period & { label: string };
	/** The day the report was produced (Europe/Paris) and the moment, `YYYY-MM-DD HH:MM`. */
	producedOn: string;
	producedAt: string;
	producedBy: string;
	/** How to read the figures (period semantics), stated on the report itself. */
	method: string[];
	/** The prescribed funding statements (French, whatever the language). */
	mentions: string[];
	/** One line on the data the report rests on (files, hashes: see the provenance section). */
	provenance: string;
	sections: Section[];
	/** The figures the tables were made from (for tests and other consumers). */
	figures: { stocks: Kpis; exact: ExactFigures; flows: PeriodFlows };
}

/** Every table of the report, in order. */
export function allTables(model: ReportModel): ReportTable[] {
	return model.sections.flatMap((s) => s.tables);
}
