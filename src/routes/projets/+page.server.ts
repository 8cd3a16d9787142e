import { openPublic } from '$lib/server/public/kit';
import type { PageServerLoad } from './$types';

export const csr = false;

/** Filters live in the URL (`?brique=sozu&region=Bretagne&releve=2`), so a filtered list can be shared. */
export const load: PageServerLoad = async (event) => {
	const pub = await openPublic(event, { page: true });
	const q = event.url.searchParams;
	const all = await pub.projects();
	const bricks = [...new Set(all.flatMap((p) => p.bricks))].sort();
	const regions = [...new Set(all.map((p) => p.region).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'fr'));
	const brick = q.get('brique') || undefined;
	const region = q.get('region') || undefined;
	const releveRaw = q.get('releve');
	const releve = releveRaw === '1' || releveRaw === '2' ? Number(releveRaw) : undefined;
	const filter = {
		...(brick && bricks.includes(brick) ? { brick } : {}),
		...(region && regions.includes(region) ? { region } : {}),
		...(releve ? { releve } : {})
	};
	const filtered = Object.keys(filter).length > 0;
	const projects = filtered ? await pub.projects(filter) : all;
	return {
		projects,
		totals: await pub.totals(filter),
		reconciliation: (await pub.overview()).reconciliation,
		filter: { brick: filter.brick ?? '', region: filter.region ?? '', releve: filter.releve ? String(filter.releve) : '' },
		filtered,
		options: { bricks, regions },
		total: all.length
	};
};
