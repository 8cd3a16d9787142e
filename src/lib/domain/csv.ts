/**
 * Bytes → text → table, as real exports need (exports.md §1): the encoding is detected
 * (BOM, valid UTF-8, else Windows-1252), the delimiter is read off the header line, and
 * papaparse handles RFC 4180 quoting. Runs in the browser and on the server.
 */
import Papa from 'papaparse';
import type { Delimiter } from './parsers';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
	text: string;
	encoding: Encoding;
}

/** Decode the bytes of an export. Returns null when the bytes are not text. */
export function decodeBytes(bytes: Uint8Array): DecodedText | null {
	let text: string;
	let encoding: Encoding;
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
		encoding = 'utf-8-bom';
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
		} catch {
			return null;
		}
	} else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
		encoding = 'utf-16le';
		text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
	} else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
		encoding = 'utf-16be';
		text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
	} else {
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
			encoding = 'utf-8';
		} catch {
			text = new TextDecoder('windows-1252').decode(bytes);
			encoding = 'windows-1252';
		}
	}
	if (looksBinary(text)) return null;
	return { text, encoding };
}

/** NUL characters, or many control characters, mean this is not a CSV export. */
function looksBinary(text: string): boolean {
	const sample = text.length > 65536 ? text.slice(0, 65536) : text;
	if (sample.includes('\u0000')) return true;
	let controls = 0;
	for (let i = 0; i < sample.length; i++) {
		const c = sample.charCodeAt(i);
		if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c < 0xa0)) controls++;
	}
	return controls > Math.max(8, sample.length / 100);
}

/** `;` or `,`: whichever appears more often, outside quotes, in the header line. */
export function detectDelimiter(text: string): Delimiter {
	let semi = 0;
	let comma = 0;
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && (c === '\n' || c === '\r')) {
			if (semi + comma > 0) break;
		} else if (!quoted && c === ';') semi++;
		else if (!quoted && c === ',') comma++;
	}
	return semi > comma ? ';' : ',';
}

export interface Table {
	delimiter: Delimiter;
	/** Records as parsed; index i is row i + 1 in reports (the header is row 1). */
	records: string[][];
	/** Problems papaparse found with the structure (unclosed quotes…). */
	parseErrors: { row: number; message: string }[];
	/** Records papaparse gave, the trailing empty ones (dropped from `records`) included. */
	parsed: number;
	/** The line break papaparse read the records with (guessed from the text's first megabyte). */
	linebreak: string;
}

export function parseTable(text: string, delimiter: Delimiter = detectDelimiter(text)): Table {
	const result = Papa.parse<string[]>(text, {
		delimiter,
		header: false,
		skipEmptyLines: false,
		quoteChar: '"',
		escapeChar: '"',
		dynamicTyping: false
	});
	const parseErrors = result.errors
		.filter((e) => e.type === 'Quotes')
		.map((e) => ({ row: (e.row ?? 0) + 1, message: e.message }));
	const records = result.data;
	const parsed = records.length;
	// A file ending with a line break gives a last empty record: drop trailing empty ones.
	while (records.length > 0 && isBlankRecord(records[records.length - 1]!)) records.pop();
	return { delimiter, records, parseErrors, parsed, linebreak: result.meta.linebreak };
}

export function isBlankRecord(record: readonly string[]): boolean {
	return record.every((cell) => cell.trim() === '');
}
