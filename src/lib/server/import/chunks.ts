/**
 * Checked values → DuckDB data chunks for the appender, written straight into each vector's
 * memory as DuckDB's C API lays it out (`duckdb.h`: fixed-width values little-endian, a
 * validity bitmask of 64-bit words, list entries as offset/length pairs over a child vector),
 * the way `@duckdb/node-api`'s own vectors write them, without its per-value objects. The bytes
 * are made by pack.ts (a decimal is its digits as a scaled integer, never a float; a date its
 * day number; a timestamp its microseconds; a short string its bytes inside the vector): here
 * for rows checked in this thread (`fillChunk`), in the check worker for the second half of a
 * large file (split.ts), whose packed columns `packedChunk` writes. The only thing added here
 * is where the long strings' bytes are: DuckDB copies them into the vector in one call.
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
import { DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { columnPacker, STRING_T, type PackedColumn, type PackedStrings } from './pack';

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
		const copied = new Uint32Array(data.buffer, data.byteOffset + slot * STRING_T + 8, 2);
		const [low, high] = [copied[0]!, copied[1]!];
		const words = new Uint32Array(entries.buffer, entries.byteOffset, entries.byteLength >>> 2);
		for (let k = 0; k < long.length; k++) {
			// The copy's address plus the string's offset in it (held in the pointer's place), as a 64-bit integer.
			const at = long[k]! * 4 + 2;
			const sum = low + words[at]!;
			words[at] = sum >>> 0;
			words[at + 1] = high + (sum >= TWO_32 ? 1 : 0);
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

/** How a column of this type is written: packed (pack.ts, by the type's SQL name), then copied. Throws for a type the exports never use. */
export function columnWriter(type: DuckDBType): ColumnWriter {
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
