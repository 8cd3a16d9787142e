import { describe, expect, it } from 'vitest';
import {
	luhnValid,
	parseAmount,
	parseBoolean,
	parseDate,
	parseDateTime,
	parseDecimal,
	parseEnum,
	parseInteger,
	parsePostalCode,
	parseReleve,
	parseSiren,
	parseSiret,
	siretOfSiren,
	siretValid,
	sirenValid
} from '../../src/lib/domain/parsers';
import { APPLICATION_STATUS_LABELS, AGREEMENT_STATUS_LABELS, REPORT_TYPE_LABELS } from '../../src/lib/domain/programme';
import { brickIdOf, parseBrickList } from '../../src/lib/domain/bricks';
import { foldToken, normalizeHeader } from '../../src/lib/domain/normalize';
import { resolveRegion, departementOf } from '../../src/lib/domain/regions';

const value = <T>(r: { ok: true; value: T } | { ok: false }) => (r.ok ? r.value : 'ERROR');

describe('header normalisation', () => {
	it.each([
		['Numéro dossier', 'numero_dossier'],
		['NUMERO_DOSSIER', 'numero_dossier'],
		['numero-dossier', 'numero_dossier'],
		['  Numéro   de dossier ', 'numero_de_dossier'],
		['DNSH économie circulaire', 'dnsh_economie_circulaire'],
		['Coûts sous-traitance', 'couts_sous_traitance'],
		['__Aides minimis (3 ans)__', 'aides_minimis_3_ans'],
		['Œuvre', 'oeuvre']
	])('%s → %s', (raw, expected) => expect(normalizeHeader(raw)).toBe(expected));
});

describe('amounts', () => {
	it.each([
		['125000', ',', '125000'],
		['125000.50', ',', '125000.50'],
		['125 000', ';', '125000'],
		['125 000,50 €', ';', '125000.50'],
		['125\u00a0000,50\u00a0€', ';', '125000.50'],
		['125\u202f000,50', ';', '125000.50'],
		['€125,000.50', ',', '125000.50'],
		['125,000', ',', '125000'],
		['1,250,000.5', ',', '1250000.5'],
		['125.000,50', ';', '125000.50'],
		['125000.50', ';', '125000.50'],
		['0', ',', '0'],
		['007', ',', '7'],
		[' 12 € ', ';', '12'],
		['12 EUR', ';', '12'],
		['-0', ',', '0']
	])('%j in a %s file → %s', (raw, delimiter, expected) => {
		expect(value(parseAmount(raw, delimiter as ',' | ';'))).toBe(expected);
	});

	it.each([
		['-5', ','],
		['-125 000,50 €', ';'],
		['(100)', ',']
	])('refuses the negative amount %j', (raw, delimiter) => {
		const r = parseAmount(raw, delimiter as ',' | ';');
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.expected.fr).toMatch(/négatif/);
	});

	it.each([
		['abc', ','],
		['12,5', ','], // a comma in a `,` file only groups thousands
		['1,25,000', ','],
		['12.345.6', ';'],
		['1 2 3,4,5', ';'],
		['125000.505', ','],
		['', ','],
		['€', ';'],
		['1e5', ',']
	])('refuses %j in a %s file', (raw, delimiter) => {
		expect(parseAmount(raw, delimiter as ',' | ';').ok).toBe(false);
	});
});

describe('integers and decimals', () => {
	it('reads integers with separators', () => {
		expect(value(parseInteger('12', ','))).toBe(12);
		expect(value(parseInteger('1 200', ';'))).toBe(1200);
		expect(parseInteger('12,5', ';').ok).toBe(false);
		expect(parseInteger('-3', ',').ok).toBe(false);
		expect(parseInteger('douze', ',').ok).toBe(false);
	});
	it('reads signed integers for DNSH scores', () => {
		expect(value(parseInteger('+1', ',', true))).toBe(1);
		expect(value(parseInteger('-2', ';', true))).toBe(-2);
		expect(value(parseInteger('0', ';', true))).toBe(0);
	});
	it('reads decimals by the delimiter rule', () => {
		expect(value(parseDecimal('1.5', ','))).toBe('1.5');
		expect(value(parseDecimal('1,5', ';'))).toBe('1.5');
		expect(value(parseDecimal('2', ';'))).toBe('2');
		expect(parseDecimal('1,5', ',').ok).toBe(false);
		expect(parseDecimal('-1', ',').ok).toBe(false);
	});
});

