import type { Kysely } from 'kysely';
import type { DB, UserRow, UserUpdate } from '../../db/schema';
import { AppError, notFound } from '../../http/errors';
import type { Actor, AuthContext, Services } from '../../http/context';
import type { CreateUserBody, UpdateUserBody, User, UserWithTemporaryPassword } from '../../../shared/schemas/users';
import { topicOf } from '../../../shared/realtime';
import { recordAudit } from '../audit/audit.repository';
import { accountKey, clearThrottle, deleteUserSessions, generateTemporaryPassword, hashPassword, lockedEmails } from '../auth';
import * as repo from './users.repository';
import { afterAudienceChange, requireActiveItems } from '../events';
import { presentUser } from './users.presenter';

async function functionsOf(db: Kysely<DB>, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (userIds.length === 0) return out;
  const rows = await db.selectFrom('user_functions').select(['user_id', 'function_id']).where('user_id', 'in', userIds).execute();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.function_id]);
  return out;
}

async function present(db: Kysely<DB>, u: UserRow): Promise<User> {
  const [locked, fns] = await Promise.all([lockedEmails(db, [u.email]), functionsOf(db, [u.id])]);
  return presentUser(u, locked.has(u.email), fns.get(u.id) ?? []);
}

export async function listUsers(services: Services, auth: AuthContext): Promise<User[]> {
  const rows = await repo.listUsers(services.db, auth.user.organisationId);
  const [locked, fns] = await Promise.all([lockedEmails(services.db, rows.map((r) => r.email)), functionsOf(services.db, rows.map((r) => r.id))]);
  return rows.map((r) => presentUser(r, locked.has(r.email), fns.get(r.id) ?? []));
}

export async function getUser(services: Services, auth: AuthContext, id: string): Promise<User> {
  const u = await repo.findUserInOrganisation(services.db, id, auth.user.organisationId);
  if (!u) throw notFound();
  return present(services.db, u);
}

async function notifyUsersChanged(services: Services, tx: Kysely<DB>, organisationId: string, userId: string) {
  await services.realtime.publish(tx, topicOf('organisation', organisationId), { kind: 'users.changed', userId });
}

/** Creates an account in the administrator's organisation with a one-time temporary password. */
export async function createUser(services: Services, auth: AuthContext, actor: Actor, body: CreateUserBody): Promise<UserWithTemporaryPassword> {
  const temporaryPassword = generateTemporaryPassword();
  const hash = await hashPassword(temporaryPassword, services.config.scryptCost);
  const user = await services.db.transaction().execute(async (tx) => {
    if (await repo.emailExists(tx, body.email)) throw new AppError('email_taken');
    const u = await repo
      .insertUser(tx, {
        organisation_id: auth.user.organisationId,
        email: body.email,
        display_name: body.displayName,
        role: body.role,
        password_hash: hash,
        must_change_password: true,
      })
      .catch((err: unknown) => {
        // Two administrators creating the same address at once: the unique index decides.
        if (String((err as { code?: string }).code) === '23505') throw new AppError('email_taken');
        throw err;
      });
    await recordAudit(tx, actor, {
      action: 'user.created',
      entityType: 'user',
      entityId: u.id,
      organisationId: u.organisation_id,
      changes: { email: u.email, displayName: u.display_name, role: u.role },
    });
    await notifyUsersChanged(services, tx, u.organisation_id, u.id);
    return u;
  });
  return { user: presentUser(user, false), temporaryPassword };
}

