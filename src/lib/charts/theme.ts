/**
 * Shared look of the charts: a calm palette (the app's brand blue and teal, with light
 * tints for context) and axis formatters in the reader's language. Colours are never the
 * only carrier of meaning: every chart has a legend in words or direct labels, and a table.
 */
import type { Lang } from '../i18n';

export const COLORS = {
	/** The main series (funded projects, committed, forecast). */
	primary: '#1d3b6e',
	/** A lighter companion (applications, requested). */
	secondary: '#9db4d6',
	/** Achieved / paid. */
	accent: '#0f766e',
	/** Light background bands (the envelope, context). */
	band: '#e7edf7',
	/** Warnings (flags, over the envelope). */
	warn: '#b45309',
	bad: '#b91c1c',
	ink: '#1b2433',
	muted: '#6b7280',
	grid: '#d9dee7'
} as const;

/** A sequential ramp, light to dark (for matrices and maps; drawn with legend: false). */
export const RAMP = ['#eef2f8', '#1d3b6e'] as const;

/** A diverging ramp for scores −2…+2 (red, neutral grey, teal). */
export const DIVERGING: Record<string, string> = {
	'-2': '#b91c1c',
	'-1': '#f3a6a0',
	'0': '#e5e7eb',
	'1': '#8fd1c8',
	'2': '#0f766e'
};

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/** `1,2 M€` / `€1.2M`, `250 k€` / `€250K`: short money ticks. */
export function compactEur(lang: Lang): (v: number) => string {
	const f = new Intl.NumberFormat(locale(lang), { notation: 'compact', maximumFractionDigits: 1 });
	return (v: number) => {
		const s = f.format(v).replace(/\s/g, '\u202f');
		if (lang === 'fr') return /[a-zA-Z]$/.test(s) ? `${s}€` : `${s}\u202f€`;
		return `€${s.replace(/m$/, 'M').replace(/k$/, 'K').replace(/bn$/, 'B')}`;
	};
}

/** Plain numbers with the language's grouping (`1 234`). */
export function plainNumber(lang: Lang, digits = 0): (v: number) => string {
	const f = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits });
	return (v: number) => f.format(v);
}

/** Width of a left margin able to hold the longest of these labels (≈ 7.4 px per character at 13 px). */
export function labelMargin(labels: readonly string[], min = 60, max = 240): number {
	const longest = Math.max(0, ...labels.map((l) => l.length));
	return Math.max(min, Math.min(max, 16 + Math.round(longest * 7.4)));
}

/** Base style of every chart: readable type when the SVG is scaled down on a phone. */
export const BASE_STYLE = { fontSize: '13px', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', overflow: 'visible' } as const;

/** Whole-number ticks from 0 to max (about n of them): counts never get a « 2,5 » tick. */
export function integerTicks(max: number, n = 5): number[] {
	const step = Math.max(1, Math.ceil(max / n));
	const nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((s) => s >= step) ?? step;
	const out: number[] = [];
	for (let v = 0; v <= max; v += nice) out.push(v);
	return out;
}
