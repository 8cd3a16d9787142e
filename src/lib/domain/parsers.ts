/**
 * Value parsers for the exports (exports.md §1). Pure functions, shared by the browser
 * preview and the server import. Each returns either the canonical value or what was
 * expected, in French and English, so a report can tell the user how to fix the cell.
 *
 * Money never goes through a binary float: amounts come out as canonical decimal strings
 * (`125000.50`) that DuckDB casts to DECIMAL.
 */
import { foldToken } from './normalize';

export type Delimiter = ',' | ';';
export interface Expected {
	fr: string;
	en: string;
}
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: Expected };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (fr: string, en: string): Parsed<never> => ({ ok: false, expected: { fr, en } });

/** Spaces used as thousands separators: space, no-break space, narrow no-break space, thin space. */
const GROUP_SPACES = /[\s\u00a0\u202f\u2009]/g;

function amountHint(delimiter: Delimiter): Expected {
	return delimiter === ';'
		? {
				fr: 'un montant en euros, virgule décimale (ex. 125 000,50 €)',
				en: 'an amount in euros with a decimal comma (e.g. 125 000,50 €)'
			}
		: {
				fr: 'un montant en euros, point décimal (ex. 125000.50)',
				en: 'an amount in euros with a decimal point (e.g. 125000.50)'
			};
}

const LEADING_ZEROS = /^0+(?=\d)/;
const GROUPED: Record<Delimiter, RegExp> = { ',': /^\d{1,3}(\,\d{3})+$/, ';': /^\d{1,3}(\.\d{3})+$/ };

/**
 * Fast path of `canonicalNumber` for the plain forms (`125000`, `125000.50` in a `,` file,
 * `125000,50` in a `;` file) from `start` (after a sign), read with char codes: the same
 * digits, or null to leave the string to the general path.
 */
function plainNumber(raw: string, delimiter: Delimiter, start: number): string | null {
	const n = raw.length;
	const decimalCode = delimiter === ';' ? 44 : 46; // ',' or '.'
	let sep = -1;
	for (let i = start; i < n; i++) {
		const c = raw.charCodeAt(i);
		if (c >= 48 && c <= 57) continue;
		// One separator, with digits on both sides.
		if (c === decimalCode && sep < 0 && i > start && i < n - 1) sep = i;
		else return null;
	}
	if (n === start) return null;
	const leadingZero = raw.charCodeAt(start) === 48;
	if (sep < 0) {
		const int = start === 0 ? raw : raw.slice(start);
		return leadingZero ? int.replace(LEADING_ZEROS, '') : int;
	}
	if (!leadingZero && delimiter === ',') return start === 0 ? raw : raw.slice(start);
	const int = raw.slice(start, sep);
	return `${leadingZero ? int.replace(LEADING_ZEROS, '') : int}.${raw.slice(sep + 1)}`;
}

/** Space, no-break space, narrow no-break space, thin space (GROUP_SPACES, one character). */
const isGroupSpace = (c: number) => c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009;

/**
 * Fast path of `canonicalNumber` for amounts as spreadsheets write them: thousands grouped
 * by threes with one kind of separator (the delimiter's, or a space), an optional decimal
 * part, a euro sign before or after (`€130,800.00`, `125 000,50 €`, `1.234.567,89`). The
 * same digits as the general path, or null (anything else, signs included) to leave it the string.
 */
function groupedNumber(raw: string, delimiter: Delimiter): string | null {
	let from = 0;
	let to = raw.length;
	if (raw.charCodeAt(0) === 0x20ac) from = 1;
	else if (raw.charCodeAt(to - 1) === 0x20ac) {
		to--;
		if (isGroupSpace(raw.charCodeAt(to - 1))) to--;
	}
	const groupCode = delimiter === ';' ? 46 : 44;
	const decimalCode = delimiter === ';' ? 44 : 46;
	let separator = -1;
	let int = '';
	let segment = from;
	let run = 0;
	let i = from;
	for (; i < to; i++) {
		const c = raw.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			run++;
			continue;
		}
		if (c === decimalCode) break;
		if (c !== groupCode && !isGroupSpace(c)) return null;
		// One kind of separator, after 1 to 3 digits first, exactly 3 later.
		if (separator >= 0 ? c !== separator || run !== 3 : run === 0 || run > 3) return null;
		separator = c;
		int += raw.slice(segment, i);
		segment = i + 1;
		run = 0;
	}
	if (separator < 0 || run !== 3) return null;
	int += raw.slice(segment, i);
	let frac = '';
	if (i < to) {
		if (i + 1 === to) return null;
		for (let k = i + 1; k < to; k++) {
			const c = raw.charCodeAt(k);
			if (c < 48 || c > 57) return null;
		}
		frac = raw.slice(i + 1, to);
	}
	if (int.charCodeAt(0) === 48) int = int.replace(LEADING_ZEROS, '');
	return frac === '' ? int : `${int}.${frac}`;
}

