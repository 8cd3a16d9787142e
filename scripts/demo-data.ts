/**
 * Seeded, deterministic demo data for the three exports of the Hyper Open X open call
 * (candidatures, conventions, rapports: ../shared/spec/exports.md §2–§4), and the bytes of
 * those exports as three real-world tools write them:
 *
 * - `excel-fr`      Excel on French Windows: Windows-1252, `;`, CRLF, French labels, `125 000,50 €`,
 *                   `15/04/2026 14:32`, `Oui`/`Non`, brick names in every spelling, a blank row,
 *                   a `;` at the end of every line and one column the contract does not know;
 * - `clean-utf8`    a clean UTF-8 export: `,`, LF, canonical column ids, enum ids, `125000.5`
 *                   (some rows `"€125,000.50"`), ISO dates, `true`/`false`, `slapos|sozu`;
 * - `bom-semicolon` UTF-8 with BOM, `;`, CRLF, upper-case ids (`NUMERO_DOSSIER`) in another column
 *                   order, `125 000,50` with narrow no-break spaces, `1`/`0` and `VRAI`/`FAUX`,
 *                   `LAUREAT`, `SlapOS / Sōzu`.
 *
 * All three styles of one dataset mean exactly the same data: a parser following exports.md
 * reads identical values from each. The data follows the programme's rules (programme.md)
 * except for a few deliberate rule breakers, listed in `Dataset.planted`.
 *
 * Pure: no side effect at import. No Math.random and no locale-dependent formatting: the same
 * seed gives byte-identical files on every machine.
 */
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------
// Types and columns

export type DemoKind = 'candidatures' | 'conventions' | 'rapports';
export const DEMO_KINDS: readonly DemoKind[] = ['candidatures', 'conventions', 'rapports'];
export type ExportStyle = 'excel-fr' | 'clean-utf8' | 'bom-semicolon';
export const EXPORT_STYLES: readonly ExportStyle[] = ['excel-fr', 'clean-utf8', 'bom-semicolon'];

/** The style of each file in the committed sample set (`--style mixed`). */
export const MIXED_STYLES: Record<DemoKind, ExportStyle> = {
	candidatures: 'excel-fr',
	conventions: 'bom-semicolon',
	rapports: 'clean-utf8'
};

/**
 * A canonical cell: numbers as JS numbers (at most 2 decimals), dates as `YYYY-MM-DD` or
 * `YYYY-MM-DDTHH:MM`, booleans, enum ids, brick lists as arrays of brick ids (or the raw name
 * of a brick outside the seven), `null` for an empty optional cell.
 */
export type DemoValue = string | number | boolean | null | string[];
export type DemoRow = Record<string, DemoValue>;

/** A deliberate anomaly of the dataset: a rule breaker, an orphan, a special case. */
export interface Planted {
	/** `R1`…`R22`, or `orphan`, or a special case (`resiliee`, `solde-non-verse`, `rapports-meme-date`, `soldee-partielle`). */
	what: string;
	dossier: string;
	convention?: string;
	note: string;
}

export interface Dataset {
	candidatures: DemoRow[];
	conventions: DemoRow[];
	rapports: DemoRow[];
	planted: Planted[];
}

export interface GenerateOptions {
	seed?: number;
	applications?: number;
}

type ColType =
	| 'text'
	| 'amount'
	| 'integer'
	| 'dnsh'
	| 'decimal'
	| 'date'
	| 'datetime'
	| 'boolean'
	| 'bricks'
	| 'releve'
	| 'siren'
	| 'siret'
	| 'postal'
	| 'application_status'
	| 'agreement_status'
	| 'report_type';

export interface DemoColumn {
	id: string;
	type: ColType;
	required: boolean;
	/** The French label Excel exports carry; it normalises (exports.md §1) to `id`. */
	label: string;
}

const col = (id: string, type: ColType, required: boolean, label: string): DemoColumn => ({ id, type, required, label });

export const DEMO_COLUMNS: Record<DemoKind, readonly DemoColumn[]> = {
	candidatures: [
		col('numero_dossier', 'text', true, 'Numéro dossier'),
		col('releve', 'releve', true, 'Relève'),
		col('date_depot', 'datetime', true, 'Date dépôt'),
		col('statut', 'application_status', true, 'Statut'),
		col('raison_sociale', 'text', true, 'Raison sociale'),
		col('siren', 'siren', true, 'SIREN'),
		col('code_postal', 'postal', true, 'Code postal'),
		col('titre_projet', 'text', true, 'Titre projet'),
		col('briques', 'bricks', true, 'Briques'),
		col('depenses_salaires', 'amount', true, 'Dépenses salaires (€)'),
		col('frais_connexes', 'amount', true, 'Frais connexes (€)'),
		col('couts_sous_traitance', 'amount', true, 'Coûts sous-traitance (€)'),
		col('couts_refacturation_interne', 'amount', true, 'Coûts refacturation interne (€)'),
		col('assiette_eligible', 'amount', true, 'Assiette éligible (€)'),
		col('aide_demandee', 'amount', true, 'Aide demandée (€)'),
		col('duree_mois', 'integer', true, 'Durée (mois)'),
		col('effectif', 'integer', true, 'Effectif'),
		col('chiffre_affaires', 'amount', true, 'Chiffre affaires (€)'),
		col('total_bilan', 'amount', true, 'Total bilan (€)'),
		col('aides_minimis_3_ans', 'amount', true, 'Aides minimis 3 ans (€)'),
		col('background_ouvert', 'boolean', true, 'Background ouvert'),
		col('foreground_ouvert', 'boolean', true, 'Foreground ouvert'),
		col('emplois_prevus', 'integer', true, 'Emplois prévus'),
		col('ca_prevu', 'amount', true, 'CA prévu (€)'),
		col('dnsh_attenuation', 'dnsh', true, 'DNSH atténuation'),
		col('dnsh_adaptation', 'dnsh', true, 'DNSH adaptation'),
		col('dnsh_eau', 'dnsh', true, 'DNSH eau'),
		col('dnsh_economie_circulaire', 'dnsh', true, 'DNSH économie circulaire'),
		col('dnsh_pollution', 'dnsh', true, 'DNSH pollution'),
		col('dnsh_biodiversite', 'dnsh', true, 'DNSH biodiversité'),
		col('siret', 'siret', false, 'SIRET'),
		col('region', 'text', false, 'Région'),
		col('site_web', 'text', false, 'Site web'),
		col('resume', 'text', false, 'Résumé'),
		col('licence_envisagee', 'text', false, 'Licence envisagée'),
		col('dnsh_solution_reference', 'text', false, 'DNSH solution référence'),
		col('dnsh_justification', 'text', false, 'DNSH justification'),
		col('score_expertise', 'decimal', false, 'Score expertise')
	],
	conventions: [
		col('numero_convention', 'text', true, 'Numéro convention'),
		col('numero_dossier', 'text', true, 'Numéro dossier'),
		col('date_signature', 'date', true, 'Date signature'),
		col('assiette_retenue', 'amount', true, 'Assiette retenue (€)'),
		col('montant_aide', 'amount', true, 'Montant aide (€)'),
		col('date_debut', 'date', true, 'Date début'),
		col('date_fin', 'date', true, 'Date fin'),
		col('statut', 'agreement_status', true, 'Statut'),
		col('montant_avance', 'amount', false, 'Montant avance (€)'),
		col('date_avance', 'date', false, 'Date avance'),
		col('montant_solde', 'amount', false, 'Montant solde (€)'),
		col('date_solde', 'date', false, 'Date solde')
	],
	rapports: [
		col('numero_dossier', 'text', true, 'Numéro dossier'),
		col('type_rapport', 'report_type', true, 'Type rapport'),
		col('date_rapport', 'date', true, 'Date rapport'),
		col('depenses_realisees', 'amount', true, 'Dépenses réalisées (€)'),
		col('emplois_crees', 'decimal', true, 'Emplois créés'),
		col('ca_genere', 'amount', true, 'CA généré (€)'),
		col('ca_prevu_3_ans', 'amount', false, 'CA prévu 3 ans (€)'),
		col('briques_integrees', 'bricks', false, 'Briques intégrées'),
		col('depot_code_url', 'text', false, 'Dépôt code URL'),
		col('licence', 'text', false, 'Licence'),
		col('publication_effective', 'boolean', false, 'Publication effective'),
		col('contributions_amont', 'integer', false, 'Contributions amont'),
		col('trl', 'integer', false, 'TRL'),
		col('commentaire', 'text', false, 'Commentaire')
	]
};

/** The column an Excel export adds that the contract does not know (ignored, with a warning). */
const EXCEL_EXTRA: Record<DemoKind, { after: string; label: string; values: readonly string[] }> = {
	candidatures: {
		after: 'statut',
		label: 'Chargé de mission',
		values: ['Camille Lefèvre', 'Hélène Nguyen', 'Théo Garnier', 'Inès Boucher', 'Loïc Marchand']
	},
	conventions: { after: 'statut', label: 'Chargé de mission', values: ['Camille Lefèvre', 'Théo Garnier', 'Inès Boucher'] },
	rapports: { after: 'date_rapport', label: 'Chargé de mission', values: ['Camille Lefèvre', 'Hélène Nguyen', 'Théo Garnier'] }
};

