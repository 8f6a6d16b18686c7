// Authentication: session cookie, login throttling per account and per address, logout,
// password change, forced password change, idle and absolute expiry, token storage.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { startTestApp, TEST_PASSWORD, type Session, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser } from '../fixtures/factories';
import type { DB, OrganisationRow } from '../../src/server/db/schema';
import { sessionSchema } from '../../src/shared/schemas/auth';
import type { Role } from '../../src/shared/permissions';
import { countRows, expectError, nextIp, rawToken, send, serverErrors, signIn } from './support';

const MAX_PER_ADDRESS = 6;
const NEW_PASSWORD = 'une-phrase-de-passe-neuve';

let t: TestApp;
let proxied: TestApp;
let db: Kysely<DB>;
let org: OrganisationRow;

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ADDRESS: String(MAX_PER_ADDRESS), SESSION_IDLE_MINUTES: '5' });
  // A second instance on the same database, behind a (trusted) reverse proxy.
  proxied = await startTestApp({ TRUST_PROXY: 'true', COOKIE_SECURE: 'auto' }, t.db);
  db = t.db.database.db;
  org = await buildOrganisation(db);
});
afterAll(async () => {
  await proxied?.close();
  await t?.close();
});

const newUser = (o: { role?: Role; status?: 'active' | 'disabled'; mustChangePassword?: boolean } = {}) =>
  buildUser(db, { organisationId: org.id, role: 'contributor', ...o });

function loginRequest(app: TestApp, email: string, password: string, ip = nextIp(), headers: Record<string, string> = {}) {
  return send(app.app, null, 'POST', '/api/auth/login', { json: { email, password }, ip, headers });
}

const whoAmI = (s: Session) => send(t.app, s, 'GET', '/api/auth/session');

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, lives as long as the session, and is not Secure over plain HTTP', async () => {
    const u = await newUser();
    const res = await loginRequest(t, u.email, TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = sessionSchema.parse(res.json());
    expect(body.user).toMatchObject({ id: u.id, email: u.email, role: 'contributor', mustChangePassword: false });
    const cookie = res.cookies.find((c) => c.name === 'vigie_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 12 * 3600 });
    expect(cookie.secure).toBeFalsy();
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/);
    // Neither the token nor the hash is in the body.
    expect(res.body).not.toContain(cookie.value);
    expect(res.body).not.toContain('scrypt');
  });

  it('is Secure behind a trusted proxy that received HTTPS, not over plain HTTP, and an untrusted X-Forwarded-Proto is ignored', async () => {
    const u = await newUser();
    const https = await loginRequest(proxied, u.email, TEST_PASSWORD, nextIp(), { 'x-forwarded-proto': 'https' });
    expect(https.statusCode).toBe(200);
    expect(https.cookies.find((c) => c.name === 'vigie_session')!.secure).toBe(true);
    expect(String(https.headers['set-cookie'])).toMatch(/; Secure/);

    const http = await loginRequest(proxied, u.email, TEST_PASSWORD, nextIp(), { 'x-forwarded-proto': 'http' });
    expect(http.cookies.find((c) => c.name === 'vigie_session')!.secure).toBeFalsy();

    // Without TRUST_PROXY, anyone could send the header: it does not count.
    const spoofed = await loginRequest(t, u.email, TEST_PASSWORD, nextIp(), { 'x-forwarded-proto': 'https' });
    expect(spoofed.cookies.find((c) => c.name === 'vigie_session')!.secure).toBeFalsy();
  });

  it('stores only the SHA-256 of the token: sessions.id is its hex digest, and the token itself is nowhere in the table', async () => {
    const u = await newUser();
    const s = await signIn(t.app, u.email);
    const token = rawToken(s);
    const digest = createHash('sha256').update(token).digest('hex');
    const rows = await db.selectFrom('sessions').selectAll().where('user_id', '=', u.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(digest);
    expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0].csrf_token).toBe(s.csrf);
    expect(rows[0].csrf_token).not.toBe(token);
    // The digest itself is not a credential.
    expectError(await send(t.app, { ...s, cookie: `vigie_session=${digest}` }, 'GET', '/api/auth/session'), 'session_expired');
  });
});

