/**
 * The report's charts: a chart spec of the model (./model.ts) → Plot options, through the
 * dashboard's own chart specs (src/lib/charts), → SVG. The page embeds Plot's SVG as it is;
 * the PDF gets the same SVG made digestible for svg-to-pdfkit (inside pdfmake): no <style>
 * element (it ignores CSS), Roboto as the font (the one embedded in the PDF), no narrow
 * no-break space (Roboto has no glyph for it), and the legend drawn by pdfmake instead of
 * Plot's HTML swatches.
 */
import { barsSpec } from '../../charts/bars';
import { envelopeBulletSpec } from '../../charts/bullet';
import { renderPlot, type PlotOptions } from '../../charts/render';
import { COLORS } from '../../charts/theme';
import { t, type Lang } from '../../i18n';
import type { ChartSpec } from './model';

export function chartOptions(spec: ChartSpec, lang: Lang, width: number): PlotOptions {
	if (spec.kind === 'envelope') {
		return envelopeBulletSpec({ envelope: spec.envelope, committed: spec.committed, paid: spec.paid }, { lang, width });
	}
	return barsSpec(spec.rows, { series: spec.series, lang, width, format: spec.format, mode: spec.mode, axisLabel: spec.axisLabel });
}

/** The chart as the page shows it (Plot's own markup: a <figure> with a legend, or an <svg>). */
export function chartHtml(spec: ChartSpec, lang: Lang, width: number): string {
	return renderPlot(chartOptions(spec, lang, width), { title: spec.title, description: spec.description });
}

export interface PdfChart {
	svg: string;
	width: number;
	height: number;
	legend: { label: string; color: string }[];
}

/** The legend's entries of a chart, in order. */
export function chartLegend(spec: ChartSpec, lang: Lang): { label: string; color: string }[] {
	if (spec.kind === 'envelope') {
		return [
			{ label: t(lang, 'Enveloppe', 'Envelope'), color: COLORS.band },
			{ label: t(lang, 'Engagé', 'Committed'), color: COLORS.secondary },
			{ label: t(lang, 'Versé', 'Paid'), color: COLORS.primary }
		];
	}
	const palette = [COLORS.primary, COLORS.accent, COLORS.secondary, COLORS.warn];
	return spec.series.map((s, i) => ({ label: s.label, color: s.color ?? palette[i % palette.length]! }));
}

/** Plot's SVG made for svg-to-pdfkit. */
export function sanitizeSvgForPdf(svg: string): string {
	return svg
		.replace(/<style[\s\S]*?<\/style>/g, '')
		.replace(/\u202f/g, '\u00a0')
		.replace(/&quot;/g, "'")
		.replace(/font-family="[^"]*"/g, 'font-family="Roboto"')
		.replace(/font-family:[^;"]*/g, 'font-family:Roboto')
		.replace(/ class="[^"]*"/g, '')
		.replace(/ (?:role|aria-[a-z]+|focusable)="[^"]*"/g, '')
		// Offsets in em (Plot's tick labels) as pixels of the charts' 13 px type.
		.replace(/ (y|dy)="(-?[\d.]+)em"/g, (_, attr: string, v: string) => ` ${attr}="${(Number(v) * 13).toFixed(2)}"`)
		// Axes are drawn in currentColor: give it the ink colour (the page's CSS does that on screen).
		.replace(/^<svg/, `<svg color="${COLORS.ink}"`);
}

export function chartForPdf(spec: ChartSpec, lang: Lang, width: number): PdfChart {
	const options = chartOptions(spec, lang, width);
	const noLegend: PlotOptions = { ...options, color: { ...(options.color ?? {}), legend: false } };
	const markup = renderPlot(noLegend, { title: spec.title, description: spec.description });
	const match = /<svg[\s\S]*<\/svg>/.exec(markup);
	if (!match) throw new Error(`Chart ${spec.id}: no SVG rendered`);
	const svg = sanitizeSvgForPdf(match[0]);
	const w = Number(/ width="([\d.]+)"/.exec(svg)?.[1] ?? width);
	const h = Number(/ height="([\d.]+)"/.exec(svg)?.[1] ?? 200);
	return { svg, width: w, height: h, legend: chartLegend(spec, lang) };
}
