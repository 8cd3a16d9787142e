/**
 * Render an Observable Plot chart to an SVG string on the server, with a linkedom document,
 * so that pages show their charts without JavaScript. Chart specs (data → Plot options)
 * live beside this file as small pure functions.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export type PlotOptions = Plot.PlotOptions;

/**
 * `title` and `description` become the SVG's accessible name (role="img", aria-label):
 * every chart must also be given as a data table on the page.
 */
export function renderPlot(options: PlotOptions, a11y: { title: string; description?: string }): string {
	const { document } = parseHTML('<!doctype html><html><body></body></html>');
	const figure = Plot.plot({ ...options, document: document as unknown as Document });
	// With a legend, Plot returns a <figure> holding the legend (swatches are small SVGs) and
	// then the chart: the chart is the figure's own <svg> child, not the first SVG inside.
	const svg =
		figure.tagName.toLowerCase() === 'svg'
			? figure
			: (Array.from(figure.children).find((c) => c.tagName.toLowerCase() === 'svg') ?? figure.querySelector('svg'));
	if (svg) {
		svg.setAttribute('role', 'img');
		svg.setAttribute('aria-label', a11y.description ? `${a11y.title}. ${a11y.description}` : a11y.title);
		svg.setAttribute('focusable', 'false');
		// Children of role="img" are presentational: Plot's aria-label on mark groups would be
		// a prohibited attribute there (axe: aria-prohibited-attr). The name is the SVG's.
		// (A walk rather than querySelectorAll: linkedom's attribute selectors miss SVG elements.)
		const strip = (el: Element) => {
			for (const child of Array.from(el.children)) {
				child.removeAttribute('aria-label');
				child.removeAttribute('aria-description');
				strip(child);
			}
		};
		strip(svg);
	}
	return figure.outerHTML;
}
