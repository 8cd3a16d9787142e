/**
 * The validation report of a load, in the manner of Validata / Frictionless: a verdict,
 * per file its statistics, structure errors apart from content errors, every error with
 * row, column, value and a message saying how to fix it, and a CSV of it all. Pure: the
 * browser builds it from its own check (before sending) and from the server's answer; the
 * server builds it for the form that works without JavaScript.
 */
import type { CheckedExport, ImportIssue } from '../domain/check';
import type { Lang } from '../i18n';
import { numberFormat } from '../format';
import { KIND_LABELS, type ExportKind } from '../domain/schemas';
import { toCsv, type Cell } from '../spreadsheet';
import type { FilePreview } from './preview';

export interface FileReport {
	file: string;
	kind: ExportKind | null;
	encoding: string | null;
	delimiter: string | null;
	bytes: number;
	sha256: string | null;
	/** Data rows read (header and blank lines excluded). */
	rows: number;
	columns: number;
	unknownColumns: string[];
	/** Errors and warnings (possibly cut: see the counts). */
	errors: ImportIssue[];
	warnings: ImportIssue[];
	/** Totals, even when the lists above are cut. */
	structureCount: number;
	contentCount: number;
	/** Rows with at least one content error. */
	contentRows: number;
	warningCount: number;
	/** The `loads` row recording this file on the server, once sent. */
	loadId: number | null;
	preview: FilePreview | null;
}

export interface LoadReport {
	/** `browser`: the check before sending; `server`: the server's verdict (authoritative). */
	stage: 'browser' | 'server';
	ok: boolean;
	dryRun: boolean;
	batchId: string | null;
	files: FileReport[];
}

/** What importExports answers (ImportResult), as far as the report needs it. */
export interface ImportAnswer {
	ok: boolean;
	dryRun: boolean;
	batchId: string;
	files: {
		file: string;
		kind: ExportKind | null;
		sha256: string;
		bytes: number;
		encoding: string | null;
		delimiter: string | null;
		rows: number;
		unknownColumns: string[];
		errors: ImportIssue[];
		warnings: ImportIssue[];
		loadId: number | null;
	}[];
}

function counts(errors: readonly ImportIssue[]) {
	const structure = errors.filter((e) => e.category === 'structure');
	const content = errors.filter((e) => e.category !== 'structure');
	return {
		structureCount: structure.length,
		contentCount: content.length,
		contentRows: new Set(content.map((e) => e.row ?? -1)).size
	};
}

/** Keep the report small enough for a page: every count stays exact. */
export function capIssues(report: FileReport, max: number): FileReport {
	if (report.errors.length <= max && report.warnings.length <= max) return report;
	const structure = report.errors.filter((e) => e.category === 'structure');
	const content = report.errors.filter((e) => e.category !== 'structure');
	return { ...report, errors: [...structure.slice(0, max), ...content.slice(0, Math.max(0, max - structure.length))], warnings: report.warnings.slice(0, max) };
}

/** A file's report from the browser's check (checkExport without its parsed rows and keys). */
export function fileReportFromCheck(
	checked: Omit<CheckedExport, 'rows' | 'keys'>,
	extra: { bytes: number; sha256: string | null; preview: FilePreview | null }
): FileReport {
	return {
		file: checked.file,
		kind: checked.kind,
		encoding: checked.encoding,
		delimiter: checked.delimiter,
		bytes: extra.bytes,
		sha256: extra.sha256,
		rows: checked.rowCount,
		columns: checked.headers.length,
		unknownColumns: checked.unknownColumns,
		errors: checked.errors,
		warnings: checked.warnings,
		...counts(checked.errors),
		warningCount: checked.warnings.length,
		loadId: null,
		preview: extra.preview
	};
}

/** Add errors found across files (two exports of one kind) to a browser report. */
export function withCrossFileErrors(files: FileReport[], cross: readonly ImportIssue[]): FileReport[] {
	return files.map((f) => {
		const mine = cross.filter((e) => e.file === f.file);
		if (!mine.length) return f;
		const errors = [...f.errors, ...mine];
		return { ...f, errors, ...counts(errors) };
	});
}

/**
 * The server's answer as a report. `previews` (by file name) come from the browser's own
 * check, or from the bytes on the server; `columns` likewise (the answer does not carry it).
 */
