/**
 * Horizontal bars: one row per label, one or more series. Two ways to show several series:
 * `grouped` (bars side by side inside each row, e.g. forecast vs achieved) or `overlay`
 * (the second series drawn inside the first, e.g. funded projects within applications).
 * Values are written at the end of each bar, so the chart reads without a legend lookup.
 *
 *   renderPlot(barsSpec(rows, { series: [{ id: 'applications', label: 'Candidatures' }], lang }),
 *              { title: 'Candidatures par brique' })
 */
import * as Plot from '@observablehq/plot';
import type { Lang } from '../i18n';
import type { PlotOptions } from './render';
import { BASE_STYLE, COLORS, compactEur, integerTicks, labelMargin, plainNumber } from './theme';

export interface Series {
	id: string;
	label: string;
	color?: string;
}

export interface BarRow {
	label: string;
	values: Record<string, number | null | undefined>;
}

export interface BarsOptions {
	series: Series[];
	lang: Lang;
	/** How values read on the axis and at the bar ends. */
	format?: 'number' | 'eur' | 'decimal';
	/** grouped: side by side; overlay: the second inside the first; stacked: end to end (total written). */
	mode?: 'grouped' | 'overlay' | 'stacked';
	/** Axis label (the unit), e.g. « Nombre de projets ». */
	axisLabel?: string;
	width?: number;
	/** A vertical reference line (e.g. the €100,000 cap), with its label. */
	reference?: { value: number; label: string };
}

const DEFAULT_COLORS = [COLORS.primary, COLORS.accent, COLORS.secondary, COLORS.warn];

interface Flat {
	label: string;
	series: string;
	seriesLabel: string;
	value: number;
	color: string;
	text: string;
}

