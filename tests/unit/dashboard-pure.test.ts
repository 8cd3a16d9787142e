/** Pure helpers of the dashboard: URL filters, table cells and CSV, the "what it rests on" sentence, chart ticks. */
import { describe, expect, it } from 'vitest';
import { filterQuery, parseFilterParams, withFilter, withoutValue } from '../../src/lib/filter-params';
import { cellHref, formatCell, formatInstant, tableCsv, type TableData } from '../../src/lib/table';
import { basisText } from '../../src/lib/basis';
import { integerTicks } from '../../src/lib/charts/theme';
import { cumulate } from '../../src/lib/charts/timeline';

describe('filters in the URL', () => {
	it('reads repeated and comma-separated values, drops unknown rounds and statuses', () => {
		const f = parseFilterParams(new URLSearchParams('releve=1&releve=R2&releve=9&statut=laureat,nope&brique=sozu,biscuit&region=Bretagne'));
		expect(f).toEqual({ releve: [1, 2], statut: ['laureat'], briques: ['sozu', 'biscuit'], region: ['Bretagne'] });
	});
	it('writes them back, and removes one value', () => {
		const f = { releve: [1 as const], briques: ['sozu', 'biscuit'] };
		expect(filterQuery(f)).toBe('releve=1&brique=sozu%2Cbiscuit');
		expect(withFilter('/app', withoutValue(f, 'briques', 'sozu'), { page: 2, q: '' })).toBe('/app?releve=1&brique=biscuit&page=2');
		expect(withFilter('/app', {})).toBe('/app');
	});
});

describe('table cells and CSV', () => {
	const table: TableData = {
		id: 't',
		title: { fr: 'T', en: 'T' },
		columns: [
			{ key: 'dossier', label: { fr: 'Dossier', en: 'Application' }, href: '/app/candidatures/{dossier}' },
			{ key: 'aide', label: { fr: 'Aide', en: 'Grant' }, kind: 'eur' },
			{ key: 'emplois', label: { fr: 'Emplois', en: 'Jobs' }, kind: 'dec' },
			{ key: 'statut', label: { fr: 'Statut', en: 'Status' }, kind: 'app_status' },
			{ key: 'note', label: { fr: 'Note', en: 'Note' } }
		],
		rows: [{ dossier: 'HOX-1', aide: '125000.50', emplois: '1.50', statut: 'laureat', note: '=HYPERLINK("x")' }],
		total: { aide: '125000.50' }
	};
	it('formats in French', () => {
		expect(formatCell('1234567', { key: 'x', label: { fr: '', en: '' }, kind: 'eur' }, 'fr').replace(/\s/g, ' ')).toBe('1 234 567 €');
		expect(formatCell('2026-04-15', { key: 'x', label: { fr: '', en: '' }, kind: 'date' }, 'fr')).toBe('15/04/2026');
		expect(cellHref(table.rows[0]!, table.columns[0]!)).toBe('/app/candidatures/HOX-1');
		expect(formatInstant('2026-07-01 10:00:00+00')).toBe('01/07/2026 12:00');
	});
	it('writes CSV for French Excel, neutralising formulas, with a total row', () => {
		const csv = tableCsv(table, 'fr');
		expect(csv.startsWith('\ufeffDossier;Aide;Emplois;Statut;Note\r\n')).toBe(true);
		expect(csv).toContain('HOX-1;125000,5;1,5;Lauréat;"\'=HYPERLINK(""x"")"');
		expect(csv.trim().split('\r\n').at(-1)).toBe('Total;125000,5;;;');
		expect(tableCsv(table, 'en').split('\r\n')[0]).toBe('Application,Grant,Jobs,Status,Note');
	});
});

describe('what a figure rests on', () => {
	it('says it with plurals', () => {
		expect(basisText('fr', { funded: 25, withoutReport: 3 })).toBe('sur 25 projets financés ; 3 sans rapport');
		expect(basisText('fr', { applications: 1, agreements: 2 })).toBe('sur 1 candidature et 2 conventions');
		expect(basisText('en', { funded: 1, withoutReport: 0 })).toBe('based on 1 funded project; 0 without a report');
	});
});

describe('chart helpers', () => {
	it('gives whole-number ticks for counts', () => {
		expect(integerTicks(3, 5)).toEqual([0, 1, 2, 3]);
		expect(integerTicks(56, 5)).toEqual([0, 20, 40]);
	});
	it('cumulates amounts per series and date', () => {
		const points = cumulate(
			[
				{ date: '2026-01-02', series: 'a', amount: 10 },
				{ date: '2026-01-01', series: 'a', amount: 5 },
				{ date: '2026-01-02', series: 'a', amount: 1 }
			],
			[{ id: 'a', label: 'A' }]
		);
		expect(points.map((p) => p.total)).toEqual([5, 16]);
	});
});