export function reportFromAnswer(answer: ImportAnswer, known: Map<string, { preview: FilePreview | null; columns: number }>): LoadReport {
	return {
		stage: 'server',
		ok: answer.ok,
		dryRun: answer.dryRun,
		batchId: answer.batchId,
		files: answer.files.map((f) => ({
			file: f.file,
			kind: f.kind,
			encoding: f.encoding,
			delimiter: f.delimiter,
			bytes: f.bytes,
			sha256: f.sha256,
			rows: f.rows,
			columns: known.get(f.file)?.columns ?? 0,
			unknownColumns: f.unknownColumns,
			errors: f.errors,
			warnings: f.warnings,
			...counts(f.errors),
			warningCount: f.warnings.length,
			loadId: f.loadId,
			preview: known.get(f.file)?.preview ?? null
		}))
	};
}

export interface Tally {
	files: number;
	rows: number;
	structure: number;
	content: number;
	contentRows: number;
	warnings: number;
}

export function tally(report: LoadReport): Tally {
	const t: Tally = { files: report.files.length, rows: 0, structure: 0, content: 0, contentRows: 0, warnings: 0 };
	for (const f of report.files) {
		t.rows += f.rows;
		t.structure += f.structureCount;
		t.content += f.contentCount;
		t.contentRows += f.contentRows;
		t.warnings += f.warningCount;
	}
	return t;
}

const nf = (lang: Lang, n: number) => numberFormat(lang, {}).format(n);

function plural(lang: Lang, n: number, fr: [string, string], en: [string, string]): string {
	return `${nf(lang, n)} ${lang === 'fr' ? (n > 1 ? fr[1] : fr[0]) : n === 1 ? en[0] : en[1]}`;
}

/** `2 erreurs de structure et 12 erreurs sur 9 lignes`. */
export function describeErrors(t: Pick<Tally, 'structure' | 'content' | 'contentRows'>, lang: Lang): string {
	const parts: string[] = [];
	if (t.structure) parts.push(plural(lang, t.structure, ['erreur de structure', 'erreurs de structure'], ['structure error', 'structure errors']));
	if (t.content) {
		parts.push(
			`${plural(lang, t.content, ['erreur', 'erreurs'], ['error', 'errors'])} ${lang === 'fr' ? 'sur' : 'on'} ${plural(lang, t.contentRows, ['ligne', 'lignes'], ['row', 'rows'])}`
		);
	}
	return parts.join(lang === 'fr' ? ' et ' : ' and ');
}

export interface Verdict {
	tone: 'good' | 'bad';
	title: string;
	detail: string;
}

export function verdict(report: LoadReport, lang: Lang): Verdict {
	const t = tally(report);
	const fr = lang === 'fr';
	const warnings = t.warnings ? ` ${plural(lang, t.warnings, ['avertissement', 'avertissements'], ['warning', 'warnings'])} ${fr ? 'à lire ci-dessous.' : 'to read below.'}` : '';
	const rows = plural(lang, t.rows, ['ligne', 'lignes'], ['row', 'rows']);
	const files = plural(lang, t.files, ['fichier', 'fichiers'], ['file', 'files']);
	if (report.stage === 'browser') {
		if (report.ok) {
			return {
				tone: 'good',
				title: t.files > 1 ? (fr ? `${files} valides` : `${files} valid`) : fr ? 'Fichier valide' : 'Valid file',
				detail: fr
					? `Prêt à charger : ${rows}. Le serveur vérifiera à nouveau avant de charger.${warnings}`
					: `Ready to load: ${rows}. The server checks again before loading.${warnings}`
			};
		}
		return {
			tone: 'bad',
			title: fr
				? `${t.files > 1 ? 'Fichiers refusés' : 'Fichier refusé'} : ${describeErrors(t, lang)}`
				: `${t.files > 1 ? 'Files refused' : 'File refused'}: ${describeErrors(t, lang)}`,
			detail: fr
				? 'Corrigez le fichier d’export (ou l’export sur la plateforme) puis déposez-le à nouveau : rien n’est envoyé tant qu’il reste des erreurs.'
				: 'Fix the export file (or the export on the platform), then drop it again: nothing is sent while errors remain.'
		};
	}
	if (!report.ok) {
		return {
			tone: 'bad',
			title: fr ? `Chargement refusé : ${describeErrors(t, lang) || 'aucun fichier'}` : `Load refused: ${describeErrors(t, lang) || 'no file'}`,
			detail: fr ? 'Rien n’a été chargé : les données restent celles d’avant.' : 'Nothing was loaded: the data is as it was.'
		};
	}
	if (report.dryRun) {
		return {
			tone: 'good',
			title: t.files > 1 ? (fr ? `${files} valides` : `${files} valid`) : fr ? 'Fichier valide' : 'Valid file',
			detail: fr ? `Vérification seule (${rows}) : rien n’a été chargé.${warnings}` : `Check only (${rows}): nothing was loaded.${warnings}`
		};
	}
	return {
		tone: 'good',
		title: fr ? 'Chargement effectué' : 'Loaded',
		detail: fr
			? `${files}, ${rows} : ${t.files > 1 ? 'ils remplacent' : 'il remplace'} la version précédente, que « Restaurer la version précédente » peut rétablir.${warnings}`
			: `${files}, ${rows}: ${t.files > 1 ? 'they replace' : 'it replaces'} the previous version, which “Restore the previous version” can bring back.${warnings}`
	};
}

