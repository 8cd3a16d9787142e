import net from 'node:net';
import { defineConfig } from '@playwright/test';

/** A port nothing listens on now, so that two test runs on one host do not clash. */
async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

// E2E_PORT chooses the port; otherwise a free one is picked once, in the runner, and handed to the
// test workers (which load this file again) through the environment they inherit.
process.env.E2E_PORT ??= String(await freePort());
const PORT = Number(process.env.E2E_PORT);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.test.ts',
	timeout: 60_000,
	fullyParallel: false,
	workers: 1,
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		}
	},
	webServer: {
		command: `tsx tests/e2e/serve.ts`,
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: false,
		timeout: 60_000,
		env: {
			HOX_DB: 'tests/.tmp/e2e.duckdb',
			PORT: String(PORT),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${PORT}`,
			// The sign-in brake counts failures per address: tests that make many failed sign-ins send
			// their own X-Forwarded-For, so they never lock out 127.0.0.1 for the other tests.
			HOX_TRUST_PROXY: '1',
			// Every uploaded file with rows is checked in two halves, the second in a worker thread
			// (src/lib/server/import/split.ts): the built worker is exercised by every upload test.
			HOX_SPLIT_CHECK_BYTES: '1'
		}
	}
});
