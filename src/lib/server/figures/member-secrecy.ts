/**
 * The only way a consortium member sees anything of the applications naming its bricks that are
 * not lauréats (issue 17 §1): one table, applications by status and round, protected as one
 * crossing by the public method (`public/suppress.ts`, threshold masking; its margins derived
 * from its protected cells). Every other figure a member sees is computed over the lauréats of
 * its bricks only (`auth/scope.ts`, `figureScope`).
 *
 * Filters: the table is one publication, the same whatever the round or status chosen (those only
 * select lines of it). A region or brick filter would publish a second, overlapping table, and the
 * difference of two such tables can isolate one application: with those filters the table is not
 * given (every cell « s »).
 */
import { APPLICATION_STATUSES, type ApplicationStatus } from '../../domain/programme';
import type { Database } from '../db/database';
import { suppressCrossing, type Crossing } from '../public/suppress';
import type { FigureFilter } from './filters';
import { sqlString } from './filters';
import { memoized } from './memo';

export const OTHER_STATUSES = APPLICATION_STATUSES.filter((s) => s !== 'laureat') as Exclude<ApplicationStatus, 'laureat'>[];
type Other = (typeof OTHER_STATUSES)[number];
type Round = '1' | '2';
const ROUNDS: Round[] = ['1', '2'];

export interface MemberApplications {
	/** False when a region or brick filter stops the table (everything « s »). */
	available: boolean;
	rows: { statut: Other; releve1: number | null; releve2: number | null; total: number | null }[];
	byRound: Record<Round, number | null>;
	total: number | null;
}

/** Does this filter keep the protected table available (only rounds and statuses chosen)? */
export function memberTableAvailable(filter: FigureFilter, orgBricks: readonly string[]): boolean {
	if (filter.region?.length) return false;
	if (filter.briques?.length && !orgBricks.every((b) => filter.briques!.includes(b))) return false;
	return true;
}

/** The protected table for an organisation's bricks (the same for every reader of that organisation). */
export function memberApplications(db: Database, orgBricks: readonly string[], filter: FigureFilter = {}): Promise<MemberApplications> {
	return memoized(db, `member-applications\u0000${JSON.stringify([orgBricks, memberTableAvailable(filter, orgBricks)])}`, () =>
		compute(db, orgBricks, filter)
	);
}

async function compute(db: Database, orgBricks: readonly string[], filter: FigureFilter): Promise<MemberApplications> {
	const available = memberTableAvailable(filter, orgBricks) && orgBricks.length > 0;
	const counts = available
		? await db.all<{ statut: string; releve: number; n: number }>(
				`SELECT statut, releve::INTEGER AS releve, count(*)::INTEGER AS n FROM applications
				WHERE statut <> 'laureat' AND list_has_any(briques, [${orgBricks.map(sqlString).join(', ')}]::VARCHAR[]) GROUP BY ALL`
			)
		: [];
	const count = (s: Other, r: Round) => Number(counts.find((c) => c.statut === s && String(c.releve) === r)?.n ?? 0);
	// The total of these applications is taken as published: for an organisation of one brick it
	// is the public count of the brick minus its listed projects.
	const p: Crossing<Other, Round> | null = available ? suppressCrossing({ rows: OTHER_STATUSES, cols: ROUNDS, count, totalPublished: true }) : null;
	return {
		available,
		rows: OTHER_STATUSES.map((s) => ({ statut: s, releve1: p?.cell(s, '1') ?? null, releve2: p?.cell(s, '2') ?? null, total: p?.rowTotal(s) ?? null })),
		byRound: { '1': p?.colTotal('1') ?? null, '2': p?.colTotal('2') ?? null },
		total: p?.total ?? null
	};
}
