import { requireUser } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

// The figures' pages are read as server-rendered HTML (their links and filter forms work
// without JavaScript): no client-side app, hence no data for hydration in every page (a third
// of the overview's bytes) nor its CSP hash. The pages that change something (admin/, compte/)
// turn it back on: the browser check of uploads, and forms that answer without a reload
// (reloading after issuing an API token must not issue another).
export const csr = false;

// Convenience only: every page and action under /app checks the session itself too.
export const load: LayoutServerLoad = async (event) => {
	const user = requireUser(event);
	return { appUser: user, lang: event.locals.lang };
};
