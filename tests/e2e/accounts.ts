/** The accounts the end-to-end server is seeded with (tests/e2e/seed-accounts.ts), with their passwords. */
export type TestAccount = 'admin' | 'auditor' | 'nexedi' | 'clever';

export const ACCOUNTS: Record<TestAccount, { email: string; password: string; role: 'admin' | 'auditor' | 'consortium'; org: string | null }> = {
	admin: { email: 'admin@test.local', password: 'Orchid-canal-4417', role: 'admin', org: null },
	auditor: { email: 'auditor@test.local', password: 'Harbour-lamp-9021', role: 'auditor', org: null },
	nexedi: { email: 'nexedi@test.local', password: 'Granite-owl-3388', role: 'consortium', org: 'nexedi' },
	clever: { email: 'clever@test.local', password: 'Meadow-flint-5563', role: 'consortium', org: 'clever-cloud' }
};
