/**
 * Checked values → the bytes of DuckDB's vectors, as DuckDB's C API lays them out (`duckdb.h`):
 * fixed-width values little-endian, a validity bitmask of 64-bit words, a string as its 16-byte
 * `duckdb_string_t` (length, then its UTF-8 bytes when they fit in 12, else its first 4 bytes
 * and a pointer to the rest), a list as offset/length entries over a child vector. A decimal is
 * its digits as a scaled integer, never a float; a date its day number; a timestamp its
 * microseconds.
 *
 * Pure JavaScript, no DuckDB: it runs in the check worker for the second half of a large file
 * (split.ts, check-worker.ts), and what it makes is plain buffers that cross threads without
 * copying. chunks.ts writes them into a chunk's vectors (and packs the fixed-width columns of
 * the rows checked in its own thread with the same packers); the only thing it adds is the
 * pointers of the long strings, whose bytes DuckDB copies into the vector in one call.
 *
 * The values are those the parsers give (src/lib/domain/parsers.ts): numbers and booleans as
 * such, decimals as canonical strings (`"125000.5"`), dates `YYYY-MM-DD`, times
 * `YYYY-MM-DD HH:MM:SS` (Paris wall clock), lists as arrays of strings; null or undefined for
 * an empty cell.
 */

/** One column of a chunk, ready to be written into a vector (chunks.ts). */
export type PackedColumn = PackedFixed | PackedStrings | PackedList;

export interface PackedFixed {
	type: 'fixed';
	/** The values, `width` bytes each. */
	data: ArrayBuffer;
	/** The validity words (a bit cleared per null), or null when every value is present. */
	validity: Uint32Array | null;
}

export interface PackedStrings {
	type: 'strings';
	/** 16 bytes per row (`duckdb_string_t`); a long string's pointer holds its offset in `heap` until written. */
	entries: Uint8Array;
	/** The long strings' UTF-8 bytes, end to end. */
	heap: Uint8Array;
	/** The rows whose string is in `heap`. */
	long: Int32Array;
	validity: Uint32Array | null;
}

export interface PackedList {
	type: 'list';
	/** 16 bytes per row: offset and length (int64) in the child. */
	entries: ArrayBuffer;
	validity: Uint32Array | null;
	/** The items of all the lists, end to end. */
	child: PackedStrings;
}

/** Packs `n` values (n ≤ DuckDB's vector size) of one column type. */
export type Packer = (values: readonly unknown[], n: number) => PackedColumn;

const TWO_32 = 4294967296;
const DAY_MS = 86_400_000;
/** Bytes of a string in a vector. */
export const STRING_T = 16;
/** The longest string DuckDB keeps inside its 16 bytes; a longer one is a pointer to its bytes. */
export const INLINE_MAX = 12;

/** Bit i cleared in a validity mask (all valid until the first null: a null mask means all valid). */
export function setNull(mask: Uint32Array | null, i: number, n: number): Uint32Array {
	const m = mask ?? new Uint32Array(Math.ceil(n / 64) * 2).fill(0xffffffff);
	m[i >>> 5]! &= ~(1 << (i & 31));
	return m;
}

/** A safe integer as a little-endian two's-complement int64, exactly (no BigInt). */
export function setInt64(view: DataView, offset: number, x: number): void {
	if (!Number.isSafeInteger(x)) throw new Error(`Not an exact 64-bit integer: ${x}`);
	const high = Math.floor(x / TWO_32);
	view.setUint32(offset, x - high * TWO_32, true);
	view.setInt32(offset + 4, high, true);
}

/**
 * The digits of a canonical decimal (`"125000.5"`, `"-3"`) as an integer scaled by 10^scale,
 * exactly: digit by digit, every step an integer below 2^53 (checked at the end; the value
 * only grows), so no rounding ever happens.
 */
export function scaledDecimal(text: string, scale: number): number {
	const negative = text.charCodeAt(0) === 45; // '-'
	let value = 0;
	let intDigits = 0;
	let decimals = -1; // -1 until the point
	for (let i = negative ? 1 : 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 46 && decimals < 0) decimals = 0; // '.'
		else if (c >= 48 && c <= 57) {
			value = value * 10 + (c - 48);
			if (decimals >= 0) decimals++;
			else intDigits++;
		} else throw new Error(`Not a decimal: ${text}`);
	}
	if (intDigits === 0 || decimals === 0 || decimals > scale) throw new Error(`Not a decimal with at most ${scale} decimals: ${text}`);
	for (let k = Math.max(decimals, 0); k < scale; k++) value *= 10;
	if (!Number.isSafeInteger(value)) throw new Error(`Decimal out of range: ${text}`);
	return negative ? -value : value;
}

/** `YYYY-MM-DD[ HH:MM:SS]` (the parsers' canonical form, Paris wall clock) → milliseconds as if UTC. */
export function wallClockMs(text: string): number {
	if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(text)) throw new Error(`Not a date: ${text}`);
	const part = (from: number, to: number) => Number(text.slice(from, to));
	return Date.UTC(part(0, 4), part(5, 7) - 1, part(8, 10), part(11, 13) || 0, part(14, 16) || 0, part(17, 19) || 0);
}

/** A column of fixed-width values: `width` bytes each, written by `set`. */
function fixedWidth(width: number, set: (view: DataView, offset: number, value: unknown) => void): Packer {
	return (values, n) => {
		const data = new ArrayBuffer(n * width);
		const view = new DataView(data);
		let validity: Uint32Array | null = null;
		for (let i = 0; i < n; i++) {
			const v = values[i];
			if (v === null || v === undefined) validity = setNull(validity, i, n);
			else set(view, i * width, v);
		}
		return { type: 'fixed', data, validity };
	};
}