const APPLICATION_LABELS: Record<string, string> = {
	deposee: 'Déposée',
	irrecevable: 'Irrecevable',
	eligible: 'Éligible',
	en_expertise: 'En expertise',
	laureat: 'Lauréat',
	non_retenue: 'Non retenue',
	desistement: 'Désistement'
};
const AGREEMENT_LABELS: Record<string, string> = { signee: 'Signée', en_cours: 'En cours', soldee: 'Soldée', resiliee: 'Résiliée' };
const REPORT_LABELS: Record<string, string> = { intermediaire: 'Intermédiaire', final: 'Final' };

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast 32-bit PRNG; plenty for demo data. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Seeded randomness: the demo generator's, and the fuzz tests'. */
export class Rng {
	readonly next: () => number;
	constructor(seed: number) {
		// Spread the seed so that seeds 1, 2, 3 do not start from neighbouring states.
		this.next = mulberry32(Math.imul((seed | 0) ^ 0x5bd1e995, 0x9e3779b1) ^ 0x2026);
		for (let i = 0; i < 4; i++) this.next();
	}
	/** Uniform integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}
	/** Uniform real in [min, max). */
	real(min: number, max: number): number {
		return min + this.next() * (max - min);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}
	weighted<T>(items: readonly (readonly [T, number])[]): T {
		let total = 0;
		for (const [, w] of items) total += w;
		let r = this.next() * total;
		for (const [item, w] of items) {
			r -= w;
			if (r < 0) return item;
		}
		return items[items.length - 1]![0];
	}
	bytes(n: number): Uint8Array {
		const out = new Uint8Array(n);
		for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
		return out;
	}
	shuffle<T>(items: T[]): T[] {
		for (let i = items.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1));
			[items[i], items[j]] = [items[j]!, items[i]!];
		}
		return items;
	}
}

/** A stateless hash of (row, column, salt) → [0, 1): the per-cell variation of a style. */
function vary(row: number, column: number, salt: number): number {
	let x = Math.imul(row + 1, 0x9e3779b1) ^ Math.imul(column + 1, 0x85ebca77) ^ Math.imul(salt + 1, 0xc2b2ae3d);
	x ^= x >>> 16;
	x = Math.imul(x, 0x7feb352d);
	x ^= x >>> 15;
	x = Math.imul(x, 0x846ca68b);
	x ^= x >>> 16;
	return (x >>> 0) / 4294967296;
}

// ---------------------------------------------------------------------------------------------
// Dates (UTC day numbers; times are Europe/Paris wall clock, as in the exports)

const DAY_MS = 86_400_000;
const dayOf = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const weekday = (day: number) => new Date(day * DAY_MS).getUTCDay();
function workday(day: number): number {
	let d = day;
	while (weekday(d) === 0 || weekday(d) === 6) d++;
	return d;
}
/** `day` plus `months` months, clamped to the end of the target month. */
function addMonths(day: number, months: number): number {
	const d = new Date(day * DAY_MS);
	const y = d.getUTCFullYear();
	const m = d.getUTCMonth() + months;
	const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
	return Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY_MS;
}
const firstOfNextMonth = (day: number) => {
	const d = new Date(day * DAY_MS);
	return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS;
};
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The day the demo snapshot is taken: reports and payments are dated no later. */
const SNAPSHOT = dayOf('2026-11-20');

interface RoundCalendar {
	year: number;
	filingFrom: number;
	filingTo: number;
	decision: number;
	signFrom: number;
	signTo: number;
	eligibleFrom: number;
}

const CALENDAR: Record<1 | 2, RoundCalendar> = {
	1: {
		year: 2024,
		filingFrom: dayOf('2024-06-11'),
		filingTo: dayOf('2024-07-31'),
		decision: dayOf('2024-10-17'),
		signFrom: dayOf('2024-11-04'),
		signTo: dayOf('2024-12-20'),
		eligibleFrom: dayOf('2024-08-01')
	},
	2: {
		year: 2026,
		filingFrom: dayOf('2026-03-01'),
		filingTo: dayOf('2026-04-30'),
		decision: dayOf('2026-06-04'),
		signFrom: dayOf('2026-06-15'),
		signTo: dayOf('2026-08-31'),
		eligibleFrom: dayOf('2026-05-01')
	}
};

// ---------------------------------------------------------------------------------------------
// Money: everything is computed in integer cents, then turned into euros with ≤ 2 decimals.

const eur = (cents: number) => Math.round(cents) / 100;
const cents = (euros: number) => Math.round(euros * 100);
/** Round cents to a multiple of `step` euros. */
const roundTo = (c: number, step: number) => Math.round(c / (step * 100)) * step * 100;
const floorTo = (c: number, step: number) => Math.floor(c / (step * 100)) * step * 100;

const MAX_AID = 100_000_00;
const MIN_BASE = 125_000_00;

// ---------------------------------------------------------------------------------------------
// Vocabulary

const BRICK_WEIGHTS: readonly (readonly [string, number])[] = [
	['slapos', 22],
	['sozu', 18],
	['biscuit', 14],
	['rapid-cdn', 12],
	['repman', 12],
	['opensvc', 12],
	['wendelin', 10]
];

/** How each brick is written in free text (Windows-1252 safe: `Sozu`, not `Sōzu`). */
const BRICK_TEXT: Record<string, string> = {
	slapos: 'SlapOS',
	'rapid-cdn': 'RAPID-CDN',
	sozu: 'Sozu',
	biscuit: 'Biscuit',
	repman: 'replication-manager',
	wendelin: 'Wendelin',
	opensvc: 'OpenSVC'
};
/** Spellings an Excel export uses (programme.md lists them). */
const BRICK_EXCEL: Record<string, readonly string[]> = {
	slapos: ['SlapOS', 'Slapos'],
	'rapid-cdn': ['Rapid CDN', 'RAPID-CDN', 'rapidcdn'],
	sozu: ['Sozu', 'SOZU'],
	biscuit: ['Biscuit'],
	repman: ['replication-manager', 'Repman', 'Replication Manager'],
	wendelin: ['Wendelin'],
	opensvc: ['OpenSVC', 'Opensvc']
};
/** Names as the UTF-8 platform labels them. */
const BRICK_LABEL: Record<string, string> = {
	slapos: 'SlapOS',
	'rapid-cdn': 'RAPID-CDN',
	sozu: 'Sōzu',
	biscuit: 'Biscuit',
	repman: 'Repman',
	wendelin: 'Wendelin',
	opensvc: 'OpenSVC'
};

const BRICK_USAGE: Record<string, readonly string[]> = {
	slapos: ['Edge souverain', 'Orchestration edge multi-sites', 'Déploiement multi-cloud résilient', 'PaaS distribué'],
	'rapid-cdn': ['CDN souverain', 'Diffusion de contenus décentralisée', 'Réseau de diffusion régional'],
	sozu: ['Reverse proxy reconfigurable à chaud', 'Répartition de charge sans coupure', 'Passerelle HTTP haute performance'],
	biscuit: ['Autorisation décentralisée', 'Jetons d’accès atténuables', 'Délégation de droits hors ligne'],
	repman: ['Bases MariaDB haute disponibilité', 'Bascule automatique des bases de données', 'Sauvegarde et réplication MariaDB'],
	wendelin: ['Plateforme de données industrielles', 'Analyse big data temps réel', 'Lac de données ouvert'],
	opensvc: ['Orchestration de services critiques', 'Cluster haute disponibilité', 'Continuité de service multi-datacenters'],
	Patrowl: ['Audit de sécurité continu'],
	'XCP-ng': ['Virtualisation ouverte']
};

const BRICK_GOAL: Record<string, readonly string[]> = {
	slapos: [
		'déployer et superviser ses services sur des nœuds edge répartis en France',
		'remplacer son cluster Kubernetes managé par un PaaS ouvert'
	],
	'rapid-cdn': [
		'construire son propre réseau de diffusion de contenus',
		'servir ses contenus au plus près des utilisateurs sans dépendre d’un CDN étranger'
	],
	sozu: ['reconfigurer son reverse proxy à chaud, sans coupure de service', 'absorber les pics de trafic grâce à un proxy écrit en Rust'],
	biscuit: [
		'déléguer des autorisations fines à ses partenaires, vérifiables hors ligne',
		'remplacer ses jetons JWT par des jetons atténuables'
	],
	repman: ['automatiser la bascule et la sauvegarde de ses bases MariaDB', 'garantir la haute disponibilité de ses bases de données'],
	wendelin: ['analyser en temps réel les données de ses capteurs', 'consolider ses données industrielles sur une plateforme ouverte'],
	opensvc: ['orchestrer ses services critiques en haute disponibilité', 'basculer automatiquement ses services entre deux datacenters'],
	Patrowl: ['industrialiser ses audits de sécurité'],
	'XCP-ng': ['virtualiser son infrastructure sur un hyperviseur ouvert']
};

const PROPRIETARY: Record<string, readonly string[]> = {
	slapos: ['Google Anthos', 'un Kubernetes managé (Amazon EKS)'],
	'rapid-cdn': ['Cloudflare', 'Akamai', 'Amazon CloudFront'],
	sozu: ['un répartiteur de charge propriétaire', 'AWS Elastic Load Balancing'],
	biscuit: ['Auth0', 'Okta'],
	repman: ['Amazon RDS', 'Azure Database for MySQL'],
	wendelin: ['Databricks', 'Snowflake'],
	opensvc: ['VMware vSphere HA', 'Veritas InfoScale'],
	Patrowl: ['Qualys'],
	'XCP-ng': ['VMware ESXi']
};

const SECTORS = [
	'la télémédecine',
	'les collectivités territoriales',
	'l’agriculture de précision',
	'le commerce en ligne',
	'les médias locaux',
	'la logistique urbaine',
	'l’industrie 4.0',
	'l’enseignement en ligne',
	'les services financiers',
	'la gestion de l’eau',
	'le tourisme',
	'la santé connectée',
	'la cybersécurité des PME',
	'la mobilité partagée',
	'les énergies renouvelables',
	'le jeu vidéo en ligne',
	'les laboratoires de recherche',
	'l’audiovisuel',
	'les hôpitaux',
	'la billetterie',
	'le bâtiment intelligent',
	'la logistique portuaire',
	'l’e-administration',
	'la presse en ligne'
] as const;

const ACTIVITIES = [
	'édite une plateforme SaaS pour {s}',
	'développe des logiciels métiers pour {s}',
	'conçoit des objets connectés pour {s}',
	'opère une infrastructure d’hébergement dédiée à {s}',
	'fournit des services d’infogérance pour {s}',
	'exploite un service de diffusion vidéo pour {s}',
	'propose une place de marché B2B pour {s}'
] as const;

