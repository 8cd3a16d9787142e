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
import { renderPdf } from './pdf';
import { renderXlsx } from './xlsx';
import { renderZip } from './zip';

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
		bytes = format === 'pdf' ? await renderPdf(model) : format === 'xlsx' ? await renderXlsx(model) : renderZip(model);
	} catch (cause) {
		await recordAudit(db, { ...audit, outcome: 'error', details: { period, error: cause instanceof Error ? cause.message.slice(0, 300) : String(cause) } });
		console.error('report export failed', cause);
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
