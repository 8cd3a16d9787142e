import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	return {
		lang: locals.lang,
		user: locals.user ? { email: locals.user.email, role: locals.user.role, org: locals.user.org } : null
	};
};