const NAME_PREFIXES = [
	'Nuage', 'Edge', 'Data', 'Kub', 'Orbi', 'Strato', 'Néo', 'Hexa', 'Cumulo', 'Alti', 'Véga', 'Sola', 'Lumi',
	'Flux', 'Ondi', 'Terra', 'Axio', 'Cirro', 'Opti', 'Nexo', 'Quanti', 'Rhéo', 'Sylva', 'Kelt', 'Armor',
	'Ligéri', 'Océa', 'Mistra', 'Baltha', 'Azuri', 'Vosgi', 'Géo', 'Pixa', 'Logi', 'Zéphy', 'Calli'
];
const NAME_SUFFIXES = [
	'o', 'line', 'ware', 'scale', 'sys', 'tech', 'nova', 'pulse', 'grid', 'hub', 'labs', 'mind', 'flow',
	'sphère', 'net', 'logic', 'byte', 'stack', 'core', 'ops', 'link', 'vox', 'métrie', 'rix'
];
/** A few hand-written names (apostrophes, ligatures, commas exercise the encodings and quoting). */
const SPECIAL_NAMES = [
	'Cœur de Réseau',
	'Société Néo-Ligérienne d’Hébergement',
	'Martin, Leroy & Associés',
	'Les Nuages Bretons',
	'Coopérative Numérique du Rhône',
	'Atelier Logiciel Occitan',
	'L’Écho des Serveurs',
	'Ardoise & Silicium'
];
const LEGAL_FORMS: readonly (readonly [string, number])[] = [
	[' SAS', 45],
	['', 25],
	[' SARL', 10],
	[' SASU', 10],
	[' SA', 5],
	[' SCOP', 5]
];

const LICENCES: readonly (readonly [string, number])[] = [
	['Apache-2.0', 22],
	['AGPL-3.0-only', 18],
	['GPL-3.0-or-later', 16],
	['MIT', 16],
	['MPL-2.0', 8],
	['LGPL-3.0-or-later', 7],
	['EUPL-1.2', 8],
	['BSD-3-Clause', 5]
];

interface Place {
	dept: string;
	region: string;
	codes: readonly string[];
	weight: number;
}
const IDF = 'Île-de-France';
const ARA = 'Auvergne-Rhône-Alpes';
const PLACES: readonly Place[] = [
	{ dept: '75', region: IDF, weight: 22, codes: ['75002', '75003', '75008', '75009', '75010', '75011', '75012', '75013', '75015', '75017', '75019', '75020'] },
	{ dept: '92', region: IDF, weight: 9, codes: ['92100', '92130', '92200', '92300', '92400', '92120', '92240'] },
	{ dept: '93', region: IDF, weight: 4, codes: ['93100', '93200', '93400', '93500', '93170'] },
	{ dept: '94', region: IDF, weight: 4, codes: ['94200', '94300', '94000', '94270', '94110'] },
	{ dept: '91', region: IDF, weight: 2, codes: ['91300', '91120', '91190'] },
	{ dept: '78', region: IDF, weight: 2, codes: ['78000', '78180'] },
	{ dept: '69', region: ARA, weight: 7, codes: ['69001', '69002', '69003', '69007', '69100', '69009'] },
	{ dept: '38', region: ARA, weight: 4, codes: ['38000', '38240', '38330', '38400'] },
	{ dept: '63', region: ARA, weight: 1, codes: ['63000', '63100'] },
	{ dept: '31', region: 'Occitanie', weight: 5, codes: ['31000', '31400', '31670', '31500'] },
	{ dept: '34', region: 'Occitanie', weight: 3, codes: ['34000', '34070', '34170'] },
	{ dept: '33', region: 'Nouvelle-Aquitaine', weight: 5, codes: ['33000', '33800', '33700', '33600'] },
	{ dept: '64', region: 'Nouvelle-Aquitaine', weight: 1, codes: ['64200', '64000'] },
	{ dept: '59', region: 'Hauts-de-France', weight: 4, codes: ['59000', '59650', '59100', '59800'] },
	{ dept: '13', region: "Provence-Alpes-Côte d'Azur", weight: 4, codes: ['13001', '13002', '13090', '13100', '13008'] },
	{ dept: '06', region: "Provence-Alpes-Côte d'Azur", weight: 3, codes: ['06000', '06560', '06400', '06200'] },
	{ dept: '35', region: 'Bretagne', weight: 4, codes: ['35000', '35510', '35700'] },
	{ dept: '29', region: 'Bretagne', weight: 1, codes: ['29200', '29000'] },
	{ dept: '44', region: 'Pays de la Loire', weight: 4, codes: ['44000', '44200', '44300'] },
	{ dept: '67', region: 'Grand Est', weight: 3, codes: ['67000', '67400'] },
	{ dept: '54', region: 'Grand Est', weight: 1, codes: ['54000'] },
	{ dept: '21', region: 'Bourgogne-Franche-Comté', weight: 1, codes: ['21000'] },
	{ dept: '37', region: 'Centre-Val de Loire', weight: 1, codes: ['37000', '37200'] },
	{ dept: '14', region: 'Normandie', weight: 1, codes: ['14000'] },
	{ dept: '76', region: 'Normandie', weight: 1, codes: ['76000', '76600'] }
];
/** Placed once per block of 150 applications: one overseas, one Corsican company. */
const RARE_PLACES: readonly Place[] = [
	{ dept: '974', region: 'La Réunion', weight: 0, codes: ['97400', '97490'] },
	{ dept: '971', region: 'Guadeloupe', weight: 0, codes: ['97122'] },
	{ dept: '2A', region: 'Corse', weight: 0, codes: ['20000', '20090'] },
	{ dept: '2B', region: 'Corse', weight: 0, codes: ['20200', '20600'] }
];
/** Other ways the platform's free-text region field is filled in. */
const REGION_VARIANTS: Record<string, string> = {
	[IDF]: 'IDF',
	"Provence-Alpes-Côte d'Azur": 'PACA',
	[ARA]: 'Auvergne Rhône Alpes'
};

const DNSH_OBJECTIVES = ['attenuation', 'adaptation', 'eau', 'economie_circulaire', 'pollution', 'biodiversite'] as const;
const DNSH_WEIGHTS: readonly (readonly [number, number])[] = [
	[0, 48],
	[1, 31],
	[2, 17.5],
	[-1, 3.5]
];
const DNSH_JUSTIFICATIONS = [
	'Mutualisation des serveurs en edge : consommation électrique estimée à -25 % par rapport à la solution de référence.',
	'Hébergement dans un datacenter français alimenté à 100 % en électricité renouvelable (garanties d’origine).',
	'Serveurs reconditionnés ("seconde vie") et allongement de la durée d’usage du matériel à 7 ans.',
	'Moins de transferts longue distance grâce à la diffusion locale des contenus ; pas d’usage d’eau pour le refroidissement.',
	'Aucun impact identifié sur la biodiversité : le projet ne crée pas de nouvelle infrastructure physique.',
	'Réduction du nombre de machines virtuelles inactives grâce à la bascule automatique.'
];
const DNSH_HARM: Record<string, string> = {
	attenuation: 'Le projet double la puissance installée (GPU) pour l’entraînement des modèles : impact « très défavorable » assumé sur l’atténuation.',
	eau: 'Refroidissement adiabatique en circuit ouvert sur le site de production :\nconsommation d’eau jugée « très défavorable » par l’équipe.',
	biodiversite: 'Construction d’un micro-datacenter sur une parcelle agricole non artificialisée : impact « très défavorable » sur la biodiversité.'
};

const COMMENTS_INTERIM = [
	'Intégration de {b} en préproduction ; mise en production prévue au trimestre prochain.',
	'Recrutement d’un ingénieur DevOps finalisé.\nLa bascule de la production est décalée d’un mois (tests de charge en cours).',
	'Premiers retours clients positifs sur la nouvelle offre "souveraine".',
	'Difficultés sur la montée de version ; accompagnement de l’éditeur de {b} très utile.',
	'Phase 1 terminée ; phase 2 (industrialisation) engagée.',
	'Maquette validée avec deux clients pilotes ; retard de trois semaines sur la documentation.',
	'Environnement de test déployé sur deux sites.\nPremier incident de bascule résolu avec l’aide de la communauté.',
	'Dépenses conformes au prévisionnel ; aucune difficulté particulière à signaler.',
	'Le choix de {b} est confirmé après un banc d’essai comparatif.'
];
const COMMENTS_FINAL = [
	'Projet terminé : {b} en production pour l’ensemble des clients.',
	'Objectifs atteints.\nTrois correctifs proposés en amont ont été acceptés par les mainteneurs de {b}.',
	'Migration complète effectuée ; l’offre "cloud de proximité" est commercialisée depuis le mois dernier.',
	'Dépenses légèrement inférieures au budget (recrutement tardif).\nLe code sera publié après l’audit de sécurité.',
	'Bilan positif : latence divisée par deux et facture d’hébergement réduite de 30 %.',
	'Offre commerciale lancée : 12 clients migrés vers la plateforme intégrant {b}.',
	'Projet mené à terme.\nUn second projet d’intégration est envisagé pour l’an prochain.',
	'Objectif de recrutement partiellement atteint ; le poste d’ingénieur SRE reste ouvert.'
];

// ---------------------------------------------------------------------------------------------
// Identifiers

function luhnDigit(body: string): number {
	// The check digit that makes body + digit pass the Luhn check.
	for (let d = 0; d <= 9; d++) if (luhnOk(body + d)) return d;
	return 0;
}
function luhnOk(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let n = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			n *= 2;
			if (n > 9) n -= 9;
		}
		sum += n;
	}
	return sum % 10 === 0;
}

