/**
 * npm run import -- [--db PATH] [--dry-run] [--json] [--lang fr|en] FILE...
 * Detects each file's kind, checks every file, loads them together or not at all.
 * Exit 0 when loaded (or valid, with --dry-run); exit 1 when refused, the report on stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatIssue } from '../src/lib/domain/check';
import { KIND_LABELS } from '../src/lib/domain/schemas';
import { importExports } from '../src/lib/server/import/load';
import { actor, args, main, openDatabase } from './lib/cli';

main(async () => {
	const { values, positionals } = args({
		'dry-run': { type: 'boolean' },
		json: { type: 'boolean' },
		lang: { type: 'string' }
	});
	const lang = values.lang === 'en' ? 'en' : 'fr';
	if (positionals.length === 0) {
		console.error('Usage : npm run import -- [--db CHEMIN] [--dry-run] FICHIER...');
		return 2;
	}
	const inputs = [];
	for (const file of positionals) {
		try {
			inputs.push({ name: path.basename(file), bytes: new Uint8Array(fs.readFileSync(file)) });
		} catch {
			console.error(`${file} : fichier introuvable ou illisible. Rien n’a été chargé.`);
			return 1;
		}
	}
	const db = await openDatabase(values.db);
	try {
		const result = await importExports(db, inputs, { actor: actor(), source: 'cli', dryRun: values['dry-run'] });
		if (values.json) console.log(JSON.stringify(result, null, 2));
		for (const w of result.warnings) console.error(`${lang === 'fr' ? 'avertissement' : 'warning'}: ${formatIssue(w, lang)}`);
		if (!result.ok) {
			const n = result.errors.length;
			const rows = new Set(result.errors.map((e) => `${e.file}:${e.row}`)).size;
			console.error(
				lang === 'fr'
					? `Chargement refusé : ${n} erreur${n > 1 ? 's' : ''} sur ${rows} ligne${rows > 1 ? 's' : ''}. Rien n’a été chargé ; les données restent celles d’avant.`
					: `Load refused: ${n} error${n > 1 ? 's' : ''} on ${rows} row${rows > 1 ? 's' : ''}. Nothing was loaded; the data is as it was.`
			);
			for (const e of result.errors) console.error(`erreur: ${formatIssue(e, lang)}`);
			return 1;
		}
		for (const f of result.files) {
			const verb = result.dryRun ? (lang === 'fr' ? 'valide' : 'valid') : lang === 'fr' ? 'chargé' : 'loaded';
			const label = f.kind ? KIND_LABELS[f.kind][lang] : '?';
			if (!values.json) console.log(`${f.file}: ${label}, ${f.rows} ${lang === 'fr' ? 'lignes' : 'rows'}, ${f.encoding}, « ${f.delimiter} » — ${verb}`);
		}
		return 0;
	} finally {
		db.close();
	}
});
