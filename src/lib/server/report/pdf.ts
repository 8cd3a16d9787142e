/**
 * The report as a PDF, generated on the server with pdfmake 0.3 (Node API: `createPdf(doc)
 * .getBuffer()`; fonts are file paths, read under a local-access policy that allows the
 * font files only, and no URL is ever fetched). A4 portrait, a title block that states the
 * programme, the period, when and by whom the report was produced and what data it rests
 * on; a contents list; page numbers; tables with right-aligned figures whose header row
 * repeats on each page; the charts as vector SVG (the very SVG of the page, ./charts.ts);
 * a signature block at the end.
 *
 * Text is the one of `cellText` (./cells.ts) — the page shows the same strings — with the
 * narrow no-break space (U+202F, French thousands separator) turned into a no-break space:
 * Roboto, the embedded font, has no glyph for it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Content, ContentTable, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import { t } from '../../i18n';
import { formatDate } from '../../format';
import { cutText } from '../../domain/schemas';
import { alignRight, cellText, isNumeric } from './cells';
import { chartForPdf } from './charts';
import { EU_EMBLEM_SVG, EU_FUNDING_CAPTION, FRANCE_2030_SVG } from '../../logos';
import type { Cell, ReportModel, ReportTable, Section } from './model';

type PdfMake = typeof import('pdfmake');

const require = createRequire(import.meta.url);
let instance: PdfMake | null = null;

function pdfmake(): PdfMake {
	if (instance) return instance;
	const pm = require('pdfmake') as PdfMake;
	const dir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
	pm.setFonts({
		Roboto: {
			normal: path.join(dir, 'Roboto-Regular.ttf'),
			bold: path.join(dir, 'Roboto-Medium.ttf'),
			italics: path.join(dir, 'Roboto-Italic.ttf'),
			bolditalics: path.join(dir, 'Roboto-MediumItalic.ttf')
		}
	});
	// Only the font files may be read; nothing is downloaded.
	pm.setLocalAccessPolicy((file) => path.resolve(file).startsWith(dir + path.sep));
	pm.setUrlAccessPolicy(() => false);
	instance = pm;
	return pm;
}

/**
 * The most characters of one text (a cell, a paragraph) the PDF shows; a longer one ends with
 * `…`. Above the import's limits for names and titles (TEXT_LIMITS), and low enough that a row
 * of the narrowest column still fits on a page: pdfmake leaves out a row taller than a page.
 */
export const PDF_TEXT_MAX = 600;
/** A run of this many characters without a space is given break opportunities… */
const LONG_TOKEN = /[^\s\u200b]{80,}/g;
/** …a zero-width space (U+200B, in Roboto) every this many characters. */
const TOKEN_PIECE = /[^]{1,40}/gu;

/**
 * Text for the PDF: at most `PDF_TEXT_MAX` characters, a long word given a break opportunity
 * every 40 characters (issue 18 #1: pdfmake broke a 30 000-character word one character at a
 * time, for minutes and gigabytes), and U+202F (no glyph in Roboto) turned into U+00A0.
 */
export function pdfText(s: string): string {
	const shown = s.length > PDF_TEXT_MAX ? `${cutText(s, PDF_TEXT_MAX - 1)}…` : s;
	return shown.replace(LONG_TOKEN, (word) => word.match(TOKEN_PIECE)!.join('\u200b')).replace(/\u202f/g, '\u00a0');
}

/**
 * An SVG file for pdfmake: the root's `width`/`height` attributes dropped (the France 2030 file
 * says `height="auto"`, which the SVG renderer cannot size); the viewBox keeps the proportions,
 * and the document gives the size.
 */