function stripAccents(s: string): string {
	return s
		.replace(/œ/g, 'oe')
		.replace(/Œ/g, 'OE')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '');
}
function slugify(s: string): string {
	return stripAccents(s)
		.toLowerCase()
		.replace(/\b(sas|sasu|sarl|sa|scop)\b/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// The plan: which application breaks which rule, per block of 150 applications.

type AppStatus = 'deposee' | 'irrecevable' | 'eligible' | 'en_expertise' | 'laureat' | 'non_retenue' | 'desistement';

interface Breaker {
	rule: string;
	round: 1 | 2;
	status: AppStatus;
	variant?: string;
}

const BREAKERS: readonly Breaker[] = [
	{ rule: 'R1', round: 1, status: 'irrecevable' },
	{ rule: 'R3', round: 1, status: 'non_retenue', variant: 'three' },
	{ rule: 'R3', round: 1, status: 'non_retenue', variant: 'XCP-ng' },
	{ rule: 'R5', round: 1, status: 'non_retenue' },
	{ rule: 'R8', round: 1, status: 'laureat' },
	{ rule: 'R9', round: 1, status: 'non_retenue' },
	{ rule: 'R12', round: 1, status: 'non_retenue', variant: 'biodiversite' },
	{ rule: 'R13', round: 1, status: 'irrecevable' },
	{ rule: 'R2', round: 2, status: 'laureat' },
	{ rule: 'R6', round: 2, status: 'laureat' },
	{ rule: 'R3', round: 2, status: 'en_expertise', variant: 'three' },
	{ rule: 'R3', round: 2, status: 'eligible', variant: 'Patrowl' },
	{ rule: 'R4', round: 2, status: 'irrecevable' },
	{ rule: 'R7', round: 2, status: 'en_expertise' },
	{ rule: 'R10', round: 2, status: 'eligible' },
	{ rule: 'R12', round: 2, status: 'en_expertise', variant: 'eau' },
	{ rule: 'R12', round: 2, status: 'deposee', variant: 'attenuation' },
	{ rule: 'R13', round: 2, status: 'deposee' }
];

/** Share of each status per round; the last one takes the rest. */
const STATUS_SHARES: Record<1 | 2, readonly (readonly [AppStatus, number])[]> = {
	1: [
		['laureat', 1 / 6],
		['irrecevable', 0.2],
		['desistement', 0.1],
		['non_retenue', 1]
	],
	2: [
		['laureat', 1 / 9],
		['non_retenue', 0.27],
		['irrecevable', 0.1],
		['desistement', 0.07],
		['en_expertise', 0.22],
		['eligible', 0.13],
		['deposee', 1]
	]
};

interface Slot {
	round: 1 | 2;
	id: string;
	depot: string;
	status: AppStatus;
	breaker: Breaker | null;
	place: Place | null;
	late: boolean;
}

interface AppFacts {
	row: DemoRow;
	round: 1 | 2;
	bricks: string[];
	slug: string;
	base: number; // cents
	foreground: boolean;
	licence: string | null;
	emploisPrevus: number;
	caPrevu: number; // cents
	breaker: Breaker | null;
}

// ---------------------------------------------------------------------------------------------
// Generation

/**
 * Generate a dataset. Defaults: seed 2026, 150 applications (≈ 60 in round 1, 90 in round 2,
 * ≈ 20 lauréats). Scales linearly (100 000 applications in a few seconds); the special cases
 * and rule breakers are repeated once per block of 150 applications.
 */
export function generateDataset(opts: GenerateOptions = {}): Dataset {
	const seed = opts.seed ?? 2026;
	const total = Math.max(0, Math.floor(opts.applications ?? 150));
	const rng = new Rng(seed);
	const blocks = Math.max(1, Math.round(total / 150));
	const n1 = Math.round(total * 0.4);
	const n2 = total - n1;
	const planted: Planted[] = [];

	const slots1 = planRound(rng, 1, n1, blocks);
	const slots2 = planRound(rng, 2, n2, blocks);
	const slots = [...slots1, ...slots2];

	// Rare places: one overseas and one Corsican company per block.
	const placeable = rng.shuffle(slots.map((_, i) => i));
	for (let b = 0, k = 0; b < blocks && k + 1 < placeable.length; b++) {
		slots[placeable[k++]!]!.place = RARE_PLACES[b % 2]!; // 974, 971, …
		slots[placeable[k++]!]!.place = RARE_PLACES[2 + (b % 2)]!; // 2A, 2B, …
	}

	const names = companyNames(rng, slots.length);
	const sirens = new Set<string>();
	const apps: AppFacts[] = slots.map((slot, i) => makeApplication(rng, slot, names[i]!, sirens));
	for (const a of apps) {
		if (a.breaker) planted.push({ what: a.breaker.rule, dossier: String(a.row.numero_dossier), note: breakerNote(a) });
	}
	// One lauréat per block of 150 without a valid SIRET, as a real export would have: its SIRET
	// has a typo (last digit), so it is flagged R22, named on load and left out of the SCDL file.
	const laureats = apps.filter((a) => a.row.statut === 'laureat' && a.row.siret !== null);
	for (let b = 0; b < blocks && b < laureats.length; b++) {
		const row = laureats[Math.floor((b * laureats.length) / blocks)]!.row;
		const siret = String(row.siret);
		row.siret = siret.slice(0, 13) + String((Number(siret[13]) + 1) % 10);
		planted.push({ what: 'R22', dossier: String(row.numero_dossier), note: `SIRET ${row.siret} (clé de Luhn fausse) : lauréat hors du fichier SCDL` });
	}
	for (const s of slots) {
		if (s.late) planted.push({ what: 'R11', dossier: s.id, note: `déposé le ${s.depot.replace('T', ' à ')}, après la clôture` });
	}

	const { conventions, rapports } = makeAgreementsAndReports(rng, apps, n1, n2, blocks, planted);
	return { candidatures: apps.map((a) => a.row), conventions, rapports, planted };
}

function idWidth(count: number): number {
	return Math.max(3, String(count).length);
}

function planRound(rng: Rng, round: 1 | 2, n: number, blocks: number): Slot[] {
	if (n === 0) return [];
	const cal = CALENDAR[round];
	const late = round === 1 && n >= 10 ? Math.min(blocks, n) : 0;
	const depots: string[] = [];
	const span = cal.filingTo - cal.filingFrom;
	for (let i = 0; i < n - late; i++) {
		// Filings pile up towards the closing date, mostly in office hours, some late at night.
		const day = cal.filingFrom + Math.min(span, Math.floor(Math.pow(rng.next(), 0.55) * (span + 1)));
		const hour = day === cal.filingTo && rng.chance(0.4) ? rng.int(18, 23) : rng.weighted([[rng.int(8, 12), 5], [rng.int(13, 19), 6], [rng.int(20, 23), 1]]);
		depots.push(`${isoDay(day)}T${pad(hour)}:${pad(rng.int(0, 59))}`);
	}
	for (let i = 0; i < late; i++) depots.push(`${isoDay(cal.filingTo + 1)}T00:${pad(5 + (i % 50))}`);
	depots.sort();
	const width = idWidth(n);
	const slots: Slot[] = depots.map((depot, i) => ({
		round,
		id: `HOX-${cal.year}-${pad(i + 1, width)}`,
		depot,
		status: 'non_retenue',
		breaker: null,
		place: null,
		late: i >= n - late
	}));

	// Statuses: late filings are inadmissible; the others are shared out at random.
	const free = rng.shuffle(slots.map((_, i) => i).filter((i) => !slots[i]!.late));
	const shares = STATUS_SHARES[round];
	let next = 0;
	const lateIrrecevable = late;
	for (let s = 0; s < shares.length; s++) {
		const [status, share] = shares[s]!;
		let count = s === shares.length - 1 ? free.length - next : Math.round(n * share);
		if (status === 'irrecevable') count = Math.max(0, count - lateIrrecevable);
		if (status === 'laureat' && n >= 3) count = Math.max(1, count);
		count = Math.min(count, free.length - next);
		for (let k = 0; k < count; k++) slots[free[next++]!]!.status = status;
	}
	for (const s of slots) if (s.late) s.status = 'irrecevable';

	// Rule breakers: one set per block, each on an application of the planned status.
	const pools = new Map<AppStatus, number[]>();
	for (const i of free) {
		const st = slots[i]!.status;
		if (!pools.has(st)) pools.set(st, []);
		pools.get(st)!.push(i);
	}
	const plan = BREAKERS.filter((b) => b.round === round);
	// Keep at least 2/3 of the lauréats free of application flags.
	let laureatBudget = Math.floor((pools.get('laureat')?.length ?? 0) / 3);
	for (let b = 0; b < blocks; b++) {
		for (const breaker of plan) {
			if (breaker.status === 'laureat' && laureatBudget-- <= 0) continue;
			const i = pools.get(breaker.status)?.pop();
			if (i !== undefined) slots[i]!.breaker = breaker;
		}
	}
	return slots;
}

function companyNames(rng: Rng, count: number): string[] {
	const combos: string[] = [];
	for (const p of NAME_PREFIXES) {
		for (const s of NAME_SUFFIXES) if (!(/[aeioué]$/.test(p) && /^[aeioué]/.test(s))) combos.push(p + s);
	}
	rng.shuffle(combos);
	const specials = rng.shuffle([...SPECIAL_NAMES]);
	const names: string[] = [];
	for (let i = 0; i < count; i++) {
		let base: string;
		const special = Math.floor(i / 19);
		if (count >= 40 && i % 19 === 7 && special < specials.length) base = specials[special]!;
		else {
			base = combos[i % combos.length]!;
			if (i >= combos.length) base += ` ${Math.floor(i / combos.length) + 1}`;
		}
		const form = SPECIAL_NAMES.includes(base) ? '' : rng.weighted(LEGAL_FORMS);
		names.push(base + form);
	}
	return rng.shuffle(names);
}

function pickBricks(rng: Rng, count: number): string[] {
	const out: string[] = [];
	while (out.length < count) {
		const b = rng.weighted(BRICK_WEIGHTS);
		if (!out.includes(b)) out.push(b);
	}
	return out;
}

function newSiren(rng: Rng, used: Set<string>): string {
	for (;;) {
		let body = String(rng.pick([3, 4, 5, 7, 8, 8, 8, 9, 9]));
		for (let i = 0; i < 7; i++) body += String(rng.int(0, 9));
		const siren = body + luhnDigit(body);
		if (!used.has(siren)) {
			used.add(siren);
			return siren;
		}
	}
}

function joinFr(items: readonly string[]): string {
	if (items.length <= 1) return items.join('');
	return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

function makeApplication(rng: Rng, slot: Slot, name: string, sirens: Set<string>): AppFacts {
	const br = slot.breaker;
	const rule = br?.rule ?? '';
	const laureat = slot.status === 'laureat';

	// Bricks: 1 or 2 of the seven; R3 breakers name three, or one outside the seven.
	let bricks: string[];
	if (rule === 'R3' && br?.variant === 'three') bricks = pickBricks(rng, 3);
	else if (rule === 'R3' && br?.variant) bricks = [...pickBricks(rng, 1), br.variant];
	else bricks = pickBricks(rng, rng.chance(0.55) ? 2 : 1);
	const main = bricks[0]!;

	// Company.
	const slug = slugify(name);
	let siren = newSiren(rng, sirens);
	if (rule === 'R13') siren = siren.slice(0, 8) + String((Number(siren[8]) + 1) % 10);
	// A SIRET for 70 % of applicants, and for every lauréat (the SCDL open data needs it; head
	// office 0001 when none was drawn — no draw, so the rest of the set is unchanged). One lauréat
	// per block then gets a typo (generateDataset): rule R22.
	const siret = rng.chance(0.7) ? (() => {
		const nic = pad(rng.int(1, 12) * (rng.chance(0.8) ? 1 : 3), 4);
		return siren + nic + luhnDigit(siren + nic);
	})() : laureat ? siren + '0001' + luhnDigit(siren + '0001') : null;
	const place = slot.place ?? rng.weighted(PLACES.map((p) => [p, p.weight] as const));
	const codePostal = rng.pick(place.codes);
	const regionRoll = rng.next();
	const region = regionRoll < 0.25 ? null : regionRoll < 0.31 && REGION_VARIANTS[place.region] ? REGION_VARIANTS[place.region]! : place.region;

	let effectif = rng.weighted([[rng.int(2, 9), 40], [rng.int(10, 49), 42], [rng.int(50, 200), 18]]);
	let perHead = rng.real(55_000, 170_000);
	if (effectif < 5 && rng.chance(0.5)) perHead = rng.real(5_000, 60_000); // young start-up
	// Turnover and balance sheet to the euro (to the cent for some).
	let ca = roundTo(effectif * perHead * 100, 1) + (rng.chance(0.2) ? rng.int(1, 99) : 0);
	let bilan = roundTo(ca * rng.real(0.35, 1.1), 1);
	if (rule === 'R4') {
		effectif = 250;
		ca = cents(rng.real(31_000_000, 42_000_000));
		bilan = cents(rng.real(24_000_000, 35_000_000));
	}

	// Expenses, in cents. Salaries S; related costs 20 % of S; internal re-invoicing < 30 % of S;
	// subcontracting < 20 % of the base; base = the sum.
	const target = rule === 'R1' ? rng.real(96_000, 121_000) : rule === 'R2' ? rng.real(130_000, 139_000) : 127_000 + 103_000 * Math.pow(rng.next(), 1.8);
	const reinvoice = rule === 'R7' ? rng.real(0.32, 0.4) : rng.chance(0.45) ? 0 : rng.real(0.03, 0.27);
	const subShare = rng.chance(0.35) ? 0 : rng.real(0.1, 0.9);
	const withCents = rng.chance(0.4);
	let salaries = cents(target / ((1.2 + reinvoice) * (1 + 0.25 * subShare)));
	salaries = withCents ? salaries : roundTo(salaries, 100);
	const related = () => (rule === 'R8' ? roundTo(salaries * rng.real(0.15, 0.18), 1) : Math.round(salaries * 0.2));
	const reinv = () => (reinvoice === 0 ? 0 : withCents ? Math.round(salaries * reinvoice) : roundTo(salaries * reinvoice, 10));
	let frais = related();
	let refact = reinv();
	let sous = 0;
	const subcontracting = () => {
		const inner = salaries + frais + refact;
		if (rule === 'R6') {
			const f = rng.real(0.205, 0.24);
			return roundTo((inner * f) / (1 - f), 100);
		}
		return subShare === 0 ? 0 : roundTo(0.25 * subShare * inner, 100);
	};
	sous = subcontracting();
	let base = salaries + frais + sous + refact;
	if (rule !== 'R1') {
		while (base < MIN_BASE + 100_00) {
			salaries += 1_000_00;
			frais = related();
			refact = reinv();
			sous = subcontracting();
			base = salaries + frais + sous + refact;
		}
	}
	const sum = base;
	if (rule === 'R9') base = sum + rng.pick([5_000_00, 10_000_00, 1_800_00]);
	const maxAid = Math.min(Math.floor((base * 8) / 10), MAX_AID);
	let aid: number;
	if (rule === 'R2') aid = roundTo(base * 0.8, 1) > MAX_AID ? roundTo(base * 0.8, 1) : MAX_AID + 4_000_00;
	else if (rule === 'R1') aid = maxAid;
	else aid = rng.chance(0.78) ? maxAid : floorTo(maxAid * rng.real(0.8, 0.97), 500);

	// De minimis already received: mostly nothing or small; never above the ceiling but for R5.
	let minimis: number;
	const room = 300_000_00 - aid;
	const m = rng.next();
	if (rule === 'R5') minimis = roundTo(room + rng.real(15_000, 60_000) * 100, 500);
	else if (m < 0.5) minimis = 0;
	else if (m < 0.85) minimis = rng.chance(0.5) ? roundTo(rng.real(5_000, 80_000) * 100, 500) : cents(rng.real(5_000, 80_000));
	else minimis = Math.min(room, roundTo(rng.real(80_000, 250_000) * 100, 500));

	const emploisPrevus = rng.int(1, Math.min(15, 2 + Math.ceil(effectif / 6)));
	const caPrevu = roundTo(100_000_00 + 2_900_000_00 * Math.pow(rng.next(), 2.2), 10_000);
	const background = rng.chance(0.5);
	const foreground = rng.chance(laureat ? 0.8 : 0.55);
	const licence = foreground ? rng.weighted(LICENCES) : rng.chance(0.25) ? rng.weighted(LICENCES) : null;

	// DNSH self-assessment.
	const dnsh: Record<string, number> = {};
	for (const o of DNSH_OBJECTIVES) dnsh[o] = rng.weighted(DNSH_WEIGHTS);
	if (rule === 'R12' && br?.variant) dnsh[br.variant] = -2;
	const reference = rng.pick(PROPRIETARY[main]!);
	const solutionReference = rng.chance(0.8) ? `${reference[0]!.toUpperCase()}${reference.slice(1)}, hébergé hors de l’Union européenne` : null;
	let justification: string | null = null;
	if (rule === 'R12' && br?.variant) justification = DNSH_HARM[br.variant]!;
	else if (rng.chance(0.7)) {
		const first = rng.pick(DNSH_JUSTIFICATIONS);
		justification = rng.chance(0.3) ? `${first}\n${rng.pick(DNSH_JUSTIFICATIONS.filter((j) => j !== first))}` : first;
	}

	// Texts.
	const sector = rng.pick(SECTORS);
	const usage = rng.pick(BRICK_USAGE[main]!);
	const title =
		bricks.length > 1 && rng.chance(0.4)
			? `${usage} pour ${sector} avec ${joinFr(bricks.map((b) => BRICK_TEXT[b] ?? b))}`
			: `${usage} pour ${sector}`;
	const activity = rng.pick(ACTIVITIES).replace('{s}', sector);
	const goal = rng.pick(BRICK_GOAL[main]!);
	const sentences = [
		`${name} ${activity}.`,
		`Le projet intègre ${joinFr(bricks.map((b) => BRICK_TEXT[b] ?? b))} afin ${/^[aeiouéh]/.test(goal) ? 'd’' : 'de '}${goal}.`
	];
	if (rng.chance(0.5)) {
		sentences.push(
			rng.chance(0.5)
				? `Objectif : remplacer ${reference} par une solution ouverte, au cœur d’une offre "made in France".`
				: `L’équipe s’engage à reverser ses correctifs en amont.`
		);
	}
	const resume = rng.chance(0.9) ? sentences.join(rng.chance(0.15) ? '\n' : ' ') : null;
	const site = rng.chance(0.8) ? `https://www.${slug}.${rng.pick(['fr', 'fr', 'io', 'com', 'eu'])}` : null;

	let score: number | null = null;
	if (laureat) score = rng.int(28, 38) / 2;
	else if (slot.status === 'non_retenue') score = rng.chance(0.9) ? rng.int(24, 55) / 4 : null;
	else if (slot.status === 'en_expertise') score = rng.chance(0.4) ? rng.int(16, 36) / 2 : null;
	else if (slot.status === 'desistement') score = rng.chance(0.3) ? rng.int(20, 34) / 2 : null;

	const row: DemoRow = {
		numero_dossier: slot.id,
		releve: slot.round,
		date_depot: slot.depot,
		statut: slot.status,
		raison_sociale: name,
		siren,
		code_postal: codePostal,
		titre_projet: title,
		briques: bricks,
		depenses_salaires: eur(salaries),
		frais_connexes: eur(frais),
		couts_sous_traitance: eur(sous),
		couts_refacturation_interne: eur(refact),
		assiette_eligible: eur(base),
		aide_demandee: eur(aid),
		duree_mois: rule === 'R10' ? 12 : 9,
		effectif,
		chiffre_affaires: eur(ca),
		total_bilan: eur(bilan),
		aides_minimis_3_ans: eur(minimis),
		background_ouvert: background,
		foreground_ouvert: foreground,
		emplois_prevus: emploisPrevus,
		ca_prevu: eur(caPrevu),
		dnsh_attenuation: dnsh.attenuation!,
		dnsh_adaptation: dnsh.adaptation!,
		dnsh_eau: dnsh.eau!,
		dnsh_economie_circulaire: dnsh.economie_circulaire!,
		dnsh_pollution: dnsh.pollution!,
		dnsh_biodiversite: dnsh.biodiversite!,
		siret,
		region,
		site_web: site,
		resume,
		licence_envisagee: licence,
		dnsh_solution_reference: solutionReference,
		dnsh_justification: justification,
		score_expertise: score
	};
	return { row, round: slot.round, bricks, slug, base: rule === 'R9' ? sum : base, foreground, licence, emploisPrevus, caPrevu, breaker: br };
}

function breakerNote(a: AppFacts): string {
	const r = a.row;
	const fmt = (v: DemoValue) => String(v);
	switch (a.breaker!.rule) {
		case 'R1':
			return `assiette éligible ${fmt(r.assiette_eligible)} € < 125 000 €`;
		case 'R2':
			return `aide demandée ${fmt(r.aide_demandee)} € > plafond de 100 000 € (80 % de ${fmt(r.assiette_eligible)} €)`;
		case 'R3':
			return `briques ${(r.briques as string[]).join(' | ')}`;
		case 'R4':
			return `effectif ${fmt(r.effectif)}`;
		case 'R5':
			return `de minimis ${fmt(r.aides_minimis_3_ans)} € + aide ${fmt(r.aide_demandee)} € > 300 000 €`;
		case 'R6':
			return `sous-traitance ${fmt(r.couts_sous_traitance)} € ≥ 20 % de ${fmt(r.assiette_eligible)} €`;
		case 'R7':
			return `refacturation interne ${fmt(r.couts_refacturation_interne)} € ≥ 30 % de ${fmt(r.depenses_salaires)} €`;
		case 'R8':
			return `frais connexes ${fmt(r.frais_connexes)} € ≠ 20 % de ${fmt(r.depenses_salaires)} €`;
		case 'R9':
			return `assiette ${fmt(r.assiette_eligible)} € ≠ somme des dépenses`;
		case 'R10':
			return `durée ${fmt(r.duree_mois)} mois`;
		case 'R12':
			return `DNSH ${a.breaker!.variant} = -2`;
		case 'R13':
			return `SIREN ${fmt(r.siren)} (clé de Luhn fausse)`;
		default:
			return '';
	}
}

// ---------------------------------------------------------------------------------------------
// Agreements and reports

type ConvRole = 'normal' | 'resiliee' | 'solde-non-verse' | 'R14' | 'rapports-meme-date' | 'R15' | 'soldee-partielle' | 'R18' | 'R19' | 'R20' | 'R21';

interface Grant {
	app: AppFacts | null;
	dossier: string;
	round: 1 | 2;
	role: ConvRole;
	signature: number;
	debut: number;
	fin: number;
	retenue: number;
	aide: number;
	statut: string;
	avance: number | null;
	dateAvance: number | null;
	solde: number | null;
	dateSolde: number | null;
	number: string;
	orphan: boolean;
	bricks: string[];
	foreground: boolean;
	licence: string | null;
	slug: string;
	emploisPrevus: number;
	caPrevu: number;
}

function makeAgreementsAndReports(
	rng: Rng,
	apps: AppFacts[],
	n1: number,
	n2: number,
	blocks: number,
	planted: Planted[]
): { conventions: DemoRow[]; rapports: DemoRow[] } {
	const grants: Grant[] = [];
	for (const round of [1, 2] as const) {
		const laureats = rng.shuffle(apps.filter((a) => a.round === round && a.row.statut === 'laureat'));
		// Special roles go to lauréats without application flags first.
		laureats.sort((a, b) => Number(a.breaker !== null) - Number(b.breaker !== null));
		const roles: ConvRole[] = [];
		const specials: ConvRole[] =
			round === 1 ? ['resiliee', 'solde-non-verse', 'R14', 'rapports-meme-date', 'soldee-partielle'] : ['R15', 'R18', 'R19', 'R20', 'R21'];
		for (let b = 0; b < blocks; b++) for (const s of specials) roles.push(s);
		// The grant above the cap (R14) goes to the largest declared base, so that it shows.
		const r14 = roles.indexOf('R14');
		if (r14 >= 0) {
			const clean = laureats.filter((a) => a.breaker === null).length;
			let best = -1;
			for (let i = 0; i < Math.min(clean, laureats.length); i++) if (best < 0 || laureats[i]!.base > laureats[best]!.base) best = i;
			if (best >= 0 && best !== r14 && r14 < laureats.length) [laureats[best], laureats[r14]] = [laureats[r14]!, laureats[best]!];
		}
		laureats.forEach((app, i) => {
			const role = i < roles.length && i < laureats.length - 1 ? roles[i]! : 'normal';
			grants.push(newGrant(rng, app, String(app.row.numero_dossier), round, role));
		});
	}
	// Orphans: agreements whose application is not in the export (two per block… at most two).
	const orphanDossiers: { dossier: string; round: 1 | 2 }[] = [];
	if (n1 > 0) orphanDossiers.push({ dossier: `HOX-2024-${pad(n1 + 3, idWidth(n1))}`, round: 1 });
	if (n2 > 0) orphanDossiers.push({ dossier: `HOX-2026-${pad(n2 + 4, idWidth(n2))}`, round: 2 });
	for (const o of orphanDossiers) grants.push(newGrant(rng, null, o.dossier, o.round, 'normal'));

	// Statuses, payments and numbers, per round in order of signature.
	const reports: DemoRow[] = [];
	for (const round of [1, 2] as const) {
		const list = grants.filter((g) => g.round === round).sort((a, b) => a.signature - b.signature || (a.dossier < b.dossier ? -1 : 1));
		const width = idWidth(list.length);
		const year = CALENDAR[round].year;
		list.forEach((g, i) => (g.number = `CONV-${year}-${pad(i + 1, width)}`));
		if (round === 1) for (const g of list) settleRound1(rng, g, reports);
		else settleRound2(rng, list, reports);
	}

	for (const g of grants) {
		const conv = g.number;
		if (g.orphan) planted.push({ what: 'orphan', dossier: g.dossier, convention: conv, note: 'convention dont le dossier est absent des candidatures' });
		else if (g.role === 'R14') planted.push({ what: 'R14', dossier: g.dossier, convention: conv, note: `aide ${eur(g.aide)} € > min(80 % de ${eur(g.retenue)} €, 100 000 €)` });
		else if (g.role === 'R15') planted.push({ what: 'R15', dossier: g.dossier, convention: conv, note: `avance ${eur(g.avance ?? 0)} € > 30 % de ${eur(g.aide)} €` });
		else if (g.role === 'resiliee') planted.push({ what: 'resiliee', dossier: g.dossier, convention: conv, note: 'convention résiliée : seule l’avance a été versée' });
		else if (g.role === 'solde-non-verse') planted.push({ what: 'solde-non-verse', dossier: g.dossier, convention: conv, note: 'montant du solde connu, date de solde vide (paiement non fait)' });
		else if (g.role === 'rapports-meme-date') planted.push({ what: 'rapports-meme-date', dossier: g.dossier, convention: conv, note: 'rapports intermédiaire et final à la même date (le final l’emporte)' });
		else if (g.role === 'soldee-partielle') planted.push({ what: 'soldee-partielle', dossier: g.dossier, convention: conv, note: `convention soldée à ${eur((g.avance ?? 0) + (g.solde ?? 0))} € sur ${eur(g.aide)} € : le reste revient à l’enveloppe` });
		else if (g.role === 'R18') planted.push({ what: 'R18', dossier: g.dossier, convention: conv, note: `aide accordée ${eur(g.aide)} € > aide demandée ${String(g.app?.row.aide_demandee)} €` });
		else if (g.role === 'R19') planted.push({ what: 'R19', dossier: g.dossier, convention: conv, note: `convention du ${isoDay(g.debut)} au ${isoDay(g.fin)} : ${g.fin - g.debut} jours (259 à 289 attendus)` });
		else if (g.role === 'R20') planted.push({ what: 'R20', dossier: g.dossier, convention: conv, note: `de minimis ${String(g.app?.row.aides_minimis_3_ans)} € + aide accordée ${eur(g.aide)} € > 300 000 €` });
		else if (g.role === 'R21') planted.push({ what: 'R21', dossier: g.dossier, convention: conv, note: `début ${isoDay(g.debut)}, le jour même du dépôt (${String(g.app?.row.date_depot)})` });
	}
	const orphans = new Set(grants.filter((g) => g.orphan).map((g) => g.dossier));
	for (const r of reports) {
		if (orphans.has(String(r.numero_dossier))) {
			planted.push({ what: 'orphan', dossier: String(r.numero_dossier), note: 'rapport dont le dossier est absent des candidatures' });
		}
	}

	const conventions = [...grants]
		.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0))
		.map(
			(g): DemoRow => ({
				numero_convention: g.number,
				numero_dossier: g.dossier,
				date_signature: isoDay(g.signature),
				assiette_retenue: eur(g.retenue),
				montant_aide: eur(g.aide),
				date_debut: isoDay(g.debut),
				date_fin: isoDay(g.fin),
				statut: g.statut,
				montant_avance: g.avance === null ? null : eur(g.avance),
				date_avance: g.dateAvance === null ? null : isoDay(g.dateAvance),
				montant_solde: g.solde === null ? null : eur(g.solde),
				date_solde: g.dateSolde === null ? null : isoDay(g.dateSolde)
			})
		);
	reports.sort((a, b) => {
		const ka = `${a.date_rapport}|${a.numero_dossier}|${a.type_rapport}`;
		const kb = `${b.date_rapport}|${b.numero_dossier}|${b.type_rapport}`;
		return ka < kb ? -1 : ka > kb ? 1 : 0;
	});
	return { conventions, rapports: reports };
}

function newGrant(rng: Rng, app: AppFacts | null, dossier: string, round: 1 | 2, role: ConvRole): Grant {
	const cal = CALENDAR[round];
	const signature = workday(cal.signFrom + rng.int(0, cal.signTo - cal.signFrom));
	const debut = Math.max(cal.eligibleFrom, rng.chance(0.6) ? firstOfNextMonth(signature) : signature + rng.int(1, 14));
	const fin = addMonths(debut, 9) - 1;
	const assiette = app ? app.base : cents(rng.real(128_000, 160_000));
	// The instruction often retains less than the declared base.
	let retenue = assiette;
	if (role !== 'R14' && rng.chance(0.7)) retenue = Math.min(assiette, roundTo(rng.real(100_000, 124_500) * 100, 100));
	// R14: the grant was computed as 80 % of a base of about €130,000, forgetting the €100,000 cap.
	if (role === 'R14') retenue = Math.min(assiette, roundTo(rng.real(128_000, 132_000) * 100, 250));
	// The grant answers the aid requested (R18), but for R14 (the cap forgotten) and the planted R18 and R20.
	const requested = app ? cents(Number(app.row.aide_demandee)) : MAX_AID;
	let aide = role === 'R14' ? Math.floor((retenue * 8) / 10) : Math.min(Math.floor((retenue * 8) / 10), MAX_AID, requested);
	if (app && (role === 'R18' || role === 'R20')) {
		// The grant was signed for the base retained, above what the company asked for.
		aide = Math.min(Math.floor((retenue * 8) / 10), MAX_AID);
		const asked = aide - roundTo(rng.real(3_000, 9_000) * 100, 500);
		app.row.aide_demandee = eur(asked);
		// R20: de minimis already received fills the ceiling with the aid requested (so R5 passes, at
		// its boundary), and the larger grant goes over it.
		if (role === 'R20') app.row.aides_minimis_3_ans = eur(300_000_00 - asked);
	}
	// R21: the agreement starts on the day of filing, before expenses are eligible.
	let start = debut;
	if (app && role === 'R21') start = dayOf(String(app.row.date_depot).slice(0, 10));
	// R19: a 12-month agreement.
	const end = role === 'R19' ? addMonths(start, 12) - 1 : role === 'R21' ? addMonths(start, 9) - 1 : fin;
	return {
		app,
		dossier,
		round,
		role,
		signature,
		debut: start,
		fin: end,
		retenue,
		aide,
		statut: 'signee',
		avance: null,
		dateAvance: null,
		solde: null,
		dateSolde: null,
		number: '',
		orphan: app === null,
		bricks: app?.bricks ?? pickBricks(rng, rng.chance(0.5) ? 2 : 1),
		foreground: app?.foreground ?? true,
		licence: app?.licence ?? 'Apache-2.0',
		slug: app?.slug ?? `projet-${dossier.toLowerCase()}`,
		emploisPrevus: app?.emploisPrevus ?? 3,
		caPrevu: app?.caPrevu ?? 500_000_00
	};
}

function payAdvance(rng: Rng, g: Grant, rate = 0.3): void {
	g.avance = Math.floor(g.aide * rate);
	g.dateAvance = workday(g.signature + rng.int(10, 35));
}

function settleRound1(rng: Rng, g: Grant, all: DemoRow[]): void {
	// The orphan agreement of round 1 comes without reports.
	const reports: DemoRow[] = g.orphan ? [] : all;
	payAdvance(rng, g);
	const interim = workday(addMonths(g.debut, 4) + rng.int(0, 20));
	if (g.role === 'resiliee') {
		g.statut = 'resiliee';
		reports.push(report(rng, g, 'intermediaire', interim, {
			commentaire: 'Projet interrompu : la société a été placée en redressement judiciaire.\nLa convention sera résiliée ; aucun solde ne sera demandé.'
		}));
		return;
	}
	let final = workday(g.fin + rng.int(15, 60));
	if (g.role === 'solde-non-verse') final = workday(dayOf('2026-09-14') + rng.int(0, 30));
	const sameDay = g.role === 'rapports-meme-date';
	reports.push(report(rng, g, 'intermediaire', sameDay ? final : interim));
	const finalRow = report(rng, g, 'final', final, sameDay ? { commentaire: 'Rapport intermédiaire transmis en retard, le même jour que le rapport final.' } : {});
	// A project that spent well below its retained base: closed with a balance that leaves part of the grant unpaid.
	if (g.role === 'soldee-partielle') finalRow.depenses_realisees = eur(roundTo(g.retenue * 0.85, 100));
	reports.push(finalRow);
	// Balance: 80 % of the expenses actually made, within the grant, minus the advance.
	const spent = cents(Number(finalRow.depenses_realisees));
	g.solde = Math.max(0, Math.min(g.aide, Math.floor((spent * 8) / 10)) - (g.avance ?? 0));
	if (g.role === 'solde-non-verse') {
		g.statut = 'en_cours';
	} else {
		g.statut = 'soldee';
		g.dateSolde = Math.min(SNAPSHOT, workday(final + rng.int(30, 100)));
	}
}

function settleRound2(rng: Rng, list: Grant[], reports: DemoRow[]): void {
	// Signed in June–August 2026: the last ~third signed are waiting for their advance.
	const waiting = Math.floor(list.length * 0.3);
	list.forEach((g, i) => {
		if (i >= list.length - waiting && g.role !== 'R15' && !g.orphan) {
			g.statut = 'signee';
			if (rng.chance(0.4)) g.avance = Math.floor((g.aide * 3) / 10); // ordered, not yet paid
			return;
		}
		g.statut = 'en_cours';
		payAdvance(rng, g, g.role === 'R15' ? 0.35 : 0.3);
	});
	// About half of the funded projects (the earliest started) have sent an interim report.
	const byStart = [...list].filter((g) => !g.orphan).sort((a, b) => a.debut - b.debut);
	const withReport = byStart.slice(0, Math.round(byStart.length / 2));
	for (const g of withReport) {
		const date = Math.min(workday(addMonths(g.debut, 4) + rng.int(0, 12)), SNAPSHOT - rng.int(1, 10));
		reports.push(report(rng, g, 'intermediaire', date));
	}
	for (const g of list.filter((x) => x.orphan)) {
		reports.push(report(rng, g, 'intermediaire', Math.min(workday(addMonths(g.debut, 2) + rng.int(0, 10)), SNAPSHOT - 3)));
	}
}

function report(rng: Rng, g: Grant, type: 'intermediaire' | 'final', day: number, over: Partial<DemoRow> = {}): DemoRow {
	const interim = type === 'intermediaire';
	const spent = interim ? g.retenue * rng.real(0.32, 0.55) : g.retenue * rng.real(0.88, 1.08);
	const depenses = rng.chance(0.5) ? Math.round(spent) : roundTo(spent, 10);
	let emplois: number;
	if (interim) emplois = rng.pick([0, 0.5, 1, 1, 1.5, 2]);
	else emplois = Math.min(g.emploisPrevus, rng.pick([0.5, 1, 1.5, 2, 2, 2.5, 3, 3.5, 4, 5, 0.8, 1.2, 2.6]));
	const caGenere = interim ? (rng.chance(0.4) ? 0 : roundTo(rng.real(5_000, 60_000) * 100, 100)) : roundTo(rng.real(20_000, 400_000) * 100, 100);
	const published = interim ? g.foreground && rng.chance(0.35) : g.foreground ? rng.chance(0.8) : rng.chance(0.15);
	const licence = g.licence ?? rng.weighted(LICENCES);
	let url: string | null = null;
	if (published) {
		const onLab = g.bricks.some((b) => b === 'slapos' || b === 'wendelin' || b === 'rapid-cdn') && rng.chance(0.6);
		const repo = `${g.bricks[0]}-${rng.pick(['integration', 'connector', 'deploy', 'gateway', 'edge'])}`;
		url = onLab
			? `https://lab.nexedi.com/${g.slug}/${repo}`
			: `https://${rng.weighted([['github.com', 6], ['gitlab.com', 2], ['codeberg.org', 1]] as const)}/${g.slug}/${repo}`;
	}
	const commentPool = interim ? COMMENTS_INTERIM : COMMENTS_FINAL;
	const brickText = BRICK_TEXT[g.bricks[0]!] ?? g.bricks[0]!;
	const comment = rng.chance(0.6) ? rng.pick(commentPool).replace('{b}', brickText) : null;
	return {
		numero_dossier: g.dossier,
		type_rapport: type,
		date_rapport: isoDay(day),
		depenses_realisees: eur(depenses),
		emplois_crees: emplois,
		ca_genere: eur(caGenere),
		ca_prevu_3_ans: rng.chance(0.7) ? eur(roundTo(g.caPrevu * rng.real(0.6, 1.3), 10_000)) : null,
		briques_integrees: rng.chance(0.8) ? (interim && g.bricks.length > 1 && rng.chance(0.4) ? [g.bricks[0]!] : [...g.bricks]) : null,
		depot_code_url: url,
		licence: published ? licence : null,
		publication_effective: interim && !published && rng.chance(0.25) ? null : published,
		contributions_amont: rng.chance(0.15) ? null : interim ? rng.int(0, 4) : published ? rng.int(1, 15) : rng.int(0, 3),
		trl: rng.chance(0.1) ? null : interim ? rng.int(4, 6) : rng.int(6, 8),
		commentaire: comment,
		...over
	};
}

// ---------------------------------------------------------------------------------------------
// Rendering

const NBSP = '\u00a0';
const NNBSP = '\u202f';

function groupThousands(int: string, sep: string): string {
	if (sep === '' || int.length <= 3) return int;
	let out = '';
	for (let i = 0; i < int.length; i++) {
		if (i > 0 && (int.length - i) % 3 === 0) out += sep;
		out += int[i];
	}
	return out;
}

function splitCents(value: number): { int: string; dec: string } {
	const c = Math.round(value * 100);
	return { int: String(Math.floor(c / 100)), dec: pad(c % 100) };
}

function formatAmount(value: number, style: ExportStyle, r: number, c: number, rowEuro: boolean): string {
	const { int, dec } = splitCents(value);
	if (style === 'clean-utf8') {
		if (rowEuro) return `€${groupThousands(int, ',')}.${dec}`;
		return String(Math.round(value * 100) / 100);
	}
	if (style === 'bom-semicolon') return groupThousands(int, NNBSP) + (dec === '00' ? '' : `,${dec}`);
	const v = vary(r, c, 1);
	const sep = v < 0.55 ? NBSP : v < 0.9 ? ' ' : '';
	const decimals = dec !== '00' ? `,${dec}` : vary(r, c, 2) < 0.3 ? ',00' : '';
	const euro = vary(r, c, 3) < 0.6 ? `${sep === '' ? ' ' : sep}€` : '';
	return groupThousands(int, sep) + decimals + euro;
}

function formatBricks(ids: string[], style: ExportStyle, r: number): string {
	if (style === 'clean-utf8') return ids.join('|');
	if (style === 'bom-semicolon') return ids.map((b) => BRICK_LABEL[b] ?? b).join(vary(r, 0, 11) < 0.5 ? ' / ' : ' + ');
	const names = ids.map((b, i) => {
		const spellings = BRICK_EXCEL[b];
		return spellings ? spellings[Math.floor(vary(r, i, 12) * spellings.length)]! : b;
	});
	const seps = [' | ', ', ', ' + ', ' et '];
	return names.join(seps[Math.floor(vary(r, 0, 13) * seps.length)]!);
}

function formatCell(column: DemoColumn, value: DemoValue, style: ExportStyle, r: number, c: number, rowEuro: boolean): string {
	if (value === null || value === undefined) return '';
	const excel = style === 'excel-fr';
	const clean = style === 'clean-utf8';
	switch (column.type) {
		case 'text':
			return String(value);
		case 'amount':
			return formatAmount(Number(value), style, r, c, rowEuro);
		case 'integer':
			return String(value);
		case 'dnsh':
			return !clean && Number(value) > 0 ? `+${value}` : String(value);
		case 'decimal':
			return clean ? String(value) : String(value).replace('.', ',');
		case 'date': {
			const s = String(value);
			return excel ? `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}` : s;
		}
		case 'datetime': {
			const s = String(value);
			if (excel) return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 16)}`;
			if (clean) return `${s.slice(0, 16)}:00`;
			return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
		}
		case 'boolean':
			if (excel) return value ? 'Oui' : 'Non';
			if (clean) return value ? 'true' : 'false';
			return c % 2 === 0 ? (value ? '1' : '0') : value ? 'VRAI' : 'FAUX';
		case 'bricks':
			return formatBricks(value as string[], style, r);
		case 'releve':
			if (excel) return vary(r, c, 21) < 0.5 ? `Relève ${value}` : `R${value}`;
			return clean ? String(value) : `R${value}`;
		case 'siren': {
			const s = String(value);
			return excel && vary(r, c, 31) < 0.5 ? `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6)}` : s;
		}
		case 'siret': {
			const s = String(value);
			return excel && vary(r, c, 32) < 0.5 ? `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6, 9)} ${s.slice(9)}` : s;
		}
		case 'postal': {
			// Excel reads a postal code as a number and drops its leading zero (06000 → 6000).
			const s = String(value);
			return excel && s.startsWith('0') ? s.slice(1) : s;
		}
		case 'application_status':
		case 'agreement_status':
		case 'report_type': {
			const labels = column.type === 'application_status' ? APPLICATION_LABELS : column.type === 'agreement_status' ? AGREEMENT_LABELS : REPORT_LABELS;
			const id = String(value);
			if (clean) return id;
			const label = labels[id] ?? id;
			return excel ? label : stripAccents(label).toUpperCase();
		}
	}
}

function csvField(s: string, delimiter: string, force = false): string {
	if (force || s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim()) {
		return `"${s.replace(/"/g, '""')}"`;
	}
	return s;
}