/** A canonical number's digits are all zeros (`0`, `0.00`). */
function isZeroDigits(digits: string): boolean {
	for (let i = 0; i < digits.length; i++) {
		const c = digits.charCodeAt(i);
		if (c !== 48 && c !== 46) return false;
	}
	return true;
}

/**
 * A number written the French or English way → canonical decimal string, or null when it
 * is not a number. The delimiter decides the decimal separator (exports.md §1); the other
 * separator may only group thousands (groups of exactly three digits).
 */
function canonicalNumber(raw: string, delimiter: Delimiter, allowSign: boolean): string | null | 'negative' {
	// Fast paths for the common forms: same result as the general path below.
	const first = raw.charCodeAt(0);
	const signed = first === 45 || first === 43; // '-' or '+'
	const fast = signed ? plainNumber(raw, delimiter, 1) : (plainNumber(raw, delimiter, 0) ?? groupedNumber(raw, delimiter));
	if (fast !== null) {
		if (first !== 45 || isZeroDigits(fast)) return fast;
		return allowSign ? `-${fast}` : 'negative';
	}
	let s = raw.trim();
	// A euro sign first or last, and `EUR` last, with the spaces next to them (string operations
	// rather than regular expressions: linear in the cell's length, whatever its spaces).
	const euro = s.includes('€');
	if (euro) {
		if (s.startsWith('€')) s = s.slice(1).trimStart();
		if (s.endsWith('€')) s = s.slice(0, -1).trimEnd();
	}
	if (s.slice(-3).toLowerCase() === 'eur') s = s.slice(0, -3).trimEnd();
	s = s.replace(GROUP_SPACES, '');
	let sign = '';
	if (s[0] === '+' || s[0] === '-') {
		sign = s[0] === '-' ? '-' : '';
		s = s.slice(1);
	} else if (s[0] === '(' && /^\(.*\)$/.test(s)) {
		sign = '-';
		s = s.slice(1, -1);
	}
	if (euro) s = s.replace(/^€|€$/g, '');
	const decimalSep = delimiter === ';' ? ',' : '.';
	const groupSep = delimiter === ';' ? '.' : ',';
	let intPart: string;
	let fracPart = '';
	if (s.includes(decimalSep)) {
		const parts = s.split(decimalSep);
		if (parts.length !== 2) return null;
		[intPart, fracPart] = parts as [string, string];
		if (!/^\d+$/.test(fracPart)) return null;
	} else if (delimiter === ';' && /^\d+\.\d{1,2}$/.test(s)) {
		// `125000.50` in a `;` file: a point followed by one or two digits cannot group thousands.
		[intPart, fracPart] = s.split('.') as [string, string];
	} else {
		intPart = s;
	}
	if (intPart.includes(groupSep)) {
		if (!GROUPED[delimiter].test(intPart)) return null;
		intPart = intPart.split(groupSep).join('');
	}
	if (!/^\d+$/.test(intPart)) return null;
	intPart = intPart.replace(LEADING_ZEROS, '');
	const isZero = /^0+$/.test(intPart) && /^0*$/.test(fracPart);
	if (sign === '-' && !isZero) {
		if (!allowSign) return 'negative';
	}
	const body = fracPart === '' ? intPart : `${intPart}.${fracPart}`;
	return sign === '-' && !isZero ? `-${body}` : body;
}

/** A non-negative amount in euros with at most two decimals → `"125000.50"`. */
export function parseAmount(raw: string, delimiter: Delimiter): Parsed<string> {
	const n = canonicalNumber(raw, delimiter, false);
	if (n === 'negative') return fail('un montant positif ou nul (montant négatif refusé)', 'a non-negative amount');
	if (n === null) return { ok: false, expected: amountHint(delimiter) };
	// n is `digits` or `digits.digits` (one point at most).
	const dot = n.indexOf('.');
	if (dot >= 0 && n.length - dot - 1 > 2) return fail('un montant au centime près (2 décimales au plus)', 'an amount to the cent (at most 2 decimals)');
	if ((dot < 0 ? n.length : dot) > 12) return fail('un montant inférieur à mille milliards d’euros', 'an amount below one trillion euros');
	return ok(n);
}

