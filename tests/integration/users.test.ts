// Accounts of an organisation (administrators manage, coordinators read) and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, buildWorld } from '../fixtures/factories';
import type { DB, UserRow } from '../../src/server/db/schema';
import { authenticate } from '../../src/server/modules/auth';
import { accountKey } from '../../src/server/modules/auth/auth.repository';
import { updateUser } from '../../src/server/modules/users/users.service';
import { actorOf } from '../../src/server/http/context';
import { AppError } from '../../src/server/http/errors';
import { roles, type Role } from '../../src/shared/permissions';
import { auditListSchema, type AuditRecord } from '../../src/shared/schemas/audit';
import { userSchema, usersListSchema, userWithTemporaryPasswordSchema } from '../../src/shared/schemas/users';
import { countRows, expectError, nextIp, rawToken, send, signIn } from './support';

let t: TestApp;
let db: Kysely<DB>;

beforeAll(async () => {
  t = await startTestApp();
  db = t.db.database.db;
});
afterAll(async () => t?.close());

/** An organisation with an administrator (signed in) and one user of each other role. */
async function team() {
  const org = await buildOrganisation(db);
  const users = {} as Record<Role, UserRow>;
  for (const r of roles) users[r] = await buildUser(db, { organisationId: org.id, role: r });
  const admin = await signIn(t.app, users.administrator.email);
  return { org, users, admin };
}

const auditOf = (entityId: string) =>
  db.selectFrom('audit_log').select(['action', 'actor_user_id', 'actor_organisation_id', 'organisation_id', 'entity_type', 'changes']).where('entity_id', '=', entityId).orderBy('id').execute();
