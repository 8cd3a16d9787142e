/**
 * Public aggregates: the programme's headline figures (from `programmeFigures`, the shared
 * definitions) and counts of applications, each passed through statistical secrecy
 * (`suppress.ts`) before it leaves this module. No identity of any application is read here.
 */
import type { Database } from '../db/database';
import { computeFigures, fundingReconciliation, programmeFigures, scopedCtes, type FundingReconciliation } from '../figures/kpis';
import { BRICKS, BRICK_IDS, brickName, isBrickId } from '../../domain/bricks';
import { APPLICATION_STATUSES, ENVELOPE_EUR, type ApplicationStatus } from '../../domain/programme';
import { REGIONS } from '../../domain/regions';
import { PUBLISHED_CTE, publishedTotals, sumPublishable, type PublishedTotals } from './projects';
import { suppressCounts, type CountCell } from './suppress';

export interface RoundRow {
	releve: 1 | 2;
	/** Public programme figure: not subject to secrecy. */
	applications: number;
	laureats: number;
	/** Funded projects: published ones whose agreement is not terminated (as `funded_projects`). */
	funded: number;
}

export interface RegionRow {
	region: string;
	applications: CountCell;
	/** Funded projects in the region (terminated ones excluded) and what the published ones commit (exact). */
	funded: number;
	committedEur: string;
}

export interface BrickRow {
	id: string;
	name: string;
	/** One of the seven bricks of the call. */
	catalogue: boolean;
	/** Applications naming the brick (secrecy applies). */
	applications: CountCell;
	/** Funded projects naming the brick: `kpis.bricks[id].funded` (agreements not terminated, application in the snapshot). */
	funded: number;
	/** Of which listed (published lauréats): the rows of /briques/{id}. */
	listedFunded: number;
	committedEur: string;
}

export interface PublicOverview {
	envelopeEur: number;
	/** When the data were last loaded (ISO 8601, UTC), or null before any load. */
	updatedAt: string | null;
	applications: { total: number; byRound: RoundRow[] };
	laureats: number;
	byStatus: CountCell<ApplicationStatus>[];
	funding: { committedEur: number; paidEur: number; remainingEur: number; releasedEur: number; fundedProjects: number };
	/** The same money as exact decimal strings (what pages show). */
	exact: { committedEur: string; paidEur: string; toPayEur: string; remainingEur: string; releasedEur: string };
	/** How the programme's agreements split between the list and what it cannot show (one-line reconciliations). */
	reconciliation: FundingReconciliation;
	/**
	 * Declared jobs and revenue of the funded projects, summed (never per company): null when
	 * built from fewer than 3 companies (statistical secrecy).
	 */
	jobs: { forecast: number | null; created: number | null };
	revenue: { forecastEur: number | null; generatedEur: number | null };
	openSource: { background: number; foregroundCommitted: number; published: number };
	regions: RegionRow[];
	bricks: BrickRow[];
	/** Sums over the published list, and what the programme totals hold beyond it. */
	published: PublishedTotals;
	unpublishedCommittedEur: string;
	unpublishedPaidEur: string;
	/** Live agreements not listed (application missing or not a lauréat), counted in `funding.fundedProjects`. */
	unpublishedAgreements: number;
}

/** Per published dossier: what its agreements commit, and whether all were terminated (then not "funded"). */
const MONEY_CTE = `SELECT numero_dossier, sum(committed_eur) AS committed, bool_and(statut = 'resiliee') AS terminated
	FROM agreements GROUP BY numero_dossier`;

/** Region names outside the official list (and missing ones) are grouped: a free-text name could identify. */
export const OTHER_REGIONS = 'Autres ou non renseignée';
export const OTHER_BRICKS = 'autres';

