import { requireUser } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

// The figures' pages are read as server-rendered HTML (their links and filter forms work
// without JavaScript): no client-side app, hence no data for hydration in every page (a third
// of the overview's bytes) nor its CSP hash. The pages that change something (admin/, compte/)
// keep the client app, as they were built and tested: the upload form checks files in the
// browser, and the token form's page is not posted again when reloaded (tests/e2e/auth.test.ts).
export const csr = false;

// Convenience only: every page and action under /app checks the session itself too.
export const load: LayoutServerLoad = async (event) => {
	const user = requireUser(event);
	return { appUser: user, lang: event.locals.lang };
};