const loginStatus = async (email: string, password = TEST_PASSWORD) => (await send(t.app, null, 'POST', '/api/auth/login', { json: { email, password } })).statusCode;
const userRow = (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('administrator', () => {
  it('lists the accounts of the organisation only, and reads one', async () => {
    const { org, users, admin } = await team();
    await team(); // another organisation's accounts
    const res = await send(t.app, admin, 'GET', '/api/users');
    expect(res.statusCode).toBe(200);
    const list = usersListSchema.parse(res.json()).users;
    expect(list.map((u) => u.id).sort()).toEqual(Object.values(users).map((u) => u.id).sort());
    expect(list.every((u) => u.organisationId === org.id)).toBe(true);
    expect(res.body).not.toContain('scrypt');
    const one = await send(t.app, admin, 'GET', `/api/users/${users.reader.id}`);
    expect(userSchema.parse(one.json())).toMatchObject({ id: users.reader.id, role: 'reader', status: 'active', locked: false });
  });

  it('creates an account with a temporary password shown once; the user signs in with it and must change it', async () => {
    const { org, users, admin } = await team();
    const res = await send(t.app, admin, 'POST', '/api/users', { json: { email: '  Nouvelle.Personne@Test.FR ', displayName: ' Nouvelle Personne ', role: 'coordinator' } });
    expect(res.statusCode).toBe(201);
    const { user, temporaryPassword } = userWithTemporaryPasswordSchema.parse(res.json());
    expect(user).toMatchObject({ organisationId: org.id, email: 'nouvelle.personne@test.fr', displayName: 'Nouvelle Personne', role: 'coordinator', mustChangePassword: true, status: 'active' });
    expect(temporaryPassword).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
    // Never again: neither the list nor the account shows it; the database keeps only a hash.
    expect((await send(t.app, admin, 'GET', `/api/users/${user.id}`)).body).not.toContain(temporaryPassword);
    expect((await send(t.app, admin, 'GET', '/api/users')).body).not.toContain(temporaryPassword);
    expect((await userRow(user.id)).password_hash).not.toContain(temporaryPassword);

    const s = await signIn(t.app, 'nouvelle.personne@test.fr', temporaryPassword);
    expect(s.info.user).toMatchObject({ id: user.id, mustChangePassword: true, role: 'coordinator' });
    expectError(await send(t.app, s, 'GET', '/api/users'), 'password_change_required');

    expect(await auditOf(user.id)).toEqual([
      expect.objectContaining({
        action: 'user.created',
        actor_user_id: users.administrator.id,
        actor_organisation_id: org.id,
        organisation_id: org.id,
        entity_type: 'user',
        changes: { email: 'nouvelle.personne@test.fr', displayName: 'Nouvelle Personne', role: 'coordinator' },
      }),
      expect.objectContaining({ action: 'auth.login' }),
    ]);
  });

  it('refuses an e-mail already taken (whatever its case, whatever the organisation) with 409 email_taken, and records nothing', async () => {
    const { users, admin } = await team();
    const other = await team();
    const before = await countRows(db);
    for (const email of [users.reader.email, users.reader.email.toUpperCase(), other.users.reader.email]) {
      expectError(await send(t.app, admin, 'POST', '/api/users', { json: { email, displayName: 'Doublon', role: 'reader' } }), 'email_taken');
    }
    expect(await countRows(db)).toEqual(before);
  });

  it('changes a display name, a role and a status, with an audit record of each change', async () => {
    const { org, users, admin } = await team();
    const target = users.contributor;
    const targetSession = await signIn(t.app, target.email);
    const patch = (body: unknown) => send(t.app, admin, 'PATCH', `/api/users/${target.id}`, { json: body });

    const renamed = await patch({ displayName: 'Nom Changé' });
    expect(userSchema.parse(renamed.json())).toMatchObject({ displayName: 'Nom Changé', role: 'contributor' });
    // A new name does not end the user's sessions.
    expect((await send(t.app, targetSession, 'GET', '/api/auth/session')).json().user.displayName).toBe('Nom Changé');

    const promoted = await patch({ role: 'coordinator' });
    expect(promoted.json().role).toBe('coordinator');
    // A new role takes effect at the next login: the sessions end.
    expectError(await send(t.app, targetSession, 'GET', '/api/auth/session'), 'session_expired');
    const again = await signIn(t.app, target.email);
    expect(again.info.user.role).toBe('coordinator');
    expect(again.info.permissions).toContain('users.read');

    // The same value again changes nothing and records nothing.
    const auditCount = (await auditOf(target.id)).length;
    expect((await patch({ role: 'coordinator', displayName: 'Nom Changé' })).statusCode).toBe(200);
    expect((await auditOf(target.id)).length).toBe(auditCount);

    const updates = (await auditOf(target.id)).filter((r) => r.action === 'user.updated');
    expect(updates).toEqual([
      { action: 'user.updated', actor_user_id: users.administrator.id, actor_organisation_id: org.id, organisation_id: org.id, entity_type: 'user', changes: { displayName: { from: target.display_name, to: 'Nom Changé' } } },
      { action: 'user.updated', actor_user_id: users.administrator.id, actor_organisation_id: org.id, organisation_id: org.id, entity_type: 'user', changes: { role: { from: 'contributor', to: 'coordinator' } } },
    ]);
  });

  it('disabling an account ends its sessions at once and refuses its logins; enabling it again restores them', async () => {
    const { users, admin } = await team();
    const target = users.reader;
    const s1 = await signIn(t.app, target.email);
    const s2 = await signIn(t.app, target.email);
    const res = await send(t.app, admin, 'PATCH', `/api/users/${target.id}`, { json: { status: 'disabled' } });
    expect(res.json()).toMatchObject({ status: 'disabled' });
    expectError(await send(t.app, s1, 'GET', '/api/auth/session'), 'session_expired');
    expectError(await send(t.app, s2, 'GET', '/api/auth/session'), 'session_expired');
    expect(await db.selectFrom('sessions').select('id').where('user_id', '=', target.id).execute()).toEqual([]);
    expectError(await send(t.app, null, 'POST', '/api/auth/login', { json: { email: target.email, password: TEST_PASSWORD } }), 'account_disabled');

    expect((await send(t.app, admin, 'PATCH', `/api/users/${target.id}`, { json: { status: 'active' } })).json().status).toBe('active');
    expect(await loginStatus(target.email)).toBe(200);
    const changes = (await auditOf(target.id)).filter((r) => r.action === 'user.updated').map((r) => r.changes);
    expect(changes).toEqual([{ status: { from: 'active', to: 'disabled' } }, { status: { from: 'disabled', to: 'active' } }]);
  });

  it('may not change their own role or status (409 self_change_forbidden), but may rename themselves', async () => {
    const { users, admin } = await team();
    const me = users.administrator.id;
    const auditBefore = (await auditOf(me)).length;
    expectError(await send(t.app, admin, 'PATCH', `/api/users/${me}`, { json: { role: 'reader' } }), 'self_change_forbidden');
    expectError(await send(t.app, admin, 'PATCH', `/api/users/${me}`, { json: { status: 'disabled' } }), 'self_change_forbidden');
    expectError(await send(t.app, admin, 'PATCH', `/api/users/${me}`, { json: { displayName: 'Moi', role: 'coordinator' } }), 'self_change_forbidden');
    const row = await userRow(me);
    expect(row).toMatchObject({ role: 'administrator', status: 'active', display_name: users.administrator.display_name });
    expect((await auditOf(me)).length).toBe(auditBefore);
    expect((await send(t.app, admin, 'PATCH', `/api/users/${me}`, { json: { displayName: 'Moi-même' } })).json().displayName).toBe('Moi-même');
    // Keeping the same role is not a change.
    expect((await send(t.app, admin, 'PATCH', `/api/users/${me}`, { json: { role: 'administrator' } })).statusCode).toBe(200);
  });

  it('resets a password: a new temporary password, the sessions end, the old password and the lock go', async () => {
    const { org, users, admin } = await team();
    const target = users.contributor;
    const s = await signIn(t.app, target.email);
    await db.insertInto('login_throttle').values({ key: accountKey(target.email), failures: 5, window_start: new Date(), blocked_until: new Date(Date.now() + 3600_000) }).execute();
    expect((await send(t.app, admin, 'GET', `/api/users/${target.id}`)).json().locked).toBe(true);

    const first = userWithTemporaryPasswordSchema.parse((await send(t.app, admin, 'POST', `/api/users/${target.id}/reset-password`)).json());
    const second = userWithTemporaryPasswordSchema.parse((await send(t.app, admin, 'POST', `/api/users/${target.id}/reset-password`)).json());
    expect(second.temporaryPassword).not.toBe(first.temporaryPassword);
    expect(second.user).toMatchObject({ id: target.id, mustChangePassword: true, locked: false });
    expectError(await send(t.app, s, 'GET', '/api/auth/session'), 'session_expired');
    expect(await loginStatus(target.email, TEST_PASSWORD)).toBe(401);
    expect(await loginStatus(target.email, first.temporaryPassword)).toBe(401);
    const fresh = await signIn(t.app, target.email, second.temporaryPassword);
    expect(fresh.info.user.mustChangePassword).toBe(true);
    const resets = (await auditOf(target.id)).filter((r) => r.action === 'user.password_reset');
    expect(resets).toHaveLength(2);
    expect(resets[0]).toMatchObject({ actor_user_id: users.administrator.id, organisation_id: org.id });
    expect(JSON.stringify(resets)).not.toContain(second.temporaryPassword);
  });
});

describe('last administrator', () => {
  it('refuses to demote or disable the last active administrator (409 last_admin) — the case of a request authenticated just before the other administrator lost the role', async () => {
    const org = await buildOrganisation(db);
    const x = await buildUser(db, { organisationId: org.id, role: 'administrator' });
    const y = await buildUser(db, { organisationId: org.id, role: 'administrator' });
    const sx = await signIn(t.app, x.email);
    const sy = await signIn(t.app, y.email);
    // Y's request has passed authentication...
    const staleY = (await authenticate(t.services, rawToken(sy)))!;
    expect(staleY.user.role).toBe('administrator');
    // ...when X's demotion of Y commits.
    expect((await send(t.app, sx, 'PATCH', `/api/users/${y.id}`, { json: { role: 'coordinator' } })).statusCode).toBe(200);
    const before = await countRows(db);
    for (const body of [{ role: 'reader' as const }, { status: 'disabled' as const }, { role: 'coordinator' as const, displayName: 'Renommé' }]) {
      const err = await updateUser(t.services, staleY, actorOf(staleY, '127.0.0.1'), x.id, body).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'last_admin', status: 409 });
      expect((err as AppError).toBody().error.message).toBe('Impossible : l’organisation doit garder au moins un administrateur actif.');
    }
    expect(await countRows(db)).toEqual(before);
    expect(await userRow(x.id)).toMatchObject({ role: 'administrator', status: 'active', display_name: x.display_name });
  });

  it('two administrators demoting each other at the same time: one succeeds, the other is refused, one administrator remains', async () => {
    for (let round = 0; round < 6; round++) {
      const org = await buildOrganisation(db);
      const x = await buildUser(db, { organisationId: org.id, role: 'administrator' });
      const y = await buildUser(db, { organisationId: org.id, role: 'administrator' });
      const sx = await signIn(t.app, x.email);
      const sy = await signIn(t.app, y.email);
      const body = round % 2 ? { status: 'disabled' } : { role: 'reader' };
      const [rx, ry] = await Promise.all([
        send(t.app, sx, 'PATCH', `/api/users/${y.id}`, { json: body }),
        send(t.app, sy, 'PATCH', `/api/users/${x.id}`, { json: body }),
      ]);
      const statuses = [rx.statusCode, ry.statusCode].sort();
      expect(statuses, `${rx.body} / ${ry.body}`).toContain(200);
      const refused = rx.statusCode === 200 ? ry : rx;
      // Refused as the last administrator, or (if the demotion committed before its session was read) signed out.
      expect(['last_admin', 'session_expired'], refused.body).toContain(refused.json().error.code);
      const admins = await db.selectFrom('users').select('id').where('organisation_id', '=', org.id).where('role', '=', 'administrator').where('status', '=', 'active').execute();
      expect(admins).toHaveLength(1);
    }
  });
});