/** Applications naming a brick, with secrecy, for the seven bricks and the others. */
async function brickRows(db: Database, kpiBricks: Record<string, { applications: number; funded: number }>): Promise<BrickRow[]> {
	const funded = await db.all<{ brick: string; listed_funded: number; listed: number; committed: string }>(
		`WITH ${PUBLISHED_CTE},
		money AS (${MONEY_CTE}),
		b AS (SELECT numero_dossier, unnest(briques) AS brick FROM published)
		SELECT brick, count(DISTINCT numero_dossier) FILTER (WHERE NOT m.terminated)::INTEGER AS listed_funded,
			count(DISTINCT numero_dossier)::INTEGER AS listed,
			coalesce(sum(m.committed), 0)::VARCHAR AS committed
		FROM b JOIN money m USING (numero_dossier) GROUP BY brick`
	);
	const fundedBy = new Map(funded.map((f) => [f.brick, f]));
	// Bricks outside the catalogue are shown by name only when a published project names them
	// (their name is then public); the others are counted together.
	const [others] = await db.all<{ n: number }>(
		`WITH ${PUBLISHED_CTE},
		named AS (SELECT DISTINCT unnest(briques) AS brick FROM published),
		named_by_applications AS (SELECT numero_dossier, unnest(briques) AS brick FROM applications)
		SELECT count(DISTINCT numero_dossier)::INTEGER AS n FROM named_by_applications
		WHERE brick NOT IN (${BRICK_IDS.map((b) => `'${b}'`).join(', ')}) AND brick NOT IN (SELECT brick FROM named)`
	);
	const ids = [
		...BRICK_IDS,
		...Object.keys(kpiBricks)
			.filter((b) => !isBrickId(b) && fundedBy.has(b))
			.sort()
	];
	// Secrecy is on the applications that are not listed (anyone can count the listed ones per brick).
	const inputs = ids.map((id) => ({ key: id, count: kpiBricks[id]?.applications ?? 0, known: Number(fundedBy.get(id)?.listed ?? 0) }));
	inputs.push({ key: OTHER_BRICKS, count: Number(others?.n ?? 0), known: 0 });
	// A brick's applications have no published total (an application names one or two bricks).
	// Every row is listed, empty ones included: which rows are there must not tell which are empty.
	let cells = suppressCounts(inputs, { totalPublished: false });
	// No total, but a bound: an application names at most two bricks, so the bricks' non-public
	// counts add up to at most twice the non-public applications (public: applications minus
	// listed projects). When that bound would cap the hidden part below 3, every brick is hidden.
	// The check reads only published figures, so it tells a reader nothing more.
	const bound = await db.one<{ n: number }>(
		`WITH ${PUBLISHED_CTE} SELECT ((SELECT count(*) FROM applications) - (SELECT count(*) FROM published))::INTEGER AS n`
	);
	const shownPart = cells.reduce((sum, c, i) => sum + (c.count === null ? 0 : c.count - (inputs[i]!.known ?? 0)), 0);
	if (cells.some((c) => c.suppressed) && 2 * Number(bound?.n ?? 0) - shownPart < 3) {
		cells = cells.map((c) => ({ ...c, count: null, suppressed: true }));
	}
	return cells
		.map((c) => ({
			id: c.key,
			name: c.key === OTHER_BRICKS ? 'Autres briques' : brickName(c.key),
			catalogue: isBrickId(c.key),
			applications: c,
			funded: c.key === OTHER_BRICKS ? Number(fundedBy.get(c.key)?.listed_funded ?? 0) : (kpiBricks[c.key]?.funded ?? 0),
			listedFunded: Number(fundedBy.get(c.key)?.listed_funded ?? 0),
			committedEur: fundedBy.get(c.key)?.committed ?? '0'
		}));
}

