/**
 * Who awards the grants, as written in the open data (SCDL « subventions », 360Giving).
 * Configured by environment variables; see README "Configuration".
 *
 * - HOX_ATTRIBUANT_NOM: the awarding body's official name (default « Cap Digital »).
 * - HOX_ATTRIBUANT_ID: its SIRET (14 digits passing the SCDL's `french-siret-value` check).
 *   No default: the dashboard does not invent an identifier. Until it is set, the SCDL file
 *   leaves `idAttribuant` empty (which the SCDL schema will reject) and the open-data page says
 *   so. Set but invalid, the server does not start (`checkAwardingBodyConfig`, hooks.server.ts).
 * - HOX_DISPOSITIF_AIDE: optional identifier of the call in the « dispositifs d'aide » schema.
 * - HOX_360G_PREFIX: the 360Giving identifier prefix registered by the publisher
 *   (default `360G-hyperopenx`, to be replaced by the registered one).
 */
import { siretValid } from '../../domain/parsers';

export interface AwardingBody {
	name: string;
	/** SIRET, 14 digits, or '' when not configured (or misconfigured). */
	siret: string;
	dispositifAide: string;
	grantIdPrefix: string;
	/** A configuration problem to show to the people who run the site, or null. */
	problem: string | null;
}

export function awardingBody(env: Record<string, string | undefined> = process.env): AwardingBody {
	const name = env.HOX_ATTRIBUANT_NOM?.trim() || 'Cap Digital';
	const raw = (env.HOX_ATTRIBUANT_ID ?? '').replace(/[\s\u00a0\u202f.]/g, '');
	let siret = '';
	let problem: string | null = null;
	if (raw === '') problem = 'HOX_ATTRIBUANT_ID (SIRET of the awarding body) is not set';
	else if (!/^\d{14}$/.test(raw)) problem = `HOX_ATTRIBUANT_ID must be a SIRET of 14 digits, got "${env.HOX_ATTRIBUANT_ID}"`;
	else if (!siretValid(raw)) problem = `HOX_ATTRIBUANT_ID is not a valid SIRET (its check digit fails the Luhn check), got "${env.HOX_ATTRIBUANT_ID}"`;
	else siret = raw;
	return {
		name,
		siret,
		dispositifAide: env.HOX_DISPOSITIF_AIDE?.trim() ?? '',
		grantIdPrefix: env.HOX_360G_PREFIX?.trim() || '360G-hyperopenx',
		problem
	};
}

/**
 * At start-up: HOX_ATTRIBUANT_ID set but not a valid SIRET stops the server with a clear message
 * (an invalid identifier would be published in every SCDL row). Unset, the server starts and
 * `/donnees` says the identifier is missing.
 */
export function checkAwardingBodyConfig(env: Record<string, string | undefined> = process.env): void {
	if ((env.HOX_ATTRIBUANT_ID ?? '').trim() === '') return;
	const { problem } = awardingBody(env);
	if (problem) {
		throw new Error(
			`Configuration invalide : ${problem}. HOX_ATTRIBUANT_ID doit être le SIRET de l’attribuant (14 chiffres, clé de Luhn valide), ou ne pas être défini. Le serveur ne démarre pas.`
		);
	}
}