/** The columns of a kind in the order a style writes them (column order is free). */
function orderedColumns(kind: DemoKind, style: ExportStyle): DemoColumn[] {
	const cols = [...DEMO_COLUMNS[kind]];
	if (style === 'bom-semicolon') cols.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	return cols;
}

/** The header cells a style writes for a kind (the Excel style adds one unknown column). */
export function headerLabels(kind: DemoKind, style: ExportStyle): string[] {
	const cols = orderedColumns(kind, style);
	const labels = cols.map((c) => (style === 'excel-fr' ? c.label : style === 'clean-utf8' ? c.id : c.id.toUpperCase()));
	if (style === 'excel-fr') {
		const extra = EXCEL_EXTRA[kind];
		labels.splice(cols.findIndex((c) => c.id === extra.after) + 1, 0, extra.label);
	}
	return labels;
}

/** The bytes of an export of `kind` holding `rows`, written in `style`. */
export function renderCsv(kind: DemoKind, rows: readonly DemoRow[], style: ExportStyle): Uint8Array {
	const cols = orderedColumns(kind, style);
	const excel = style === 'excel-fr';
	const delimiter = style === 'clean-utf8' ? ',' : ';';
	const eol = style === 'clean-utf8' ? '\n' : '\r\n';
	const extra = EXCEL_EXTRA[kind];
	const extraAt = cols.findIndex((c) => c.id === extra.after) + 1;
	const lines: string[] = [];
	const header = headerLabels(kind, style).map((h) => csvField(h, delimiter));
	lines.push(excel ? `${header.join(delimiter)}${delimiter}` : header.join(delimiter));
	const blankAt = excel && rows.length > 2 ? Math.floor(rows.length / 3) : -1;
	for (let r = 0; r < rows.length; r++) {
		const row = rows[r]!;
		const rowEuro = style === 'clean-utf8' && vary(r, 0, 99) < 0.15;
		const cells: string[] = [];
		for (let c = 0; c < cols.length; c++) {
			const column = cols[c]!;
			const text = formatCell(column, row[column.id] ?? null, style, r, c, rowEuro);
			// Excel quotes a brick list written with commas.
			const force = excel && column.type === 'bricks' && text.includes(',');
			cells.push(csvField(text, delimiter, force));
		}
		if (excel) {
			cells.splice(extraAt, 0, csvField(extra.values[r % extra.values.length]!, delimiter));
			cells.push(''); // the trailing empty column Excel leaves
			if (r === blankAt) lines.push(delimiter.repeat(cells.length - 1)); // an empty spreadsheet row
		}
		lines.push(cells.join(delimiter));
	}
	const text = lines.join(eol) + eol;
	if (excel) return encodeWindows1252(text);
	const utf8 = new TextEncoder().encode(text);
	if (style === 'clean-utf8') return utf8;
	const out = new Uint8Array(utf8.length + 3);
	out.set([0xef, 0xbb, 0xbf]);
	out.set(utf8, 3);
	return out;
}