describe('dates', () => {
	it.each([
		['2026-04-15', '2026-04-15 00:00:00'],
		['15/04/2026', '2026-04-15 00:00:00'],
		['15/04/2026 14:32', '2026-04-15 14:32:00'],
		['15/04/2026 14:32:05', '2026-04-15 14:32:05'],
		['2026-04-15T14:32:05', '2026-04-15 14:32:05'],
		['2026-04-15 14:32', '2026-04-15 14:32:00'],
		['5/4/2026', '2026-04-05 00:00:00'],
		['2026-04-15T12:32:05Z', '2026-04-15 14:32:05'],
		['2026-01-15T12:00:00+00:00', '2026-01-15 13:00:00'],
		['2024-07-31 23:59:59', '2024-07-31 23:59:59']
	])('%s → %s (Europe/Paris)', (raw, expected) => expect(value(parseDateTime(raw))).toBe(expected));

	it.each(['31/02/2026', '2026-13-01', '15-04-2026', '15/04/26', 'hier', '2026-04-15 25:00', '04/15/2026', '2026-04-15T10:00+24:00', '2026-04-15T10:00+99:99', '29/02/2100', '2100-12-31T23:59:59-23:59', '1900-01-01T00:00+23:59'])(
		'refuses %s',
		(raw) => expect(parseDateTime(raw).ok).toBe(false)
	);

	it('says that a well-written date does not exist, and why', () => {
		const expected = (raw: string) => {
			const r = parseDateTime(raw);
			return r.ok ? null : r.expected;
		};
		expect(expected('31/02/2024')).toEqual({
			fr: 'une date qui existe : le 31/02/2024 n’existe pas (février 2024 a 29 jours)',
			en: 'a date that exists: 31/02/2024 does not (February 2024 has 29 days)'
		});
		expect(expected('2026-04-31')!.fr).toBe('une date qui existe : le 31/04/2026 n’existe pas (avril 2026 a 30 jours)');
		expect(expected('2026-13-01')!.fr).toBe('une date qui existe : le mois 13 n’existe pas (01/13/2026)');
		expect(expected('29/02/2100')!.fr).toContain('février 2100 a 28 jours');
		expect(expected('hier')!.fr).toContain('JJ/MM/AAAA');
	});

	it('keeps only the day for date columns', () => {
		expect(value(parseDate('15/04/2026 00:00'))).toBe('2026-04-15');
		expect(value(parseDate('29/02/2024'))).toBe('2024-02-29');
		expect(parseDate('29/02/2026').ok).toBe(false);
	});
});

describe('booleans', () => {
	it.each(['oui', 'OUI', 'o', 'vrai', 'Vrai', 'true', 'TRUE', 'yes', '1'])('%s is true', (raw) =>
		expect(value(parseBoolean(raw))).toBe(true)
	);
	it.each(['non', 'Non', 'n', 'faux', 'false', 'no', '0'])('%s is false', (raw) => expect(value(parseBoolean(raw))).toBe(false));
	it.each(['peut-être', '2', 'ouais'])('%s is refused', (raw) => expect(parseBoolean(raw).ok).toBe(false));
});

describe('enumerations', () => {
	it.each([
		['Lauréat', 'laureat'],
		['laureat', 'laureat'],
		['LAUREAT', 'laureat'],
		['LAURÉAT', 'laureat'],
		['Non retenue', 'non_retenue'],
		['non_retenue', 'non_retenue'],
		['En expertise', 'en_expertise'],
		['Éligible', 'eligible'],
		['Déposée', 'deposee'],
		['DESISTEMENT', 'desistement'],
		['Irrecevable', 'irrecevable']
	])('application status %s → %s', (raw, id) => expect(value(parseEnum(raw, APPLICATION_STATUS_LABELS))).toBe(id));

	it('agreement statuses and report types', () => {
		expect(value(parseEnum('Résiliée', AGREEMENT_STATUS_LABELS))).toBe('resiliee');
		expect(value(parseEnum('SOLDEE', AGREEMENT_STATUS_LABELS))).toBe('soldee');
		expect(value(parseEnum('en cours', AGREEMENT_STATUS_LABELS))).toBe('en_cours');
		expect(value(parseEnum('Signée', AGREEMENT_STATUS_LABELS))).toBe('signee');
		expect(value(parseEnum('Intermédiaire', REPORT_TYPE_LABELS))).toBe('intermediaire');
		expect(value(parseEnum('FINAL', REPORT_TYPE_LABELS))).toBe('final');
	});

	it('refuses unknown values and names the allowed ones', () => {
		const r = parseEnum('Gagnant', APPLICATION_STATUS_LABELS);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.expected.fr).toContain('Lauréat');
	});
});

describe('rounds', () => {
	it.each([
		['1', 1],
		['2', 2],
		['R1', 1],
		['r2', 2],
		['Relève 2', 2],
		['RELEVE 1', 1],
		['relève-2', 2]
	])('%s → %d', (raw, n) => expect(value(parseReleve(raw))).toBe(n));
	it.each(['3', 'R', 'Relève', '12'])('refuses %s', (raw) => expect(parseReleve(raw).ok).toBe(false));
});

