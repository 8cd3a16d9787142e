/**
 * Loads @biscuit-auth/biscuit-wasm (the programme's own authorization brick) in Node.
 *
 * The package is built for bundlers: its entry does `import * as wasm from "./biscuit_bg.wasm"`,
 * which Node only runs as an experimental feature (with a warning) and which Vite would try
 * to bundle. Instead we instantiate the WebAssembly module ourselves from the package files,
 * the way the entry would, and hand its exports to the JavaScript glue. Works the same under
 * tsx, vitest and the built server; loaded once, on first use.
 */
import fs from 'node:fs';
import type * as BiscuitModule from '@biscuit-auth/biscuit-wasm';

export type Biscuit = typeof BiscuitModule;

let loading: Promise<Biscuit> | null = null;

async function load(): Promise<Biscuit> {
	const entry = import.meta.resolve('@biscuit-auth/biscuit-wasm');
	const bg = await import(/* @vite-ignore */ new URL('./biscuit_bg.js', entry).href);
	const wasmFile = new URL('./biscuit_bg.wasm', entry);
	const module = await WebAssembly.compile(fs.readFileSync(wasmFile));
	// The glue module and the small JavaScript snippets the wasm imports (performance.now).
	const imports: Record<string, WebAssembly.ModuleImports> = {};
	for (const { module: name } of WebAssembly.Module.imports(module)) {
		if (imports[name]) continue;
		imports[name] = name === './biscuit_bg.js' ? bg : await import(/* @vite-ignore */ new URL(name, entry).href);
	}
	const instance = await WebAssembly.instantiate(module, imports);
	bg.__wbg_set_wasm(instance.exports);
	// Its start function logs "biscuit-wasm loading": keep the server's output clean.
	const log = console.log;
	console.log = () => undefined;
	try {
		(instance.exports.__wbindgen_start as () => void)();
	} finally {
		console.log = log;
	}
	const biscuit = bg as Biscuit;
	warmUp(biscuit);
	return biscuit;
}

/**
 * One throw-away sign-and-authorize, so that the first real request does not pay the
 * WebAssembly compilation tiers inside the authorizer's time limit.
 */
function warmUp(b: Biscuit): void {
	const pair = new b.KeyPair(b.SignatureAlgorithm.Ed25519);
	const builder = b.Biscuit.builder();
	builder.addCode('user("warm-up"); check if time($t), $t <= 2100-01-01T00:00:00Z;');
	const token = b.Biscuit.fromBase64(builder.build(pair.getPrivateKey()).toBase64(), pair.getPublicKey());
	for (let i = 0; i < 3; i++) {
		const authorizer = new b.AuthorizerBuilder();
		authorizer.addCode(`time(${new Date().toISOString()}); allow if user($u);`);
		try {
			authorizer.buildAuthenticated(token).authorizeWithLimits({ max_facts: 1000, max_iterations: 100, max_time_micro: 5_000_000 });
		} catch {
			// Only warming up.
		}
	}
}

export function loadBiscuit(): Promise<Biscuit> {
	if (!loading) {
		loading = load();
		loading.catch(() => {
			loading = null;
		});
	}
	return loading;
}