describe('login', () => {
  it('a wrong password and an unknown e-mail get the same 401 invalid_credentials', async () => {
    const u = await newUser();
    const wrong = await loginRequest(t, u.email, 'pas-le-bon-mot-de-passe');
    const unknown = await loginRequest(t, `inconnu-${u.id}@test.fr`, 'pas-le-bon-mot-de-passe');
    expectError(wrong, 'invalid_credentials');
    expectError(unknown, 'invalid_credentials');
    expect(unknown.body).toBe(wrong.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // The e-mail is matched without regard to case.
    expect((await loginRequest(t, u.email.toUpperCase(), TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('locks the account after 5 failures (from any addresses), even for the right password, until an administrator unlocks it', async () => {
    const admin = await newUser({ role: 'administrator' });
    const u = await newUser();
    for (let i = 1; i <= 4; i++) expectError(await loginRequest(t, u.email, `faux-${i}`), 'invalid_credentials');
    expectError(await loginRequest(t, u.email, 'faux-5'), 'account_locked');
    expectError(await loginRequest(t, u.email, TEST_PASSWORD), 'account_locked');
    expectError(await loginRequest(t, u.email, TEST_PASSWORD), 'account_locked');

    const adminSession = await signIn(t.app, admin.email);
    const listed = (await send(t.app, adminSession, 'GET', `/api/users/${u.id}`)).json();
    expect(listed.locked).toBe(true);
    const unlocked = await send(t.app, adminSession, 'POST', `/api/users/${u.id}/unlock`);
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ id: u.id, locked: false });
    expect((await loginRequest(t, u.email, TEST_PASSWORD)).statusCode).toBe(200);

    const actions = (await db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('entity_id', '=', u.id).orderBy('id').execute()).map((r) => r.action);
    expect(actions).toEqual(['auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.account_locked', 'user.unlocked', 'auth.login']);
  });

  it(`refuses an address with 429 too_many_attempts after ${MAX_PER_ADDRESS} failures across accounts; other addresses are not affected`, async () => {
    const ip = nextIp();
    const users = await Promise.all(Array.from({ length: MAX_PER_ADDRESS + 1 }, () => newUser()));
    for (let i = 0; i < MAX_PER_ADDRESS; i++) expectError(await loginRequest(t, users[i].email, 'pas-le-bon', ip), 'invalid_credentials');
    // Blocked now, whatever the account and even with the right password.
    const blocked = await loginRequest(t, users[MAX_PER_ADDRESS].email, TEST_PASSWORD, ip);
    expectError(blocked, 'too_many_attempts');
    expect(blocked.headers['retry-after']).toBe('60');
    expectError(await loginRequest(t, users[0].email, TEST_PASSWORD, ip), 'too_many_attempts');
    // No account is locked by this (one failure each): from elsewhere they sign in.
    for (const u of users) expect((await loginRequest(t, u.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('a disabled account gets 403 account_disabled with the right password (and the usual 401 with a wrong one)', async () => {
    const u = await newUser({ status: 'disabled' });
    const before = await countRows(db);
    expectError(await loginRequest(t, u.email, TEST_PASSWORD), 'account_disabled');
    expect((await countRows(db)).sessions).toBe(before.sessions);
    expectError(await loginRequest(t, u.email, 'pas-le-bon'), 'invalid_credentials');
  });
});

describe('logout', () => {
  it('ends this session only: the cookie is cleared and no longer works', async () => {
    const u = await newUser();
    const s1 = await signIn(t.app, u.email);
    const s2 = await signIn(t.app, u.email);
    const res = await send(t.app, s1, 'POST', '/api/auth/logout');
    expect(res.statusCode).toBe(204);
    const cleared = res.cookies.find((c) => c.name === 'vigie_session')!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThanOrEqual(Date.now());
    expectError(await whoAmI(s1), 'session_expired');
    expectError(await send(t.app, s1, 'POST', '/api/auth/logout'), 'session_expired');
    expect((await whoAmI(s2)).statusCode).toBe(200);
    expect(await db.selectFrom('sessions').select('id').where('id', '=', createHash('sha256').update(rawToken(s1)).digest('hex')).execute()).toEqual([]);
  });

  it('logout-all ends every session of the user, not those of others', async () => {
    const u = await newUser();
    const other = await newUser();
    const s1 = await signIn(t.app, u.email);
    const s2 = await signIn(t.app, u.email);
    const s3 = await signIn(t.app, other.email);
    expect((await send(t.app, s2, 'POST', '/api/auth/logout-all')).statusCode).toBe(204);
    expectError(await whoAmI(s1), 'session_expired');
    expectError(await whoAmI(s2), 'session_expired');
    expect((await whoAmI(s3)).statusCode).toBe(200);
    expect(await db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute()).toEqual([]);
    const audit = await db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', u.id).where('action', '=', 'auth.logout_all').execute();
    expect(audit).toEqual([{ action: 'auth.logout_all', changes: { sessionsEnded: 2 } }]);
  });
});

describe('password change', () => {
  it('checks the current password and the new one, then ends the other sessions and keeps this one', async () => {
    const u = await newUser();
    const s1 = await signIn(t.app, u.email);
    const s2 = await signIn(t.app, u.email);
    const change = (s: Session, body: unknown) => send(t.app, s, 'POST', '/api/auth/password', { json: body });

    expectError(await change(s1, { currentPassword: 'pas-le-bon', newPassword: NEW_PASSWORD }), 'wrong_current_password');
    const short = expectError(await change(s1, { currentPassword: TEST_PASSWORD, newPassword: 'court' }), 'validation_failed');
    expect(short.details).toEqual([expect.objectContaining({ path: 'newPassword', message: 'Au moins 12 caractères.' })]);
    expectError(await change(s1, { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }), 'password_reused');
    // Nothing changed so far: both sessions live, the old password works.
    expect((await whoAmI(s2)).statusCode).toBe(200);

    const ok = await change(s1, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.statusCode).toBe(200);
    expect(sessionSchema.parse(ok.json()).user.id).toBe(u.id);
    expect((await whoAmI(s1)).statusCode).toBe(200);
    expectError(await whoAmI(s2), 'session_expired');

    expect((await loginRequest(t, u.email, NEW_PASSWORD)).statusCode).toBe(200);
    expectError(await loginRequest(t, u.email, TEST_PASSWORD), 'invalid_credentials');
    const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id', 'organisation_id', 'changes']).where('entity_id', '=', u.id).where('action', '=', 'auth.password_changed').execute();
    expect(audit).toEqual([{ action: 'auth.password_changed', actor_user_id: u.id, organisation_id: org.id, changes: { otherSessionsEnded: 1 } }]);
  });

  it('a user who must change a temporary password gets 403 password_change_required elsewhere until it is changed', async () => {
    const u = await newUser({ role: 'administrator', mustChangePassword: true });
    const s = await signIn(t.app, u.email);
    expect(s.info.user.mustChangePassword).toBe(true);
    expectError(await send(t.app, s, 'GET', '/api/users'), 'password_change_required');
    expectError(await send(t.app, s, 'GET', '/api/announcements'), 'password_change_required');
    expectError(await send(t.app, s, 'POST', '/api/announcements', { json: { text: 'Avant changement' } }), 'password_change_required');
    expect((await whoAmI(s)).statusCode).toBe(200);
    expect((await send(t.app, null, 'GET', '/api/health')).statusCode).toBe(200);

    const changed = await send(t.app, s, 'POST', '/api/auth/password', { json: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().user.mustChangePassword).toBe(false);
    expect((await send(t.app, s, 'GET', '/api/users')).statusCode).toBe(200);
    expect((await db.selectFrom('users').select('must_change_password').where('id', '=', u.id).executeTakeFirstOrThrow()).must_change_password).toBe(false);
  });
});

describe('session lifetime', () => {
  const sessionId = (s: Session) => createHash('sha256').update(rawToken(s)).digest('hex');

  it('expires after SESSION_IDLE_MINUTES without activity (401 session_expired), and activity keeps it alive', async () => {
    const u = await newUser();
    const idle = await signIn(t.app, u.email);
    const active = await signIn(t.app, u.email);
    await db.updateTable('sessions').set({ last_seen_at: sql`now() - interval '6 minutes'` }).where('id', '=', sessionId(idle)).execute();
    await db.updateTable('sessions').set({ last_seen_at: sql`now() - interval '4 minutes'` }).where('id', '=', sessionId(active)).execute();
    expectError(await whoAmI(idle), 'session_expired');
    expectError(await send(t.app, idle, 'POST', '/api/announcements', { json: { text: 'Trop tard' } }), 'session_expired');
    expect((await whoAmI(active)).statusCode).toBe(200);
    // That request counted as activity: the idle clock restarted.
    const row = await db.selectFrom('sessions').select(sql<number>`extract(epoch from now() - last_seen_at)`.as('age')).where('id', '=', sessionId(active)).executeTakeFirstOrThrow();
    expect(Number(row.age)).toBeLessThan(60);
  });

  it('expires at expires_at whatever the activity (401 session_expired)', async () => {
    const u = await newUser();
    const s = await signIn(t.app, u.email);
    expect(new Date(s.info.expiresAt).getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
    await db.updateTable('sessions').set({ expires_at: sql`now() - interval '1 second'` }).where('id', '=', sessionId(s)).execute();
    expectError(await whoAmI(s), 'session_expired');
  });

  it('a cookie that names no session is session_expired; no cookie at all is unauthenticated', async () => {
    expectError(await send(t.app, { cookie: 'vigie_session=nimporte-quoi', csrf: 'x', info: undefined as never }, 'GET', '/api/auth/session'), 'session_expired');
    expectError(await send(t.app, { cookie: `vigie_session=${'a'.repeat(500)}`, csrf: 'x', info: undefined as never }, 'GET', '/api/auth/session'), 'session_expired');
    expectError(await send(t.app, null, 'GET', '/api/auth/session'), 'unauthenticated');
  });

  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
