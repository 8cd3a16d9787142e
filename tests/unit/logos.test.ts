/** The logos beside the funding mentions: the files served, the copies embedded in the PDF, the reference asset. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EU_EMBLEM_SVG, EU_FUNDING_CAPTION, FRANCE_2030_SVG, LOGO_ALT, LOGO_FILES } from '../../src/lib/logos';

describe('logos', () => {
	it('the France 2030 logo is the published file, unchanged, in static/ and in the PDF', () => {
		const served = fs.readFileSync(`static${LOGO_FILES.france2030}`, 'utf8');
		expect(served).toBe(FRANCE_2030_SVG);
		const reference = '../shared/assets/france-2030.svg';
		if (fs.existsSync(reference)) expect(served).toBe(fs.readFileSync(reference, 'utf8'));
	});

	it('the EU emblem is a blue rectangle with twelve gold stars on a circle, with an accessible name', () => {
		expect(fs.readFileSync(`static${LOGO_FILES.eu}`, 'utf8')).toBe(EU_EMBLEM_SVG);
		expect(EU_EMBLEM_SVG).toMatch(/<title id="eu-emblem-title">Drapeau de l’Union européenne<\/title>/);
		expect(EU_EMBLEM_SVG).toContain('fill="#003399"');
		expect(EU_EMBLEM_SVG).toContain('fill="#FFCC00"');
		// Twelve stars, evenly on a circle of a third of the height around the centre (150, 100).
		const stars = [...EU_EMBLEM_SVG.matchAll(/<polygon points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]));
		expect(stars).toHaveLength(12);
		for (const points of stars) {
			expect(points).toHaveLength(10); // five points, five inner corners
			const cx = points.reduce((s, p) => s + p[0], 0) / 10;
			const cy = points.reduce((s, p) => s + p[1], 0) / 10;
			expect(Math.hypot(cx - 150, cy - 100)).toBeCloseTo(200 / 3, 0);
		}
		expect(LOGO_ALT.eu).toBe('Drapeau de l’Union européenne');
		expect(EU_FUNDING_CAPTION).toBe("Financé par l'Union européenne – NextGenerationEU");
	});
});
