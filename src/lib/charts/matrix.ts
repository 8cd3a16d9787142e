/**
 * A matrix of counts (heatmap): a cell per (column, row), its shade by its count, its count
 * written in it. Used for the DNSH objectives × scores, pairs of bricks used together, and
 * bricks × regions. No continuous legend (it would need a canvas on the server): the counts
 * are written in the cells, and the page gives the same numbers as a table.
 */
import * as Plot from '@observablehq/plot';
import type { Lang } from '../i18n';
import type { PlotOptions } from './render';
import { BASE_STYLE, COLORS, RAMP, labelMargin, plainNumber } from './theme';

export interface MatrixCell {
	x: string;
	y: string;
	value: number;
}

export interface MatrixOptions {
	lang: Lang;
	xDomain: string[];
	yDomain: string[];
	xLabel?: string;
	yLabel?: string;
	/** Cells with a value of 0 are drawn empty (a lighter grid). */
	hideZeros?: boolean;
	width?: number;
	cellHeight?: number;
}

export function matrixSpec(cells: readonly MatrixCell[], options: MatrixOptions): PlotOptions {
	const fmt = plainNumber(options.lang);
	const max = Math.max(1, ...cells.map((c) => c.value));
	const marginLeft = labelMargin(options.yDomain, 60, 300);
	const cellHeight = options.cellHeight ?? 34;
	const width = options.width ?? Math.min(720, marginLeft + 20 + options.xDomain.length * 84);
	return {
		width,
		height: 50 + cellHeight * options.yDomain.length + (options.xLabel ? 14 : 0),
		marginLeft,
		marginTop: options.xLabel ? 42 : 30,
		marginBottom: 6,
		marginRight: 12,
		style: BASE_STYLE,
		x: { domain: options.xDomain, axis: 'top', label: options.xLabel ?? null, tickSize: 0, padding: 0.06 },
		y: { domain: options.yDomain, label: options.yLabel ?? null, tickSize: 0, padding: 0.06 },
		color: { type: 'linear', domain: [0, max], range: [...RAMP], legend: false },
		marks: [
			// The empty grid first, so that hidden zeros still show their place.
			Plot.cell(options.yDomain.flatMap((y) => options.xDomain.map((x) => ({ x, y }))), { x: 'x', y: 'y', fill: '#f8fafc', stroke: COLORS.grid, inset: 0.5, rx: 3 }),
			Plot.cell(cells, { x: 'x', y: 'y', fill: (c: MatrixCell) => (options.hideZeros && c.value === 0 ? null : c.value), stroke: COLORS.grid, inset: 0.5, rx: 3, title: (c: MatrixCell) => `${c.y} × ${c.x} : ${fmt(c.value)}` }),
			// Two text marks with constant fills (a channel would go through the colour scale).
			...([true, false] as const).map((dark) =>
				Plot.text(
					cells.filter((c) => !(options.hideZeros && c.value === 0) && c.value / max > 0.5 === dark),
					{ x: 'x', y: 'y', text: (c: MatrixCell) => fmt(c.value), fill: dark ? '#ffffff' : COLORS.ink, fontWeight: 600 }
				)
			)
		]
	};
}