async function regionRows(db: Database): Promise<RegionRow[]> {
	const counts = await db.all<{ region: string | null; n: number }>(
		`SELECT region_name AS region, count(*)::INTEGER AS n FROM applications GROUP BY region_name`
	);
	const official = new Set(REGIONS.map((r) => r.name));
	const byRegion = new Map<string, number>();
	for (const c of counts) {
		const key = c.region && official.has(c.region) ? c.region : OTHER_REGIONS;
		byRegion.set(key, (byRegion.get(key) ?? 0) + Number(c.n));
	}
	const funded = await db.all<{ region: string | null; funded: number; listed: number; committed: string }>(
		`WITH ${PUBLISHED_CTE},
		money AS (${MONEY_CTE})
		SELECT region_name AS region, count(*) FILTER (WHERE NOT m.terminated)::INTEGER AS funded, count(*)::INTEGER AS listed,
			coalesce(sum(m.committed), 0)::VARCHAR AS committed
		FROM published JOIN money m USING (numero_dossier) GROUP BY region_name`
	);
	const fundedBy = new Map<string, { funded: number; listed: number; committed: string }>();
	for (const f of funded) {
		const key = f.region && official.has(f.region) ? f.region : OTHER_REGIONS;
		const prev = fundedBy.get(key);
		// Committed amounts of two unofficial region names are added as decimals (cents).
		fundedBy.set(key, {
			funded: (prev?.funded ?? 0) + Number(f.funded),
			listed: (prev?.listed ?? 0) + Number(f.listed),
			committed: prev ? addDecimal(prev.committed, f.committed) : f.committed
		});
	}
	// Every region is listed, empty ones included: which rows are there must not tell which are empty.
	const keys = [...REGIONS.map((r) => r.name), OTHER_REGIONS];
	// The applications of all regions add up to the published total; the listed projects are known.
	const cells = suppressCounts(
		keys.map((k) => ({ key: k, count: byRegion.get(k) ?? 0, known: fundedBy.get(k)?.listed ?? 0 })),
		{ totalPublished: true }
	);
	return cells
		.map((c) => ({
			region: c.key,
			applications: c,
			funded: fundedBy.get(c.key)?.funded ?? 0,
			committedEur: fundedBy.get(c.key)?.committed ?? '0'
		}))
		.sort((a, b) => b.funded - a.funded || a.region.localeCompare(b.region, 'fr'));
}

