/**
 * Chart rendering for dashboard loads. A chart is rendered twice on the server, at desktop
 * and phone widths, so that its type stays readable on a phone without JavaScript (the
 * Chart component shows one or the other with a media query).
 */
import { renderPlot, type PlotOptions } from '../../../charts/render';
import type { RenderedChart } from '../../../charts/rendered';

export const WIDE = 680;
/** For a chart spanning the whole page. */
export const FULL = 1120;
export const NARROW = 360;

export function svg(spec: PlotOptions, title: string, description?: string): string {
	return renderPlot(spec, { title, description });
}

/** Render a spec builder at both widths. */
export function chart(build: (width: number) => PlotOptions, title: string, description?: string, options: { wide?: number } = {}): RenderedChart {
	return { wide: renderPlot(build(options.wide ?? WIDE), { title, description }), narrow: renderPlot(build(NARROW), { title, description }) };
}
