/**
 * The report's downloads (/app/rapport/rapport.pdf|.xlsx|.zip?debut=…&fin=…): guarded for
 * admins and auditors, built from the one model, rendered, and recorded in the audit trail
 * (`report.export`, target = the format, with the period and the file's SHA-256, so the
 * file sent to Bpifrance can be recognised later). A failed rendering is recorded too.
 */
import { createHash } from 'node:crypto';
import { error, type RequestEvent } from '@sveltejs/kit';
import { t } from '../../i18n';
import { recordAudit } from '../auth/audit';
import { clientAddress } from '../auth/client';
import { requireUser, type Role } from '../auth/guard';
import { getDb } from '../db/instance';
import { buildReport } from './build';
import { parisToday, parsePeriod } from './period';
import { renderInWorker, ReportLimitError } from './render';

export const REPORT_ROLES: readonly Role[] = ['admin', 'auditor'];

export type ReportFormat = 'pdf' | 'xlsx' | 'zip';

const TYPES: Record<ReportFormat, string> = {
	pdf: 'application/pdf',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	zip: 'application/zip'
};

export function reportFileName(format: ReportFormat, start: string, end: string): string {
	return `rapport-bpifrance_${start}_${end}.${format}`;
}

/** What a reader is told when the file could not be made within the server's limits. */
export function limitMessage(cause: ReportLimitError, lang: 'fr' | 'en'): string {
	const seconds = Math.round(cause.limits.timeoutMs / 1000);
	const mb = cause.limits.memoryMb;
	if (cause.reason === 'busy') {
		return t(lang, `Le serveur produit déjà d’autres rapports : celui-ci n’a pas pu commencer dans les ${seconds} s permises. Réessayez dans un moment.`, `The server is already producing other reports: this one could not start within the ${seconds} s allowed. Try again in a moment.`);
	}
	const limit = cause.reason === 'time' ? t(lang, `${seconds} s`, `${seconds} s`) : t(lang, `${mb} Mo de mémoire`, `${mb} MB of memory`);
	return t(
		lang,
		`Le rapport n’a pas pu être produit dans la limite du serveur (${limit}) : les données chargées contiennent sans doute un texte anormalement long. Le reste du tableau de bord fonctionne ; signalez-le à l’administrateur (variables HOX_REPORT_TIMEOUT_MS et HOX_REPORT_MEMORY_MB).`,
		`The report could not be produced within the server's limit (${limit}): the loaded data probably holds an abnormally long text. The rest of the dashboard works; tell the administrator (settings HOX_REPORT_TIMEOUT_MS and HOX_REPORT_MEMORY_MB).`
	);
}

export async function exportReport(event: RequestEvent, format: ReportFormat): Promise<Response> {
	const user = requireUser(event, REPORT_ROLES);
	const lang = event.locals.lang;
	const choice = parsePeriod(event.url.searchParams, parisToday(), lang);
	if (!choice.ok) error(400, choice.errors.join(' '));
	const period = choice.period;
	const db = await getDb();
	const audit = { actor: user.email, action: 'report.export', target: format, ip: clientAddress(event) };
	let bytes: Uint8Array;
	try {
		const model = await buildReport(db, period, lang, { producedBy: user.email });
		// Rendered off the request thread, within a time and a memory limit (render.ts).
		bytes = await renderInWorker(format, model);
	} catch (cause) {
		await recordAudit(db, { ...audit, outcome: 'error', details: { period, error: cause instanceof Error ? cause.message.slice(0, 300) : String(cause) } });
		console.error('report export failed', cause);
		if (cause instanceof ReportLimitError) error(503, limitMessage(cause, lang));
		error(500, t(lang, 'Le rapport n’a pas pu être produit.', 'The report could not be produced.'));
	}
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	await recordAudit(db, { ...audit, outcome: 'success', details: { period, bytes: bytes.byteLength, sha256, lang } });
	return new Response(bytes as BodyInit, {
		headers: {
			'content-type': TYPES[format],
			'content-disposition': `attachment; filename="${reportFileName(format, period.start, period.end)}"`,
			'content-length': String(bytes.byteLength),
			'cache-control': 'private, no-store'
		}
	});
}
