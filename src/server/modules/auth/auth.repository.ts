import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export const accountKey = (email: string) => `account:${email.toLowerCase()}`;
export const addressKey = (ip: string) => `address:${ip}`;

export async function findUserByEmail(db: Kysely<DB>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function insertSession(
  db: Kysely<DB>,
  s: { id: string; userId: string; csrfToken: string; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  await db
    .insertInto('sessions')
    .values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

/** The session with its user and organisation, if it is still valid (not expired, not idle, user active). */
export async function findLiveSession(db: Kysely<DB>, sessionId: string, idleMs: number) {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .select([
      's.id as session_id',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'u.id as user_id',
      'u.email',
      'u.display_name',
      'u.role',
      'u.must_change_password',
      'o.id as org_id',
      'o.kind as org_kind',
      'o.name as org_name',
      'o.insee_code as org_insee_code',
      'o.department_code as org_department_code',
      'o.created_at as org_created_at',
      sql<string[]>`coalesce((SELECT array_agg(uf.function_id) FROM user_functions uf WHERE uf.user_id = u.id), '{}')`.as('function_ids'),
    ])
    .where('s.id', '=', sessionId)
    .where('u.status', '=', 'active')
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
    .executeTakeFirst();
}

export async function touchSession(db: Kysely<DB>, sessionId: string) {
  await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Kysely<DB>, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Deletes the user's sessions (all, or all but one); returns the ids deleted. */
export async function deleteUserSessions(db: Kysely<DB>, userId: string, exceptSessionId?: string): Promise<string[]> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  return (await q.returning('id').execute()).map((r) => r.id);
}

export async function blockedKeys(db: Kysely<DB>, keys: string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('login_throttle')
    .select('key')
    .where('key', 'in', keys)
    .where('blocked_until', '>', sql<Date>`now()`)
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Counts a failure in a sliding window of `windowMs`; blocks the key for `windowMs` at `max`. Returns true when blocked now. */
export async function countFailure(db: Kysely<DB>, key: string, max: number, windowMs: number): Promise<boolean> {
  const secs = windowMs / 1000;
  const row = await db
    .insertInto('login_throttle')
    .values({ key, failures: 1, window_start: sql`now()` })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`CASE WHEN login_throttle.window_start < now() - make_interval(secs => ${secs}) THEN 1 ELSE login_throttle.failures + 1 END`,
        window_start: sql`CASE WHEN login_throttle.window_start < now() - make_interval(secs => ${secs}) THEN now() ELSE login_throttle.window_start END`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  if (row.failures >= max) {
    await db
      .updateTable('login_throttle')
      .set({ blocked_until: sql`now() + make_interval(secs => ${secs})` })
      .where('key', '=', key)
      .execute();
    return true;
  }
  return false;
}

export async function clearThrottle(db: Kysely<DB>, key: string) {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export async function lockedEmails(db: Kysely<DB>, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const keys = await blockedKeys(db, emails.map(accountKey));
  return new Set(emails.filter((e) => keys.has(accountKey(e))));
}

/** A guest's session, if its link is still valid (not revoked, not expired) and it is not idle. */
export async function findLiveGuestSession(db: Kysely<DB>, sessionId: string, idleMs: number) {
  return db
    .selectFrom('guest_sessions as g')
    .innerJoin('guest_links as l', 'l.id', 'g.link_id')
    .innerJoin('events as e', 'e.id', 'l.event_id')
    .innerJoin('organisations as o', 'o.id', 'l.organisation_id')
    .select([
      'g.id as session_id',
      'g.guest_id',
      'g.name',
      'g.csrf_token',
      'g.last_seen_at',
      'l.id as link_id',
      'l.event_id',
      'l.include_children',
      'l.access',
      'l.expires_at',
      'e.title as event_title',
      'o.id as org_id',
      'o.name as org_name',
    ])
    .where('g.id', '=', sessionId)
    .where('l.revoked_at', 'is', null)
    .where('l.expires_at', '>', sql<Date>`now()`)
    .where('g.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
    .executeTakeFirst();
}
