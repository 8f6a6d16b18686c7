import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, EventRow } from '../../db/schema';
import type { AuthContext } from '../../http/context';

/** What a person may do on an event, before the role's permission (checked by the route). */
export type EventAccess = 'none' | 'read' | 'write';

/**
 * Who sees an event is decided in one place, the SQL function `event_access(event, user)`
 * (migration 0007): members of the owner organisation within the audience of the event (its type,
 * its ancestors, its own list), partner organisations through an explicit share of the event or of
 * its type. Guests (invited by link, no account) see the invited event, and its sub-events when
 * the link says so. Lists, search, exports, realtime and single reads all ask these functions.
 */
export function visibleEventIdsSql(auth: AuthContext): RawBuilder<unknown> {
  if (auth.guest) return guestTreeSql(auth);
  const me = auth.user.organisationId;
  return sql`(
    SELECT e.id FROM events e
    WHERE (e.organisation_id = ${me} OR e.organisation_id IN (
        SELECT s.owner_organisation_id FROM shares s WHERE s.grantee_organisation_id = ${me} AND s.resource_type IN ('events', 'event_types')))
      AND event_access(e.id, ${auth.user.id}) <> 'none'
  )`;
}

/** Events of other organisations the person may see (shares): search reads their entries apart. */
export function sharedEventIdsSql(auth: AuthContext): RawBuilder<unknown> {
  const me = auth.user.organisationId;
  return sql`(
    SELECT e.id FROM events e
    WHERE e.organisation_id IN (
        SELECT s.owner_organisation_id FROM shares s WHERE s.grantee_organisation_id = ${me} AND s.resource_type IN ('events', 'event_types'))
      AND event_access(e.id, ${auth.user.id}) <> 'none'
  )`;
}

/** Events of the person's own organisation hidden from them (restricted audiences): usually none or few. */
export function hiddenOwnEventIdsSql(auth: AuthContext): RawBuilder<unknown> {
  const me = auth.user.organisationId;
  // Nothing is hidden from an administrator, nor in an organisation with no restricted type or
  // event (the common case): then no event is even looked at.
  if (auth.user.role === 'administrator') return sql`ARRAY[]::uuid[]`;
  return sql`ARRAY(
    SELECT e.id FROM events e
    WHERE (EXISTS (SELECT 1 FROM event_types t WHERE t.organisation_id = ${me} AND t.audience = 'restricted')
        OR EXISTS (SELECT 1 FROM events r WHERE r.organisation_id = ${me} AND r.audience = 'restricted'))
      AND e.organisation_id = ${me} AND event_access(e.id, ${auth.user.id}) = 'none')`;
}

function guestTreeSql(auth: AuthContext): RawBuilder<unknown> {
  const g = auth.guest!;
  return sql`(
    WITH RECURSIVE tree(id) AS (
      SELECT id FROM events WHERE id = ${g.eventId}
      UNION
      SELECT c.id FROM events c JOIN tree t ON c.parent_id = t.id WHERE ${g.includeChildren}
    )
    SELECT id FROM tree
  )`;
}

export async function eventAccess(db: Kysely<DB>, auth: AuthContext, event: Pick<EventRow, 'id'>): Promise<EventAccess> {
  if (auth.guest) {
    const r = await sql<{ ok: boolean }>`SELECT ${event.id}::uuid IN ${guestTreeSql(auth)} AS ok`.execute(db);
    return r.rows[0]?.ok === true ? auth.guest.access : 'none';
  }
  const r = await sql<{ access: EventAccess }>`SELECT event_access(${event.id}::uuid, ${auth.user.id}::uuid) AS access`.execute(db);
  return r.rows[0]?.access ?? 'none';
}

export async function canReadEvent(db: Kysely<DB>, auth: AuthContext, event: Pick<EventRow, 'id' | 'organisation_id'>): Promise<boolean> {
  return (await eventAccess(db, auth, event)) !== 'none';
}

/** Writing also needs the role's permission, checked by the route. */
export async function canWriteEvent(db: Kysely<DB>, auth: AuthContext, event: Pick<EventRow, 'id' | 'organisation_id'>): Promise<boolean> {
  return (await eventAccess(db, auth, event)) === 'write';
}

/**
 * Managing an event (update, close, reopen, sub-events, audience, guests) stays with its own
 * organisation, for those who may write in it (the route checks `events.manage`).
 */
export function canManageEvent(auth: AuthContext, event: Pick<EventRow, 'organisation_id'>, access: EventAccess): boolean {
  return !auth.guest && event.organisation_id === auth.user.organisationId && access === 'write';
}

/**
 * The event and what the person may do on it, in one round trip (members: the row and
 * `event_access` together), or undefined when it does not exist.
 */
export async function findEventWithAccess(db: Kysely<DB>, auth: AuthContext, id: string): Promise<(EventRow & { access: EventAccess }) | undefined> {
  if (auth.guest) {
    const e = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return e ? { ...e, access: await eventAccess(db, auth, e) } : undefined;
  }
  return db
    .selectFrom('events')
    .selectAll()
    .select(sql<EventAccess>`event_access(id, ${auth.user.id}::uuid)`.as('access'))
    .where('id', '=', id)
    .executeTakeFirst();
}