/** A whole number. With `signed`, a leading `+` or `-` is allowed (DNSH scores). */
export function parseInteger(raw: string, delimiter: Delimiter, signed = false): Parsed<number> {
	const n = canonicalNumber(raw, delimiter, signed);
	if (n === 'negative') return fail('un nombre entier positif ou nul', 'a non-negative whole number');
	if (n === null || n.includes('.') || n.replace('-', '').length > 9) {
		return signed
			? fail('un nombre entier, éventuellement signé (ex. -2, 0, +1)', 'a whole number, optionally signed (e.g. -2, 0, +1)')
			: fail('un nombre entier (ex. 12)', 'a whole number (e.g. 12)');
	}
	return ok(Number(n));
}

/** A non-negative decimal number (e.g. full-time equivalents) → canonical string `"1.5"`. */
export function parseDecimal(raw: string, delimiter: Delimiter): Parsed<string> {
	const n = canonicalNumber(raw, delimiter, false);
	const example = delimiter === ';' ? '1,5' : '1.5';
	if (n === 'negative') return fail('un nombre positif ou nul', 'a non-negative number');
	if (n === null) return fail(`un nombre décimal (ex. ${example})`, `a decimal number (e.g. ${example})`);
	if ((n.split('.')[1] ?? '').length > 2) return fail('un nombre à deux décimales au plus', 'a number with at most two decimals');
	if (n.split('.')[0]!.length > 9) return fail('un nombre plus petit', 'a smaller number');
	return ok(n);
}

const BOOLEAN_TRUE = new Set(['oui', 'o', 'vrai', 'true', 'yes', 'y', '1', 'x']);
const BOOLEAN_FALSE = new Set(['non', 'n', 'faux', 'false', 'no', '0']);

export function parseBoolean(raw: string): Parsed<boolean> {
	const v = foldToken(raw);
	if (BOOLEAN_TRUE.has(v)) return ok(true);
	if (BOOLEAN_FALSE.has(v)) return ok(false);
	return fail('oui ou non (ou vrai/faux, true/false, 1/0)', 'yes or no (or oui/non, true/false, 1/0)');
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(y: number, m: number, d: number): boolean {
	if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2100) return false;
	const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
	return d <= MONTH_DAYS[m - 1]! + (leap ? 1 : 0);
}

const pad = (n: number | string, width = 2) => String(n).padStart(width, '0');

const PARIS = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/Paris',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

