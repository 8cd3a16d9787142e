/** The seven fundable bricks of round 2 and how exports spell them (programme.md). */
import { foldToken } from './normalize';

export const BRICK_IDS = ['slapos', 'rapid-cdn', 'sozu', 'biscuit', 'repman', 'wendelin', 'opensvc'] as const;
export type BrickId = (typeof BRICK_IDS)[number];

export interface Brick {
	id: BrickId;
	name: string;
	family: string;
	contributor: string;
	org: string;
	licence: string;
	description: { fr: string; en: string };
	spellings: readonly string[];
}

export const BRICKS: readonly Brick[] = [
	{
		id: 'slapos',
		name: 'SlapOS',
		family: 'hyper_edge',
		contributor: 'Nexedi',
		org: 'nexedi',
		licence: 'GPL',
		description: {
			fr: 'PaaS pour applications critiques et distribuées, en edge et multi-cloud ; alternative à Kubernetes/Anthos.',
			en: 'PaaS for critical and distributed apps on edge and multi-cloud; an alternative to Kubernetes/Anthos.'
		},
		spellings: ['SlapOS']
	},
	{
		id: 'rapid-cdn',
		name: 'RAPID-CDN',
		family: 'hyper_cdn',
		contributor: 'Rapid.Space',
		org: 'rapid-space',
		licence: 'open source',
		description: {
			fr: 'Construire son propre CDN (alternative à Cloudflare/Akamai), sur re6st.',
			en: 'Build your own CDN (an alternative to Cloudflare/Akamai), using re6st.'
		},
		spellings: ['RAPID-CDN', 'Rapid CDN', 'rapidcdn']
	},
	{
		id: 'sozu',
		name: 'Sōzu',
		family: 'hyper_cdn',
		contributor: 'Clever Cloud',
		org: 'clever-cloud',
		licence: 'AGPL-3.0',
		description: {
			fr: 'Reverse proxy reconfigurable à chaud, écrit en Rust.',
			en: 'Hot-reconfigurable reverse proxy written in Rust.'
		},
		spellings: ['Sōzu', 'Sozu']
	},
	{
		id: 'biscuit',
		name: 'Biscuit',
		family: 'hyper_cdn',
		contributor: 'Clever Cloud',
		org: 'clever-cloud',
		licence: 'Apache-2.0',
		description: {
			fr: "Jetons d'autorisation décentralisés (politiques Datalog, atténuation hors ligne).",
			en: 'Decentralised authorisation tokens (Datalog policies, offline attenuation).'
		},
		spellings: ['Biscuit']
	},
	{
		id: 'repman',
		name: 'Repman',
		family: 'hyper_db',
		contributor: 'Signal18',
		org: 'signal18',
		licence: 'GPL-3.0',
		description: {
			fr: 'Orchestrateur de clusters MariaDB/MySQL (haute disponibilité, bascule, sauvegardes).',
			en: 'MariaDB/MySQL cluster orchestrator (HA, failover, backups).'
		},
		spellings: ['Repman', 'replication-manager', 'Replication Manager']
	},
	{
		id: 'wendelin',
		name: 'Wendelin',
		family: 'hyper_db',
		contributor: 'Rapid.Space',
		org: 'rapid-space',
		licence: 'open source',
		description: {
			fr: 'Plateforme big data : MariaDB multi-tenant et stockage objet NEO.',
			en: 'Big-data platform: multi-tenant MariaDB and NEO object storage.'
		},
		spellings: ['Wendelin']
	},
	{
		id: 'opensvc',
		name: 'OpenSVC',
		family: 'hyper_orchestra',
		contributor: 'OpenSVC',
		org: 'opensvc',
		licence: 'GPL-2.0',
		description: {
			fr: 'Orchestrateur de services et de clusters haute disponibilité.',
			en: 'HA cluster and service orchestrator.'
		},
		spellings: ['OpenSVC']
	}
];

const BY_FOLDED = new Map<string, BrickId>();
for (const brick of BRICKS) {
	for (const spelling of [brick.id, ...brick.spellings]) {
		BY_FOLDED.set(foldToken(spelling).replace(/_/g, ''), brick.id);
	}
}

export function isBrickId(id: string): id is BrickId {
	return (BRICK_IDS as readonly string[]).includes(id);
}

export function brickById(id: string): Brick | undefined {
	return BRICKS.find((b) => b.id === id);
}

/** Human name of a brick id; other bricks keep their id. */
export function brickName(id: string): string {
	return brickById(id)?.name ?? id;
}

/**
 * One brick name → its id: a catalogue id when the name is one of the accepted spellings
 * (case-, accent- and punctuation-insensitive), else the normalised name with `-`.
 */
export function brickIdOf(name: string): string {
	const folded = foldToken(name);
	const known = BY_FOLDED.get(folded.replace(/_/g, ''));
	return known ?? folded.replace(/_/g, '-');
}

/**
 * A brick list → ids, in order, without duplicates. Separators: `|`, `,`, `;`, `+`, `/`,
 * ` et ` (and line breaks).
 */
export function parseBrickList(raw: string): string[] {
	const ids: string[] = [];
	// (` et ` is only tried where a run of spaces starts: the same splits, in time linear in the
	// length of the cell instead of quadratic in a long run of spaces.)
	for (const part of raw.split(/(?<!\s)\s+et\s+|[|,;+/\n\r]/i)) {
		if (part.trim() === '') continue;
		const id = brickIdOf(part);
		if (id !== '' && !ids.includes(id)) ids.push(id);
	}
	return ids;
}
