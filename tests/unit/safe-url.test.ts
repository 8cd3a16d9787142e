import { describe, expect, it } from 'vitest';
import { httpUrl } from '../../src/lib/safe-url';
import { safeUrl } from '../../src/lib/server/public/projects';

// Issue 18 #9: `javascript:` URLs from imported data were rendered as links on signed-in pages.
describe('httpUrl: the one rule for links made from imported data', () => {
	const refused = [
		'javascript:alert(1)',
		' JavaScript:alert(document.cookie)',
		'java\tscript:alert(1)',
		'java\nscript:alert(1)',
		'\u0000javascript:alert(1)',
		'jav&#x09;ascript:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'vbscript:msgbox(1)',
		'file:///etc/passwd',
		'ftp://example.org/x',
		'//evil.example/x',
		'/relative/path',
		'www.example.org',
		'https://exa mple.org',
		'',
		null,
		undefined,
		'https://' + 'a'.repeat(3000) + '.example'
	];
	it.each(refused.map((v) => [v]))('refuses %j', (value) => {
		expect(httpUrl(value)).toBeNull();
		expect(safeUrl(value as string | null)).toBeNull();
	});
	it('keeps http and https links, normalised', () => {
		expect(httpUrl('https://example.org')).toBe('https://example.org/');
		expect(httpUrl('  http://example.org/a?b=1#c ')).toBe('http://example.org/a?b=1#c');
		expect(httpUrl('HTTPS://Code.Example/x')).toBe('https://code.example/x');
	});
});