/** Exact sum of two decimal strings with at most 2 decimals. */
export function addDecimal(a: string, b: string): string {
	const cents = (s: string) => {
		const [i, f = ''] = s.split('.');
		const sign = i!.startsWith('-') ? -1n : 1n;
		return sign * (BigInt(i!.replace('-', '') || '0') * 100n + BigInt((f + '00').slice(0, 2)));
	};
	const total = cents(a) + cents(b);
	const sign = total < 0n ? '-' : '';
	const abs = total < 0n ? -total : total;
	return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export async function publicOverview(db: Database): Promise<PublicOverview> {
	const { kpis, exact } = await programmeFigures(db);
	const rounds = await db.all<{ releve: number; applications: number; laureats: number }>(
		`SELECT releve::INTEGER AS releve, count(*)::INTEGER AS applications,
			count(*) FILTER (WHERE statut = 'laureat')::INTEGER AS laureats
		FROM applications GROUP BY releve`
	);
	const fundedRounds = await db.all<{ releve: number; funded: number }>(
		// Agreements not terminated, as funded_projects counts them (a lauréat with two live agreements counts twice).
		`WITH ${PUBLISHED_CTE}
		SELECT releve::INTEGER AS releve, count(*) FILTER (WHERE g.is_funded)::INTEGER AS funded
		FROM published JOIN agreements g USING (numero_dossier) GROUP BY releve`
	);
	const byRound: RoundRow[] = ([1, 2] as const).map((releve) => ({
		releve,
		applications: Number(rounds.find((r) => Number(r.releve) === releve)?.applications ?? 0),
		laureats: Number(rounds.find((r) => Number(r.releve) === releve)?.laureats ?? 0),
		funded: Number(fundedRounds.find((r) => Number(r.releve) === releve)?.funded ?? 0)
	}));
	const byStatus = suppressCounts(
		APPLICATION_STATUSES.map((s) => ({ key: s, count: kpis.applications.by_statut[s] ?? 0, exempt: s === 'laureat' })),
		{ totalPublished: true }
	);
	const published = await publishedTotals(db);
	// How many companies each programme sum of declared jobs and revenue is built from.
	const contributors = await db.one<{ forecast: number; achieved: number }>(
		`SELECT count(DISTINCT numero_dossier) FILTER (WHERE has_application)::INTEGER AS forecast,
			count(DISTINCT numero_dossier) FILTER (WHERE has_application AND date_dernier_rapport IS NOT NULL)::INTEGER AS achieved
		FROM funded_projects`
	);
	const forecastShown = sumPublishable(Number(contributors?.forecast ?? 0));
	const achievedShown = sumPublishable(Number(contributors?.achieved ?? 0));
	const rest = await db.one<{ committed: string; paid: string; agreements: number }>(
		`WITH ${PUBLISHED_CTE}
		SELECT coalesce(sum(committed_eur), 0)::VARCHAR AS committed, coalesce(sum(paid_eur), 0)::VARCHAR AS paid,
			count(*) FILTER (WHERE is_funded)::INTEGER AS agreements
		FROM agreements WHERE numero_dossier NOT IN (SELECT numero_dossier FROM published)`
	);
	const updated = await db.one<{ at: string | null }>(
		`SELECT strftime(max(since)::TIMESTAMP, '%Y-%m-%dT%H:%M:%SZ') AS at FROM current_snapshot`
	);
	return {
		envelopeEur: ENVELOPE_EUR,
		updatedAt: updated?.at ?? null,
		applications: { total: kpis.applications.total, byRound },
		laureats: kpis.applications.by_statut.laureat ?? 0,
		byStatus,
		exact: {
			committedEur: exact.committed_eur,
			paidEur: exact.paid_eur,
			toPayEur: exact.to_pay_eur,
			remainingEur: exact.remaining_eur,
			releasedEur: exact.released_eur
		},
		funding: {
			committedEur: kpis.funding.committed_eur,
			paidEur: kpis.funding.paid_eur,
			remainingEur: kpis.funding.remaining_eur,
			releasedEur: kpis.funding.released_eur,
			fundedProjects: kpis.funding.funded_projects
		},
		reconciliation: await fundingReconciliation(db),
		jobs: { forecast: forecastShown ? kpis.jobs.forecast : null, created: achievedShown ? kpis.jobs.created : null },
		revenue: { forecastEur: forecastShown ? kpis.revenue.forecast_eur : null, generatedEur: achievedShown ? kpis.revenue.generated_eur : null },
		openSource: {
			background: kpis.open_source.background,
			foregroundCommitted: kpis.open_source.foreground_committed,
			published: kpis.open_source.published
		},
		regions: await regionRows(db),
		bricks: await brickRows(db, kpis.bricks),
		published,
		unpublishedCommittedEur: rest?.committed ?? '0',
		unpublishedPaidEur: rest?.paid ?? '0',
		unpublishedAgreements: Number(rest?.agreements ?? 0)
	};
}

export interface PublicBrick {
	id: string;
	name: string;
	catalogue: boolean;
	info: (typeof BRICKS)[number] | null;
	applications: CountCell;
	/** Funded projects naming the brick, as everywhere else (`kpis.bricks[id].funded`). */
	funded: number;
	/**
	 * The brick's figures as the dashboard's brick page gives them (the programme's definitions
	 * over the applications naming the brick): terminated agreements are not funded projects.
	 */
	figures: {
		committedEur: string;
		paidEur: string;
		/** Declared jobs and revenue, summed: null when the secrecy rule hides them (`totals.forecast`, `totals.achieved`). */
		jobsForecast: number | null;
		jobsCreated: string | null;
		revenueForecastEur: string | null;
		revenueGeneratedEur: string | null;
		published: number;
	};
	/** The list's own sums (published lauréats naming the brick), for the reconciliation line. */
	totals: PublishedTotals;
}

/** A brick's public page data, or null when the brick is neither in the catalogue nor named by a published project. */
export async function publicBrick(db: Database, id: string): Promise<PublicBrick | null> {
	const { kpis } = await programmeFigures(db);
	const rows = await brickRows(db, kpis.bricks);
	const row = rows.find((r) => r.id === id && r.id !== OTHER_BRICKS);
	if (!row) return null;
	const ctes = scopedCtes({ briques: [id] });
	const { kpis: k, exact } = await computeFigures(db, ctes);
	// Jobs and revenue are published only as sums that the secrecy rule lets through (projects.ts).
	const totals = await publishedTotals(db, { brick: id });
	const forecast = totals.forecast !== null;
	const achieved = totals.achieved !== null;
	return {
		id,
		name: row.name,
		catalogue: row.catalogue,
		info: BRICKS.find((b) => b.id === id) ?? null,
		applications: row.applications,
		funded: k.funding.funded_projects,
		figures: {
			committedEur: exact.committed_eur,
			paidEur: exact.paid_eur,
			jobsForecast: forecast ? k.jobs.forecast : null,
			jobsCreated: achieved ? exact.jobs_created : null,
			revenueForecastEur: forecast ? exact.revenue_forecast_eur : null,
			revenueGeneratedEur: achieved ? exact.revenue_generated_eur : null,
			published: k.open_source.published
		},
		totals
	};
}
