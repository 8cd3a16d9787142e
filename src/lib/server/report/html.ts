/**
 * The report for the page (/app/rapport): the model with every cell already written as the
 * reader sees it (`cellText`, the very strings of the PDF) and every chart rendered to SVG
 * at desktop and phone widths. Plain data, so it can cross from the server load to Svelte.
 */
import type { RenderedChart } from '../../charts/rendered';
import { formatDate } from '../../format';
import { alignRight, cellText } from './cells';
import { chartHtml } from './charts';
import type { ReportModel } from './model';

export interface ViewCell {
	text: string;
	right: boolean;
}

export interface ViewTable {
	id: string;
	title: string;
	columns: { label: string; right: boolean; nowrap: boolean; mono: boolean; wide: boolean }[];
	/** Many columns: a smaller type. */
	dense: boolean;
	rows: ViewCell[][];
	total?: ViewCell[];
	note?: string;
	empty?: string;
}

export interface ViewSection {
	id: string;
	title: string;
	paragraphs: string[];
	charts: { id: string; title: string; description: string; svg: RenderedChart }[];
	tables: ViewTable[];
}

export interface ReportView {
	title: string;
	programme: string;
	subtitle: string[];
	periodLabel: string;
	producedAt: string;
	producedBy: string;
	method: string[];
	mentions: string[];
	provenance: string;
	sections: ViewSection[];
}

export function reportView(model: ReportModel): ReportView {
	const lang = model.lang;
	return {
		title: model.title,
		programme: model.programme,
		subtitle: model.subtitle,
		periodLabel: model.period.label,
		producedAt: formatDate(model.producedAt, lang, true),
		producedBy: model.producedBy,
		method: model.method,
		mentions: model.mentions,
		provenance: model.provenance,
		sections: model.sections.map((s) => ({
			id: s.id,
			title: s.title,
			paragraphs: s.paragraphs,
			charts: s.charts.map((c) => ({
				id: c.id,
				title: c.title,
				description: c.description,
				svg: { wide: chartHtml(c, lang, 900), narrow: chartHtml(c, lang, 360) }
			})),
			tables: s.tables.map((t) => ({
				id: t.id,
				title: t.title,
				columns: t.columns.map((c) => ({
					label: c.label,
					right: c.type !== 'text' && c.type !== 'date',
					nowrap: !!c.nowrap || c.type === 'money' || c.type === 'date',
					mono: !!c.mono,
					wide: c.type === 'text' && (c.width ?? 1) >= 1.8
				})),
				dense: t.columns.length >= 8,
				rows: t.rows.map((r) => r.map((cell, i) => ({ text: cellText(cell, lang), right: alignRight(cell, t.columns[i]) }))),
				total: t.total?.map((cell, i) => ({ text: cell.value === null ? '' : cellText(cell, lang), right: alignRight(cell, t.columns[i]) })),
				note: t.note,
				empty: t.empty
			}))
		}))
	};
}
