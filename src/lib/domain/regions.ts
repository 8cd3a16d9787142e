/** French regions and the département → region mapping used to place applications on the map. */
import { foldToken } from './normalize';

export interface Region {
	code: string; // INSEE region code
	name: string;
	/** Position in the tile-grid map (column, row), roughly geographic. */
	tile: [number, number];
	departements: readonly string[];
}

export const REGIONS: readonly Region[] = [
	{ code: '32', name: 'Hauts-de-France', tile: [3, 0], departements: ['02', '59', '60', '62', '80'] },
	{ code: '28', name: 'Normandie', tile: [2, 1], departements: ['14', '27', '50', '61', '76'] },
	{ code: '11', name: 'Île-de-France', tile: [3, 1], departements: ['75', '77', '78', '91', '92', '93', '94', '95'] },
	{ code: '44', name: 'Grand Est', tile: [4, 1], departements: ['08', '10', '51', '52', '54', '55', '57', '67', '68', '88'] },
	{ code: '53', name: 'Bretagne', tile: [1, 1], departements: ['22', '29', '35', '56'] },
	{ code: '52', name: 'Pays de la Loire', tile: [1, 2], departements: ['44', '49', '53', '72', '85'] },
	{ code: '24', name: 'Centre-Val de Loire', tile: [2, 2], departements: ['18', '28', '36', '37', '41', '45'] },
	{ code: '27', name: 'Bourgogne-Franche-Comté', tile: [3, 2], departements: ['21', '25', '39', '58', '70', '71', '89', '90'] },
	{ code: '75', name: 'Nouvelle-Aquitaine', tile: [1, 3], departements: ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'] },
	{ code: '84', name: 'Auvergne-Rhône-Alpes', tile: [3, 3], departements: ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'] },
	{ code: '76', name: 'Occitanie', tile: [2, 4], departements: ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'] },
	{ code: '93', name: "Provence-Alpes-Côte d'Azur", tile: [4, 4], departements: ['04', '05', '06', '13', '83', '84'] },
	{ code: '94', name: 'Corse', tile: [5, 5], departements: ['2A', '2B'] },
	{ code: '01', name: 'Guadeloupe', tile: [0, 6], departements: ['971'] },
	{ code: '02', name: 'Martinique', tile: [1, 6], departements: ['972'] },
	{ code: '03', name: 'Guyane', tile: [2, 6], departements: ['973'] },
	{ code: '04', name: 'La Réunion', tile: [3, 6], departements: ['974'] },
	{ code: '06', name: 'Mayotte', tile: [4, 6], departements: ['976'] }
];

export const UNKNOWN_REGION = 'Non renseignée';

const BY_DEPT = new Map<string, Region>();
for (const r of REGIONS) for (const d of r.departements) BY_DEPT.set(d, r);
const BY_NAME = new Map<string, Region>(REGIONS.map((r) => [foldToken(r.name), r]));
BY_NAME.set('reunion', REGIONS.find((r) => r.code === '04')!);
BY_NAME.set('paca', REGIONS.find((r) => r.code === '93')!);
BY_NAME.set('idf', REGIONS.find((r) => r.code === '11')!);

/** Postal code (5 digits) → département code (`75`, `2A`, `974`). */
export function departementOf(postalCode: string): string | null {
	if (!/^\d{5}$/.test(postalCode)) return null;
	if (postalCode.startsWith('97') || postalCode.startsWith('98')) return postalCode.slice(0, 3);
	if (postalCode.startsWith('20')) return Number(postalCode) < 20200 ? '2A' : '2B';
	return postalCode.slice(0, 2);
}

export function regionOfPostalCode(postalCode: string): string | null {
	const d = departementOf(postalCode);
	return d ? (BY_DEPT.get(d)?.name ?? null) : null;
}

/** A region as written in an export → its official name when recognised, else as written. */
export function canonicalRegionName(raw: string): string {
	return BY_NAME.get(foldToken(raw))?.name ?? raw.trim();
}

/** The region of an application: the `region` column when given, else from the postal code. */
export function resolveRegion(region: string | null | undefined, postalCode: string): string {
	if (region && region.trim() !== '') return canonicalRegionName(region);
	return regionOfPostalCode(postalCode) ?? UNKNOWN_REGION;
}
