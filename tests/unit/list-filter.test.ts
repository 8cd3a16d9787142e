/** The applications table's row filters as the URL carries them (list-filter.ts), and the links to them. */
import { describe, expect, it } from 'vitest';
import { isRowFilterEmpty, narrowedRowsHref, parseRowFilter, rowFilterQuery, rowsHref } from '../../src/lib/list-filter';

const parse = (q: string) => parseRowFilter(new URLSearchParams(q));

describe('row filters in the URL', () => {
	it('reads rules, agreement statuses (with the funded and any aliases), payments, code, open source, reports and DNSH', () => {
		expect(parse('regle=r15,R3&regle=R15')).toEqual({ regle: ['R3', 'R15'] });
		expect(parse('convention=financee')).toEqual({ convention: ['signee', 'en_cours', 'soldee'] });
		expect(parse('convention=toute')).toEqual({ convention: ['signee', 'en_cours', 'soldee', 'resiliee'] });
		expect(parse('convention=resiliee,soldee')).toEqual({ convention: ['soldee', 'resiliee'] });
		expect(parse('verse=1&code=publie&ouvert=foreground&rapport=sans&dnsh=signale')).toEqual({
			verse: true,
			code: 'publie',
			ouvert: ['foreground'],
			rapport: 'sans',
			dnsh: 'signale'
		});
	});

	it('drops what it does not know (a typo shows more, not an error), and anything that could reach SQL', () => {
		expect(parse("regle=R1';DROP&regle=X15&convention=annulee&verse=peut-etre&code=x&ouvert=y&rapport=z&dnsh=w")).toEqual({});
		expect(isRowFilterEmpty(parse('releve=1&q=abc'))).toBe(true);
	});

	it('writes back what it reads, with the aliases', () => {
		for (const q of ['regle=R3%2CR15', 'convention=financee', 'convention=toute', 'convention=signee%2Cresiliee', 'verse=1&code=non&ouvert=background%2Cforeground&rapport=avec&dnsh=signale']) {
			expect(new URLSearchParams(rowFilterQuery(parse(q))).toString()).toBe(q);
		}
	});

	it('links a figure to its applications with the page’s filters, narrowed to one cell', () => {
		expect(rowsHref({}, { convention: 'financee' })).toBe('/app/candidatures?convention=financee');
		expect(rowsHref({ releve: [2], briques: ['sozu'] }, { verse: 1 })).toBe('/app/candidatures?releve=2&brique=sozu&verse=1');
		expect(narrowedRowsHref({ releve: [2] }, { statut: ['laureat'] })).toBe('/app/candidatures?releve=2&statut=laureat');
		expect(narrowedRowsHref({ statut: ['eligible', 'laureat'] }, { statut: ['laureat'], releve: [1] })).toBe('/app/candidatures?releve=1&statut=laureat');
		// The page's filter already leaves the value out: nothing is behind the cell.
		expect(narrowedRowsHref({ statut: ['eligible'] }, { statut: ['laureat'] })).toBeNull();
		expect(narrowedRowsHref({ region: ['Bretagne'] }, { region: ['Normandie'] }, { convention: 'financee' })).toBeNull();
	});
});