describe('bricks', () => {
	it.each([
		['SlapOS', 'slapos'],
		['RAPID-CDN', 'rapid-cdn'],
		['Rapid CDN', 'rapid-cdn'],
		['rapidcdn', 'rapid-cdn'],
		['Sōzu', 'sozu'],
		['Sozu', 'sozu'],
		['SOZU', 'sozu'],
		['Biscuit', 'biscuit'],
		['Repman', 'repman'],
		['replication-manager', 'repman'],
		['Replication Manager', 'repman'],
		['Wendelin', 'wendelin'],
		['OpenSVC', 'opensvc'],
		['open svc', 'opensvc'],
		['XCP-ng', 'xcp-ng'],
		['Patrowl', 'patrowl']
	])('%s → %s', (raw, id) => expect(brickIdOf(raw)).toBe(id));

	it.each([
		['SlapOS | Sōzu', ['slapos', 'sozu']],
		['slapos,sozu', ['slapos', 'sozu']],
		['SlapOS;Repman', ['slapos', 'repman']],
		['SlapOS + Wendelin', ['slapos', 'wendelin']],
		['SlapOS/Biscuit', ['slapos', 'biscuit']],
		['SlapOS et Biscuit', ['slapos', 'biscuit']],
		['Rapid CDN et replication-manager', ['rapid-cdn', 'repman']],
		['Sozu | Sōzu', ['sozu']],
		['Patrowl + SlapOS', ['patrowl', 'slapos']]
	])('list %j', (raw, ids) => expect(parseBrickList(raw)).toEqual(ids));

	it('does not split a name that merely contains "et"', () => {
		expect(parseBrickList('Wendelin | Beta')).toEqual(['wendelin', 'beta']);
	});
});

describe('identity and places', () => {
	it('SIREN keeps digits without spaces; validity is R13', () => {
		expect(value(parseSiren('732 829 320'))).toBe('732829320');
		expect(sirenValid('732829320')).toBe(true);
		expect(sirenValid('732829321')).toBe(false);
		expect(sirenValid('12345678')).toBe(false);
		expect(luhnValid('73282932000074')).toBe(true);
	});
	it('SIRET keeps digits without spaces; validity is R22 (a flag and a warning, not a refusal)', () => {
		expect(value(parseSiret('732 829 320 00074'))).toBe('73282932000074');
		expect(value(parseSiret('1234'))).toBe('1234');
	});
	it('SIRET validity as the SCDL french-siret-value check: Luhn, La Poste, SIREN part, and the row’s SIREN', () => {
		expect(siretValid('73282932000074')).toBe(true);
		expect(siretValid('73282932000075')).toBe(false); // check digit
		expect(siretValid('7328293200007')).toBe(false); // 13 digits
		expect(siretValid('7328293200007A')).toBe(false);
		// La Poste: digits summing to a multiple of 5, Luhn or not.
		expect(siretValid('35600000000048')).toBe(true); // head office: Luhn
		expect(siretValid('35600000049837')).toBe(true); // 3+5+6+4+9+8+3+7 = 45
		expect(siretValid('35600000049838')).toBe(false); // 46
		// 14 digits passing Luhn, but the SIREN part fails it.
		expect(siretValid('11122233300044')).toBe(false);
		expect(siretOfSiren('73282932000074', '732829320')).toBe(true);
		expect(siretOfSiren('54205118000017', '732829320')).toBe(false); // another company's SIRET
	});
	it('postal codes, with the leading zero Excel drops', () => {
		expect(value(parsePostalCode('75011'))).toBe('75011');
		expect(value(parsePostalCode('1000'))).toBe('01000');
		expect(parsePostalCode('ABC12').ok).toBe(false);
	});
	it('regions from postal codes', () => {
		expect(resolveRegion(null, '75011')).toBe('Île-de-France');
		expect(resolveRegion('', '69001')).toBe('Auvergne-Rhône-Alpes');
		expect(resolveRegion(null, '20000')).toBe('Corse');
		expect(resolveRegion(null, '20600')).toBe('Corse');
		expect(resolveRegion(null, '97400')).toBe('La Réunion');
		expect(resolveRegion('ile de france', '69001')).toBe('Île-de-France');
		expect(resolveRegion('Bretagne', '75011')).toBe('Bretagne');
		expect(departementOf('97110')).toBe('971');
		expect(foldToken('Provence-Alpes-Côte d’Azur')).toBe('provence_alpes_cote_d_azur');
	});
});

describe('a cell with a long run of spaces', () => {
	// The regular expressions once used here backtracked over every space of a run: 300 000
	// spaces took minutes (beyond this test's time limit); they are now read in linear time.
	const spaces = ' '.repeat(300_000);
	it('is read, or refused, without hanging', () => {
		expect(parseBrickList(`a${spaces}b`)).toEqual(['a-b']);
		expect(parseBrickList(`slapos${spaces}et${spaces}sozu`)).toEqual(['slapos', 'sozu']);
		for (const raw of [`1${spaces}x eur`, `€1${spaces}x`, `1${spaces}`, `€${spaces}1`, `1${spaces}€`, `${spaces}1 EUR`]) {
			expect(parseAmount(raw, ';').ok, raw.length.toString()).toBe(/x/.test(raw) ? false : true);
		}
	});
});