/** An instant → Europe/Paris wall clock `YYYY-MM-DD HH:MM:SS`. */
function parisWallClock(instant: Date): string {
	const p = Object.fromEntries(PARIS.formatToParts(instant).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const DATE_RE =
	/^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\/(\d{1,2})\/(\d{4}))(?:[T\s]+(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** The digit at `i` as a number, or -1 (char codes, no allocation). */
function digitAt(raw: string, i: number): number {
	const c = raw.charCodeAt(i) - 48;
	return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(raw: string, i: number): number {
	const a = digitAt(raw, i);
	const b = digitAt(raw, i + 1);
	return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** Four digits at `i` as a number, or -1. */
function fourDigits(raw: string, i: number): number {
	const hi = twoDigits(raw, i);
	const lo = twoDigits(raw, i + 2);
	return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

/**
 * Fast path of `parseDateTime` for the forms exports write most (`2026-04-15`,
 * `2026-04-15T14:32`, `2026-04-15 14:32:05`, `15/04/2026`, `15/04/2026 14:32`), read with char
 * codes: the same canonical value as the general path, or null to leave the string to it
 * (any other form, and every invalid one).
 */
function isoDateTime(raw: string): string | null {
	const n = raw.length;
	if (n !== 10 && n !== 16 && n !== 19) return null;
	let y: number, mo: number, d: number;
	// (A part that is not digits is -1, which isRealDate refuses.)
	if (raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45) {
		// YYYY-MM-DD
		y = fourDigits(raw, 0);
		mo = twoDigits(raw, 5);
		d = twoDigits(raw, 8);
	} else if (raw.charCodeAt(2) === 47 && raw.charCodeAt(5) === 47) {
		// DD/MM/YYYY
		y = fourDigits(raw, 6);
		mo = twoDigits(raw, 3);
		d = twoDigits(raw, 0);
	} else return null;
	if (!isRealDate(y, mo, d)) return null;
	const day = `${y}-${mo < 10 ? '0' : ''}${mo}-${d < 10 ? '0' : ''}${d}`;
	if (n === 10) return `${day} 00:00:00`;
	const sep = raw.charCodeAt(10);
	if ((sep !== 84 && sep !== 32) || raw.charCodeAt(13) !== 58) return null; // 'T' or ' ', then HH:MM
	const h = twoDigits(raw, 11);
	const mi = twoDigits(raw, 14);
	if (h < 0 || h > 23 || mi < 0 || mi > 59) return null;
	let sec = '00';
	if (n === 19) {
		const s = twoDigits(raw, 17);
		if (raw.charCodeAt(16) !== 58 || s < 0 || s > 59) return null;
		sec = raw.slice(17, 19);
	}
	return `${day} ${raw.slice(11, 16)}:${sec}`;
}

const MONTHS_FR = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date written in a right form that names no day of the calendar (31/02/2024, 2026-13-01): say why. */
function impossibleDate(y: number, mo: number, d: number): Parsed<never> {
	const shown = `${pad(d)}/${pad(mo)}/${y}`;
	if (y < 1900 || y > 2100) return fail(`une année entre 1900 et 2100 (${shown})`, `a year between 1900 and 2100 (${shown})`);
	if (mo < 1 || mo > 12) return fail(`une date qui existe : le mois ${pad(mo)} n’existe pas (${shown})`, `a date that exists: there is no month ${pad(mo)} (${shown})`);
	const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
	const days = MONTH_DAYS[mo - 1]! + (leap ? 1 : 0);
	return fail(
		`une date qui existe : le ${shown} n’existe pas (${MONTHS_FR[mo - 1]} ${y} a ${days} jours)`,
		`a date that exists: ${shown} does not (${MONTHS_EN[mo - 1]} ${y} has ${days} days)`
	);
}

/**
 * A date, optionally with a time, → Europe/Paris wall clock `YYYY-MM-DD HH:MM:SS`
 * (`00:00:00` when no time is given). An explicit offset (`Z`, `+02:00`) is converted to Paris time.
 */
export function parseDateTime(raw: string): Parsed<string> {
	const fast = isoDateTime(raw);
	if (fast !== null) return ok(fast);
	const m = DATE_RE.exec(raw.trim());
	const expected = fail(
		'une date JJ/MM/AAAA ou AAAA-MM-JJ, éventuellement suivie de l’heure HH:MM (ex. 15/04/2026 14:32)',
		'a date DD/MM/YYYY or YYYY-MM-DD, optionally followed by a time HH:MM (e.g. 15/04/2026 14:32)'
	);
	if (!m) return expected;
	const y = Number(m[1] ?? m[6]);
	const mo = Number(m[2] ?? m[5]);
	const d = Number(m[3] ?? m[4]);
	const h = Number(m[7] ?? 0);
	const mi = Number(m[8] ?? 0);
	const s = Number(m[9] ?? 0);
	if (!isRealDate(y, mo, d)) return impossibleDate(y, mo, d);
	if (h > 23 || mi > 59 || s > 59) return expected;
	const offset = m[10];
	if (offset) {
		const iso = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${offset.toUpperCase() === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`;
		const instant = new Date(iso);
		// An offset the calendar has no such instant for (`+24:00`, `+99:99`) is not a date.
		if (Number.isNaN(instant.getTime())) return expected;
		// Paris time stays within the years accepted (an offset could carry 2100-12-31 into 2101).
		const wall = parisWallClock(instant);
		const year = Number(wall.slice(0, 4));
		return year >= 1900 && year <= 2100 ? ok(wall) : expected;
	}
	return ok(`${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`);
}

/** A calendar date → `YYYY-MM-DD` (a time of day, as Excel adds, is accepted and dropped). */
export function parseDate(raw: string): Parsed<string> {
	const r = parseDateTime(raw);
	return r.ok ? ok(r.value.slice(0, 10)) : r;
}

const ENUM_INDEXES = new WeakMap<object, Map<string, string>>();

/** Folded id and labels → id, the first entry winning (as a scan of the entries in order would). */
function enumIndex(labels: Record<string, { fr: string; en: string }>): Map<string, string> {
	let index = ENUM_INDEXES.get(labels);
	if (!index) {
		index = new Map();
		for (const [id, label] of Object.entries(labels)) {
			for (const name of [id, label.fr, label.en]) {
				const folded = foldToken(name);
				if (!index.has(folded)) index.set(folded, id);
			}
		}
		ENUM_INDEXES.set(labels, index);
	}
	return index;
}

/**
 * An enumeration: the id, or its French (or English) label, any case, with or without accents.
 */
export function parseEnum<T extends string>(
	raw: string,
	labels: Record<T, { fr: string; en: string }>
): Parsed<T> {
	const id = enumIndex(labels).get(foldToken(raw));
	if (id !== undefined) return ok(id as T);
	const list = Object.values<{ fr: string; en: string }>(labels);
	return fail(
		`une de ces valeurs : ${list.map((l) => l.fr).join(', ')}`,
		`one of: ${list.map((l) => l.en).join(', ')}`
	);
}

/** Round: `1`, `2`, `R1`, `Relève 2`. */
export function parseReleve(raw: string): Parsed<1 | 2> {
	const m = /^(?:r|releve|round)?_?([12])$/.exec(foldToken(raw));
	if (!m) return fail('le numéro de relève : 1 ou 2 (ex. « Relève 2 », « R1 »)', 'the round: 1 or 2 (e.g. "Relève 2", "R1")');
	return ok(Number(m[1]) as 1 | 2);
}

/** SIREN as given, spaces removed. Its validity (9 digits, Luhn) is rule R13, a flag. */
export function parseSiren(raw: string): Parsed<string> {
	return ok(raw.replace(GROUP_SPACES, ''));
}

/**
 * SIRET as given, spaces removed. Its validity (14 digits, Luhn, starting with the SIREN) is
 * rule R22, a flag and a warning on load, not a refusal: real exports carry typos.
 */
export function parseSiret(raw: string): Parsed<string> {
	return ok(raw.replace(GROUP_SPACES, ''));
}

/** French postal code: five digits (a four-digit code lost its leading zero in Excel). */
export function parsePostalCode(raw: string): Parsed<string> {
	const v = raw.replace(GROUP_SPACES, '');
	if (/^\d{5}$/.test(v)) return ok(v);
	if (/^\d{4}$/.test(v)) return ok(`0${v}`);
	return fail('un code postal à 5 chiffres (ex. 75011)', 'a five-digit postal code (e.g. 75011)');
}

/** Luhn check used by SIREN and SIRET. */
export function luhnValid(digits: string): boolean {
	if (!/^\d+$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let n = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			n *= 2;
			if (n > 9) n -= 9;
		}
		sum += n;
	}
	return sum % 10 === 0;
}

export function sirenValid(siren: string): boolean {
	return /^\d{9}$/.test(siren) && luhnValid(siren);
}

/** La Poste's SIREN: its establishments' SIRETs do not follow Luhn (see `siretValid`). */
export const LA_POSTE_SIREN = '356000000';
/** La Poste's head office, whose SIRET does follow Luhn. */
const LA_POSTE_HEAD_OFFICE = '35600000000048';

/**
 * A SIRET as the SCDL's `french-siret-value` check (Validata, python-stdnum) accepts it: 14
 * digits passing the Luhn check — except La Poste's establishments (SIREN 356000000, head
 * office aside), whose digits must add up to a multiple of 5 — and a SIREN part passing Luhn.
 */
export function siretValid(siret: string): boolean {
	if (!/^\d{14}$/.test(siret)) return false;
	const checksum =
		siret.startsWith(LA_POSTE_SIREN) && siret !== LA_POSTE_HEAD_OFFICE
			? [...siret].reduce((s, d) => s + Number(d), 0) % 5 === 0
			: luhnValid(siret);
	return checksum && luhnValid(siret.slice(0, 9));
}

/** Rule R22: a valid SIRET of the company whose SIREN is given (it starts with it). */
export function siretOfSiren(siret: string, siren: string): boolean {
	return siretValid(siret) && siret.slice(0, 9) === siren;
}

/** A decimal number within bounds (e.g. an expert score 0–20). */
export function parseBoundedDecimal(raw: string, delimiter: Delimiter, min: number, max: number): Parsed<string> {
	const r = parseDecimal(raw, delimiter);
	if (!r.ok || Number(r.value) < min || Number(r.value) > max) {
		return fail(`un nombre entre ${min} et ${max}`, `a number between ${min} and ${max}`);
	}
	return r;
}

export function parseBoundedInteger(raw: string, delimiter: Delimiter, min: number, max: number): Parsed<number> {
	const r = parseInteger(raw, delimiter, min < 0);
	if (!r.ok || r.value < min || r.value > max) {
		return fail(`un nombre entier entre ${min} et ${max}`, `a whole number between ${min} and ${max}`);
	}
	return r;
}

/** Text: trimmed, internal line breaks normalised to `\n`. */
export function parseText(raw: string): Parsed<string> {
	return ok((raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw).trim());
}
