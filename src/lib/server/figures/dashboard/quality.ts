/**
 * Data quality (admin and auditor): the load history, the warnings of the loads behind the
 * current snapshots (unknown columns, orphans…), the orphans as they stand, every rule
 * flag with its rule text and the values that triggered it, and the lauréats left out of the
 * SCDL file for want of a valid SIRET.
 */
import { KIND_LABELS } from '../../../domain/schemas';
import { RULES, ruleById } from '../../../domain/rules';
import type { TableData, TableRow } from '../../../table';
import { computeKpis } from '../kpis';
import type { DashboardContext } from './context';

const L = (fr: string, en: string) => ({ fr, en });

interface Issue {
	file?: string;
	row?: number;
	column?: string;
	value?: string;
	code?: string;
	message?: { fr: string; en: string };
}

export async function qualityData(ctx: DashboardContext, options: { historyLimit?: number } = {}) {
	const limit = options.historyLimit ?? 100;
	const history = await ctx.db.all<TableRow>(`
		SELECT l.load_id::INTEGER AS load_id, l.loaded_at::VARCHAR AS loaded_at, l.kind, l.file_name, l.actor, l.source, l.rows::INTEGER AS rows,
			l.outcome, l.error_count::INTEGER AS errors, l.warning_count::INTEGER AS warnings, l.encoding, l.delimiter,
			substr(l.sha256, 1, 12) AS sha, (cs.load_id IS NOT NULL) AS current,
			CASE WHEN f.load_id IS NOT NULL THEN l.load_id::INTEGER END AS file_load
		FROM loads l LEFT JOIN current_snapshot cs USING (load_id)
		LEFT JOIN (SELECT load_id FROM load_files) f ON f.load_id = l.load_id
		ORDER BY l.load_id DESC LIMIT ${limit}`);
	const totalLoads = Number((await ctx.db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM loads`))?.n ?? 0);
	const current = await ctx.db.all<{ kind: string; file_name: string; issues: string | null }>(`
		SELECT l.kind, l.file_name, l.issues::VARCHAR AS issues FROM current_snapshot cs JOIN loads l USING (load_id) ORDER BY l.kind`);
	const warnings: TableRow[] = [];
	for (const c of current) {
		let issues: Issue[] = [];
		try {
			issues = c.issues ? (JSON.parse(c.issues) as Issue[]) : [];
		} catch {
			issues = [];
		}
		for (const i of issues) {
			warnings.push({
				kind: KIND_LABELS[c.kind as keyof typeof KIND_LABELS]?.[ctx.lang] ?? c.kind,
				file: i.file ?? c.file_name,
				row: i.row ?? null,
				column: i.column ?? null,
				value: i.value ?? null,
				code: i.code ?? null,
				message: i.message?.[ctx.lang] ?? ''
			});
		}
	}
	const orphans = await ctx.db.all<TableRow>(`SELECT kind, numero_dossier, reference, row_number::INTEGER AS row_number FROM orphans ORDER BY kind, numero_dossier`);
	const appFlags = await ctx.db.all<{ rule: string; dossier: string; convention: string | null; detail: string; raison_sociale: string | null; statut: string | null }>(`
		SELECT f.rule, f.numero_dossier AS dossier, NULL AS convention, f.detail, a.raison_sociale, a.statut FROM application_flags f LEFT JOIN applications a USING (numero_dossier)
		UNION ALL
		SELECT f.rule, f.numero_dossier, f.numero_convention, f.detail, a.raison_sociale, a.statut FROM agreement_flags f LEFT JOIN applications a USING (numero_dossier)`);
	const kpis = await computeKpis(ctx.db);
	const r17 = kpis.rule_flags.some((f) => f.rule === 'R17');
	const totals = await ctx.db.one<{ committed: string; envelope: string }>(`SELECT committed_eur::VARCHAR AS committed, envelope_eur::VARCHAR AS envelope FROM programme_totals`);
	const flags = [
		...appFlags.map((f) => ({ ...f })),
		...(r17 ? [{ rule: 'R17', dossier: null, convention: null, detail: JSON.stringify({ engage: totals?.committed, enveloppe: totals?.envelope }), raison_sociale: null, statut: null }] : [])
	].sort((a, b) => Number(a.rule.slice(1)) - Number(b.rule.slice(1)) || String(a.dossier).localeCompare(String(b.dossier)));
	const byRule = RULES.map((r) => ({ rule: r.id, scope: r.scope, text: r[ctx.lang], source: r.source, fix: r.fix?.[ctx.lang] ?? '', count: flags.filter((f) => f.rule === r.id).length }));
	// Lauréats with an agreement (published) but no valid SIRET (missing, or flagged R22): held out of the SCDL file.
	const withoutSiret = await ctx.db.all<TableRow>(`
		SELECT a.numero_dossier AS dossier, a.raison_sociale, a.siren, a.siret
		FROM applications a
		WHERE a.statut = 'laureat' AND a.numero_dossier IN (SELECT numero_dossier FROM agreements)
			AND (a.siret IS NULL OR a.numero_dossier IN (SELECT numero_dossier FROM application_flags WHERE rule = 'R22'))
		ORDER BY a.numero_dossier`);

	const historyTable: TableData = {
		id: 'historique-des-chargements',
		title: L('Historique des chargements', 'Load history'),
		columns: [
			{ key: 'load_id', label: L('N°', 'No.'), kind: 'int' },
			{ key: 'loaded_at', label: L('Le', 'On'), kind: 'instant' },
			{ key: 'kind', label: L('Export', 'Export') },
			// A link to the original file while it is kept (its snapshot's rows are).
			{ key: 'file_name', label: L('Fichier', 'File'), minWidth: 12, href: '/app/fichiers/{file_load}' },
			{ key: 'rows', label: L('Lignes', 'Rows'), kind: 'int' },
			{ key: 'outcome', label: L('Résultat', 'Outcome') },
			{ key: 'errors', label: L('Erreurs', 'Errors'), kind: 'int' },
			{ key: 'warnings', label: L('Avertissements', 'Warnings'), kind: 'int' },
			{ key: 'actor', label: L('Par', 'By') },
			{ key: 'source', label: L('Via', 'Via') },
			{ key: 'encoding', label: L('Encodage', 'Encoding') },
			{ key: 'sha', label: L('SHA-256', 'SHA-256'), nowrap: true }
		],
		rows: history.map((h) => ({
			...h,
			kind: h.kind ? (KIND_LABELS[h.kind as keyof typeof KIND_LABELS]?.[ctx.lang] ?? h.kind) : '—',
			outcome: `${h.outcome === 'loaded' ? (ctx.lang === 'fr' ? 'chargé' : 'loaded') : ctx.lang === 'fr' ? 'refusé' : 'refused'}${h.current ? (ctx.lang === 'fr' ? ' · en vigueur' : ' · current') : ''}`
		}))
	};
	const warningsTable: TableData = {
		id: 'avertissements',
		title: L('Avertissements des exports en vigueur', 'Warnings of the current exports'),
		columns: [
			{ key: 'kind', label: L('Export', 'Export') },
			{ key: 'file', label: L('Fichier', 'File') },
			{ key: 'row', label: L('Ligne', 'Row'), kind: 'int' },
			{ key: 'column', label: L('Colonne', 'Column') },
			{ key: 'value', label: L('Valeur', 'Value') },
			{ key: 'code', label: L('Type', 'Type') },
			{ key: 'message', label: L('Message', 'Message'), minWidth: 24 }
		],
		rows: warnings
	};
	const orphansTable: TableData = {
		id: 'orphelins',
		title: L('Orphelins : conventions et rapports sans candidature', 'Orphans: agreements and reports without an application'),
		columns: [
			{ key: 'kind', label: L('Export', 'Export') },
			{ key: 'numero_dossier', label: L('Dossier cité', 'Application named') },
			{ key: 'reference', label: L('Référence', 'Reference') },
			{ key: 'row_number', label: L('Ligne du fichier', 'File row'), kind: 'int' }
		],
		rows: orphans
	};
	const flagsTable: TableData = {
		id: 'signalements',
		title: L('Signalements de règles', 'Rule flags'),
		columns: [
			{ key: 'rule', label: L('Règle', 'Rule'), nowrap: true },
			{ key: 'rule_text', label: L('Ce qu’elle vérifie', 'What it checks'), minWidth: 18 },
			{ key: 'dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{dossier}', nowrap: true },
			{ key: 'convention', label: L('Convention', 'Agreement'), nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'statut', label: L('Statut', 'Status'), kind: 'app_status' },
			{ key: 'values', label: L('Valeurs en cause', 'Values that triggered it'), minWidth: 20 }
		],
		rows: flags.map((f) => ({
			rule: f.rule,
			rule_text: ruleById(f.rule)?.[ctx.lang] ?? '',
			dossier: f.dossier,
			convention: f.convention,
			raison_sociale: f.raison_sociale,
			statut: f.statut,
			values: describeDetail(f.detail)
		}))
	};
	const withoutSiretTable: TableData = {
		id: 'laureats-sans-siret',
		title: L('Lauréats sans SIRET valide (hors du fichier SCDL)', 'Winners without a valid SIRET (left out of the SCDL file)'),
		columns: [
			{ key: 'dossier', label: L('Dossier', 'Application'), href: '/app/candidatures/{dossier}', nowrap: true },
			{ key: 'raison_sociale', label: L('Entreprise', 'Company') },
			{ key: 'siren', label: L('SIREN', 'SIREN'), nowrap: true },
			{ key: 'siret', label: L('SIRET', 'SIRET'), nowrap: true }
		],
		rows: withoutSiret
	};
	return {
		totalLoads,
		byRule,
		flagCount: flags.length,
		tables: { history: historyTable, warnings: warningsTable, orphans: orphansTable, flags: flagsTable, withoutSiret: withoutSiretTable }
	};
}

/** `{"aide_demandee":105000,"plafond":100000}` → `aide_demandee = 105000 ; plafond = 100000`. */
export function describeDetail(detail: string | null): string {
	if (!detail) return '';
	try {
		const o = JSON.parse(detail) as Record<string, unknown>;
		return Object.entries(o)
			.map(([k, v]) => `${k} = ${Array.isArray(v) ? `[${v.join(', ')}]` : v === null ? '—' : String(v)}`)
			.join(' ; ');
	} catch {
		return detail;
	}
}
