import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, EventRow } from '../../db/schema';
import type { AuthContext } from '../../http/context';
import type { ShareAccess } from '../../../shared/schemas/organisations';

/**
 * Who sees an event: the members of its organisation, and organisations that hold a share of
 * "events" from it — all of them, or this event or one of its ancestors (a sub-event inherits its
 * parent's audience). Rights per event type, function and guests (a later capability) plug in here.
 */
export function visibleEventIdsSql(organisationId: string, access: ShareAccess = 'read'): RawBuilder<unknown> {
  const writeOnly = access === 'write' ? sql`AND s.access = 'write'` : sql``;
  return sql`(
    WITH RECURSIVE shared(id) AS (
      SELECT e.id FROM events e
      JOIN shares s ON s.owner_organisation_id = e.organisation_id
        AND s.grantee_organisation_id = ${organisationId}
        AND s.resource_type = 'events'
        AND (s.resource_id IS NULL OR s.resource_id = e.id) ${writeOnly}
      UNION
      SELECT c.id FROM events c JOIN shared p ON c.parent_id = p.id
    )
    SELECT id FROM shared
  )`;
}

async function sharedWith(db: Kysely<DB>, auth: AuthContext, event: Pick<EventRow, 'id'>, access: ShareAccess): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`SELECT ${event.id}::uuid IN ${visibleEventIdsSql(auth.user.organisationId, access)} AS ok`.execute(db);
  return r.rows[0]?.ok === true;
}

export async function canReadEvent(db: Kysely<DB>, auth: AuthContext, event: Pick<EventRow, 'id' | 'organisation_id'>): Promise<boolean> {
  if (event.organisation_id === auth.user.organisationId) return true;
  return sharedWith(db, auth, event, 'read');
}

/** Writing also needs the role's permission, checked by the route. */
export async function canWriteEvent(db: Kysely<DB>, auth: AuthContext, event: Pick<EventRow, 'id' | 'organisation_id'>): Promise<boolean> {
  if (event.organisation_id === auth.user.organisationId) return true;
  return sharedWith(db, auth, event, 'write');
}

/** Managing an event (update, close, reopen, sub-events) stays with its own organisation. */
export function canManageEvent(auth: AuthContext, event: Pick<EventRow, 'organisation_id'>): boolean {
  return event.organisation_id === auth.user.organisationId;
}