/** Windows-1252 code points 0x80–0x9F; the rest of 0x00–0xFF is Latin-1. */
const CP1252_HIGH: Record<number, number> = {
	0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
	0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
	0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
	0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f
};

/** Encode text as Windows-1252; a character it cannot hold is a bug in the data: throw. */
export function encodeWindows1252(text: string): Uint8Array {
	const out = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) out[i] = code;
		else {
			const b = CP1252_HIGH[code];
			if (b === undefined) throw new Error(`Windows-1252 cannot encode U+${code.toString(16).toUpperCase().padStart(4, '0')} (« ${text.slice(Math.max(0, i - 20), i + 20)} »)`);
			out[i] = b;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Files

export interface WriteOptions extends GenerateOptions {
	/** One style for the three files, or `mixed` (the committed set: see MIXED_STYLES). Default `mixed`. */
	style?: ExportStyle | 'mixed';
}

export interface WrittenFile {
	kind: DemoKind;
	file: string;
	style: ExportStyle;
	rows: number;
	bytes: number;
}

/** The style of each kind for a `--style` choice. */
export function stylesFor(style: ExportStyle | 'mixed' = 'mixed'): Record<DemoKind, ExportStyle> {
	return style === 'mixed' ? { ...MIXED_STYLES } : { candidatures: style, conventions: style, rapports: style };
}

/** Generate a dataset and write `candidatures.csv`, `conventions.csv`, `rapports.csv` into `dir`. */
export function writeDemoSet(dir: string, opts: WriteOptions = {}): { dataset: Dataset; files: WrittenFile[] } {
	const dataset = generateDataset(opts);
	const styles = stylesFor(opts.style);
	fs.mkdirSync(dir, { recursive: true });
	const files: WrittenFile[] = [];
	for (const kind of DEMO_KINDS) {
		const bytes = renderCsv(kind, dataset[kind], styles[kind]);
		const file = path.join(dir, `${kind}.csv`);
		fs.writeFileSync(file, bytes);
		files.push({ kind, file, style: styles[kind], rows: dataset[kind].length, bytes: bytes.length });
	}
	return { dataset, files };
}

// ---------------------------------------------------------------------------------------------
// Summary (for the CLI and the docs)

export interface DatasetSummary {
	applications: { total: number; byRound: Record<string, number>; byRoundAndStatus: Record<string, Record<string, number>> };
	conventions: { total: number; byStatus: Record<string, number>; committedEur: number; paidEur: number };
	reports: { total: number; byType: Record<string, number> };
	planted: Planted[];
}

export function summarize(ds: Dataset): DatasetSummary {
	const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
	const byRound: Record<string, number> = {};
	const byRoundAndStatus: Record<string, Record<string, number>> = {};
	for (const a of ds.candidatures) {
		const r = String(a.releve);
		count(byRound, r);
		count((byRoundAndStatus[r] ??= {}), String(a.statut));
	}
	const byStatus: Record<string, number> = {};
	let committed = 0;
	let paid = 0;
	for (const g of ds.conventions) {
		count(byStatus, String(g.statut));
		const advance = g.montant_avance !== null && g.date_avance !== null ? cents(Number(g.montant_avance)) : 0;
		const balance = g.montant_solde !== null && g.date_solde !== null ? cents(Number(g.montant_solde)) : 0;
		paid += advance + balance;
		// A closed or terminated grant commits only what was paid (exports.md §5).
		committed += g.statut === 'resiliee' || g.statut === 'soldee' ? advance + balance : cents(Number(g.montant_aide));
	}
	const byType: Record<string, number> = {};
	for (const r of ds.rapports) count(byType, String(r.type_rapport));
	return {
		applications: { total: ds.candidatures.length, byRound, byRoundAndStatus },
		conventions: { total: ds.conventions.length, byStatus, committedEur: eur(committed), paidEur: eur(paid) },
		reports: { total: ds.rapports.length, byType },
		planted: ds.planted
	};
}
