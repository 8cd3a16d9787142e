import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The bricks are listed on the overview (one page per brick under /briques/<id>). */
export const load: PageServerLoad = () => {
	redirect(308, '/#bricks');
};
