// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Lang } from '$lib/i18n';

declare global {
	namespace App {
		interface Locals {
			lang: Lang;
			/** The signed-in user, set by hooks.server.ts from the session cookie; null when anonymous. */
			user: {
				id: string;
				email: string;
				role: 'admin' | 'auditor' | 'consortium';
				org: string | null;
			} | null;
			session: { id: string; expiresAt: Date } | null;
		}
		interface Error {
			message: string;
			/** A machine-readable code for API clients: unauthorized, forbidden, too_many_requests… */
			error?: string;
		}
		interface PageData {
			lang: Lang;
		}
	}
}

export {};
