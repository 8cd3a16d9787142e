/** npm run kpis -- [--db PATH]: the headline figures as JSON (exports.md §6). */
import { computeKpis } from '../src/lib/server/figures/kpis';
import { args, main, openDatabase } from './lib/cli';

main(async () => {
	const { values } = args({});
	const db = await openDatabase(values.db, { mustExist: true });
	try {
		console.log(JSON.stringify(await computeKpis(db), null, 2));
	} finally {
		db.close();
	}
});
