/**
 * Issue 18 #8: query parameters that gave a 500 instead of a page, a 400 or a 404.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, pageParam, parseFilterParams } from '../../src/lib/filter-params';
import { listParams } from '../../src/lib/server/figures/dashboard/applications';
import { applicationPredicate, intersectBricks, sqlString } from '../../src/lib/server/figures/filters';
import { figureScope } from '../../src/lib/server/auth/scope';
import { badUrlRefusal } from '../../src/lib/server/request-guard';
import { Database } from '../../src/lib/server/db/database';

const url = (q: string) => new URL(`http://x.test/app/candidatures?${q}`);

describe('page numbers', () => {
	it.each([
		['1e20', MAX_PAGE],
		['Infinity', 1],
		['-Infinity', 1],
		['NaN', 1],
		['-3', 1],
		['0', 1],
		['2.7', 2],
		['abc', 1],
		['', 1],
		[null, 1],
		['99999999999999999999999', MAX_PAGE],
		['12', 12]
	])('page=%j → %d', (raw, page) => {
		expect(pageParam(raw)).toBe(page);
		expect(Number.isSafeInteger(pageParam(raw))).toBe(true);
	});
});

describe('sort and filters', () => {
	it('an inherited key is no sort column (`tri=toString` reached the ORDER BY)', () => {
		for (const tri of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
			expect(listParams(url(`tri=${tri}`)).sort).toBe('numero_dossier');
		}
		expect(listParams(url('tri=aide_demandee')).sort).toBe('aide_demandee');
		expect(listParams(url('page=Infinity')).page).toBe(1);
	});
	it('bricks are read whatever their case', () => {
		expect(parseFilterParams(new URLSearchParams('brique=SlapOS,SOZU,slapos'))).toEqual({ briques: ['slapos', 'sozu'] });
		expect(parseFilterParams(new URLSearchParams('brique=unknown'))).toEqual({ briques: ['unknown'] });
	});
	it('a member asking only for others’ bricks gets an empty selection, never a NUL in SQL', () => {
		const nexedi = { role: 'consortium' as const, org: 'nexedi' };
		const scoped = figureScope(nexedi, { briques: ['sozu'] });
		expect(scoped.briques!.join('')).not.toContain('\u0000');
		expect(applicationPredicate(intersectBricks({ briques: ['sozu'] }, ['slapos']))).not.toContain('\u0000');
		expect(sqlString("a\u0000b'c")).toBe("'ab''c'");
	});
	it('the predicates run in DuckDB, whatever the values', async () => {
		const db = await Database.open(':memory:');
		try {
			for (const f of [
				figureScope({ role: 'consortium', org: 'nexedi' }, { briques: ['sozu'] }),
				{ briques: ["'", 'a\u0000b', 'x'.repeat(5000)], region: ["'; DROP TABLE users; --", '\u0000'], statut: ['constructor'] }
			]) {
				const n = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM applications WHERE ${applicationPredicate(f)}`);
				expect(n?.n).toBe(0);
			}
		} finally {
			db.close();
		}
	});
});

describe('control characters in the URL', () => {
	it('a NUL (or another control character) in the path or any parameter is a 400', () => {
		for (const u of ['/app?q=%00', '/app?brique=sozu%00', '/app?%00=1', '/app/candidatures/HOX%00', '/app?region=%01', '/app/%E0%A4%A']) {
			expect(badUrlRefusal(new URL(`http://x.test${u}`))?.status, u).toBe(400);
		}
		for (const u of ['/app?q=caf%C3%A9', '/app?q=a%09b', '/projets?region=%C3%8Ele-de-France', '/app/candidatures/HOX-2024-001']) {
			expect(badUrlRefusal(new URL(`http://x.test${u}`)), u).toBeNull();
		}
	});
});
