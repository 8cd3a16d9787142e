/** The programme's rules R1–R17 and R22 (programme.md): what each checks, in French and English. */

export type RuleScope = 'application' | 'agreement' | 'programme';

export interface RuleDef {
	id: string;
	scope: RuleScope;
	fr: string;
	en: string;
	/** The call's own words. */
	source: string;
	/** What to do about a flag, when it is not obvious from the rule. */
	fix?: { fr: string; en: string };
}

export const RULES: readonly RuleDef[] = [
	{ id: 'R1', scope: 'application', fr: 'Assiette éligible d’au moins 125 000 €', en: 'Eligible base of at least €125,000', source: '« assiette éligible ≥ 125 000 € »' },
	{ id: 'R2', scope: 'application', fr: 'Aide demandée au plus égale à 80 % de l’assiette, dans la limite de 100 000 €', en: 'Aid requested at most 80 % of the eligible base, capped at €100,000', source: '« 80 % … dans la limite de 100 000 € »' },
	{ id: 'R3', scope: 'application', fr: 'Une ou deux briques, toutes parmi les sept du programme', en: 'One or two bricks, all among the seven', source: '« entre 1 ou 2 briques »' },
	{ id: 'R4', scope: 'application', fr: 'PME : effectif inférieur à 250 et (chiffre d’affaires ≤ 50 M€ ou total de bilan ≤ 43 M€)', en: 'SME: headcount below 250 and (turnover ≤ €50M or balance sheet ≤ €43M)', source: 'note 1 (définition européenne de la PME)' },
	{ id: 'R5', scope: 'application', fr: 'De minimis : aides reçues sur 3 exercices + aide demandée ≤ 300 000 €', en: 'De minimis: aid received over 3 fiscal years + aid requested ≤ €300,000', source: '« plafond … 300 000 euros sur 3 ans »' },
	{ id: 'R6', scope: 'application', fr: 'Sous-traitance inférieure à 20 % de l’assiette éligible', en: 'Subcontracting below 20 % of the eligible base', source: '« Montant < 20% du coût total du projet »' },
	{ id: 'R7', scope: 'application', fr: 'Refacturation interne inférieure à 30 % des salaires', en: 'Internal re-invoicing below 30 % of salaries', source: '« montant < 30% de la masse salariale »' },
	{ id: 'R8', scope: 'application', fr: 'Frais connexes égaux à 20 % des salaires (à 1 € près)', en: 'Related costs equal to 20 % of salaries (±€1)', source: '« Frais connexes - 20% des salaires »' },
	{ id: 'R9', scope: 'application', fr: 'Assiette = salaires + frais connexes + sous-traitance + refacturation interne (à 1 € près)', en: 'Eligible base = salaries + related costs + subcontracting + internal re-invoicing (±€1)', source: 'tableau des dépenses' },
	{ id: 'R10', scope: 'application', fr: 'Durée du projet de 9 mois', en: 'Project duration of 9 months', source: '« Durée du projet : 9 mois »' },
	{ id: 'R11', scope: 'application', fr: 'Dépôt au plus tard à la clôture de la relève', en: 'Filed no later than the round’s closing time', source: 'calendrier' },
	{ id: 'R12', scope: 'application', fr: 'DNSH : aucun objectif auto-évalué en préjudice important (note −2)', en: 'DNSH: no objective self-assessed as significant harm (score −2)', source: 'Annexe A, principe DNSH' },
	{ id: 'R13', scope: 'application', fr: 'SIREN de 9 chiffres valide (clé de Luhn)', en: 'SIREN of 9 digits passing the Luhn check', source: 'identité de l’entreprise' },
	{ id: 'R14', scope: 'agreement', fr: 'Aide accordée au plus égale à 80 % de l’assiette retenue, dans la limite de 100 000 €', en: 'Grant at most 80 % of the retained base, capped at €100,000', source: 'comme R2, sur la convention signée' },
	{ id: 'R15', scope: 'agreement', fr: 'Avance au plus égale à 30 % de l’aide accordée', en: 'Advance at most 30 % of the grant', source: '« avance … maximum de 30% »' },
	{ id: 'R16', scope: 'agreement', fr: 'Avance + solde versés au plus égaux à l’aide accordée', en: 'Advance + balance paid at most the grant', source: 'versements' },
	{ id: 'R17', scope: 'programme', fr: 'Total engagé au plus égal à l’enveloppe de 2 000 000 €', en: 'Total committed at most the €2,000,000 envelope', source: '« dotation de 2 millions d’euros »' },
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
