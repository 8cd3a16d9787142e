/** Reading uploads: multipart and raw bodies, names, limits, clear refusals. */
import { describe, expect, it } from 'vitest';
import { bodySizeLimit, cleanFileName, formatBytes, parseSize, readUpload, UploadError } from './upload';

const url = (q = '') => new URL(`http://x/api/v1/loads${q}`);

describe('uploads', () => {
	it('reads every file of a multipart form, and the dry-run field', async () => {
		const form = new FormData();
		form.append('files', new File(['a;b\n1;2\n'], 'candidatures.csv', { type: 'text/csv' }));
		form.append('other', new File(['x'], 'C:\\Users\\anne\\rapports.csv'));
		form.append('files', new File([], ''));
		form.append('dry_run', '1');
		const upload = await readUpload(new Request('http://x', { method: 'POST', body: form }), url(), Infinity);
		expect(upload.dryRun).toBe(true);
		expect(upload.inputs.map((i) => [i.name, i.bytes.byteLength])).toEqual([
			['candidatures.csv', 8],
			['rapports.csv', 1]
		]);
	});

	it('reads a raw body named by ?name=, X-File-Name or Content-Disposition', async () => {
		const raw = (headers: Record<string, string>, q = '') => readUpload(new Request('http://x', { method: 'POST', body: 'a,b\n', headers: { 'content-type': 'text/csv', ...headers } }), url(q), Infinity);
		expect((await raw({}, '?name=conventions.csv&dry_run=oui')).inputs[0]!.name).toBe('conventions.csv');
		expect((await raw({}, '?dry_run=oui')).dryRun).toBe(true);
		expect((await raw({ 'x-file-name': 'r.csv' })).inputs[0]!.name).toBe('r.csv');
		expect((await raw({ 'content-disposition': "attachment; filename*=UTF-8''d%C3%A9p%C3%B4t.csv" })).inputs[0]!.name).toBe('dépôt.csv');
		expect((await raw({})).inputs[0]!.name).toBe('export.csv');
	});

	it('refuses nothing, too much and a urlencoded form, in French with the setting to change', async () => {
		const empty = readUpload(new Request('http://x', { method: 'POST', body: '', headers: { 'content-type': 'text/csv' } }), url(), Infinity);
		await expect(empty).rejects.toMatchObject({ status: 400, code: 'no_file' });
		const big = readUpload(new Request('http://x', { method: 'POST', body: 'x'.repeat(2000), headers: { 'content-type': 'text/csv', 'content-length': '2000' } }), url(), 1024);
		await expect(big).rejects.toBeInstanceOf(UploadError);
		await expect(big).rejects.toMatchObject({ status: 413, text: { fr: expect.stringContaining('BODY_SIZE_LIMIT') } });
		const streamed = new Request('http://x', { method: 'POST', body: new ReadableStream({ start: (c) => c.error(Object.assign(new Error('too big'), { status: 413 })) }), headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit);
		await expect(readUpload(streamed, url(), 1024)).rejects.toMatchObject({ status: 413 });
		const urlencoded = readUpload(new Request('http://x', { method: 'POST', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), url(), Infinity);
		await expect(urlencoded).rejects.toMatchObject({ status: 415 });
	});

	it('reads BODY_SIZE_LIMIT as adapter-node does', () => {
		expect(parseSize('512K')).toBe(512 * 1024);
		expect(parseSize('50M')).toBe(50 * 1024 * 1024);
		expect(parseSize('Infinity')).toBe(Infinity);
		expect(parseSize('1000')).toBe(1000);
		expect(parseSize('lots')).toBeNaN();
		expect(bodySizeLimit(true)).toBe(Infinity);
		expect(formatBytes(50 * 1024 * 1024, 'fr')).toBe('50\u00a0Mo');
		expect(formatBytes(512 * 1024, 'en')).toBe('512 KB');
		expect(cleanFileName('../../etc/passwd')).toBe('passwd');
		expect(cleanFileName('a\u0000b.csv')).toBe('ab.csv');
	});
});
