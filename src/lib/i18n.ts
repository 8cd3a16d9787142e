/**
 * French first, English available. The language comes from the `lang` cookie (set by the
 * switcher in the header, which works without JavaScript) or `?lang=`; French otherwise.
 * Strings live beside the code that shows them: `t(lang, 'Candidatures', 'Applications')`.
 */
export type Lang = 'fr' | 'en';

export function t(lang: Lang, fr: string, en: string): string {
	return lang === 'en' ? en : fr;
}

export function langOf(value: string | null | undefined): Lang {
	return value === 'en' ? 'en' : 'fr';
}
