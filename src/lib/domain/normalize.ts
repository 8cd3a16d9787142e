/** Text normalisation shared by header matching, enumerations and brick names. */

/** Remove accents and fold ligatures so that `Lauréat`, `LAUREAT` and `laureat` compare equal. */
export function stripAccents(value: string): string {
	return value
		.replace(/[œŒ]/g, (c) => (c === 'œ' ? 'oe' : 'OE'))
		.replace(/[æÆ]/g, (c) => (c === 'æ' ? 'ae' : 'AE'))
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '');
}

/**
 * exports.md §1: lower case, accents removed, every run of characters other than `a-z0-9`
 * turned into one `_`, leading and trailing `_` trimmed.
 */
export function foldToken(value: string): string {
	let folded = FOLDED.get(value);
	if (folded === undefined) {
		folded = stripAccents(value)
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '_')
			.replace(/^_+|_+$/g, '');
		// Short values (enumerations, booleans, brick names, headers) repeat on every row: remember them.
		if (value.length <= 64) {
			if (FOLDED.size >= 10_000) FOLDED.clear();
			FOLDED.set(value, folded);
		}
	}
	return folded;
}

const FOLDED = new Map<string, string>();

export const normalizeHeader = foldToken;
