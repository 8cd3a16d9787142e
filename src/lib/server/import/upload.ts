/**
 * Reading exports sent over HTTP: a multipart form (the page, with or without JavaScript;
 * every file field counts) or a raw body (automation: `Content-Type: text/csv`, the file name
 * in `?name=` or an `X-File-Name` header). The body size limit is adapter-node's
 * BODY_SIZE_LIMIT (512 KB unless set; unlimited under `vite dev`): going over it becomes a
 * French 413 message saying which setting to raise.
 */
import { numberFormat } from '../../format';
import type { ImportInput } from './load';
import { multipartInWorker } from './split';

export class UploadError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly text: { fr: string; en: string }
	) {
		super(text.fr);
		this.name = 'UploadError';
	}
}

/** At most this many files in one load (three kinds; a few more to report mistakes). */
export const MAX_FILES = 10;

/** adapter-node's parsing of BODY_SIZE_LIMIT (`512K`, `50M`, `1G`, bytes, `Infinity`). */
export function parseSize(value: string): number {
	const m = /^\s*(\d+(?:\.\d+)?|Infinity)\s*([kmg])?b?\s*$/i.exec(value);
	if (!m) return NaN;
	if (m[1] === 'Infinity') return Infinity;
	const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
	return Number(m[1]) * unit;
}

/** The request body limit in force: BODY_SIZE_LIMIT, 512 KB by default; Infinity in dev. */
export function bodySizeLimit(dev: boolean): number {
	if (dev) return Infinity;
	const limit = parseSize(process.env.BODY_SIZE_LIMIT ?? '512K');
	return Number.isNaN(limit) || limit <= 0 ? Infinity : limit;
}

export function formatBytes(n: number, lang: 'fr' | 'en' = 'fr'): string {
	if (!Number.isFinite(n)) return lang === 'fr' ? 'sans limite' : 'no limit';
	const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
	let v = n;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	const s = numberFormat(lang, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(v);
	return `${s}${lang === 'fr' ? '\u00a0' : ' '}${units[u]}`;
}

export function tooLarge(limit: number): UploadError {
	return new UploadError(413, 'payload_too_large', {
		fr: `Envoi trop volumineux : le serveur accepte au plus ${formatBytes(limit, 'fr')} par envoi. Envoyez les fichiers un par un, ou demandez à l’administrateur du serveur d’augmenter la limite (variable BODY_SIZE_LIMIT, par exemple BODY_SIZE_LIMIT=50M).`,
		en: `Upload too large: the server accepts at most ${formatBytes(limit, 'en')} per request. Send the files one at a time, or ask the server's administrator to raise the limit (BODY_SIZE_LIMIT, e.g. BODY_SIZE_LIMIT=50M).`
	});
}

const isTooLarge = (error: unknown) => (error as { status?: number } | null)?.status === 413;

/** A file name as given, reduced to its last path segment and printable characters. */
export function cleanFileName(name: string | null | undefined): string {
	const base = (name ?? '').split(/[\\/]/).pop() ?? '';
	const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
	return clean || 'export.csv';
}

export interface Upload {
	inputs: ImportInput[];
	dryRun: boolean;
}

const truthy = (v: unknown) => typeof v === 'string' && /^(1|true|oui|on|yes)$/i.test(v.trim());

/** The files of a request, or an UploadError (nothing sent, too large, too many files). */
export async function readUpload(request: Request, url: URL, limit: number): Promise<Upload> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
	let inputs: ImportInput[] = [];
	let dryRun = truthy(url.searchParams.get('dry_run'));
	try {
		if (type.startsWith('multipart/form-data')) {
			// Read whole here (the body size limit applies), parsed in a check worker: off the request thread.
			const body = new Uint8Array(await request.arrayBuffer());
			const form = await multipartInWorker(body, request.headers.get('content-type') ?? type);
			dryRun ||= form.values.some(([field, value]) => field === 'dry_run' && truthy(value));
			for (const file of form.files) {
				if (file.bytes.byteLength === 0) continue;
				inputs.push({ name: cleanFileName(file.name), bytes: file.bytes });
			}
		} else if (type.startsWith('application/x-www-form-urlencoded')) {
			throw new UploadError(415, 'unsupported_media_type', {
				fr: 'Le formulaire doit être envoyé en multipart/form-data (enctype="multipart/form-data") pour transporter des fichiers.',
				en: 'The form must be sent as multipart/form-data (enctype="multipart/form-data") to carry files.'
			});
		} else {
			const bytes = new Uint8Array(await request.arrayBuffer());
			const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(request.headers.get('content-disposition') ?? '');
			const name = url.searchParams.get('name') ?? request.headers.get('x-file-name') ?? (disposition ? decodeURIComponent(disposition[1]!) : null);
			if (bytes.byteLength > 0) inputs = [{ name: cleanFileName(name), bytes }];
		}
	} catch (error) {
		if (error instanceof UploadError) throw error;
		if (isTooLarge(error)) throw tooLarge(limit);
		throw new UploadError(400, 'bad_request', {
			fr: 'La requête n’a pas pu être lue (envoi interrompu ou mal formé) : réessayez.',
			en: 'The request could not be read (interrupted or malformed upload): try again.'
		});
	}
	if (inputs.length === 0) {
		throw new UploadError(400, 'no_file', {
			fr: 'Aucun fichier reçu : choisissez un ou plusieurs exports CSV (candidatures, conventions, rapports).',
			en: 'No file received: choose one or more CSV exports (applications, agreements, reports).'
		});
	}
	if (inputs.length > MAX_FILES) {
		throw new UploadError(400, 'too_many_files', {
			fr: `Trop de fichiers (${inputs.length}) : un chargement compte au plus un export de chaque type.`,
			en: `Too many files (${inputs.length}): a load holds at most one export of each kind.`
		});
	}
	return { inputs, dryRun };
}
