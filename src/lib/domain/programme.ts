/**
 * The programme's own numbers and catalogues (../shared/spec/programme.md).
 * Pure data: imported by the browser and the server alike.
 */

export const ENVELOPE_EUR = 2_000_000;
export const MAX_AID_EUR = 100_000;
export const AID_RATE = 0.8;
export const MIN_ELIGIBLE_BASE_EUR = 125_000;
export const DE_MINIMIS_CEILING_EUR = 300_000;
export const ADVANCE_MAX_RATE = 0.3;
export const PROJECT_MONTHS = 9;
/** An agreement lasts 9 months ± 15 days: `date_fin − date_debut` within these days, inclusive (R19). */
export const AGREEMENT_DAYS = { min: 259, max: 289 } as const;

export type Round = 1 | 2;

/** Closing time of each round, Europe/Paris wall clock; filing during the closing minute counts. */
export const ROUNDS: Record<Round, { opens: string | null; closes: string }> = {
	1: { opens: '2024-06-11', closes: '2024-07-31 23:59' },
	2: { opens: null, closes: '2026-04-30 23:59' }
};

export const APPLICATION_STATUSES = [
	'deposee',
	'irrecevable',
	'eligible',
	'en_expertise',
	'laureat',
	'non_retenue',
	'desistement'
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, { fr: string; en: string }> = {
	deposee: { fr: 'Déposée', en: 'Filed' },
	irrecevable: { fr: 'Irrecevable', en: 'Inadmissible' },
	eligible: { fr: 'Éligible', en: 'Eligible' },
	en_expertise: { fr: 'En expertise', en: 'Under review' },
	laureat: { fr: 'Lauréat', en: 'Winner' },
	non_retenue: { fr: 'Non retenue', en: 'Not selected' },
	desistement: { fr: 'Désistement', en: 'Withdrawn' }
};

export const AGREEMENT_STATUSES = ['signee', 'en_cours', 'soldee', 'resiliee'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const AGREEMENT_STATUS_LABELS: Record<AgreementStatus, { fr: string; en: string }> = {
	signee: { fr: 'Signée', en: 'Signed' },
	en_cours: { fr: 'En cours', en: 'In progress' },
	soldee: { fr: 'Soldée', en: 'Closed' },
	resiliee: { fr: 'Résiliée', en: 'Terminated' }
};

export const REPORT_TYPES = ['intermediaire', 'final'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_TYPE_LABELS: Record<ReportType, { fr: string; en: string }> = {
	intermediaire: { fr: 'Intermédiaire', en: 'Interim' },
	final: { fr: 'Final', en: 'Final' }
};

export const DNSH_OBJECTIVES = [
	'attenuation',
	'adaptation',
	'eau',
	'economie_circulaire',
	'pollution',
	'biodiversite'
] as const;
export type DnshObjective = (typeof DNSH_OBJECTIVES)[number];

export const DNSH_OBJECTIVE_LABELS: Record<DnshObjective, { fr: string; en: string }> = {
	attenuation: { fr: 'Atténuation du changement climatique', en: 'Climate change mitigation' },
	adaptation: { fr: 'Adaptation au changement climatique', en: 'Climate change adaptation' },
	eau: { fr: 'Ressources aquatiques et marines', en: 'Water and marine resources' },
	economie_circulaire: { fr: 'Économie circulaire', en: 'Circular economy' },
	pollution: { fr: 'Prévention de la pollution', en: 'Pollution prevention' },
	biodiversite: { fr: 'Biodiversité et écosystèmes', en: 'Biodiversity and ecosystems' }
};

export const DNSH_SCORES = [-2, -1, 0, 1, 2] as const;

export const CONSORTIUM_ORGS = {
	nexedi: { name: 'Nexedi', bricks: ['slapos'] },
	'rapid-space': { name: 'Rapid.Space', bricks: ['rapid-cdn', 'wendelin'] },
	'clever-cloud': { name: 'Clever Cloud', bricks: ['sozu', 'biscuit'] },
	signal18: { name: 'Signal18', bricks: ['repman'] },
	opensvc: { name: 'OpenSVC', bricks: ['opensvc'] }
} as const satisfies Record<string, { name: string; bricks: readonly string[] }>;
export type ConsortiumOrg = keyof typeof CONSORTIUM_ORGS;

export function isConsortiumOrg(value: string): value is ConsortiumOrg {
	return Object.hasOwn(CONSORTIUM_ORGS, value);
}
