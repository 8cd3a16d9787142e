/**
 * The envelope as a bullet chart: the €2,000,000 envelope as a light band, committed as a
 * bar, paid as a darker bar inside it, the envelope's edge as a rule, and what applicants
 * requested as a tick (it may exceed the envelope, which is why the axis extends to it).
 */
import * as Plot from '@observablehq/plot';
import { t, type Lang } from '../i18n';
import type { PlotOptions } from './render';
import { BASE_STYLE, COLORS, compactEur } from './theme';

export interface EnvelopeFigures {
	envelope: number;
	committed: number;
	paid: number;
	/** Σ aid requested; drawn as a tick when given. */
	requested?: number;
}

export function envelopeBulletSpec(f: EnvelopeFigures, options: { lang: Lang; width?: number }): PlotOptions {
	const { lang } = options;
	const fmt = compactEur(lang);
	// The envelope stays readable: a request far beyond it is written at the edge, not drawn to scale.
	const base = Math.max(f.envelope, f.committed);
	const offScale = f.requested !== undefined && f.requested > base * 1.6;
	const max = offScale ? base * 1.12 : Math.max(base, f.requested ?? 0) * 1.04;
	const labels = {
		envelope: t(lang, 'Enveloppe', 'Envelope'),
		committed: t(lang, 'Engagé', 'Committed'),
		paid: t(lang, 'Versé', 'Paid'),
		requested: t(lang, 'Demandé', 'Requested')
	};
	const showTick = f.requested !== undefined && !offScale;
	const domain = [labels.envelope, labels.committed, labels.paid, ...(showTick ? [labels.requested] : [])];
	const range = [COLORS.band, COLORS.secondary, COLORS.primary, ...(showTick ? [COLORS.warn] : [])];
	return {
		width: options.width ?? 680,
		height: 140,
		marginLeft: 12,
		marginRight: 28,
		marginTop: 8,
		marginBottom: 30,
		style: BASE_STYLE,
		x: { domain: [0, max], tickFormat: fmt, ticks: 5, grid: false, label: null },
		y: { axis: null, domain: [-0.55, 1.3] },
		color: { type: 'ordinal', domain, range, legend: true },
		marks: [
			Plot.rectX([{ k: labels.envelope, v: f.envelope }], { x1: 0, x2: 'v', y1: 0, y2: 1, fill: 'k' }),
			Plot.rectX([{ k: labels.committed, v: f.committed }], { x1: 0, x2: 'v', y1: 0.2, y2: 0.8, fill: 'k' }),
			Plot.rectX([{ k: labels.paid, v: f.paid }], { x1: 0, x2: 'v', y1: 0.35, y2: 0.65, fill: 'k' }),
			Plot.ruleX([f.envelope], { stroke: COLORS.ink, strokeWidth: 2, y1: -0.1, y2: 1.1 }),
			Plot.text([f.envelope], { x: (d: number) => d, y: 1.1, text: (d: number) => `${labels.envelope} ${fmt(d)}`, lineAnchor: 'bottom', textAnchor: f.envelope > max * 0.6 ? 'end' : 'start', dy: -2, fill: COLORS.ink }),
			...(f.requested !== undefined && offScale
				? [
						Plot.text([f.requested], {
							frameAnchor: 'right',
							y: -0.1,
							text: (d: number) => `${labels.requested} ${fmt(d)} →`,
							lineAnchor: 'top',
							textAnchor: 'end',
							fill: COLORS.warn
						})
					]
				: []),
			...(f.requested !== undefined && !offScale
				? [
						Plot.ruleX([{ k: labels.requested, v: f.requested }], { x: 'v', y1: -0.05, y2: 1.05, stroke: 'k', strokeWidth: 3 }),
						Plot.text([f.requested], {
							x: (d: number) => d,
							y: -0.1,
							text: (d: number) => `${labels.requested} ${fmt(d)}`,
							lineAnchor: 'top',
							textAnchor: f.requested > max * 0.6 ? 'end' : 'start',
							dx: f.requested > max * 0.6 ? -6 : 6,
							fill: COLORS.warn
						})
					]
				: [])
		]
	};
}
