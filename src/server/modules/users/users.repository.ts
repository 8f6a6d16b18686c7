import { sql, type Kysely } from 'kysely';
import type { DB, NewUser, UserRow, UserUpdate } from '../../db/schema';

export async function listUsers(db: Kysely<DB>, organisationId: string): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('organisation_id', '=', organisationId).orderBy('display_name').execute();
}

/** A user of the given organisation only: another organisation's user reads as absent. */
export async function findUserInOrganisation(db: Kysely<DB>, id: string, organisationId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).where('organisation_id', '=', organisationId).executeTakeFirst();
}

export async function emailExists(db: Kysely<DB>, email: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined;
}

export async function insertUser(db: Kysely<DB>, user: NewUser): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
}

export async function updateUser(db: Kysely<DB>, id: string, set: UserUpdate): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ ...set, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Active administrators of the organisation other than `exceptId`. Every active administrator of
 * the organisation, `exceptId` included, is locked for the transaction, in id order: two
 * administrators demoting each other at once then wait for one another (the second one counts
 * after the first commits) instead of each locking only the other's row and deadlocking.
 */
export async function countOtherActiveAdmins(db: Kysely<DB>, organisationId: string, exceptId: string): Promise<number> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'administrator')
    .where('status', '=', 'active')
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.filter((r) => r.id !== exceptId).length;
}