/** The message of an issue as a sentence: cell errors say what was expected. */
export function issueMessage(i: Pick<ImportIssue, 'code' | 'message'>, lang: Lang): string {
	if (i.code === 'invalid' || i.code === 'empty') return `${lang === 'fr' ? 'Attendu : ' : 'Expected: '}${i.message[lang]}`;
	return i.message[lang];
}

export function kindLabel(kind: ExportKind | null, lang: Lang): string {
	return kind ? KIND_LABELS[kind][lang] : lang === 'fr' ? 'type inconnu' : 'unknown kind';
}

const ENCODING_LABELS: Record<string, string> = {
	'utf-8': 'UTF-8',
	'utf-8-bom': 'UTF-8 (BOM)',
	'utf-16le': 'UTF-16 LE',
	'utf-16be': 'UTF-16 BE',
	'windows-1252': 'Windows-1252'
};

export function encodingLabel(encoding: string | null): string {
	return encoding ? (ENCODING_LABELS[encoding] ?? encoding) : '—';
}

export interface CsvSource {
	file: string;
	kind: ExportKind | null;
	errors: readonly ImportIssue[];
	warnings: readonly ImportIssue[];
	/** Totals, when the lists were cut (stored loads keep 200 of each). */
	errorCount?: number;
	warningCount?: number;
}

/** The report as CSV for French Excel (`;`, UTF-8 BOM), every cell neutralised by toCsv. */
export function reportCsv(files: readonly CsvSource[], lang: Lang = 'fr'): string {
	const fr = lang === 'fr';
	const rows: Cell[][] = [
		fr
			? ['fichier', 'type', 'niveau', 'categorie', 'ligne', 'colonne', 'valeur', 'code', 'message']
			: ['file', 'kind', 'level', 'category', 'row', 'column', 'value', 'code', 'message']
	];
	for (const f of files) {
		const kind = f.kind ?? '';
		const line = (i: ImportIssue, level: 'error' | 'warning') => [
			i.file,
			kind,
			fr ? (level === 'error' ? 'erreur' : 'avertissement') : level,
			i.category,
			i.row,
			i.column,
			i.value,
			i.code,
			issueMessage(i, lang)
		];
		for (const e of f.errors) rows.push(line(e, 'error'));
		const missingErrors = (f.errorCount ?? f.errors.length) - f.errors.length;
		if (missingErrors > 0) {
			rows.push([f.file, kind, fr ? 'erreur' : 'error', '', null, null, null, 'truncated', fr ? `… et ${missingErrors} autres erreurs non conservées par le serveur : déposez le fichier dans la page Chargements pour la liste complète.` : `… and ${missingErrors} more errors not kept by the server: drop the file on the Loads page for the full list.`]);
		}
		for (const w of f.warnings) rows.push(line(w, 'warning'));
		const missingWarnings = (f.warningCount ?? f.warnings.length) - f.warnings.length;
		if (missingWarnings > 0) {
			rows.push([f.file, kind, fr ? 'avertissement' : 'warning', '', null, null, null, 'truncated', fr ? `… et ${missingWarnings} autres avertissements non conservés.` : `… and ${missingWarnings} more warnings not kept.`]);
		}
	}
	return toCsv(rows, { delimiter: ';', bom: true });
}

/** `rapport-candidatures.csv`, `rapport-chargement-3-fichiers.csv`. */
export function reportFileName(files: readonly { file: string }[], lang: Lang = 'fr'): string {
	const base = files.length === 1 ? files[0]!.file.replace(/\.[^.]+$/, '') : lang === 'fr' ? `chargement-${files.length}-fichiers` : `load-${files.length}-files`;
	const safe = base.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 80) || 'export';
	return `${lang === 'fr' ? 'rapport' : 'report'}-${safe}.csv`;
}
