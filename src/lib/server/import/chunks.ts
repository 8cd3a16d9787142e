/**
 * Checked values → DuckDB data chunks for the appender, written straight into each vector's
 * memory as DuckDB's C API lays it out (`duckdb.h`: fixed-width values little-endian, a
 * validity bitmask of 64-bit words, list entries as offset/length pairs over a child vector),
 * the way `@duckdb/node-api`'s own vectors write them, without its per-value objects:
 * a decimal is its digits as a scaled integer, never a float; a date its day number; a
 * timestamp its microseconds; a short ASCII string its bytes inside the vector; other strings
 * go through DuckDB's own copy (`duckdb_vector_assign_string_element`).
 *
 * The values are those the parsers give (src/lib/domain/parsers.ts): numbers and booleans as
 * such, decimals as canonical strings (`"125000.5"`), dates `YYYY-MM-DD`, times
 * `YYYY-MM-DD HH:MM:SS` (Paris wall clock), lists as arrays of strings; null or undefined for
 * an empty cell. `@duckdb/node-bindings` is pinned to the version `@duckdb/node-api` uses (its
 * chunks are handed to them; tests/unit/chunks.test.ts checks it, and writes every type and
 * reads it back through DuckDB; tests/unit/derived.test.ts does so for every cell of a load).
 */
import bindings from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBDecimalType, DuckDBListType, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';

type Vector = ReturnType<typeof bindings.data_chunk_get_vector>;

/** Writes one column of `n` values (n ≤ DuckDB's vector size) into a chunk's vector. */
type ColumnWriter = (vector: Vector, values: readonly unknown[], n: number) => void;

const TWO_32 = 4294967296;
const DAY_MS = 86_400_000;

/** Bit i cleared in a validity mask (all valid until the first null: a null mask means all valid). */
function setNull(mask: Uint32Array | null, i: number, n: number): Uint32Array {
	const m = mask ?? new Uint32Array(Math.ceil(n / 64) * 2).fill(0xffffffff);
	m[i >>> 5]! &= ~(1 << (i & 31));
	return m;
}

function writeValidity(vector: Vector, mask: Uint32Array | null): void {
	if (!mask) return;
	bindings.vector_ensure_validity_writable(vector);
	bindings.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, 0, mask.byteLength);
}

