/**
 * The open-data files, built from the published projects only (projects.ts): funded projects
 * as CSV and JSON, grants in the SCDL « subventions » format v2.1.1, and a 360Giving package.
 * Licence: Licence Ouverte / Open Licence 2.0 (Etalab).
 */
import { toCsv, type Cell } from '../../spreadsheet';
import { siretOfSiren, sirenValid } from '../../domain/parsers';
import { brickName } from '../../domain/bricks';
import { AGREEMENT_STATUS_LABELS } from '../../domain/programme';
import type { AwardingBody } from './config';
import type { PublicAgreement, PublicProject } from './projects';

export const LICENCE = {
	name: 'Licence Ouverte / Open Licence version 2.0',
	url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/'
} as const;

export const PROGRAMME_NAME = 'Hyper Open X — appel à projets';
export const MENTION_FRANCE_2030 = 'Ce projet a été financé par le gouvernement dans le cadre de France 2030';
export const MENTION_NGEU = "Financé par l'Union européenne - Next Generation EU dans le cadre du plan France Relance";
export const FORECAST_LABEL = 'prévisions déclarées par les bénéficiaires';
/** Why no file lists a company's jobs or revenue (exports.md §2: not on the public list). */
export const IMPACT_NOTE =
	'Les emplois et le chiffre d’affaires prévus ou réalisés déclarés par chaque entreprise ne sont pas publiés entreprise par entreprise : seulement en totaux d’au moins 3 projets, sur les pages du site (secret statistique).';

const num = (s: string | null | undefined): number | null => (s === null || s === undefined || s === '' ? null : Number(s));

// ---------------------------------------------------------------------------------------------
// Funded projects: CSV (one row per agreement) and JSON (one object per project).

export const PROJECT_CSV_COLUMNS = [
	'numero_dossier',
	'releve',
	'raison_sociale',
	'siren',
	'siret',
	'region',
	'titre_projet',
	'resume',
	'site_web',
	'briques',
	'numero_convention',
	'statut_convention',
	'date_signature',
	'date_debut',
	'date_fin',
	'montant_aide',
	'montant_engage',
	'montant_verse',
	'avance_versee',
	'date_avance',
	'solde_verse',
	'date_solde',
	'background_ouvert',
	'foreground_ouvert',
	'code_publie',
	'depot_code_url',
	'licence_code'
] as const;

export function projectsCsv(projects: readonly PublicProject[]): string {
	const rows: Cell[][] = [[...PROJECT_CSV_COLUMNS]];
	for (const p of projects) {
		for (const g of p.agreements) {
			rows.push([
				p.dossier,
				p.releve,
				p.company,
				p.siren,
				p.siret,
				p.region,
				p.title,
				p.summary,
				p.website,
				p.bricks.join('|'),
				g.reference,
				g.status,
				g.signedOn,
				g.startsOn,
				g.endsOn,
				g.grantEur,
				g.committedEur,
				g.paidEur,
				g.advance?.amountEur ?? null,
				g.advance?.date ?? null,
				g.balance?.amountEur ?? null,
				g.balance?.date ?? null,
				p.openSource.background,
				p.openSource.foreground,
				p.openSource.published,
				p.openSource.codeUrl,
				p.openSource.licence
			]);
		}
	}
	return toCsv(rows, { delimiter: ',' });
}

export interface JsonMeta {
	dataVersion: string;
	updatedAt: string | null;
	baseUrl: string;
}

export function projectsJson(projects: readonly PublicProject[], meta: JsonMeta): unknown {
	return {
		title: 'Hyper Open X — projets financés',
		programme: PROGRAMME_NAME,
		licence: LICENCE,
		source: `${meta.baseUrl}/donnees`,
		updated_at: meta.updatedAt,
		data_version: meta.dataVersion,
		mentions: [MENTION_FRANCE_2030, MENTION_NGEU],
		notes: {
			impact: IMPACT_NOTE,
			committed: "montant_engage : le montant de l'aide, ou ce qui a été versé quand la convention est soldée ou résiliée."
		},
		projects: projects.map((p) => ({
			numero_dossier: p.dossier,
			url: `${meta.baseUrl}/projets/${encodeURIComponent(p.dossier)}`,
			releve: p.releve,
			raison_sociale: p.company,
			siren: p.siren,
			siret: p.siret,
			region: p.region,
			titre_projet: p.title,
			resume: p.summary,
			site_web: p.website,
			briques: p.bricks.map((id) => ({ id, nom: brickName(id) })),
			montant_aide: num(p.grantEur),
			montant_engage: num(p.committedEur),
			montant_verse: num(p.paidEur),
			resiliee: p.terminated,
			conventions: p.agreements.map((g) => ({
				numero_convention: g.reference,
				statut: g.status,
				date_signature: g.signedOn,
				date_debut: g.startsOn,
				date_fin: g.endsOn,
				montant_aide: num(g.grantEur),
				montant_engage: num(g.committedEur),
				montant_verse: num(g.paidEur),
				versements: [
					...(g.advance ? [{ type: 'avance', montant: num(g.advance.amountEur), date: g.advance.date }] : []),
					...(g.balance ? [{ type: 'solde', montant: num(g.balance.amountEur), date: g.balance.date }] : [])
				]
			})),
			open_source: {
				background_ouvert: p.openSource.background,
				foreground_ouvert: p.openSource.foreground,
				code_publie: p.openSource.published,
				depot_code_url: p.openSource.codeUrl,
				licence: p.openSource.licence
			}
		}))
	};
}

