/**
 * The report's period, from the query string (`?debut=2026-07-01&fin=2026-11-23`).
 *
 * Default: the current half-year **to date** — from 1 January or 1 July to today (Europe/
 * Paris). Why not the last complete half-year: the report is produced for Bpifrance at any
 * time (a steering committee, an audit), and with the default the stocks "au <today>" are
 * the very figures of the dashboard; the previous half-year is one click away (a preset),
 * for the half-yearly report proper. An end day in the future is allowed (the figures are
 * then those known today, as the report says).
 */
import { t, type Lang } from '../../i18n';
import type { Period } from '../figures/period';
import { formatDate } from '../../format';

/** The programme's first day (round 1 opened on 11 June 2024). */
export const PROGRAMME_START = '2024-06-11';

const MIN_DAY = '2000-01-01';
const MAX_DAY = '2099-12-31';

/** Today in Europe/Paris, `YYYY-MM-DD`. */
export function parisToday(now: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Now in Europe/Paris, `YYYY-MM-DD HH:MM`. */
export function parisNow(now: Date = new Date()): string {
	const p = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
			.formatToParts(now)
			.map((x) => [x.type, x.value])
	);
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function halfYear(year: number, half: 1 | 2): Period {
	return half === 1 ? { start: `${year}-01-01`, end: `${year}-06-30` } : { start: `${year}-07-01`, end: `${year}-12-31` };
}

function halfOf(day: string): { year: number; half: 1 | 2 } {
	return { year: Number(day.slice(0, 4)), half: Number(day.slice(5, 7)) <= 6 ? 1 : 2 };
}

/** The current half-year, from its first day to `today`. */
export function defaultPeriod(today: string): Period {
	const { year, half } = halfOf(today);
	return { start: halfYear(year, half).start, end: today };
}

export interface Preset {
	id: string;
	label: string;
	period: Period;
}

const halfLabel = (lang: Lang, year: number, half: 1 | 2) => t(lang, `${half === 1 ? '1er' : '2d'} semestre ${year}`, `H${half} ${year}`);

/** Quick choices offered beside the form. */
export function presets(today: string, lang: Lang): Preset[] {
	const { year, half } = halfOf(today);
	const prev = half === 1 ? { year: year - 1, half: 2 as const } : { year, half: 1 as const };
	const prev2 = prev.half === 1 ? { year: prev.year - 1, half: 2 as const } : { year: prev.year, half: 1 as const };
	return [
		{ id: 'current', label: t(lang, `${halfLabel(lang, year, half)}, à ce jour`, `${halfLabel(lang, year, half)}, to date`), period: defaultPeriod(today) },
		{ id: 'previous', label: halfLabel(lang, prev.year, prev.half), period: halfYear(prev.year, prev.half) },
		{ id: 'before', label: halfLabel(lang, prev2.year, prev2.half), period: halfYear(prev2.year, prev2.half) },
		{ id: 'year', label: t(lang, `Année ${year}, à ce jour`, `Year ${year}, to date`), period: { start: `${year}-01-01`, end: today } },
		{ id: 'all', label: t(lang, 'Depuis le début du programme', 'Since the programme began'), period: { start: PROGRAMME_START, end: today } }
	];
}

/** `2026-04-15` or `15/04/2026` → `2026-04-15`; null when not a real day. */
export function parseDay(raw: string): string | null {
	const s = raw.trim();
	let y: string, m: string, d: string;
	const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
	if (iso) [, y, m, d] = iso as unknown as [string, string, string, string];
	else if (fr) [, d, m, y] = fr as unknown as [string, string, string, string];
	else return null;
	const day = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
	const check = new Date(`${day}T00:00:00Z`);
	return !Number.isNaN(check.getTime()) && check.toISOString().slice(0, 10) === day ? day : null;
}

export type PeriodChoice =
	| { ok: true; period: Period; isDefault: boolean }
	| { ok: false; period: Period; errors: string[]; input: { start: string; end: string } };

/** Read `debut` and `fin` (either may be absent: the default's is used). */
export function parsePeriod(params: URLSearchParams, today: string, lang: Lang): PeriodChoice {
	const fallback = defaultPeriod(today);
	const rawStart = params.get('debut')?.trim() ?? '';
	const rawEnd = params.get('fin')?.trim() ?? '';
	if (!rawStart && !rawEnd) return { ok: true, period: fallback, isDefault: true };
	const errors: string[] = [];
	const start = rawStart ? parseDay(rawStart) : fallback.start;
	const end = rawEnd ? parseDay(rawEnd) : fallback.end;
	if (!start) errors.push(t(lang, `Début de période illisible : « ${rawStart} » (attendu : JJ/MM/AAAA).`, `Unreadable start of period: “${rawStart}” (expected: DD/MM/YYYY).`));
	if (!end) errors.push(t(lang, `Fin de période illisible : « ${rawEnd} » (attendu : JJ/MM/AAAA).`, `Unreadable end of period: “${rawEnd}” (expected: DD/MM/YYYY).`));
	if (start && end) {
		if (start > end) errors.push(t(lang, `La période commence (${formatDate(start)}) après sa fin (${formatDate(end)}).`, `The period starts (${formatDate(start)}) after it ends (${formatDate(end)}).`));
		if (start < MIN_DAY || end > MAX_DAY) errors.push(t(lang, 'Les dates doivent être comprises entre 2000 et 2099.', 'Dates must fall between 2000 and 2099.'));
	}
	if (errors.length || !start || !end) return { ok: false, period: fallback, errors, input: { start: rawStart, end: rawEnd } };
	return { ok: true, period: { start, end }, isDefault: start === fallback.start && end === fallback.end };
}

/** `du 01/07/2026 au 23/11/2026` / `from 01/07/2026 to 23/11/2026`. */
export function periodLabel(p: Period, lang: Lang): string {
	return t(lang, `du ${formatDate(p.start)} au ${formatDate(p.end)}`, `from ${formatDate(p.start)} to ${formatDate(p.end)}`);
}

/** The query string of a period, for links to the other formats. */
export function periodQuery(p: Period): string {
	return `debut=${p.start}&fin=${p.end}`;
}