describe('coordinator', () => {
  it('reads the accounts but manages none of them (403 forbidden), nor reads the audit trail', async () => {
    const { users } = await team();
    const s = await signIn(t.app, users.coordinator.email);
    expect((await send(t.app, s, 'GET', '/api/users')).statusCode).toBe(200);
    expect((await send(t.app, s, 'GET', `/api/users/${users.reader.id}`)).statusCode).toBe(200);
    const before = await countRows(db);
    expectError(await send(t.app, s, 'POST', '/api/users', { json: { email: 'coord-cree@test.fr', displayName: 'Essai', role: 'reader' } }), 'forbidden');
    expectError(await send(t.app, s, 'PATCH', `/api/users/${users.reader.id}`, { json: { role: 'administrator' } }), 'forbidden');
    expectError(await send(t.app, s, 'PATCH', `/api/users/${users.coordinator.id}`, { json: { role: 'administrator' } }), 'forbidden');
    expectError(await send(t.app, s, 'POST', `/api/users/${users.reader.id}/reset-password`), 'forbidden');
    expectError(await send(t.app, s, 'POST', `/api/users/${users.reader.id}/unlock`), 'forbidden');
    expectError(await send(t.app, s, 'GET', '/api/audit'), 'forbidden');
    expect(await countRows(db)).toEqual(before);
  });
});

