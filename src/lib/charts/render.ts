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
	const svg = figure.tagName.toLowerCase() === 'svg' ? figure : figure.querySelector('svg');
	if (svg) {
		svg.setAttribute('role', 'img');
		svg.setAttribute('aria-label', a11y.description ? `${a11y.title}. ${a11y.description}` : a11y.title);
		svg.setAttribute('focusable', 'false');
		// Children of role="img" are presentational: Plot's aria-label on mark groups would be
		// a prohibited attribute there (axe: aria-prohibited-attr). The name is the SVG's.
		for (const el of svg.querySelectorAll('[aria-label], [aria-description]')) {
			el.removeAttribute('aria-label');
			el.removeAttribute('aria-description');
		}
	}
	return figure.outerHTML;
}