export function pdfSvg(svg: string): string {
	return svg.replace(/<svg\b[^>]*>/, (tag) => tag.replace(/\s(width|height)="[^"]*"/g, ''));
}

const INK = '#1b2433';
const MUTED = '#5b6472';
const BRAND = '#1d3b6e';
const LINE = '#c9d1dd';
const ZEBRA = '#f3f6fa';

/** Usable width of an A4 page with the margins below, in points. */
const PORTRAIT_WIDTH = 595.28 - 2 * 45;
const LANDSCAPE_WIDTH = 841.89 - 2 * 45;

/** A section with a table of 8 columns or more is laid out on landscape pages. */
export function isWide(section: Section): boolean {
	return section.tables.some((t) => t.columns.length >= 8);
}

function tableContent(table: ReportTable, lang: ReportModel['lang'], pageWidth: number): Content[] {
	const out: Content[] = [{ text: pdfText(table.title), style: 'tableTitle', headlineLevel: 2 } as Content];
	// A narrow table keeps a portrait width on a landscape page.
	if (table.columns.length <= 4) pageWidth = Math.min(pageWidth, PORTRAIT_WIDTH);
	if (table.rows.length === 0 && table.empty) {
		out.push({ text: pdfText(table.empty), style: 'note' });
		return out;
	}
	const weights = table.columns.map((c) => c.width ?? 1);
	const sum = weights.reduce((a, b) => a + b, 0);
	// Column widths in points (cell padding excluded: 2 × 4 pt).
	const widths = weights.map((w) => Math.max(18, (pageWidth * w) / sum - 8));
	const small = table.columns.length >= 7;
	const header: TableCell[] = table.columns.map((c) => ({
		text: pdfText(c.label),
		style: 'th',
		alignment: isNumeric(c.type) ? 'right' : 'left'
	}));
	const body: TableCell[][] = [header];
	const noWrap = (cell: Cell, i: number) => cell.type === 'money' || cell.type === 'date' || !!table.columns[i]?.nowrap;
	for (const row of table.rows) {
		body.push(row.map((cell, i) => ({ text: pdfText(cellText(cell, lang)), alignment: alignRight(cell, table.columns[i]) ? 'right' : 'left', noWrap: noWrap(cell, i) })));
	}
	if (table.total) {
		body.push(
			table.total.map((cell, i) => ({ text: pdfText(cell.value === null ? '' : cellText(cell, lang)), bold: true, alignment: alignRight(cell, table.columns[i]) ? 'right' : 'left', noWrap: cell.type === 'money' }))
		);
	}
	const totalIndex = table.total ? body.length - 1 : -1;
	const node: ContentTable = {
		table: { headerRows: 1, widths, body, dontBreakRows: true },
		style: small ? 'tableSmall' : 'table',
		layout: {
			hLineWidth: (i: number, node) => (i === 0 || i === node.table.body.length ? 0.8 : i === 1 || i === totalIndex ? 0.8 : 0.3),
			vLineWidth: () => 0,
			hLineColor: (i: number) => (i <= 1 || i === totalIndex ? BRAND : LINE),
			fillColor: (i: number) => (i === 0 ? '#e7edf7' : i === totalIndex ? '#eef2f8' : i % 2 === 0 ? ZEBRA : null),
			paddingTop: () => 2.5,
			paddingBottom: () => 2.5,
			paddingLeft: () => 4,
			paddingRight: () => 4
		}
	};
	out.push(node);
	if (table.note) out.push({ text: pdfText(table.note), style: 'note' });
	return out;
}

export function pdfDocument(model: ReportModel): TDocumentDefinitions {
	const L = (fr: string, en: string) => t(model.lang, fr, en);
	const produced = formatDate(model.producedAt, model.lang, true);
	const content: Content[] = [];

	// Title block.
	content.push(
		{ text: pdfText(model.programme), style: 'programme' },
		{ text: pdfText(model.subtitle.join(' · ')), style: 'muted', margin: [0, 2, 0, 0] },
		{ text: pdfText(model.title), style: 'title' },
		{ text: pdfText(L(`Période ${model.period.label}`, `Period ${model.period.label}`)), style: 'period' },
		{
			table: {
				widths: [110, '*'],
				body: [
					[{ text: L('Produit le', 'Produced on'), style: 'label' }, { text: pdfText(produced) }],
					[{ text: L('Par', 'By'), style: 'label' }, { text: pdfText(model.producedBy) }],
					[{ text: L('Données', 'Data'), style: 'label' }, { text: pdfText(model.provenance), fontSize: 8.5 }]
				]
			},
			layout: 'noBorders',
			margin: [0, 10, 0, 6]
		},
		{ text: L('Lecture des chiffres', 'How to read the figures'), style: 'h3' },
		{ ul: model.method.map((m) => pdfText(m)), style: 'method' },
		{
			// The funding mentions with their logos (call §3.4.3), as on the page.
			columns: [
				{ svg: pdfSvg(FRANCE_2030_SVG), width: 44, height: 44 },
				{ stack: [{ svg: pdfSvg(EU_EMBLEM_SVG), width: 36, height: 24 }], width: 36, margin: [0, 10, 0, 0] },
				{ text: pdfText(EU_FUNDING_CAPTION), width: 120, fontSize: 8, bold: true, color: '#003399', margin: [0, 12, 0, 0] },
				{ stack: model.mentions.map((m) => ({ text: pdfText(m) })), style: 'mentions', width: '*', margin: [0, 8, 0, 0] }
			],
			columnGap: 8,
			margin: [0, 10, 0, 0]
		},
		{ toc: { title: { text: L('Sommaire', 'Contents'), style: 'h3' }, numberStyle: { color: MUTED } }, margin: [0, 14, 0, 0] }
	);

	let landscape = false;
	model.sections.forEach((section, i) => {
		const wide = isWide(section);
		const pageWidth = wide ? LANDSCAPE_WIDTH : PORTRAIT_WIDTH;
		// A new page for the first section and whenever the orientation changes.
		const newPage = i === 0 || wide !== landscape;
		content.push({
			text: pdfText(`${i + 1}. ${section.title}`),
			style: 'h2',
			tocItem: true,
			pageBreak: newPage ? 'before' : undefined,
			pageOrientation: newPage ? (wide ? 'landscape' : 'portrait') : undefined,
			headlineLevel: 1
		} as Content);
		landscape = wide;
		for (const p of section.paragraphs) content.push({ text: pdfText(p), style: 'paragraph' });
		for (const chart of section.charts) {
			const c = chartForPdf(chart, model.lang, 680);
			const width = Math.min(PORTRAIT_WIDTH, c.width * 0.72);
			content.push({
				unbreakable: true,
				stack: [
					{ text: pdfText(chart.title), style: 'tableTitle' },
					{
						columns: c.legend.map((l) => ({
							width: 'auto',
							columns: [
								{ canvas: [{ type: 'rect', x: 0, y: 1.5, w: 8, h: 8, color: l.color, lineColor: LINE }], width: 12 },
								{ text: pdfText(l.label), fontSize: 8, width: 'auto', margin: [0, 0, 12, 0] }
							]
						})),
						margin: [0, 0, 0, 3]
					},
					{ svg: c.svg, width },
					{ text: pdfText(chart.description), style: 'caption' }
				],
				margin: [0, 0, 0, 8]
			});
		}
		for (const table of section.tables) content.push({ stack: tableContent(table, model.lang, pageWidth), margin: [0, 0, 0, 10] });
	});

	// Signature block.
	content.push(
		{ text: L('Visa', 'Approval'), style: 'h2', pageBreak: landscape ? 'before' : undefined, pageOrientation: landscape ? 'portrait' : undefined } as Content,
		{
			unbreakable: true,
			table: {
				widths: ['*', '*'],
				heights: [14, 70],
				body: [
					[
						{ text: L('Pour Cap Digital', 'For Cap Digital'), style: 'label' },
						{ text: L('Pour Bpifrance (réception)', 'For Bpifrance (received)'), style: 'label' }
					],
					[
						{ text: L('Nom, qualité, date et signature :', 'Name, position, date and signature:'), style: 'muted' },
						{ text: L('Nom, qualité, date et signature :', 'Name, position, date and signature:'), style: 'muted' }
					]
				]
			},
			layout: { hLineColor: () => LINE, vLineColor: () => LINE, hLineWidth: () => 0.6, vLineWidth: () => 0.6 }
		}
	);

	const running = pdfText(`${model.title} — Hyper Open X — ${L('période', 'period')} ${model.period.label}`);
	return {
		pageSize: 'A4',
		pageMargins: [45, 50, 45, 50],
		language: model.lang === 'fr' ? 'fr-FR' : 'en-GB',
		info: {
			title: pdfText(`${model.title} — ${model.period.label}`),
			author: 'Cap Digital',
			subject: pdfText(model.programme),
			creator: 'Hyper Open X — tableau de bord',
			producer: 'pdfmake'
		},
		// A heading never ends a page: it moves to the next one with what it introduces.
		pageBreakBefore: (node, queries) =>
			!!node.headlineLevel && queries.getFollowingNodesOnPage().length < 25 && queries.getNodesOnNextPage().length > 0,
		header: (page: number) =>
			page === 1 ? null : { text: running, fontSize: 7.5, color: MUTED, margin: [45, 22, 45, 0] },
		footer: (page: number, pages: number) => ({
			columns: [
				{ text: pdfText(L(`Produit le ${produced}`, `Produced on ${produced}`)), fontSize: 7.5, color: MUTED },
				{ text: pdfText(L(`Page ${page} sur ${pages}`, `Page ${page} of ${pages}`)), fontSize: 7.5, color: MUTED, alignment: 'right' }
			],
			margin: [45, 18, 45, 0]
		}),
		content,
		defaultStyle: { font: 'Roboto', fontSize: 9.5, color: INK, lineHeight: 1.2 },
		styles: {
			programme: { fontSize: 10, bold: true, color: BRAND },
			title: { fontSize: 24, bold: true, color: INK, margin: [0, 26, 0, 4] },
			period: { fontSize: 13, color: BRAND, margin: [0, 0, 0, 4] },
			h2: { fontSize: 15, bold: true, color: BRAND, margin: [0, 12, 0, 6] },
			h3: { fontSize: 11, bold: true, color: INK, margin: [0, 8, 0, 4] },
			paragraph: { margin: [0, 0, 0, 6] },
			method: { fontSize: 9, margin: [0, 0, 0, 4] },
			mentions: { fontSize: 9, italics: true, color: INK },
			label: { bold: true, color: MUTED, fontSize: 9 },
			muted: { color: MUTED, fontSize: 9 },
			tableTitle: { fontSize: 10.5, bold: true, margin: [0, 4, 0, 4] },
			table: { fontSize: 8.5 },
			tableSmall: { fontSize: 7 },
			th: { bold: true, color: INK },
			note: { fontSize: 8, color: MUTED, italics: true, margin: [0, 3, 0, 0] },
			caption: { fontSize: 7.5, color: MUTED, margin: [0, 2, 0, 0] }
		}
	};
}

export interface PdfOptions {
	/** Uncompressed streams (tests read the text back). */
	compress?: boolean;
}

export async function renderPdf(model: ReportModel, options: PdfOptions = {}): Promise<Uint8Array> {
	const doc = pdfDocument(model);
	doc.compress = options.compress ?? true;
	const buffer = await pdfmake().createPdf(doc).getBuffer();
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
