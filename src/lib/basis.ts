/**
 * « sur 25 projets financés ; 3 sans rapport »: what a figure rests on, with French and
 * English plurals. Every figure on the dashboard says it (issue 4).
 */
import { formatNumber } from './format';
import type { Lang } from './i18n';

export interface BasisCounts {
	applications?: number;
	funded?: number;
	withoutReport?: number;
	agreements?: number;
	extra?: string;
}

function count(lang: Lang, n: number, fr: [string, string], en: [string, string]): string {
	const words = lang === 'fr' ? fr : en;
	// French: 0 and 1 take the singular.
	const plural = lang === 'fr' ? n > 1 : n !== 1;
	return `${formatNumber(n, lang)} ${plural ? words[1] : words[0]}`;
}

export function basisText(lang: Lang, c: BasisCounts): string {
	const parts: string[] = [];
	if (c.applications !== undefined) parts.push(count(lang, c.applications, ['candidature', 'candidatures'], ['application', 'applications']));
	if (c.funded !== undefined) parts.push(count(lang, c.funded, ['projet financé', 'projets financés'], ['funded project', 'funded projects']));
	if (c.agreements !== undefined) parts.push(count(lang, c.agreements, ['convention', 'conventions'], ['grant agreement', 'grant agreements']));
	const head = parts.length ? `${lang === 'fr' ? 'sur' : 'based on'} ${parts.join(lang === 'fr' ? ' et ' : ' and ')}` : '';
	const tail: string[] = [];
	if (c.withoutReport !== undefined) tail.push(lang === 'fr' ? `${formatNumber(c.withoutReport, lang)} sans rapport` : `${formatNumber(c.withoutReport, lang)} without a report`);
	if (c.extra) tail.push(c.extra);
	return [head, ...tail].filter(Boolean).join(' ; ').replace(/ ; /g, lang === 'fr' ? ' ; ' : '; ');
}
