export const ADMIN = { email: 'admin@e2e.test', name: 'Admin E2E', password: 'Sentinelle-e2e-2025!' } as const;
export const ORGANISATION = { name: 'Ville de Test', kind: 'commune', insee: '34172' } as const;
/** Password the tests give to users once they choose their own. */
export const USER_PASSWORD = 'Phrase-de-passe-solide-42';
