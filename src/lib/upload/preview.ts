/**
 * A preview of an export as the programme team sees it in a spreadsheet: the first rows,
 * then the rows with errors, each offending cell marked with its messages. Pure: built in
 * the browser's worker from the records checkExport parsed, or on the server (no-JavaScript
 * form) from the bytes.
 */
import type { ImportIssue, IssueCode } from '../domain/check';
import { decodeBytes, isBlankRecord, parseTable } from '../domain/csv';
import { normalizeHeader } from '../domain/normalize';
import type { Expected } from '../domain/parsers';

export interface CellMark {
	/** Column index in `headers` (cells beyond the header get `#n` headers). */
	col: number;
	code: IssueCode;
	level: 'error' | 'warning';
	message: Expected;
}

export interface PreviewRow {
	/** Row in the file, the header being row 1 (as in the report). */
	row: number;
	cells: string[];
	/** Marks on cells; a mark with col −1 concerns the row as a whole. */
	marks: CellMark[];
	hasError: boolean;
}

export interface FilePreview {
	/** Header cells, then `#n` for cells found beyond the header. */
	headers: string[];
	/** Columns in the header (trailing empty ones excluded). */
	columns: number;
	rows: PreviewRow[];
	/** Rows with errors not shown (the report lists every error). */
	hiddenErrorRows: number;
}

export const PREVIEW_FIRST_ROWS = 5;
export const PREVIEW_ERROR_ROWS = 30;
const CELL_MAX = 120;

const clip = (s: string) => (s.length > CELL_MAX ? `${s.slice(0, CELL_MAX - 1)}…` : s);

/** Column indexes an issue points at, from its `column` (normalised id, `#n`, or `a+b` for a key). */
function columnsOf(issue: ImportIssue, index: Map<string, number>): number[] {
	if (!issue.column) return [-1];
	const extra = /^#(\d+)$/.exec(issue.column);
	if (extra) return [Number(extra[1]) - 1];
	const cols = issue.column
		.split('+')
		.map((c) => index.get(normalizeHeader(c)))
		.filter((c): c is number => c !== undefined);
	return cols.length ? cols : [-1];
}

/**
 * The preview from parsed records (`headerIndex` = index of the header record) and the
 * file's issues (errors and warnings: only cell-level ones mark cells).
 */
export function buildPreview(
	records: readonly (readonly string[])[],
	headerIndex: number,
	errors: readonly ImportIssue[],
	warnings: readonly ImportIssue[] = []
): FilePreview {
	const header = records[headerIndex] ?? [];
	let width = header.length;
	while (width > 0 && header[width - 1]!.trim() === '') width--;
	const headers = header.slice(0, width).map((h) => clip(h));
	const index = new Map<string, number>();
	headers.forEach((h, i) => {
		const n = normalizeHeader(h);
		if (n && !index.has(n)) index.set(n, i);
	});

	type Leveled = ImportIssue & { level: 'error' | 'warning' };
	const byRow = new Map<number, Leveled[]>();
	const add = (i: ImportIssue, level: Leveled['level']) => {
		if (i.row === null || i.row <= headerIndex + 1) return;
		const list = byRow.get(i.row);
		const item = { ...i, level };
		if (list) list.push(item);
		else byRow.set(i.row, [item]);
	};
	for (const i of errors) add(i, 'error');
	for (const i of warnings) add(i, 'warning');
	const errorRows = [...byRow.entries()]
		.filter(([, list]) => list.some((i) => i.level === 'error'))
		.map(([row]) => row)
		.sort((a, b) => a - b);

	const wanted = new Set<number>();
	for (let r = headerIndex + 1, n = 0; r < records.length && n < PREVIEW_FIRST_ROWS; r++) {
		if (isBlankRecord(records[r]!)) continue;
		wanted.add(r + 1);
		n++;
	}
	for (const row of errorRows.slice(0, PREVIEW_ERROR_ROWS)) wanted.add(row);

	let widest = width;
	const rows: PreviewRow[] = [...wanted]
		.sort((a, b) => a - b)
		.map((row) => {
			const record = records[row - 1] ?? [];
			const rowIssues = byRow.get(row) ?? [];
			const marks = rowIssues.flatMap((i) => columnsOf(i, index).map((col) => ({ col, code: i.code, level: i.level, message: i.message })));
			const last = Math.max(width, ...marks.map((m) => m.col + 1));
			widest = Math.max(widest, last);
			return {
				row,
				cells: Array.from({ length: last }, (_, c) => clip(record[c] ?? '')),
				marks,
				hasError: rowIssues.some((i) => i.level === 'error')
			};
		});
	for (let c = headers.length; c < widest; c++) headers.push(`#${c + 1}`);
	return { headers, columns: width, rows, hiddenErrorRows: Math.max(0, errorRows.length - PREVIEW_ERROR_ROWS) };
}

/** The preview straight from a file's bytes (server side, for the form without JavaScript). */
export function previewFromBytes(bytes: Uint8Array, errors: readonly ImportIssue[], warnings: readonly ImportIssue[] = []): FilePreview | null {
	const decoded = decodeBytes(bytes);
	if (!decoded) return null;
	const table = parseTable(decoded.text);
	const headerIndex = table.records.findIndex((r) => !isBlankRecord(r));
	if (headerIndex < 0) return null;
	return buildPreview(table.records, headerIndex, errors, warnings);
}
