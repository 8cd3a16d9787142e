/**
 * Read the text back from a PDF written by pdfmake/pdfkit, for the tests (no external tool
 * needed; compressed streams are inflated): fonts are Identity-H with a ToUnicode CMap, text is shown
 * with `[<hex> kerning <hex> …] TJ`, one run per word or unbreakable group. Returns the runs
 * in drawing order; `joined` concatenates them (words keep their trailing space).
 * Not a general PDF parser: only what pdfkit writes.
 */

import { inflateSync } from 'node:zlib';

function utf16be(raw: string): string {
	const hex = raw.replace(/\s+/g, '');
	let out = '';
	for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
	return out;
}

function parseCmap(cmap: string): Map<number, string> {
	const map = new Map<number, string>();
	for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
		const body = block[1]!;
		for (const m of body.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
			const start = parseInt(m[1]!, 16);
			const end = parseInt(m[2]!, 16);
			const dest = m[3]!;
			if (dest.startsWith('[')) {
				// An entry may hold several code points, written with a space (a ligature: <0066 0069>).
				const items = [...dest.matchAll(/<([0-9a-fA-F\s]+)>/g)].map((x) => x[1]!.replace(/\s+/g, ''));
				items.forEach((h, i) => map.set(start + i, utf16be(h)));
			} else {
				const base = parseInt(dest.slice(1, -1), 16);
				for (let c = start; c <= end; c++) map.set(c, String.fromCharCode(base + c - start));
			}
		}
	}
	for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
		for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g)) map.set(parseInt(m[1]!, 16), utf16be(m[2]!));
	}
	return map;
}

export function pdfText(pdf: Uint8Array): { runs: string[]; joined: string } {
	const src = Buffer.from(pdf).toString('latin1');
	const objects = new Map<number, string>();
	for (const m of src.matchAll(/(\d+) 0 obj\b([\s\S]*?)\bendobj/g)) objects.set(Number(m[1]), m[2]!);
	const stream = (body: string) => {
		const at = /stream\r?\n/.exec(body);
		if (!at) return '';
		const dict = body.slice(0, at.index);
		const length = /\/Length (\d+)/.exec(dict);
		const raw = length ? body.substr(at.index + at[0].length, Number(length[1])) : (/stream\r?\n([\s\S]*?)\r?\nendstream/.exec(body)?.[1] ?? '');
		if (!/\/Filter\s*\/FlateDecode/.test(dict)) return raw;
		try {
			return inflateSync(Buffer.from(raw, 'latin1')).toString('latin1');
		} catch {
			return '';
		}
	};
	// Font resource names (/F1 …) → their ToUnicode maps.
	const fonts = new Map<string, Map<number, string>>();
	for (const m of src.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
		if (fonts.has(m[1]!)) continue;
		const font = objects.get(Number(m[2]));
		const toUnicode = font ? /\/ToUnicode (\d+) 0 R/.exec(font) : null;
		if (toUnicode) fonts.set(m[1]!, parseCmap(stream(objects.get(Number(toUnicode[1])) ?? '')));
	}
	const runs: string[] = [];
	for (const body of objects.values()) {
		if (!/stream\r?\n/.test(body)) continue;
		const dict = body.slice(0, body.indexOf('stream'));
		if (/\/Length1|\/Subtype\s*\/(?:Type1C|CIDFontType0C|Image)/.test(dict)) continue;
		const content = stream(body);
		if (content.includes('begincmap')) continue;
		if (!/\bT[Jj]\b/.test(content)) continue;
		let current: Map<number, string> | undefined;
		for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|\[((?:[^\]])*)\] TJ|<([0-9a-fA-F]*)> Tj/g)) {
			if (op[1]) {
				current = fonts.get(op[1]);
				continue;
			}
			const hexes = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]!) : [op[3]!];
			let text = '';
			for (const hex of hexes) {
				for (let i = 0; i + 4 <= hex.length; i += 4) text += current?.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\ufffd';
			}
			runs.push(text);
		}
	}
	return { runs, joined: runs.join('') };
}
