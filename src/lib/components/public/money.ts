/** Money on public pages: whole euros, or with cents when the amount has some. */
import { dateTimeFormat, formatEur } from '../../format';
import type { Lang } from '../../i18n';

export function eur(value: number | string | null | undefined, lang: Lang): string {
	if (value === null || value === undefined || value === '') return '—';
	const hasCents = typeof value === 'string' ? /\.\d*[1-9]/.test(value) : Math.round(value * 100) % 100 !== 0;
	return formatEur(value, lang, hasCents);
}

/** `15/04/2026 à 14:32` (Europe/Paris) from an ISO UTC timestamp. */
export function parisDateTime(iso: string | null, lang: Lang): string {
	if (!iso) return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return dateTimeFormat(lang, { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(d);
}
