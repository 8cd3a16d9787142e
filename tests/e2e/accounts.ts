/** The accounts the end-to-end server is seeded with (tests/e2e/seed-accounts.ts), with their passwords. */
export type TestAccount = 'admin' | 'auditor' | 'nexedi' | 'clever';

export const ACCOUNTS: Record<TestAccount, { email: string; password: string; role: 'admin' | 'auditor' | 'consortium'; org: string | null }> = {
	admin: { email: 'admin@test.local', password: 'admin-Passw0rd-e2e', role: 'admin', org: null },
	auditor: { email: 'auditor@test.local', password: 'auditor-Passw0rd-e2e', role: 'auditor', org: null },
	nexedi: { email: 'nexedi@test.local', password: 'nexedi-Passw0rd-e2e', role: 'consortium', org: 'nexedi' },
	clever: { email: 'clever@test.local', password: 'clever-Passw0rd-e2e', role: 'consortium', org: 'clever-cloud' }
};