// ---------------------------------------------------------------------------------------------
// SCDL « subventions » v2.1.1 (schema.data.gouv.fr/scdl/subventions/2.1.1).

/** The 16 columns, in the schema's order. */
export const SCDL_COLUMNS = [
	'nomAttribuant',
	'idAttribuant',
	'dateConvention',
	'referenceDecision',
	'nomBeneficiaire',
	'idBeneficiaire',
	'rnaBeneficiaire',
	'objet',
	'montant',
	'nature',
	'conditionsVersement',
	'datesPeriodeVersement',
	'idRAE',
	'notificationUE',
	'pourcentageSubvention',
	'dispositifAide'
] as const;

const OBJET_MAX = 255;

export function scdlObjet(title: string): string {
	const full = `${PROGRAMME_NAME} (France 2030) : ${title.replace(/\s+/g, ' ').trim()}`;
	return full.length <= OBJET_MAX ? full : `${full.slice(0, OBJET_MAX - 1).trimEnd()}…`;
}

/** A payment of an agreement, made or still to come, as the SCDL file describes it. */
interface ScheduledPayment {
	date: string;
	made: boolean;
}

/**
 * The payments of an agreement, made or scheduled: the advance (made, or due at signature) and
 * the balance (made, or due at the agreement's end) while the agreement runs; only those made
 * once it is closed (`soldee`) or terminated (`resiliee`).
 */
