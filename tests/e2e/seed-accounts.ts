/** Test accounts for the end-to-end tests: one per audience, passwords in ./accounts.ts. */
import type { Database } from '../../src/lib/server/db/database';
import { createUser } from '../../src/lib/server/auth/users';
import { ACCOUNTS } from './accounts';

export async function seedTestAccounts(db: Database): Promise<void> {
	for (const account of Object.values(ACCOUNTS)) {
		await createUser(db, account, 'e2e-setup');
	}
}