/** The UTF-8 bytes of a chunk's long strings, reused from chunk to chunk (grown when needed). */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * `n` strings as DuckDB's `duckdb_string_t` (its own byte order: a 32-bit length, then 12 bytes):
 * an ASCII string of 12 bytes or fewer (a SIREN, a postal code, a status) written inside its 16
 * bytes as they are, with no encoding; any other string encoded to UTF-8 once (by Node) — inside
 * its 16 bytes if it fits, else its first 4 bytes there and, in place of its pointer, its offset
 * among the long strings' bytes.
 */
export function packStrings(values: readonly unknown[], n: number): PackedStrings {
	const entries = new Uint8Array(n * STRING_T);
	const words = new Uint32Array(entries.buffer);
	const long: number[] = [];
	let validity: Uint32Array | null = null;
	let used = 0;
	for (let i = 0; i < n; i++) {
		const v = values[i];
		if (v === null || v === undefined) {
			validity = setNull(validity, i, n);
			continue;
		}
		const s = typeof v === 'string' ? v : String(v);
		const at = i * STRING_T;
		if (s.length <= INLINE_MAX) {
			let k = 0;
			for (; k < s.length; k++) {
				const c = s.charCodeAt(k);
				if (c > 127) break;
				entries[at + 4 + k] = c;
			}
			if (k === s.length) {
				words[at >>> 2] = k;
				continue;
			}
			entries.fill(0, at + 4, at + STRING_T);
		}
		// At most 3 bytes per UTF-16 unit.
		if (scratch.length - used < s.length * 3) {
			const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, used + s.length * 3));
			scratch.copy(grown, 0, 0, used);
			scratch = grown;
		}
		const length = scratch.write(s, used, 'utf8');
		words[at >>> 2] = length;
		// The bytes when they fit, else the first four (the prefix DuckDB compares first).
		const shown = length <= INLINE_MAX ? length : 4;
		for (let k = 0; k < shown; k++) entries[at + 4 + k] = scratch[used + k]!;
		if (length > INLINE_MAX) {
			words[(at >>> 2) + 2] = used;
			long.push(i);
			used += length;
		}
	}
	return { type: 'strings', entries, heap: new Uint8Array(scratch.subarray(0, used)), long: Int32Array.from(long), validity };
}

/** A list of strings per row: the entries (offset, length) over the items, end to end. */
function packStringLists(values: readonly unknown[], n: number): PackedList {
	const entries = new ArrayBuffer(n * 16);
	const view = new DataView(entries);
	let validity: Uint32Array | null = null;
	const items: unknown[] = [];
	for (let i = 0; i < n; i++) {
		const list = values[i] as readonly unknown[] | null | undefined;
		setInt64(view, i * 16, items.length);
		if (list === null || list === undefined) {
			validity = setNull(validity, i, n);
			setInt64(view, i * 16 + 8, 0);
		} else {
			setInt64(view, i * 16 + 8, list.length);
			for (const item of list) items.push(String(item));
		}
	}
	return { type: 'list', entries, validity, child: packStrings(items, items.length) };
}

/**
 * How a column of this SQL type (as `COLUMNS` declares it, plus `BIGINT`) is packed; throws for
 * a type the exports never use.
 */
export function columnPacker(sql: string): Packer {
	const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(sql);
	if (decimal) {
		const width = Number(decimal[1]);
		const scale = Number(decimal[2]);
		// DuckDB stores a decimal as a 16-, 32- or 64-bit integer depending on its width.
		if (width <= 4) return fixedWidth(2, (view, at, v) => view.setInt16(at, scaledDecimal(String(v), scale), true));
		if (width <= 9) return fixedWidth(4, (view, at, v) => view.setInt32(at, scaledDecimal(String(v), scale), true));
		if (width <= 18) return fixedWidth(8, (view, at, v) => setInt64(view, at, scaledDecimal(String(v), scale)));
		throw new Error(`No packer for ${sql}`);
	}
	switch (sql) {
		case 'VARCHAR':
			return packStrings;
		case 'VARCHAR[]':
			return packStringLists;
		case 'INTEGER':
			return fixedWidth(4, (view, at, v) => view.setInt32(at, v as number, true));
		case 'BIGINT':
			return fixedWidth(8, (view, at, v) => setInt64(view, at, v as number));
		case 'BOOLEAN':
			return fixedWidth(1, (view, at, v) => view.setUint8(at, v ? 1 : 0));
		case 'DATE':
			return fixedWidth(4, (view, at, v) => view.setInt32(at, wallClockMs(String(v)) / DAY_MS, true));
		case 'TIMESTAMP':
			return fixedWidth(8, (view, at, v) => setInt64(view, at, wallClockMs(String(v)) * 1000));
	}
	throw new Error(`No packer for ${sql}`);
}

/** The buffers of packed columns, to transfer (not copy) to another thread. */
export function transferables(columns: readonly PackedColumn[]): ArrayBuffer[] {
	const list: ArrayBuffer[] = [];
	const add = (c: PackedColumn) => {
		if (c.validity) list.push(c.validity.buffer as ArrayBuffer);
		if (c.type === 'fixed') list.push(c.data);
		else if (c.type === 'strings') list.push(c.entries.buffer as ArrayBuffer, c.heap.buffer as ArrayBuffer, c.long.buffer as ArrayBuffer);
		else {
			list.push(c.entries);
			add(c.child);
		}
	};
	columns.forEach(add);
	return list;
}