describe('audit trail', () => {
  it('is written in the same transaction as the change: when the audit record cannot be written, the change is undone', async () => {
    const { users, admin } = await team();
    // A trigger that makes the audit insert of these two actions fail.
    await sql`CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action IN ('user.updated', 'user.created') THEN RAISE EXCEPTION 'audit indisponible'; END IF; RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_audit()`.execute(db);
    try {
      const before = await countRows(db);
      const inject = (method: 'PATCH' | 'POST', url: string, payload: object) =>
        t.app.inject({ method, url, payload, remoteAddress: nextIp(), headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
      const patched = await inject('PATCH', `/api/users/${users.reader.id}`, { displayName: 'Jamais écrit', status: 'disabled' });
      expectError(patched, 'internal_error');
      const created = await inject('POST', '/api/users', { email: 'jamais-cree@test.fr', displayName: 'Jamais créé', role: 'reader' });
      expectError(created, 'internal_error');
      expect(await userRow(users.reader.id)).toMatchObject({ display_name: users.reader.display_name, status: 'active' });
      expect(await db.selectFrom('users').select('id').where('email', '=', 'jamais-cree@test.fr').execute()).toEqual([]);
      expect(await countRows(db)).toEqual(before);
    } finally {
      await sql`DROP TRIGGER test_fail_audit ON audit_log`.execute(db);
      await sql`DROP FUNCTION test_fail_audit()`.execute(db);
    }
  });

  it('records the other writes too: shares created and removed, announcements, unlocks — with actor, organisation and changes', async () => {
    const { org, users, admin } = await team();
    const partner = await buildOrganisation(db, { kind: 'partner' });
    const share = (await send(t.app, admin, 'POST', '/api/shares', { json: { granteeOrganisationId: partner.id, resourceType: 'announcements', access: 'read' } })).json();
    expect((await send(t.app, admin, 'DELETE', `/api/shares/${share.id}`)).statusCode).toBe(204);
    const announcement = (await send(t.app, admin, 'POST', '/api/announcements', { json: { text: 'Point de situation à 17 h', level: 'urgent' } })).json();
    expect((await send(t.app, admin, 'POST', `/api/users/${users.reader.id}/unlock`)).statusCode).toBe(200);
    const by = { actor_user_id: users.administrator.id, actor_organisation_id: org.id, organisation_id: org.id };
    expect(await auditOf(share.id)).toEqual([
      { action: 'share.created', entity_type: 'share', ...by, changes: { grantee: partner.name, resourceType: 'announcements', resourceId: null, access: 'read' } },
      { action: 'share.deleted', entity_type: 'share', ...by, changes: { grantee: partner.id, resourceType: 'announcements', resourceId: null, access: 'read' } },
    ]);
    expect(await auditOf(announcement.id)).toEqual([{ action: 'announcement.created', entity_type: 'announcement', ...by, changes: { level: 'urgent', text: 'Point de situation à 17 h' } }]);
    expect(await auditOf(users.reader.id)).toEqual([{ action: 'user.unlocked', entity_type: 'user', ...by, changes: {} }]);
  });

  it('a write that fails leaves no audit record', async () => {
    const { users, admin } = await team();
    const before = await countRows(db);
    expectError(await send(t.app, admin, 'POST', '/api/users', { json: { email: users.reader.email, displayName: 'Doublon', role: 'reader' } }), 'email_taken');
    expectError(await send(t.app, admin, 'PATCH', `/api/users/${users.administrator.id}`, { json: { role: 'reader' } }), 'self_change_forbidden');
    expectError(await send(t.app, admin, 'PATCH', `/api/users/${crypto.randomUUID()}`, { json: { role: 'reader' } }), 'not_found');
    expectError(await send(t.app, admin, 'POST', `/api/users/${crypto.randomUUID()}/reset-password`), 'not_found');
    expectError(await send(t.app, admin, 'POST', '/api/shares', { json: { granteeOrganisationId: crypto.randomUUID(), resourceType: 'announcements', access: 'read' } }), 'share_invalid');
    expect(await countRows(db)).toEqual(before);
  });

  it('is append-only in the database: UPDATE, DELETE and TRUNCATE of audit_log throw', async () => {
    await team(); // at least a few records
    const count = (await countRows(db)).audit_log;
    expect(count).toBeGreaterThan(0);
    await expect(db.updateTable('audit_log').set({ action: 'falsifié' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.updateTable('audit_log').set({ changes: JSON.stringify({}) }).where('id', '=', 1).execute();
      }),
    ).rejects.toThrow(/append-only/);
    expect((await countRows(db)).audit_log).toBe(count);
    expect(await db.selectFrom('audit_log').select('id').where('action', '=', 'falsifié').execute()).toEqual([]);
  });

  it('GET /api/audit: the caller’s organisation only, newest first, paginated with before/nextBefore, administrators only', async () => {
    const w = await buildWorld(db);
    const adminA = await signIn(t.app, w.usersA.administrator.email);
    const adminB = await signIn(t.app, w.usersB.administrator.email);
    for (let i = 0; i < 3; i++) {
      await send(t.app, adminA, 'POST', '/api/users', { json: { email: `audit-a-${i}-${w.a.id}@test.fr`, displayName: `Compte A ${i}`, role: 'reader' } });
      await send(t.app, adminB, 'POST', '/api/users', { json: { email: `audit-b-${i}-${w.b.id}@test.fr`, displayName: `Compte B ${i}`, role: 'reader' } });
    }
    await send(t.app, adminA, 'PATCH', `/api/users/${w.usersA.reader.id}`, { json: { displayName: 'Lecteur renommé' } });

    const all = auditListSchema.parse((await send(t.app, adminA, 'GET', '/api/audit?limit=500')).json());
    expect(all.nextBefore).toBeNull();
    const expected = await db.selectFrom('audit_log').select('id').where('organisation_id', '=', w.a.id).orderBy('id', 'desc').execute();
    expect(all.records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(all.records.length).toBeGreaterThanOrEqual(5); // 3 creations, 1 update, 1 login at least
    expect(all.records.every((r) => r.organisationId === w.a.id)).toBe(true);
    const update = all.records.find((r) => r.action === 'user.updated')!;
    expect(update).toMatchObject({
      actorUserId: w.usersA.administrator.id,
      actorName: w.usersA.administrator.display_name,
      actorOrganisationId: w.a.id,
      entityType: 'user',
      entityId: w.usersA.reader.id,
      changes: { displayName: { from: w.usersA.reader.display_name, to: 'Lecteur renommé' } },
    });
    expect(update.ip).toMatch(/^10\./);

    // Pages of 2, following nextBefore, give the same records in the same order, each once.
    const paged: AuditRecord[] = [];
    let before: number | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res = await send(t.app, adminA, 'GET', `/api/audit?limit=2${before === null ? '' : `&before=${before}`}`);
      const page = auditListSchema.parse(res.json());
      expect(page.records.length).toBeLessThanOrEqual(2);
      paged.push(...page.records);
      before = page.nextBefore;
      if (before === null) break;
      expect(before).toBe(page.records.at(-1)!.id);
    }
    expect(paged.map((r) => r.id)).toEqual(all.records.map((r) => r.id));

    const users = auditListSchema.parse((await send(t.app, adminA, 'GET', '/api/audit?limit=500&entityType=user')).json()).records;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((r) => r.entityType === 'user')).toBe(true);

    for (const r of ['coordinator', 'contributor', 'reader'] as const) {
      const s = await signIn(t.app, w.usersA[r].email);
      expectError(await send(t.app, s, 'GET', '/api/audit'), 'forbidden');
    }
  });
});
