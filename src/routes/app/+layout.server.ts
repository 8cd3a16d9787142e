import { requireUser } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

// Convenience only: every page and action under /app checks the session itself too.
export const load: LayoutServerLoad = async (event) => {
	const user = requireUser(event);
	return { appUser: user, lang: event.locals.lang };
};
