/**
 * Every page load, form action and endpoint under /app and /api checks the session itself
 * (a layout does not protect actions or endpoints). This test reads the route files and
 * fails for any handler that does not call requireUser / requireApiUser, directly or
 * through a helper of the same file that does.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src/routes/app', 'src/routes/api'];
const GUARD = /\brequire(Api)?User\s*\(/;
const HANDLERS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'fallback', 'load']);

function routeFiles(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return routeFiles(p);
		return /^\+(page|layout)\.server\.ts$|^\+server\.ts$/.test(e.name) ? [p] : [];
	});
}

/** Handlers that do not reach a guard: `load`, each action, each HTTP method. */
function unguarded(file: string): string[] {
	const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	// Top-level functions (declarations or arrow constants) whose body calls a guard.
	const helpers = new Set<string>();
	for (const st of source.statements) {
		if (ts.isFunctionDeclaration(st) && st.name && GUARD.test(st.getText())) helpers.add(st.name.text);
		if (ts.isVariableStatement(st)) {
			for (const d of st.declarationList.declarations) {
				if (ts.isIdentifier(d.name) && d.initializer && GUARD.test(d.initializer.getText())) helpers.add(d.name.text);
			}
		}
	}
	const guarded = (node: ts.Node) => {
		const text = node.getText();
		if (GUARD.test(text)) return true;
		return [...helpers].some((h) => new RegExp(`\\b${h}\\s*\\(`).test(text));
	};
	const missing: string[] = [];
	const isExported = (st: ts.Statement) =>
		ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
	for (const st of source.statements) {
		if (!isExported(st)) continue;
		if (ts.isFunctionDeclaration(st) && st.name && HANDLERS.has(st.name.text) && !guarded(st)) missing.push(st.name.text);
		if (!ts.isVariableStatement(st)) continue;
		for (const d of st.declarationList.declarations) {
			if (!ts.isIdentifier(d.name) || !d.initializer) continue;
			const name = d.name.text;
			if (HANDLERS.has(name) && !guarded(d.initializer)) missing.push(name);
			if (name === 'actions') {
				let init: ts.Expression = d.initializer;
				while (ts.isSatisfiesExpression(init) || ts.isAsExpression(init)) init = init.expression;
				if (!ts.isObjectLiteralExpression(init)) {
					missing.push('actions (not an object literal: cannot check)');
					continue;
				}
				for (const prop of init.properties) if (!guarded(prop)) missing.push(`actions.${prop.name?.getText() ?? '?'}`);
			}
		}
	}
	return missing;
}

describe('every /app and /api handler checks the session itself', () => {
	const files = ROOTS.flatMap(routeFiles);
	it('finds the route files', () => {
		expect(files.length).toBeGreaterThan(3);
	});
	for (const file of files) {
		it(file, () => {
			expect(unguarded(file)).toEqual([]);
		});
	}
});
