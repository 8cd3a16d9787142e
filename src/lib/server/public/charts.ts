/**
 * The public pages' charts, rendered to SVG on the server (no JavaScript needed). Each chart
 * is paired on its page with a data table holding the same numbers. Hidden counts
 * (statistical secrecy) are drawn as no bar, with the mark « s ».
 *
 * Drawn narrow (labels above the bars) so that they stay legible on a phone.
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from '../../charts/render';
import type { Lang } from '../../i18n';
import { formatEur, numberFormat } from '../../format';
import type { BrickRow, PublicOverview, RegionRow } from './overview';

export const CHART_COLOURS = {
	paid: '#1d3b6e',
	committed: '#7d9cc9',
	available: '#e7edf7',
	applications: '#c9d6ea',
	funded: '#0f766e'
} as const;

const INK = '#1b2433';

/**
 * Plot labels its inner groups (`aria-label="bar"`…); inside an SVG that is one image
 * (role="img", named by renderPlot) those labels are noise, and not allowed on a <g>.
 */
export function flattenAria(svg: string): string {
	let first = true;
	return svg.replace(/<([a-zA-Z]+)([^>]*)>/g, (tag, name: string, attrs: string) => {
		if (first && name.toLowerCase() === 'svg') {
			first = false;
			return tag;
		}
		return `<${name}${attrs.replace(/\s(aria-label|aria-description)="[^"]*"/g, '')}>`;
	});
}
const SOFT = '#4a5568';
const tr = (lang: Lang, fr: string, en: string) => (lang === 'en' ? en : fr);

/** `500 k€`, `1,5 M€` (fr) / `€500k`, `€1.5M` (en). */
export function shortEur(v: number, lang: Lang): string {
	const n = numberFormat(lang, { maximumFractionDigits: 1 });
	if (v === 0) return lang === 'fr' ? '0 €' : '€0';
	if (Math.abs(v) >= 1e6) return lang === 'fr' ? `${n.format(v / 1e6)} M€` : `€${n.format(v / 1e6)}M`;
	if (Math.abs(v) >= 1e3) return lang === 'fr' ? `${n.format(v / 1e3)} k€` : `€${n.format(v / 1e3)}k`;
	return formatEur(v, lang);
}

export interface EnvelopePart {
	key: 'paid' | 'committed' | 'available';
	label: string;
	value: number;
	/** Exact decimal string, for tables. */
	exact: string;
	colour: string;
}

export function envelopeParts(o: PublicOverview, lang: Lang): EnvelopePart[] {
	const clamp = (s: string) => (s.startsWith('-') ? '0' : s);
	return [
		{ key: 'paid', label: tr(lang, 'Versé', 'Paid'), value: Number(o.exact.paidEur), exact: o.exact.paidEur, colour: CHART_COLOURS.paid },
		{
			key: 'committed',
			label: tr(lang, 'Engagé, à verser', 'Committed, to pay'),
			value: Math.max(0, Number(o.exact.toPayEur)),
			exact: clamp(o.exact.toPayEur),
			colour: CHART_COLOURS.committed
		},
		{
			key: 'available',
			label: tr(lang, 'Disponible', 'Available'),
			value: Math.max(0, Number(o.exact.remainingEur)),
			exact: clamp(o.exact.remainingEur),
			colour: CHART_COLOURS.available
		}
	];
}

/** The envelope as one bar: paid, committed not yet paid, still available. */
export function envelopeChart(o: PublicOverview, lang: Lang): string {
	const parts = envelopeParts(o, lang);
	let x = 0;
	const segments = parts.map((d) => {
		const s = { ...d, x1: x, x2: x + d.value };
		x += d.value;
		return s;
	});
	const total = Math.max(x, o.envelopeEur);
	return flattenAria(renderPlot(
		{
			width: 640,
			height: 74,
			marginLeft: 14,
			marginRight: 26,
			marginTop: 4,
			marginBottom: 26,
			style: { fontSize: '13px', color: INK },
			x: { domain: [0, total], tickFormat: (v: number) => shortEur(v, lang), ticks: 4, label: null },
			y: { axis: null, domain: [0, 1] },
			marks: [
				Plot.rectX(segments, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: 'colour', stroke: CHART_COLOURS.paid, strokeWidth: 0.75 }),
				Plot.ruleX([o.envelopeEur], { stroke: INK, strokeWidth: 1.5 })
			]
		},
		{
			title: tr(lang, "Enveloppe de l'appel à projets", 'Envelope of the open call'),
			description: parts.map((d) => `${d.label} ${formatEur(d.value, lang)}`).join(', ')
		}
	));
}

interface UptakeDatum {
	label: string;
	applications: number | null;
	funded: number;
}

/** Applications (light bar) and funded projects (dark bar) per group, label above each pair. */
function uptakeChart(data: UptakeDatum[], lang: Lang, title: string): string {
	const max = Math.max(1, ...data.map((d) => Math.max(d.applications ?? 0, d.funded)));
	const band = 44;
	return flattenAria(renderPlot(
		{
			width: 460,
			height: 30 + band * data.length,
			marginLeft: 6,
			marginRight: 52,
			marginTop: 0,
			marginBottom: 26,
			style: { fontSize: '13px', color: INK },
			x: { domain: [0, max], label: null, ticks: Math.min(max, 5), tickFormat: 'd', grid: true },
			y: { domain: data.map((d) => d.label), axis: null, padding: 0 },
			marks: [
				Plot.text(data, { y: 'label', x: 0, text: 'label', textAnchor: 'start', dy: -11, fill: INK, fontWeight: 600 }),
				Plot.barX(
					data.filter((d) => d.applications !== null),
					{ y: 'label', x: 'applications', fill: CHART_COLOURS.applications, insetTop: 24, insetBottom: 4 }
				),
				Plot.barX(data, { y: 'label', x: 'funded', fill: CHART_COLOURS.funded, insetTop: 28, insetBottom: 8 }),
				Plot.text(data, {
					y: 'label',
					x: (d: UptakeDatum) => Math.max(d.applications ?? 0, d.funded),
					text: (d: UptakeDatum) => (d.applications === null ? `${d.funded} · s` : `${d.funded} / ${d.applications}`),
					dx: 5,
					dy: 12,
					textAnchor: 'start',
					fill: SOFT
				})
			]
		},
		{
			title,
			description: data
				.map(
					(d) =>
						`${d.label} : ${d.funded} ${tr(lang, 'financés', 'funded')}, ${d.applications === null ? tr(lang, 'candidatures : secret statistique', 'applications withheld') : `${d.applications} ${tr(lang, 'candidatures', 'applications')}`}`
				)
				.join(' ; ')
		}
	));
}

export function bricksChart(rows: BrickRow[], lang: Lang): string {
	return uptakeChart(
		rows.map((r) => ({ label: r.name, applications: r.applications.count, funded: r.funded })),
		lang,
		tr(lang, 'Projets financés et candidatures par brique', 'Funded projects and applications per brick')
	);
}

export function regionsChart(rows: RegionRow[], lang: Lang): string {
	return uptakeChart(
		rows.map((r) => ({ label: r.region, applications: r.applications.count, funded: r.funded })),
		lang,
		tr(lang, 'Projets financés et candidatures par région', 'Funded projects and applications per region')
	);
}
