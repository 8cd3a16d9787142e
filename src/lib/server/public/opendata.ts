/**
 * The open-data files, built from the published projects only (projects.ts): funded projects
 * as CSV and JSON, grants in the SCDL « subventions » format v2.1.1, and a 360Giving package.
 * Licence: Licence Ouverte / Open Licence 2.0 (Etalab).
 */
import { toCsv, type Cell } from '../../spreadsheet';
import { brickName } from '../../domain/bricks';
import { AGREEMENT_STATUS_LABELS, PROJECT_MONTHS } from '../../domain/programme';
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
	'emplois_prevus_declares',
	'ca_prevu_declare',
	'ca_prevu_3_ans_declare',
	'date_dernier_rapport',
	'emplois_crees_declares',
	'ca_genere_declare',
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
				p.forecast.jobs,
				p.forecast.revenueEur,
				p.forecast.revenue3yEur,
				p.achieved?.reportDate ?? null,
				p.achieved?.jobs ?? null,
				p.achieved?.revenueEur ?? null,
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
			forecasts: `Les champs *_declare(s) sont des ${FORECAST_LABEL} (candidature et rapports), non vérifiées par le programme.`,
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
			previsions_declarees: {
				emplois: p.forecast.jobs,
				chiffre_affaires: num(p.forecast.revenueEur),
				chiffre_affaires_3_ans_actualise: num(p.forecast.revenue3yEur)
			},
			realisations_declarees: p.achieved
				? {
						date_rapport: p.achieved.reportDate,
						type_rapport: p.achieved.reportType,
						emplois_crees: num(p.achieved.jobs),
						chiffre_affaires_genere: num(p.achieved.revenueEur)
					}
				: null,
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

/**
 * The payment period: from the advance (or the signature, before any payment) to the balance
 * (or the agreement's end date, when the balance is still to come; the last payment when the
 * agreement was terminated). One date when both ends are the same day.
 */
export function scdlPaymentPeriod(g: PublicAgreement): string {
	const start = g.advance?.date ?? g.signedOn;
	let end: string;
	if (g.balance) end = g.balance.date;
	else if (g.status === 'resiliee') end = g.advance?.date ?? start;
	else end = g.endsOn;
	if (end < start) [end] = [start];
	return end === start ? start : `${start}/${end}`;
}

/**
 * One row per agreement of a published project. `montant` is the amount committed (the grant;
 * what was paid when terminated); a terminated agreement with nothing paid granted nothing and
 * is left out.
 */
export function scdlRows(projects: readonly PublicProject[], body: AwardingBody): Cell[][] {
	const rows: { date: string; ref: string; cells: Cell[] }[] = [];
	for (const p of projects) {
		for (const g of p.agreements) {
			if (Number(g.committedEur) <= 0) continue;
			rows.push({
				date: g.signedOn,
				ref: g.reference,
				cells: [
					body.name,
					body.siret,
					g.signedOn,
					g.reference,
					p.company,
					p.siret && /^\d{14}$/.test(p.siret) ? p.siret : '',
					'',
					scdlObjet(p.title),
					g.committedEur,
					'aide en numéraire',
					'échelonné',
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

export function threeSixtyGiving(projects: readonly PublicProject[], body: AwardingBody, meta: JsonMeta): unknown {
	const funder = {
		id: body.siret ? orgIdOfSiren(body.siret.slice(0, 9)) : `${body.grantIdPrefix}-attribuant`,
		name: body.name
	};
	const modified = meta.updatedAt ?? undefined;
	const grants = [];
	for (const p of projects) {
		for (const g of p.agreements) {
			if (Number(g.committedEur) <= 0) continue;
			grants.push({
				id: `${body.grantIdPrefix}-${g.reference}`,
				title: p.title,
				description: p.summary || p.title,
				currency: 'EUR',
				amountAwarded: Number(g.committedEur),
				amountDisbursed: Number(g.paidEur),
				awardDate: g.signedOn,
				plannedDates: [{ startDate: g.startsOn, endDate: g.endsOn, duration: PROJECT_MONTHS }],
				recipientOrganization: [
					{
						id: orgIdOfSiren(p.siren),
						name: p.company,
						...(p.website ? { url: p.website } : {}),
						addressCountry: 'France',
						...(p.region ? { addressRegion: p.region } : {})
					}
				],
				fundingOrganization: [funder],
				grantProgramme: [{ code: 'hyper-open-x-aap', title: PROGRAMME_NAME, url: `${meta.baseUrl}/` }],
				beneficiaryLocation: p.region ? [{ name: p.region, countryCode: 'FR' }] : [],
				classifications: p.bricks.map((id) => ({ vocabulary: 'hyper-open-x-briques', code: id, title: brickName(id) })),
				...(g.status === 'resiliee' ? { description: `${p.summary || p.title} (${AGREEMENT_STATUS_LABELS.resiliee.fr})` } : {}),
				...(modified ? { dateModified: modified } : {})
			});
		}
	}
	return {
		version: '1.4',
		title: 'Hyper Open X — subventions attribuées',
		issued: meta.updatedAt?.slice(0, 10),
		publisher: { name: body.name, ...(body.siret ? { identifier: funder.id } : {}) },
		license: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
		accessURL: `${meta.baseUrl}/donnees`,
		grants
	};
}
