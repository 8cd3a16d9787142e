/** Number, money and date formatting for the interface (French first: `1 234 567 €`, `15/04/2026`). */
import type { Lang } from './i18n';

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/** Intl formatters are costly to create and cheap to reuse: one per kind, language and options. */
const formatters = new Map<string, unknown>();
function reused<T>(kind: string, lang: Lang, options: object, make: (locale: string) => T): T {
	const key = `${kind}|${lang}|${JSON.stringify(options)}`;
	let f = formatters.get(key) as T | undefined;
	if (f === undefined) formatters.set(key, (f = make(locale(lang))));
	return f;
}
export function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	return reused('n', lang, options, (l) => new Intl.NumberFormat(l, options));
}
export function dateTimeFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	return reused('d', lang, options, (l) => new Intl.DateTimeFormat(l, options));
}

/** `1 234 567 €` in French, `€1,234,567` in English. Accepts decimal strings from the database. */
export function formatEur(value: number | string | null | undefined, lang: Lang = 'fr', cents = false): string {
	if (value === null || value === undefined || value === '') return '—';
	return numberFormat(lang, {
		style: 'currency',
		currency: 'EUR',
		minimumFractionDigits: cents ? 2 : 0,
		maximumFractionDigits: cents ? 2 : 0
	}).format(Number(value));
}

export function formatNumber(value: number | string | null | undefined, lang: Lang = 'fr', digits = 0): string {
	if (value === null || value === undefined || value === '') return '—';
	return numberFormat(lang, { maximumFractionDigits: digits }).format(Number(value));
}

export function formatPercent(value: number | null | undefined, lang: Lang = 'fr', digits = 0): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return '—';
	return numberFormat(lang, { style: 'percent', maximumFractionDigits: digits }).format(value);
}

/** `15/04/2026` (or `15/04/2026 14:32` with `time`), from `YYYY-MM-DD[ HH:MM[:SS]]` strings. */
export function formatDate(value: string | null | undefined, _lang: Lang = 'fr', time = false): string {
	if (!value) return '—';
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(value);
	if (!m) return value;
	const [, y, mo, d, h, mi] = m;
	return time && h ? `${d}/${mo}/${y} ${h}:${mi}` : `${d}/${mo}/${y}`;
}
