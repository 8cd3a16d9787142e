/**
 * What each audience may see. Admins and auditors see everything. A consortium member sees
 * programme-wide aggregates, and in detail only the funded projects (lauréats) whose
 * application names at least one of its organisation's bricks; never the identity of an
 * applicant that is not a lauréat, nor any confidential field (exports.md §2).
 */
import { CONSORTIUM_ORGS, isConsortiumOrg } from '../../domain/programme';
import type { Database } from '../db/database';
import { intersectBricks, type FigureFilter } from '../figures/filters';
import { computeKpis, type Kpis } from '../figures/kpis';

type ScopeUser = { role: 'admin' | 'auditor' | 'consortium'; org: string | null } | null | undefined;

/** Fields of an application never shown to a consortium member or the public, whatever the status. */
export const CONFIDENTIAL_APPLICATION_FIELDS = [
	'effectif',
	'chiffre_affaires',
	'total_bilan',
	'aides_minimis_3_ans',
	'score_expertise',
	'dnsh_justification'
] as const;

/** The bricks of a consortium member's organisation; null for roles that see everything. */
export function consortiumBricks(user: ScopeUser): readonly string[] | null {
	if (!user || user.role !== 'consortium') return null;
	return user.org && isConsortiumOrg(user.org) ? CONSORTIUM_ORGS[user.org].bricks : [];
}

/**
 * The filter to compute a user's figures with. Everyone else's is unchanged. A consortium
 * member's is narrowed to the rows it may see in detail (`canSeeApplication`): lauréats naming
 * at least one of its organisation's bricks (an org without bricks sees nothing).
 *
 * This is where statistical secrecy is applied to members (issue 17 §1): every figure of the
 * dashboard, its CSVs, its charts and the API is computed over this filter, so none of them can
 * count, sum or average an application that is not one of those lauréats, whatever the filters
 * combined or subtracted. The other applications reach a member only through
 * `figures/member-secrecy.ts`, protected by the public method (public/suppress.ts).
 */
export function figureScope(user: ScopeUser, filter: FigureFilter = {}): FigureFilter {
	const bricks = consortiumBricks(user);
	if (bricks === null) return filter;
	const statut = filter.statut?.length ? filter.statut.filter((s) => s === 'laureat') : ['laureat'];
	return { ...intersectBricks(filter, bricks), statut: statut.length ? statut : ['\u0000none'] };
}

/** True when everything is visible to this user (admin, auditor). */
export function seesEverything(user: ScopeUser): boolean {
	return !!user && (user.role === 'admin' || user.role === 'auditor');
}

/**
 * May this user see this application in detail? Admin and auditor: always. Consortium: only
 * a lauréat whose bricks include one of its organisation's. Anonymous: never (public pages
 * have their own rules).
 */
export function canSeeApplication(user: ScopeUser, row: { statut: string; briques?: readonly string[] | string | null }): boolean {
	if (!user) return false;
	if (seesEverything(user)) return true;
	const bricks = consortiumBricks(user) ?? [];
	if (row.statut !== 'laureat') return false;
	const named = Array.isArray(row.briques) ? row.briques : typeof row.briques === 'string' ? row.briques.split(/[|,;]/).map((b) => b.trim()) : [];
	return named.some((b) => bricks.includes(b));
}

/** Remove the confidential fields from a row for users who may not see them. */
export function redactApplication<T extends Record<string, unknown>>(user: ScopeUser, row: T): T {
	if (seesEverything(user)) return row;
	const copy: Record<string, unknown> = { ...row };
	for (const f of CONFIDENTIAL_APPLICATION_FIELDS) delete copy[f];
	return copy as T;
}

/**
 * The headline figures (exports.md §6 shape) as this user may see them. Admin and auditor:
 * exactly `npm run kpis`. Consortium member: computed over the lauréats naming at least one of
 * its organisation's bricks (`figureScope`; agreements and reports follow their application), except
 * `envelope_eur` and `funding.remaining_eur`, which stay programme-wide (the envelope left is
 * one figure for the whole call), and `rule_flags`, left empty (rule checks name dossiers and
 * rest on confidential fields: they are the programme team's and the funder's business).
 */
export async function kpisFor(db: Database, user: NonNullable<ScopeUser>, filter: FigureFilter = {}): Promise<Kpis> {
	if (seesEverything(user)) return computeKpis(db, filter);
	const kpis = await computeKpis(db, figureScope(user, filter));
	const totals = await db.one<{ remaining: string }>(`SELECT remaining_eur::VARCHAR AS remaining FROM programme_totals`);
	kpis.funding.remaining_eur = Number(totals?.remaining ?? kpis.envelope_eur);
	kpis.rule_flags = [];
	return kpis;
}
