/**
 * Filters on the figures (round, status, brick, region) and the consortium scope, as SQL
 * predicates over `applications`. Values are checked against the catalogues or quoted.
 */
import { APPLICATION_STATUSES } from '../../domain/programme';

export interface FigureFilter {
	releve?: (1 | 2)[];
	statut?: string[];
	/** Applications naming at least one of these bricks. */
	briques?: string[];
	region?: string[];
}

/** A SQL string literal (DuckDB strings cannot hold NUL: it is dropped, never sent). */
export const sqlString = (s: string) => `'${s.replace(/\u0000/g, '').replace(/'/g, "''")}'`;
const sqlList = (values: readonly string[]) => `[${values.map(sqlString).join(', ')}]`;

export function isEmptyFilter(f: FigureFilter | undefined): boolean {
	return !f || (!f.releve?.length && !f.statut?.length && !f.briques?.length && !f.region?.length);
}

/** A predicate over a row of `applications` (alias-free column names). */
export function applicationPredicate(f: FigureFilter | undefined): string {
	if (!f) return 'true';
	const parts: string[] = [];
	if (f.releve?.length) parts.push(`releve IN (${f.releve.map(Number).filter((n) => n === 1 || n === 2).join(', ') || 'NULL'})`);
	if (f.statut?.length) {
		const valid = f.statut.filter((s) => (APPLICATION_STATUSES as readonly string[]).includes(s));
		parts.push(valid.length ? `statut IN (${valid.map(sqlString).join(', ')})` : 'false');
	}
	// A value with a NUL character matches nothing (`intersectBricks` uses one for "no brick"; DuckDB's parser refuses it).
	const usable = (values: readonly string[]) => values.filter((v) => !v.includes('\u0000'));
	if (f.briques?.length) {
		const b = usable(f.briques);
		parts.push(b.length ? `list_has_any(briques, ${sqlList(b)}::VARCHAR[])` : 'false');
	}
	if (f.region?.length) {
		const r = usable(f.region);
		parts.push(r.length ? `region_name IN (${r.map(sqlString).join(', ')})` : 'false');
	}
	return parts.length ? parts.map((p) => `(${p})`).join(' AND ') : 'true';
}

/** Merge two filters: both must hold (used to narrow a consortium member's scope). */
export function intersectBricks(f: FigureFilter, scope: readonly string[]): FigureFilter {
	const wanted = f.briques?.length ? f.briques.filter((b) => scope.includes(b)) : [...scope];
	// Nothing of its scope asked for: a brick id no application can name (never a NUL, which
	// DuckDB refuses in a string: issue 18 #8, `/app?brique=sozu` for Nexedi was a 500).
	return { ...f, briques: wanted.length ? wanted : ['-none-'] };
}
