/** Test accounts for the end-to-end tests (filled in by the access-control work). */
import type { Database } from '../../src/lib/server/db/database';

export async function seedTestAccounts(_db: Database): Promise<void> {}