export async function updateUser(services: Services, auth: AuthContext, actor: Actor, id: string, body: UpdateUserBody): Promise<User> {
  const updated = await services.db.transaction().execute(async (tx) => {
    const before = await repo.findUserInOrganisation(tx, id, auth.user.organisationId);
    if (!before) throw notFound();
    const roleChanges = body.role !== undefined && body.role !== before.role;
    const statusChanges = body.status !== undefined && body.status !== before.status;
    if (id === auth.user.id && (roleChanges || statusChanges)) throw new AppError('self_change_forbidden');
    const losesAdmin =
      before.role === 'administrator' && before.status === 'active' && ((roleChanges && body.role !== 'administrator') || body.status === 'disabled');
    if (losesAdmin && (await repo.countOtherActiveAdmins(tx, before.organisation_id, before.id)) === 0) throw new AppError('last_admin');

    const set: UserUpdate = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (body.displayName !== undefined && body.displayName !== before.display_name) {
      set.display_name = body.displayName;
      changes.displayName = { from: before.display_name, to: body.displayName };
    }
    if (roleChanges) {
      set.role = body.role;
      changes.role = { from: before.role, to: body.role };
    }
    if (statusChanges) {
      set.status = body.status;
      changes.status = { from: before.status, to: body.status };
    }
    let functionsChanged = false;
    if (body.functionIds !== undefined) {
      const wanted = [...new Set(body.functionIds)].sort();
      const current = (await tx.selectFrom('user_functions').select('function_id').where('user_id', '=', id).execute()).map((r) => r.function_id).sort();
      if (JSON.stringify(wanted) !== JSON.stringify(current)) {
        await requireActiveItems(tx, 'crisis_functions', before.organisation_id, wanted, 'unknown_function');
        await tx.deleteFrom('user_functions').where('user_id', '=', id).execute();
        if (wanted.length) await tx.insertInto('user_functions').values(wanted.map((f) => ({ user_id: id, function_id: f }))).execute();
        changes.functionIds = { from: current, to: wanted };
        functionsChanged = true;
      }
    }
    if (Object.keys(set).length === 0 && !functionsChanged) return before;
    const after = Object.keys(set).length ? await repo.updateUser(tx, id, set) : before;
    if (functionsChanged || roleChanges) {
      // Rights by function or role may open or close events for this person: lists reload, and
      // realtime subscriptions no longer allowed end.
      await afterAudienceChange(services, tx, before.organisation_id, null);
    }
    if (body.status === 'disabled' || roleChanges) {
      // A disabled account loses its sessions at once; a new role takes effect at the next login.
      await deleteUserSessions(tx, id);
      await services.realtime.endSessions(tx, { userIds: [id] }, body.status === 'disabled' ? 'account_disabled' : 'role_changed');
    }
    await recordAudit(tx, actor, { action: 'user.updated', entityType: 'user', entityId: id, organisationId: after.organisation_id, changes });
    await notifyUsersChanged(services, tx, after.organisation_id, id);
    return after;
  });
  return present(services.db, updated);
}

export async function resetPassword(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<UserWithTemporaryPassword> {
  const target = await repo.findUserInOrganisation(services.db, id, auth.user.organisationId);
  if (!target) throw notFound();
  const temporaryPassword = generateTemporaryPassword();
  const hash = await hashPassword(temporaryPassword, services.config.scryptCost);
  const updated = await services.db.transaction().execute(async (tx) => {
    const after = await repo.updateUser(tx, id, { password_hash: hash, must_change_password: true, password_changed_at: new Date() });
    await deleteUserSessions(tx, id);
    await services.realtime.endSessions(tx, { userIds: [id] }, 'password_reset');
    await clearThrottle(tx, accountKey(after.email));
    await recordAudit(tx, actor, { action: 'user.password_reset', entityType: 'user', entityId: id, organisationId: after.organisation_id });
    await notifyUsersChanged(services, tx, after.organisation_id, id);
    return after;
  });
  return { user: presentUser(updated, false), temporaryPassword };
}

export async function unlockUser(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<User> {
  const target = await repo.findUserInOrganisation(services.db, id, auth.user.organisationId);
  if (!target) throw notFound();
  await services.db.transaction().execute(async (tx) => {
    await clearThrottle(tx, accountKey(target.email));
    await recordAudit(tx, actor, { action: 'user.unlocked', entityType: 'user', entityId: id, organisationId: target.organisation_id });
    await notifyUsersChanged(services, tx, target.organisation_id, id);
  });
  return presentUser(target, false);
}
