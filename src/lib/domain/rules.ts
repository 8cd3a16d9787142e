/**
 * The programme's rules (programme.md): what each checks, in French and English, the call's own
 * words, and what to do about a flag (`fix`).
 */

export type RuleScope = 'application' | 'agreement' | 'programme';

export interface RuleDef {
	id: string;
	scope: RuleScope;
	fr: string;
	en: string;
	/** The call's own words. */
	source: string;
	/** What the programme team does about a flag, in one sentence. */
	fix?: { fr: string; en: string };
}

export const RULES: readonly RuleDef[] = [
	{ id: 'R1', scope: 'application', fr: 'Assiette éligible d’au moins 125 000 €', en: 'Eligible base of at least €125,000', source: '« assiette éligible ≥ 125 000 € »', fix: { fr: 'Vérifier l’assiette déclarée : en dessous de 125 000 €, la candidature n’est pas recevable en l’état.', en: 'Check the declared base: below €125,000 the application is not admissible as it stands.' } },
	{ id: 'R2', scope: 'application', fr: 'Aide demandée au plus égale à 80 % de l’assiette, dans la limite de 100 000 €', en: 'Aid requested at most 80 % of the eligible base, capped at €100,000', source: '« 80 % … dans la limite de 100 000 € »', fix: { fr: 'Ramener l’aide demandée au plafond (80 % de l’assiette, au plus 100 000 €) avec le porteur.', en: 'Bring the aid requested down to the cap (80 % of the base, at most €100,000) with the applicant.' } },
	{ id: 'R3', scope: 'application', fr: 'Une ou deux briques, toutes parmi les sept du programme', en: 'One or two bricks, all among the seven', source: '« entre 1 ou 2 briques »', fix: { fr: 'Faire préciser au porteur une ou deux briques parmi les sept du programme.', en: 'Ask the applicant to name one or two of the programme’s seven bricks.' } },
	{ id: 'R4', scope: 'application', fr: 'PME : effectif inférieur à 250 et (chiffre d’affaires ≤ 50 M€ ou total de bilan ≤ 43 M€)', en: 'SME: headcount below 250 and (turnover ≤ €50M or balance sheet ≤ €43M)', source: 'note 1 (définition européenne de la PME)', fix: { fr: 'Demander les comptes du dernier exercice pour confirmer le statut de PME.', en: 'Ask for the last accounts to confirm SME status.' } },
	{ id: 'R5', scope: 'application', fr: 'De minimis : aides reçues sur 3 exercices + aide demandée ≤ 300 000 €', en: 'De minimis: aid received over 3 fiscal years + aid requested ≤ €300,000', source: '« plafond … 300 000 euros sur 3 ans »', fix: { fr: 'Faire attester les aides de minimis reçues et réduire l’aide pour rester sous 300 000 €.', en: 'Have the de minimis aid received certified and reduce the aid to stay under €300,000.' } },
	{ id: 'R6', scope: 'application', fr: 'Sous-traitance inférieure à 20 % de l’assiette éligible', en: 'Subcontracting below 20 % of the eligible base', source: '« Montant < 20% du coût total du projet »', fix: { fr: 'Faire réduire la sous-traitance sous 20 % de l’assiette ou l’écarter de l’assiette.', en: 'Have subcontracting brought below 20 % of the base, or taken out of it.' } },
	{ id: 'R7', scope: 'application', fr: 'Refacturation interne inférieure à 30 % des salaires', en: 'Internal re-invoicing below 30 % of salaries', source: '« montant < 30% de la masse salariale »', fix: { fr: 'Faire réduire la refacturation interne sous 30 % des salaires.', en: 'Have internal re-invoicing brought below 30 % of salaries.' } },
	{ id: 'R8', scope: 'application', fr: 'Frais connexes égaux à 20 % des salaires (à 1 € près)', en: 'Related costs equal to 20 % of salaries (±€1)', source: '« Frais connexes - 20% des salaires »', fix: { fr: 'Recalculer les frais connexes à 20 % des salaires.', en: 'Recompute related costs as 20 % of salaries.' } },
	{ id: 'R9', scope: 'application', fr: 'Assiette = salaires + frais connexes + sous-traitance + refacturation interne (à 1 € près)', en: 'Eligible base = salaries + related costs + subcontracting + internal re-invoicing (±€1)', source: 'tableau des dépenses', fix: { fr: 'Corriger l’assiette pour qu’elle égale la somme des quatre postes de dépenses.', en: 'Correct the base so that it equals the sum of the four expense lines.' } },
	{ id: 'R10', scope: 'application', fr: 'Durée du projet de 9 mois', en: 'Project duration of 9 months', source: '« Durée du projet : 9 mois »', fix: { fr: 'Ramener le projet à 9 mois ou documenter la dérogation.', en: 'Bring the project back to 9 months, or document the exception.' } },
	{ id: 'R11', scope: 'application', fr: 'Dépôt au plus tard à la clôture de la relève', en: 'Filed no later than the round’s closing time', source: 'calendrier', fix: { fr: 'Vérifier l’horodatage du dépôt : un dossier déposé après la clôture est irrecevable.', en: 'Check the filing time: an application filed after the closing is inadmissible.' } },
	{ id: 'R12', scope: 'application', fr: 'DNSH : aucun objectif auto-évalué en préjudice important (note −2)', en: 'DNSH: no objective self-assessed as significant harm (score −2)', source: 'Annexe A, principe DNSH', fix: { fr: 'Demander au porteur de justifier ou de corriger l’objectif noté en préjudice important.', en: 'Ask the applicant to justify or correct the objective scored as significant harm.' } },
	{ id: 'R13', scope: 'application', fr: 'SIREN de 9 chiffres valide (clé de Luhn)', en: 'SIREN of 9 digits passing the Luhn check', source: 'identité de l’entreprise', fix: { fr: 'Corriger le SIREN à partir de l’Annuaire des entreprises.', en: 'Correct the SIREN from the Annuaire des entreprises.' } },
	{ id: 'R14', scope: 'agreement', fr: 'Aide accordée au plus égale à 80 % de l’assiette retenue, dans la limite de 100 000 €', en: 'Grant at most 80 % of the retained base, capped at €100,000', source: 'comme R2, sur la convention signée', fix: { fr: 'Corriger le montant de la convention (avenant) au plafond de 80 % de l’assiette retenue et 100 000 €.', en: 'Correct the agreement’s amount (amendment) to the cap of 80 % of the retained base and €100,000.' } },
	{ id: 'R15', scope: 'agreement', fr: 'Avance au plus égale à 30 % de l’aide accordée', en: 'Advance at most 30 % of the grant', source: '« avance … maximum de 30% »', fix: { fr: 'Réduire l’avance à 30 % de l’aide ou récupérer le trop-versé sur le solde.', en: 'Reduce the advance to 30 % of the grant, or recover the excess from the balance.' } },
	{ id: 'R16', scope: 'agreement', fr: 'Avance + solde versés au plus égaux à l’aide accordée', en: 'Advance + balance paid at most the grant', source: 'versements', fix: { fr: 'Émettre un ordre de reversement pour ce qui a été versé au-delà de l’aide.', en: 'Issue a recovery order for what was paid beyond the grant.' } },
	{ id: 'R17', scope: 'programme', fr: 'Total engagé au plus égal à l’enveloppe de 2 000 000 €', en: 'Total committed at most the €2,000,000 envelope', source: '« dotation de 2 millions d’euros »', fix: { fr: 'Ne plus signer de convention avant d’avoir dégagé de la marge sur l’enveloppe.', en: 'Sign no further agreement until room is made in the envelope.' } },
	{ id: 'R18', scope: 'agreement', fr: 'Aide accordée au plus égale à l’aide demandée', en: 'Grant at most the aid requested', source: 'l’aide accordée répond à l’aide demandée (convention et candidature)', fix: { fr: 'Ramener l’aide de la convention à l’aide demandée (avenant), ou faire déposer une demande rectifiée.', en: 'Bring the agreement’s grant down to the aid requested (amendment), or have a corrected request filed.' } },
	{ id: 'R19', scope: 'agreement', fr: 'Convention de 9 mois : entre 259 et 289 jours de la date de début à la date de fin', en: 'Agreement of 9 months: 259 to 289 days from start to end date', source: '« Durée du projet : 9 mois »', fix: { fr: 'Corriger les dates de début ou de fin de la convention, ou documenter la prolongation accordée.', en: 'Correct the agreement’s start or end date, or document the extension granted.' } },
	{ id: 'R20', scope: 'agreement', fr: 'De minimis sur l’aide accordée : aides reçues sur 3 exercices + aide accordée ≤ 300 000 €', en: 'De minimis on the grant: aid received over 3 fiscal years + grant ≤ €300,000', source: '« plafond … 300 000 euros sur 3 ans »', fix: { fr: 'Réduire l’aide de la convention pour rester sous 300 000 € d’aides de minimis sur 3 ans.', en: 'Reduce the agreement’s grant to stay under €300,000 of de minimis aid over 3 years.' } },
	{ id: 'R21', scope: 'agreement', fr: 'Début de la convention au plus tôt le lendemain du dépôt du dossier', en: 'Agreement starts no earlier than the day after filing', source: '« la date d’éligibilité des dépenses correspond au lendemain de la date de réception du dossier complet »', fix: { fr: 'Reporter la date de début au lendemain du dépôt : les dépenses antérieures ne sont pas éligibles (effet incitatif).', en: 'Move the start date to the day after filing: earlier expenses are not eligible (incentive effect).' } },
	{
		id: 'R22',
		scope: 'application',
		fr: 'SIRET, s’il est donné : 14 chiffres, clé de Luhn valide (La Poste, 356000000… : somme des chiffres multiple de 5) et commençant par le SIREN',
		en: 'SIRET, when given: 14 digits, passing the Luhn check (La Poste, 356000000…: digit sum a multiple of 5) and starting with the SIREN',
		source: 'identité de l’entreprise (SCDL « french-siret-value »)',
		fix: {
			fr: 'Corrigez le SIRET (ou le SIREN) dans la plateforme de candidature — l’avis de situation Sirene de l’entreprise le donne — puis rechargez l’export : tant qu’il n’est pas valide, le lauréat reste hors du fichier SCDL.',
			en: 'Correct the SIRET (or the SIREN) in the application platform — the company’s Sirene record gives it — then load the export again: until it is valid, the winner stays out of the SCDL file.'
		}
	}
];

export const RULE_IDS = RULES.map((r) => r.id);

export function ruleById(id: string): RuleDef | undefined {
	return RULES.find((r) => r.id === id);
}
