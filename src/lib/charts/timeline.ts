/**
 * Cumulative amounts over time (e.g. commitments by signature date and payments by payment
 * date) as step lines, against a ceiling (the envelope) drawn as a dashed rule.
 */
import * as Plot from '@observablehq/plot';
import { t, type Lang } from '../i18n';
import type { PlotOptions } from './render';
import type { Series } from './bars';
import { BASE_STYLE, COLORS, compactEur } from './theme';

export interface DatedAmount {
	/** `YYYY-MM-DD`. */
	date: string;
	series: string;
	amount: number;
}

export interface CumulativePoint {
	date: Date;
	series: string;
	label: string;
	total: number;
}

/** Running totals per series, one point per date (pure; exported for tests and tables). */
export function cumulate(events: readonly DatedAmount[], series: readonly Series[]): CumulativePoint[] {
	const out: CumulativePoint[] = [];
	for (const s of series) {
		const mine = events.filter((e) => e.series === s.id).sort((a, b) => a.date.localeCompare(b.date));
		let total = 0;
		const byDate = new Map<string, number>();
		for (const e of mine) {
			total += e.amount;
			byDate.set(e.date, total);
		}
		for (const [date, v] of byDate) out.push({ date: new Date(`${date}T00:00:00Z`), series: s.id, label: s.label, total: v });
	}
	return out;
}

export function cumulativeSpec(
	events: readonly DatedAmount[],
	options: { series: Series[]; lang: Lang; ceiling?: { value: number; label: string }; width?: number; until?: string }
): PlotOptions {
	const { lang, series } = options;
	const fmt = compactEur(lang);
	const points = cumulate(events, series);
	// Extend every line to the last date (or `until`) so that the steps end together.
	const last = options.until ?? events.map((e) => e.date).sort().at(-1);
	if (last) {
		const end = new Date(`${last}T00:00:00Z`);
		for (const s of series) {
			const mine = points.filter((p) => p.series === s.id);
			const tail = mine.at(-1);
			if (tail && tail.date < end) points.push({ ...tail, date: end });
		}
	}
	const colors = series.map((s, i) => s.color ?? [COLORS.primary, COLORS.accent, COLORS.secondary][i % 3]!);
	const max = Math.max(1, options.ceiling?.value ?? 0, ...points.map((p) => p.total));
	const dateFmt = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
	return {
		width: options.width ?? 680,
		height: 300,
		marginLeft: 64,
		marginRight: 20,
		marginTop: 24,
		style: BASE_STYLE,
		x: { type: 'utc', label: null, tickFormat: (d: Date) => dateFmt.format(d), ticks: Math.max(2, Math.floor((options.width ?? 680) / 150)) },
		y: { domain: [0, max * 1.08], grid: true, label: t(lang, 'Cumul', 'Cumulative'), tickFormat: fmt, ticks: 5 },
		color: { type: 'ordinal', domain: series.map((s) => s.label), range: colors, legend: true },
		marks: [
			...(options.ceiling
				? [
						Plot.ruleY([options.ceiling.value], { stroke: COLORS.bad, strokeDasharray: '5,4' }),
						Plot.text([options.ceiling.value], { y: (d: number) => d, frameAnchor: 'left', dy: -9, dx: 4, text: () => options.ceiling!.label, fill: COLORS.bad, textAnchor: 'start' })
					]
				: []),
			Plot.lineY(points, { x: 'date', y: 'total', stroke: 'label', curve: 'step-after', strokeWidth: 2.5 }),
			Plot.dot(points, { x: 'date', y: 'total', fill: 'label', r: 2.5 }),
			Plot.ruleY([0], { stroke: COLORS.ink })
		]
	};
}