/** A safe integer as a little-endian two's-complement int64, exactly (no BigInt). */
function setInt64(view: DataView, offset: number, x: number): void {
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
function fixedWidth(width: number, set: (view: DataView, offset: number, value: unknown) => void): ColumnWriter {
	return (vector, values, n) => {
		const buffer = new ArrayBuffer(n * width);
		const view = new DataView(buffer);
		let mask: Uint32Array | null = null;
		for (let i = 0; i < n; i++) {
			const v = values[i];
			if (v === null || v === undefined) mask = setNull(mask, i, n);
			else set(view, i * width, v);
		}
		bindings.copy_data_to_vector(vector, 0, buffer, 0, buffer.byteLength);
		writeValidity(vector, mask);
	};
}

/** Bytes of a string in a vector: 4 of length, then 12 inline (short strings) or a prefix and a pointer. */
const STRING_T = 16;
/** The longest string DuckDB keeps inside its 16 bytes (`duckdb_string_t`'s `inlined`). */
const INLINE_MAX = 12;

/**
 * Strings into a VARCHAR vector. An ASCII string of 12 bytes or fewer (a SIREN, a postal code,
 * a status) is written where DuckDB keeps it, inside the vector's 16 bytes for the row
 * (`duckdb_string_t`: its length, then its bytes, zero-padded); every other string goes
 * through DuckDB's own copy, after (the inline values are copied in one block first).
 */
function assignStrings(vector: Vector, values: readonly unknown[], n: number): void {
	let mask: Uint32Array | null = null;
	let inline: Uint8Array | null = null;
	let copied: number[] | null = null;
	for (let i = 0; i < n; i++) {
		const v = values[i];
		if (v === null || v === undefined) {
			mask = setNull(mask, i, n);
			continue;
		}
		const s = typeof v === 'string' ? v : String(v);
		if (s.length <= INLINE_MAX) {
			inline ??= new Uint8Array(n * STRING_T);
			const at = i * STRING_T;
			let ascii = true;
			for (let k = 0; k < s.length; k++) {
				const c = s.charCodeAt(k);
				if (c > 127) {
					ascii = false;
					break;
				}
				inline[at + 4 + k] = c;
			}
			if (ascii) {
				inline[at] = s.length; // little-endian uint32 length, < 13
				continue;
			}
			inline.fill(0, at + 4, at + STRING_T);
		}
		(copied ??= []).push(i);
	}
	if (inline) bindings.copy_data_to_vector(vector, 0, inline.buffer as ArrayBuffer, 0, inline.byteLength);
	if (copied) for (const i of copied) bindings.vector_assign_string_element(vector, i, String(values[i]));
	writeValidity(vector, mask);
}

/** A list of strings per row: the entries (offset, length) over one child vector of strings. */
function stringLists(vector: Vector, values: readonly unknown[], n: number): void {
	const entries = new ArrayBuffer(n * 16);
	const view = new DataView(entries);
	let mask: Uint32Array | null = null;
	let total = 0;
	for (let i = 0; i < n; i++) {
		const list = values[i] as readonly unknown[] | null | undefined;
		setInt64(view, i * 16, total);
		if (list === null || list === undefined) {
			mask = setNull(mask, i, n);
			setInt64(view, i * 16 + 8, 0);
		} else {
			setInt64(view, i * 16 + 8, list.length);
			total += list.length;
		}
	}
	// Grow the child first (set_size does not allocate), then fill it.
	bindings.list_vector_reserve(vector, total);
	bindings.list_vector_set_size(vector, total);
	const child = bindings.list_vector_get_child(vector);
	let at = 0;
	for (let i = 0; i < n; i++) {
		const list = values[i] as readonly unknown[] | null | undefined;
		if (list) for (const item of list) bindings.vector_assign_string_element(child, at++, String(item));
	}
	bindings.copy_data_to_vector(vector, 0, entries, 0, entries.byteLength);
	writeValidity(vector, mask);
}

/** How a column of this type is written; throws for a type the exports never use. */
export function columnWriter(type: DuckDBType): ColumnWriter {
	if (type instanceof DuckDBDecimalType) {
		const { width, scale } = type;
		// DuckDB stores a decimal as a 16-, 32- or 64-bit integer depending on its width.
		if (width <= 4) return fixedWidth(2, (view, at, v) => view.setInt16(at, scaledDecimal(String(v), scale), true));
		if (width <= 9) return fixedWidth(4, (view, at, v) => view.setInt32(at, scaledDecimal(String(v), scale), true));
		if (width <= 18) return fixedWidth(8, (view, at, v) => setInt64(view, at, scaledDecimal(String(v), scale)));
		throw new Error(`No writer for ${type}`);
	}
	if (type instanceof DuckDBListType && type.valueType.typeId === DuckDBTypeId.VARCHAR) return stringLists;
	switch (type.typeId) {
		case DuckDBTypeId.VARCHAR:
			return assignStrings;
		case DuckDBTypeId.INTEGER:
			return fixedWidth(4, (view, at, v) => view.setInt32(at, v as number, true));
		case DuckDBTypeId.BIGINT:
			return fixedWidth(8, (view, at, v) => setInt64(view, at, v as number));
		case DuckDBTypeId.BOOLEAN:
			return fixedWidth(1, (view, at, v) => view.setUint8(at, v ? 1 : 0));
		case DuckDBTypeId.DATE:
			return fixedWidth(4, (view, at, v) => view.setInt32(at, wallClockMs(String(v)) / DAY_MS, true));
		case DuckDBTypeId.TIMESTAMP:
			return fixedWidth(8, (view, at, v) => setInt64(view, at, wallClockMs(String(v)) * 1000));
	}
	throw new Error(`No writer for ${type}`);
}

/** A data chunk of these types holding `columns` (one array of values per column, `n` rows each). */
export function fillChunk(types: readonly DuckDBType[], writers: readonly ColumnWriter[], columns: readonly (readonly unknown[])[], n: number): DuckDBDataChunk {
	const chunk = DuckDBDataChunk.create(types, n);
	for (let c = 0; c < types.length; c++) writers[c]!(bindings.data_chunk_get_vector(chunk.chunk, c), columns[c]!, n);
	return chunk;
}
