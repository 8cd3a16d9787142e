import { describe, expect, it } from 'vitest';
import { canSeeApplication, figureScope, redactApplication } from './scope';

const admin = { role: 'admin' as const, org: null };
const auditor = { role: 'auditor' as const, org: null };
const nexedi = { role: 'consortium' as const, org: 'nexedi' };
const clever = { role: 'consortium' as const, org: 'clever-cloud' };
const lost = { role: 'consortium' as const, org: null };

describe('figureScope', () => {
	it('leaves admin and auditor filters alone', () => {
		expect(figureScope(admin, { releve: [1] })).toEqual({ releve: [1] });
		expect(figureScope(auditor)).toEqual({});
	});
	it('narrows a consortium member to the lauréats of its bricks, and within them only', () => {
		expect(figureScope(nexedi)).toEqual({ briques: ['slapos'], statut: ['laureat'] });
		expect(figureScope(clever, { briques: ['sozu', 'slapos'], region: ['Bretagne'] })).toEqual({ briques: ['sozu'], region: ['Bretagne'], statut: ['laureat'] });
		// Asking for other statuses yields nothing (they reach a member only under secrecy, member-secrecy.ts).
		expect(figureScope(nexedi, { statut: ['non_retenue'] }).statut).toEqual(['\u0000none']);
		expect(figureScope(nexedi, { statut: ['non_retenue', 'laureat'] }).statut).toEqual(['laureat']);
		// Asking only for other members' bricks yields nothing rather than everything.
		expect(figureScope(clever, { briques: ['slapos'] }).briques).toEqual(['-none-']);
	});
	it('a consortium account without an organisation sees nothing', () => {
		expect(figureScope(lost).briques).toEqual(['-none-']);
	});
});

describe('canSeeApplication', () => {
	it('admin and auditor see every application', () => {
		expect(canSeeApplication(admin, { statut: 'non_retenue', briques: [] })).toBe(true);
		expect(canSeeApplication(auditor, { statut: 'deposee' })).toBe(true);
	});
	it('a consortium member sees only lauréats naming its bricks', () => {
		expect(canSeeApplication(nexedi, { statut: 'laureat', briques: ['slapos', 'sozu'] })).toBe(true);
		expect(canSeeApplication(clever, { statut: 'laureat', briques: 'slapos|sozu' })).toBe(true);
		expect(canSeeApplication(nexedi, { statut: 'laureat', briques: ['repman'] })).toBe(false);
		for (const statut of ['deposee', 'irrecevable', 'eligible', 'en_expertise', 'non_retenue', 'desistement']) {
			expect(canSeeApplication(nexedi, { statut, briques: ['slapos'] })).toBe(false);
		}
	});
	it('nobody anonymous', () => {
		expect(canSeeApplication(null, { statut: 'laureat', briques: ['slapos'] })).toBe(false);
	});
});

describe('redactApplication', () => {
	it('removes the confidential fields for consortium members only', () => {
		const row = { numero_dossier: 'HOX-1', effectif: 12, chiffre_affaires: '1', total_bilan: '2', aides_minimis_3_ans: '0', score_expertise: 15, dnsh_justification: 'x', titre_projet: 'T' };
		expect(redactApplication(admin, row)).toEqual(row);
		expect(redactApplication(nexedi, row)).toEqual({ numero_dossier: 'HOX-1', titre_projet: 'T' });
	});
});