export function barsSpec(rows: readonly BarRow[], options: BarsOptions): PlotOptions {
	const { series, lang } = options;
	const mode = options.mode ?? 'grouped';
	const fmt = options.format === 'eur' ? compactEur(lang) : plainNumber(lang, options.format === 'decimal' ? 1 : 0);
	const colors = series.map((s, i) => s.color ?? (mode === 'overlay' && i === 0 ? COLORS.secondary : DEFAULT_COLORS[i % DEFAULT_COLORS.length]!));
	const flat: Flat[] = rows.flatMap((r) =>
		series.map((s, i) => {
			const value = Number(r.values[s.id] ?? 0);
			return { label: r.label, series: s.id, seriesLabel: s.label, value, color: colors[i]!, text: fmt(value) };
		})
	);
	const labels = rows.map((r) => r.label);
	const totals = rows.map((r) => ({ label: r.label, total: series.reduce((sum, s) => sum + Number(r.values[s.id] ?? 0), 0) }));
	const max = Math.max(1, ...(mode === 'stacked' ? totals.map((d) => d.total) : flat.map((d) => d.value)), options.reference?.value ?? 0);
	const width = options.width ?? 680;
	const marginLeft = Math.min(labelMargin(labels, 60, 280), Math.round(width * 0.42));
	const maxChars = Math.floor((marginLeft - 16) / 7.4);
	const shorten = (l: string) => (l.length > maxChars ? `${l.slice(0, Math.max(1, maxChars - 1))}…` : l);
	const legend = series.length > 1;
	const common = {
		width,
		marginLeft,
		marginRight: 56,
		marginTop: options.reference ? 22 : 8,
		style: BASE_STYLE,
		x: {
			domain: [0, max * 1.02],
			grid: true,
			label: options.axisLabel ?? null,
			tickFormat: fmt,
			ticks: (options.format ?? 'number') === 'number' ? integerTicks(max, Math.max(3, Math.floor(width / 110))) : Math.max(3, Math.floor(width / 130))
		},
		color: {
			type: 'ordinal' as const,
			domain: series.map((s) => s.label),
			range: colors,
			legend
		}
	};
	const reference = options.reference
		? [
				Plot.ruleX([options.reference.value], { stroke: COLORS.bad, strokeDasharray: '4,3' }),
				Plot.text([options.reference.value], { x: (d: number) => d, frameAnchor: 'top', dy: -14, text: () => options.reference!.label, fill: COLORS.bad })
			]
		: [];
	if (mode === 'stacked') {
		const rowH = 26;
		return {
			...common,
			height: 30 + rowH * rows.length + (options.axisLabel ? 10 : 0),
			marginBottom: options.axisLabel ? 38 : 28,
			y: { domain: labels, label: null, tickSize: 0, padding: 0.2, tickFormat: shorten },
			marks: [
				Plot.barX(flat, { x: 'value', y: 'label', fill: 'seriesLabel', title: (d: Flat) => `${d.label} — ${d.seriesLabel} : ${d.text}` }),
				Plot.text(totals, { x: 'total', y: 'label', text: (d: { total: number }) => fmt(d.total), textAnchor: 'start', dx: 5, fill: COLORS.ink }),
				Plot.ruleX([0], { stroke: COLORS.ink }),
				...reference
			]
		};
	}
	if (mode === 'overlay' || series.length === 1) {
		const rowH = 30;
		return {
			...common,
			height: 30 + rowH * rows.length + (options.axisLabel ? 10 : 0),
			marginBottom: options.axisLabel ? 38 : 28,
			y: { domain: labels, label: null, tickSize: 0, padding: 0.25, tickFormat: shorten },
			marks: [
				...series.map((s, i) =>
					Plot.barX(
						flat.filter((d) => d.series === s.id),
						{ x: 'value', y: 'label', fill: 'seriesLabel', insetTop: i * 5, insetBottom: i * 5, title: (d: Flat) => `${d.label} — ${d.seriesLabel} : ${d.text}` }
					)
				),
				Plot.text(
					flat.filter((d) => d.series === series[0]!.id),
					{
						x: 'value',
						y: 'label',
						text: (d: Flat) =>
							series.length > 1
								? series.map((s) => flat.find((f) => f.label === d.label && f.series === s.id)?.text ?? '').join(' / ')
								: d.text,
						textAnchor: 'start',
						dx: 5,
						fill: COLORS.ink
					}
				),
				Plot.ruleX([0], { stroke: COLORS.ink }),
				...reference
			]
		};
	}
	const barH = 18;
	return {
		...common,
		height: 30 + rows.length * (series.length * barH + 12) + (options.axisLabel ? 10 : 0),
		marginBottom: options.axisLabel ? 38 : 28,
		y: { domain: series.map((s) => s.id), axis: null, padding: 0.1 },
		fy: { domain: labels, label: null, padding: 0.2, tickFormat: shorten },
		marks: [
			Plot.barX(flat, { x: 'value', y: 'series', fy: 'label', fill: 'seriesLabel', title: (d: Flat) => `${d.label} — ${d.seriesLabel} : ${d.text}` }),
			Plot.text(flat, { x: 'value', y: 'series', fy: 'label', text: 'text', textAnchor: 'start', dx: 4, fill: COLORS.ink, fontSize: 11 }),
			Plot.ruleX([0], { stroke: COLORS.ink }),
			...reference
		]
	};
}

/** Vertical columns over a few categories (e.g. statuses, rounds), one series. */
export function columnsSpec(
	data: readonly { label: string; value: number; color?: string }[],
	options: { lang: Lang; format?: 'number' | 'eur'; axisLabel?: string; width?: number; height?: number }
): PlotOptions {
	const fmt = options.format === 'eur' ? compactEur(options.lang) : plainNumber(options.lang);
	const max = Math.max(1, ...data.map((d) => d.value));
	return {
		width: options.width ?? 680,
		height: options.height ?? 260,
		marginTop: 22,
		marginBottom: 40,
		style: BASE_STYLE,
		x: { domain: data.map((d) => d.label), label: null, tickSize: 0, padding: 0.25 },
		y: { domain: [0, max * 1.1], grid: true, label: options.axisLabel ?? null, tickFormat: fmt, ticks: options.format === 'eur' ? 4 : integerTicks(max, 4) },
		color: { type: 'identity' },
		marks: [
			Plot.barY(data, { x: 'label', y: 'value', fill: (d: { color?: string }) => d.color ?? COLORS.primary }),
			Plot.text(data, { x: 'label', y: 'value', text: (d: { value: number }) => fmt(d.value), dy: -9, fill: COLORS.ink }),
			Plot.ruleY([0], { stroke: COLORS.ink })
		]
	};
}
