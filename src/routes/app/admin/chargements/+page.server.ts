import { dev } from '$app/environment';
import { fail } from '@sveltejs/kit';
import { EXPORT_KINDS } from '$lib/domain/schemas';
import { clientAddress } from '$lib/server/auth/client';
import { parisTime } from '$lib/server/auth/display';
import { requireUser } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db/instance';
import { keptFiles } from '$lib/server/import/files';
import { importExports } from '$lib/server/import/load';
import { allKindVersions, isExportKind, listLoads, restorePrevious, RestoreError, SNAPSHOTS_KEPT, type LoadRow } from '$lib/server/import/restore';
import { bodySizeLimit, formatBytes, readUpload, UploadError } from '$lib/server/import/upload';
import { previewInWorker } from '$lib/server/import/split';
import { capIssues, reportFromAnswer } from '$lib/upload/report';
import type { Actions, PageServerLoad } from './$types';
import { pageParam } from '$lib/filter-params';

const PAGE_SIZE = 25;
/** Errors listed per file on a page rendered by the server (the CSV has the stored ones). */
const PAGE_ISSUES = 300;

const shown = (r: LoadRow | null) =>
	r && {
		id: r.id,
		file: r.file,
		when: parisTime(r.at),
		actor: r.actor,
		source: r.source,
		rows: r.rows,
		sha256: r.sha256,
		outcome: r.outcome,
		restoredFrom: r.restoredFrom
	};

export const load: PageServerLoad = async (event) => {
	requireUser(event, ['admin']);
	const db = await getDb();
	const page = pageParam(event.url.searchParams.get('page'));
	const [history, versions] = await Promise.all([listLoads(db, { page, pageSize: PAGE_SIZE }), allKindVersions(db)]);
	// The loads whose original file is still kept (a restore's is that of the load it restored).
	const files = await keptFiles(db, history.rows.map((r) => (r.outcome === 'restored' ? (r.restoredFrom ?? NaN) : r.id)));
	const confirm = event.url.searchParams.get('restaurer');
	const limit = bodySizeLimit(dev);
	return {
		lang: event.locals.lang,
		limit: { bytes: Number.isFinite(limit) ? limit : null, fr: formatBytes(limit, 'fr'), en: formatBytes(limit, 'en') },
		kept: SNAPSHOTS_KEPT,
		confirm: confirm && isExportKind(confirm) ? confirm : null,
		versions: versions.map((v) => ({ kind: v.kind, current: shown(v.current), previous: shown(v.previous), reason: v.reason, deeper: v.deeper })),
		history: {
			page: history.page,
			pages: Math.max(1, Math.ceil(history.total / PAGE_SIZE)),
			total: history.total,
			rows: history.rows.map((r) => ({
				...shown(r)!,
				batchId: r.batchId,
				kind: r.kind,
				bytes: r.bytes,
				errors: r.errors,
				warnings: r.warnings,
				hasFile: files.has(r.outcome === 'restored' ? (r.restoredFrom ?? NaN) : r.id)
			}))
		},
		kinds: [...EXPORT_KINDS]
	};
};

export const actions: Actions = {
	/** The form without JavaScript (and any plain form post): same pipeline as the CLI and the API. */
	load: async (event) => {
		const user = requireUser(event, ['admin']);
		const limit = bodySizeLimit(dev);
		let upload;
		try {
			upload = await readUpload(event.request, event.url, limit);
		} catch (e) {
			if (e instanceof UploadError) return fail(e.status, { action: 'load' as const, problem: e.text });
			throw e;
		}
		const result = await importExports(await getDb(), upload.inputs, { actor: user.email, source: 'web', dryRun: upload.dryRun, ip: clientAddress(event) });
		// (Each preview decodes and parses its whole file: in a check worker, off the request thread.)
		const known = new Map(
			await Promise.all(
				upload.inputs.map(async (input, i) => {
					const f = result.files[i]!;
					const preview = await previewInWorker(input.bytes, f.errors, f.warnings);
					return [f.file, { preview, columns: preview?.columns ?? 0 }] as const;
				})
			)
		);
		const report = reportFromAnswer(result, known);
		const capped = { ...report, files: report.files.map((f) => capIssues(f, PAGE_ISSUES)) };
		return result.ok ? { action: 'load' as const, report: capped } : fail(422, { action: 'load' as const, report: capped });
	},

	/** Undo: the previous version of one kind becomes current again. */
	restore: async (event) => {
		const user = requireUser(event, ['admin']);
		const form = await event.request.formData();
		const kind = String(form.get('kind') ?? '');
		try {
			const r = await restorePrevious(await getDb(), kind, { actor: user.email, source: 'web', ip: clientAddress(event) });
			return { action: 'restore' as const, restored: { kind: r.kind, from: shown(r.from)!, to: shown(r.to)! } };
		} catch (e) {
			if (e instanceof RestoreError) return fail(e.code === 'unknown_kind' ? 400 : 409, { action: 'restore' as const, problem: e.text });
			throw e;
		}
	}
};
