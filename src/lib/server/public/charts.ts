/**
 * The public pages' charts, rendered to SVG on the server (no JavaScript needed). Each chart
 * is paired on its page with a data table holding the same numbers. Hidden counts
 * (statistical secrecy) are drawn as no bar, with the mark « s ».
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from '../../charts/render';
import type { Lang } from '../../i18n';
import { formatEur } from '../../format';
import type { BrickRow, PublicOverview, RegionRow } from './overview';

const PAID = '#1d3b6e';
const COMMITTED = '#7d9cc9';
const AVAILABLE = '#e7edf7';
const APPLICATIONS = '#c9d6ea';
const FUNDED = '#0f766e';

const tr = (lang: Lang, fr: string, en: string) => (lang === 'en' ? en : fr);

/** The envelope: paid, committed not yet paid, still available. */
export function envelopeChart(o: PublicOverview, lang: Lang): string {
	const paid = o.funding.paidEur;
	const toPay = Math.max(0, o.funding.committedEur - o.funding.paidEur);
	const available = Math.max(0, o.funding.remainingEur);
	const data = [
		{ part: tr(lang, 'Versé', 'Paid'), value: paid, fill: PAID, text: '#fff' },
		{ part: tr(lang, 'Engagé, à verser', 'Committed, to pay'), value: toPay, fill: COMMITTED, text: '#1b2433' },
		{ part: tr(lang, 'Disponible', 'Available'), value: available, fill: AVAILABLE, text: '#1b2433' }
	];
	let x = 0;
	const segments = data.map((d) => {
		const s = { ...d, x1: x, x2: x + d.value };
		x += d.value;
		return s;
	});
	const total = Math.max(x, o.envelopeEur);
	return renderPlot(
		{
			width: 720,
			height: 90,
			marginLeft: 8,
			marginRight: 8,
			marginTop: 8,
			marginBottom: 28,
			x: { domain: [0, total], tickFormat: (v: number) => formatEur(v, lang).replace(/\u202f000\u202f000/, ' M'), ticks: 5, label: null },
			y: { axis: null },
			marks: [
				Plot.rectX(segments, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: 'fill', stroke: '#1d3b6e', strokeWidth: 0.5 }),
				Plot.text(
					segments.filter((s) => s.value / total > 0.12),
					{ x: (s: (typeof segments)[number]) => (s.x1 + s.x2) / 2, y: 0.5, text: 'part', fill: 'text', fontSize: 13 }
				)
			]
		},
		{
			title: tr(lang, "Enveloppe de l'appel à projets", 'Envelope of the open call'),
			description: data.map((d) => `${d.part} ${formatEur(d.value, lang)}`).join(', ')
		}
	);
}

interface UptakeDatum {
	label: string;
	applications: number | null;
	funded: number;
}

/** Applications (light) and funded projects (dark) per group; hidden counts marked « s ». */
function uptakeChart(data: UptakeDatum[], lang: Lang, title: string): string {
	const max = Math.max(1, ...data.map((d) => Math.max(d.applications ?? 0, d.funded)));
	const rowHeight = 26;
	const labelWidth = Math.min(230, 12 + 7 * Math.max(...data.map((d) => d.label.length), 4));
	return renderPlot(
		{
			width: 720,
			height: 36 + rowHeight * data.length,
			marginLeft: labelWidth,
			marginRight: 40,
			marginTop: 6,
			marginBottom: 30,
			x: { domain: [0, max], label: null, ticks: Math.min(max, 6), tickFormat: 'd', grid: true },
			y: { domain: data.map((d) => d.label), label: null, tickSize: 0 },
			marks: [
				Plot.barX(
					data.filter((d) => d.applications !== null),
					{ y: 'label', x: 'applications', fill: APPLICATIONS, insetTop: 3, insetBottom: 3 }
				),
				Plot.barX(data, { y: 'label', x: 'funded', fill: FUNDED, insetTop: 8, insetBottom: 8 }),
				Plot.text(
					data.filter((d) => d.applications === null),
					{ y: 'label', x: 0, text: () => 's', dx: 8, textAnchor: 'start', fontStyle: 'italic', fill: '#4a5568' }
				),
				Plot.text(
					data.filter((d) => d.applications !== null),
					{ y: 'label', x: 'applications', text: (d: UptakeDatum) => String(d.applications), dx: 6, textAnchor: 'start', fill: '#4a5568' }
				)
			]
		},
		{
			title,
			description: data
				.map(
					(d) =>
						`${d.label} : ${d.applications === null ? tr(lang, 'candidatures secret statistique', 'applications withheld') : `${d.applications} ${tr(lang, 'candidatures', 'applications')}`}, ${d.funded} ${tr(lang, 'financés', 'funded')}`
				)
				.join(' ; ')
		}
	);
}

export function bricksChart(rows: BrickRow[], lang: Lang): string {
	return uptakeChart(
		rows.map((r) => ({ label: r.name, applications: r.applications.count, funded: r.funded })),
		lang,
		tr(lang, 'Candidatures et projets financés par brique', 'Applications and funded projects per brick')
	);
}

export function regionsChart(rows: RegionRow[], lang: Lang): string {
	return uptakeChart(
		rows.map((r) => ({ label: r.region, applications: r.applications.count, funded: r.funded })),
		lang,
		tr(lang, 'Candidatures et projets financés par région', 'Applications and funded projects per region')
	);
}

export const CHART_COLOURS = { PAID, COMMITTED, AVAILABLE, APPLICATIONS, FUNDED };
