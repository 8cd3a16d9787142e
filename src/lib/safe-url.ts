/**
 * The one rule for links made from imported data (a website, a code repository): only an
 * absolute http(s) URL becomes a link; anything else (`javascript:`, `data:`, a relative path,
 * garbage) is shown as text, never as an `href`. Used by the public pages and the signed-in
 * ones alike (issue 18 #9: `javascript:` URLs were links on the signed-in pages).
 */
export function httpUrl(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	const v = String(value).trim();
	if (!v || v.length > 2048) return null;
	// Browsers drop tabs and newlines inside a URL: `java\tscript:` must not slip through.
	if (/[\u0000-\u0020\u007f]/.test(v)) return null;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
	} catch {
		return null;
	}
}
