import { bricksChart, envelopeChart, envelopeParts, openPublic, regionsChart } from '$lib/server/public/kit';
import type { PageServerLoad } from './$types';

/** Public pages are plain HTML: no client-side JavaScript, no data shipped to the browser twice. */
export const csr = false;

export const load: PageServerLoad = async (event) => {
	const pub = await openPublic(event, { page: true });
	const overview = await pub.overview();
	const lang = event.locals.lang;
	const publications = (await pub.projects())
		.filter((p) => p.openSource.published && p.openSource.codeUrl)
		.map((p) => ({ dossier: p.dossier, company: p.company, title: p.title, url: p.openSource.codeUrl!, licence: p.openSource.licence, terminated: p.terminated }));
	return {
		overview,
		publications,
		envelope: envelopeParts(overview, lang),
		// Drawn once per data version and language.
		charts: await pub.derived(`home-charts:${lang}`, () => ({
			envelope: envelopeChart(overview, lang),
			bricks: bricksChart(overview.bricks, lang),
			regions: regionsChart(overview.regions, lang)
		}))
	};
};
