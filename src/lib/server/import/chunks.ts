/**
 * Checked values → DuckDB data chunks for the appender, written straight into each vector's
 * memory as DuckDB's C API lays it out (`duckdb.h`: fixed-width values little-endian, a
 * validity bitmask of 64-bit words, list entries as offset/length pairs over a child vector),
 * the way `@duckdb/node-api`'s own vectors write them, without its per-value objects. The bytes
 * are made by pack.ts (a decimal is its digits as a scaled integer, never a float; a date its
 * day number; a timestamp its microseconds): here for rows checked in this thread, in the check
 * worker for the second half of a large file (split.ts), whose packed columns `packedChunk`
 * writes. Strings of rows checked here: a short ASCII string's bytes go inside the vector, other
 * strings through DuckDB's own copy (`duckdb_vector_assign_string_element`).
 *
 * The values are those the parsers give (src/lib/domain/parsers.ts): numbers and booleans as
 * such, decimals as canonical strings (`"125000.5"`), dates `YYYY-MM-DD`, times
 * `YYYY-MM-DD HH:MM:SS` (Paris wall clock), lists as arrays of strings; null or undefined for
 * an empty cell. `@duckdb/node-bindings` is pinned to the version `@duckdb/node-api` uses (its
 * chunks are handed to them; tests/unit/chunks.test.ts checks it, and writes every type and
 * reads it back through DuckDB, both ways; tests/unit/derived.test.ts does so for every cell of
 * a load).
 */
import bindings from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { columnPacker, INLINE_MAX, setNull, STRING_T, type PackedColumn, type PackedStrings } from './pack';

type Vector = ReturnType<typeof bindings.data_chunk_get_vector>;

/** Writes one column of `n` values (n ≤ DuckDB's vector size) into a chunk's vector. */
type ColumnWriter = (vector: Vector, values: readonly unknown[], n: number) => void;

const TWO_32 = 4294967296;

export { scaledDecimal, wallClockMs } from './pack';

function writeValidity(vector: Vector, mask: Uint32Array | null): void {
	if (!mask) return;
	bindings.vector_ensure_validity_writable(vector);
	bindings.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
}

/**
 * Packed strings into a VARCHAR vector: the long strings' bytes are handed to DuckDB in one
 * call, which copies them into the vector's own string memory (where they stay while the
 * vector lives), held for the time of the call in the first long row's slot; then each long
 * string's 16 bytes get the address of its bytes in that copy, and all the 16-byte entries are
 * copied into the vector in one block.
 */
function writeStrings(vector: Vector, packed: PackedStrings): void {
	const { entries, heap, long } = packed;
	if (long.length > 0) {
		const slot = long[0]!;
		bindings.vector_assign_string_element_len(vector, slot, heap);
		const data = bindings.vector_get_data(vector, entries.byteLength);
		const copied = new DataView(data.buffer, data.byteOffset, data.byteLength);
		const low = copied.getUint32(slot * STRING_T + 8, true);
		const high = copied.getUint32(slot * STRING_T + 12, true);
		const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
		for (let k = 0; k < long.length; k++) {
			// The copy's address plus the string's offset in it (held in the pointer's place), as a 64-bit little-endian integer.
			const at = long[k]! * STRING_T + 8;
			const sum = low + view.getUint32(at, true);
			view.setUint32(at, sum >>> 0, true);
			view.setUint32(at + 4, high + (sum >= TWO_32 ? 1 : 0), true);
		}
	}
	bindings.copy_data_to_vector(vector, 0, entries.buffer as ArrayBuffer, entries.byteOffset, entries.byteLength);
	writeValidity(vector, packed.validity);
}

/** One packed column (pack.ts) into a vector of its type. */
function writeColumn(vector: Vector, packed: PackedColumn): void {
	switch (packed.type) {
		case 'fixed':
			bindings.copy_data_to_vector(vector, 0, packed.data, 0, packed.data.byteLength);
			writeValidity(vector, packed.validity);
			return;
		case 'strings':
			writeStrings(vector, packed);
			return;
		case 'list': {
			// Grow the child first (set_size does not allocate), then fill it.
			const total = packed.child.entries.byteLength / STRING_T;
			bindings.list_vector_reserve(vector, total);
			bindings.list_vector_set_size(vector, total);
			writeStrings(bindings.list_vector_get_child(vector), packed.child);
			bindings.copy_data_to_vector(vector, 0, packed.entries, 0, packed.entries.byteLength);
			writeValidity(vector, packed.validity);
			return;
		}
	}
}

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

/**
 * How a column of this type is written: strings by `assignStrings`, every other type packed
 * (pack.ts, by the type's SQL name) then copied. Throws for a type the exports never use.
 */
export function columnWriter(type: DuckDBType): ColumnWriter {
	if (type.typeId === DuckDBTypeId.VARCHAR) return assignStrings;
	const pack = columnPacker(type.toString());
	return (vector, values, n) => writeColumn(vector, pack(values, n));
}

/** A data chunk of these types holding `columns` (one array of values per column, `n` rows each). */
export function fillChunk(types: readonly DuckDBType[], writers: readonly ColumnWriter[], columns: readonly (readonly unknown[])[], n: number): DuckDBDataChunk {
	const chunk = DuckDBDataChunk.create(types, n);
	for (let c = 0; c < types.length; c++) writers[c]!(bindings.data_chunk_get_vector(chunk.chunk, c), columns[c]!, n);
	return chunk;
}

/** A data chunk of these types holding `n` rows of packed columns (pack.ts), in the types' order. */
export function packedChunk(types: readonly DuckDBType[], columns: readonly PackedColumn[], n: number): DuckDBDataChunk {
	const chunk = DuckDBDataChunk.create(types, n);
	for (let c = 0; c < types.length; c++) writeColumn(bindings.data_chunk_get_vector(chunk.chunk, c), columns[c]!);
	return chunk;
}