export function agreementPayments(g: PublicAgreement): ScheduledPayment[] {
	const closed = g.status === 'soldee' || g.status === 'resiliee';
	const list: ScheduledPayment[] = [];
	if (g.advance) list.push({ date: g.advance.date, made: true });
	else if (!closed && !g.balance) list.push({ date: g.signedOn, made: false });
	if (g.balance) list.push({ date: g.balance.date, made: true });
	else if (!closed) list.push({ date: g.endsOn, made: false });
	return list.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * `datesPeriodeVersement`: from the first to the last payment, made or scheduled
 * (agreementPayments). One date when both ends are the same day (a single payment).
 */
export function scdlPaymentPeriod(g: PublicAgreement): string {
	const dates = agreementPayments(g).map((p) => p.date);
	const start = dates[0] ?? g.signedOn;
	const end = dates.at(-1) ?? start;
	return end <= start ? start : `${start}/${end}`;
}

/** `conditionsVersement`: `unique` for a single payment (e.g. a terminated agreement paid once), else `échelonné`. */
export function scdlPaymentTerms(g: PublicAgreement): string {
	return agreementPayments(g).length === 1 ? 'unique' : 'échelonné';
}

/** The beneficiary's SIRET, when valid and of its SIREN (rule R22); null otherwise. */
export function validSiret(p: Pick<PublicProject, 'siret' | 'siren'>): string | null {
	return p.siret && siretOfSiren(p.siret, p.siren) ? p.siret : null;
}

/** A terminated agreement with nothing paid granted nothing: it is in no grant file. */
const grants = (p: PublicProject) => p.agreements.filter((g) => Number(g.committedEur) > 0);

/**
 * Published projects with a grant but no valid SIRET: the SCDL schema requires the
 * beneficiary's identifier (`one-of-required`, `french-siret-value`), so their grants are left
 * out of the SCDL file (and only of it); `/donnees` says how many, and why.
 */
export function scdlHeldOut(projects: readonly PublicProject[]): PublicProject[] {
	return projects.filter((p) => grants(p).length > 0 && validSiret(p) === null);
}

/**
 * One row per agreement of a published project with a valid SIRET. `montant` is the amount
 * committed (the grant; what was paid when terminated); a terminated agreement with nothing
 * paid granted nothing and is left out.
 */
export function scdlRows(projects: readonly PublicProject[], body: AwardingBody): Cell[][] {
	const rows: { date: string; ref: string; cells: Cell[] }[] = [];
	for (const p of projects) {
		const siret = validSiret(p);
		if (siret === null) continue;
		for (const g of grants(p)) {
			rows.push({
				date: g.signedOn,
				ref: g.reference,
				cells: [
					body.name,
					body.siret,
					g.signedOn,
					g.reference,
					p.company,
					siret,
					'',
					scdlObjet(p.title),
					g.committedEur,
					'aide en numéraire',
					scdlPaymentTerms(g),
					scdlPaymentPeriod(g),
					'',
					'non',
					'1.00',
					body.dispositifAide
				]
			});
		}
	}
	rows.sort((a, b) => a.date.localeCompare(b.date) || a.ref.localeCompare(b.ref));
	return [[...SCDL_COLUMNS], ...rows.map((r) => r.cells)];
}

export function scdlCsv(projects: readonly PublicProject[], body: AwardingBody): string {
	return toCsv(scdlRows(projects, body), { delimiter: ',' });
}

// ---------------------------------------------------------------------------------------------
// 360Giving (threesixtygiving.org data standard, JSON package).

/** org-id.guide identifier of a French company from its SIREN (list FR-RCS). */
export const orgIdOfSiren = (siren: string) => `FR-RCS-${siren}`;

/** The two funding mentions the call requires (§3.4.3), as one sentence for description fields. */
export const MENTIONS = `${MENTION_FRANCE_2030}. ${MENTION_NGEU}.`;

/**
 * The recipient's identifier: `FR-RCS-<SIREN>` when its SIREN passes rule R13; otherwise an
 * identifier of the publisher's own (360Giving's `<prefix>-…` form): an invalid SIREN would
 * name another company, or none.
 */
export function recipientId(p: Pick<PublicProject, 'siren' | 'dossier'>, prefix: string): string {
	return sirenValid(p.siren) ? orgIdOfSiren(p.siren) : `${prefix}-beneficiaire-${p.dossier}`;
}

/**
 * Months from `start` to `end` (both `YYYY-MM-DD`, the end day included): whole calendar months,
 * plus the rest as a fraction of the month it falls in, to two decimals. 2026-05-01 → 2027-01-31 is 9.
 */
export function durationMonths(start: string, end: string): number {
	const day = (s: string) => new Date(`${s}T00:00:00Z`);
	const from = day(start);
	const after = day(end);
	after.setUTCDate(after.getUTCDate() + 1);
	if (after <= from) return 0;
	const addMonths = (n: number) => {
		const d = new Date(from);
		d.setUTCMonth(from.getUTCMonth() + n);
		// 31 January + 1 month: the end of February, not 3 March.
		if (d.getUTCDate() !== from.getUTCDate()) d.setUTCDate(0);
		return d;
	};
	let months = (after.getUTCFullYear() - from.getUTCFullYear()) * 12 + (after.getUTCMonth() - from.getUTCMonth());
	while (months > 0 && addMonths(months) > after) months--;
	const base = addMonths(months);
	const next = addMonths(months + 1);
	const fraction = (after.getTime() - base.getTime()) / (next.getTime() - base.getTime());
	return Math.round((months + fraction) * 100) / 100;
}

export function threeSixtyGiving(projects: readonly PublicProject[], body: AwardingBody, meta: JsonMeta): unknown {
	const funder = {
		id: body.siret ? orgIdOfSiren(body.siret.slice(0, 9)) : `${body.grantIdPrefix}-attribuant`,
		name: body.name
	};
	const modified = meta.updatedAt ?? undefined;
	const list = [];
	for (const p of projects) {
		for (const g of grants(p)) {
			const about = g.status === 'resiliee' ? `${p.summary || p.title} (${AGREEMENT_STATUS_LABELS.resiliee.fr})` : p.summary || p.title;
			list.push({
				id: `${body.grantIdPrefix}-${g.reference}`,
				title: p.title,
				description: `${about}\n\n${MENTIONS}`,
				currency: 'EUR',
				amountAwarded: Number(g.committedEur),
				amountDisbursed: Number(g.paidEur),
				awardDate: g.signedOn,
				plannedDates: [{ startDate: g.startsOn, endDate: g.endsOn, duration: durationMonths(g.startsOn, g.endsOn) }],
				recipientOrganization: [
					{
						id: recipientId(p, body.grantIdPrefix),
						name: p.company,
						...(p.website ? { url: p.website } : {}),
						addressCountry: 'France',
						...(p.region ? { addressRegion: p.region } : {})
					}
				],
				fundingOrganization: [funder],
				grantProgramme: [{ code: 'hyper-open-x-aap', title: PROGRAMME_NAME, url: `${meta.baseUrl}/` }],
				fromOpenCall: 'Yes',
				beneficiaryLocation: p.region ? [{ name: p.region, countryCode: 'FR' }] : [],
				classifications: p.bricks.map((id) => ({ vocabulary: 'hyper-open-x-briques', code: id, title: brickName(id) })),
				...(modified ? { dateModified: modified } : {})
			});
		}
	}
	return {
		version: '1.4',
		title: 'Hyper Open X — subventions attribuées',
		description: `Subventions de l’appel à projets Hyper Open X (France 2030), opéré par Bpifrance et animé par Cap Digital. ${MENTIONS}`,
		issued: meta.updatedAt?.slice(0, 10),
		publisher: { name: body.name, ...(body.siret ? { identifier: funder.id } : {}) },
		license: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
		accessURL: `${meta.baseUrl}/donnees`,
		grants: list
	};
}
