/**
 * French regions as a tile grid (one square per region, placed roughly where it lies; the
 * overseas regions on the bottom row): each tile shaded by its value and labelled with a
 * short name and the value. Reads without a legend; the page also gives the table.
 */
import * as Plot from '@observablehq/plot';
import { REGIONS } from '../domain/regions';
import type { Lang } from '../i18n';
import type { PlotOptions } from './render';
import { BASE_STYLE, COLORS, RAMP, compactEur, plainNumber } from './theme';

/** Short tile labels (official abbreviations where there is one). */
export const REGION_SHORT: Record<string, string> = {
	'Hauts-de-France': 'HDF',
	Normandie: 'NOR',
	'Île-de-France': 'IDF',
	'Grand Est': 'GES',
	Bretagne: 'BRE',
	'Pays de la Loire': 'PDL',
	'Centre-Val de Loire': 'CVL',
	'Bourgogne-Franche-Comté': 'BFC',
	'Nouvelle-Aquitaine': 'NAQ',
	'Auvergne-Rhône-Alpes': 'ARA',
	Occitanie: 'OCC',
	"Provence-Alpes-Côte d'Azur": 'PACA',
	Corse: 'COR',
	Guadeloupe: 'GUA',
	Martinique: 'MTQ',
	Guyane: 'GUY',
	'La Réunion': 'RÉU',
	Mayotte: 'MAY'
};

export interface RegionValue {
	region: string;
	value: number;
}

interface Tile {
	region: string;
	short: string;
	col: number;
	row: number;
	value: number;
}

export function regionTilesSpec(values: readonly RegionValue[], options: { lang: Lang; format?: 'number' | 'eur'; width?: number }): PlotOptions {
	const fmt = options.format === 'eur' ? compactEur(options.lang) : plainNumber(options.lang);
	const byRegion = new Map(values.map((v) => [v.region, v.value]));
	const tiles: Tile[] = REGIONS.map((r) => ({
		region: r.name,
		short: REGION_SHORT[r.name] ?? r.code,
		col: r.tile[0],
		row: r.tile[1],
		value: byRegion.get(r.name) ?? 0
	}));
	const max = Math.max(1, ...tiles.map((t) => t.value));
	const cols = Math.max(...tiles.map((t) => t.col)) + 1;
	const rows = Math.max(...tiles.map((t) => t.row)) + 1;
	const width = options.width ?? 420;
	const size = Math.floor(width / cols);
	const dark = (t: Tile) => t.value / max > 0.5;
	return {
		width: size * cols,
		height: size * rows,
		margin: 0,
		style: BASE_STYLE,
		x: { domain: Array.from({ length: cols }, (_, i) => i), axis: null, padding: 0.06 },
		y: { domain: Array.from({ length: rows }, (_, i) => i), axis: null, padding: 0.06 },
		color: { type: 'linear', domain: [0, max], range: [...RAMP], legend: false },
		marks: [
			Plot.cell(tiles, { x: 'col', y: 'row', fill: 'value', stroke: COLORS.grid, rx: 4, title: (t: Tile) => `${t.region} : ${fmt(t.value)}` }),
			...([true, false] as const).flatMap((isDark) => {
				const subset = tiles.filter((t) => dark(t) === isDark);
				const fill = isDark ? '#ffffff' : COLORS.ink;
				return [
					Plot.text(subset, { x: 'col', y: 'row', text: 'short', dy: -9, fill, fontSize: 11 }),
					Plot.text(subset, { x: 'col', y: 'row', text: (t: Tile) => fmt(t.value), dy: 8, fill, fontSize: 15, fontWeight: 700 })
				];
			}),
		]
	};
}
