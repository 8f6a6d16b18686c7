import { sql, type Kysely } from 'kysely';
import type { DB, EventRow } from '../../db/schema';
import type { AuthContext } from '../../http/context';

/**
 * Events with their type, author and number of sub-events: those the person sees (`auth`), or,
 * for a message broadcast to every viewer (`null`), those that follow the parent's audience.
 */
export function eventSummaryQuery(db: Kysely<DB>, auth: AuthContext | null) {
  const childVisible = !auth
    ? sql`c.audience <> 'restricted'`
    : auth.guest
      ? sql`${auth.guest.includeChildren}`
      : sql`event_access(c.id, ${auth.user.id}) <> 'none'`;
  return db
    .selectFrom('events as e')
    .innerJoin('event_types as t', 't.id', 'e.type_id')
    .innerJoin('users as u', 'u.id', 'e.created_by')
    .selectAll('e')
    .select(['t.name as type_name', 'u.display_name as created_by_name'])
    .select(sql<string | null>`(SELECT r.name FROM pcs_risks r WHERE r.id = e.risk_id)`.as('risk_name'))
    .select(sql<number>`(SELECT count(*)::int FROM events c WHERE c.parent_id = e.id AND ${childVisible})`.as('child_count'))
    .select(sql<boolean>`event_restricted(e.id)`.as('restricted'));
}
export type EventSummaryRow = Awaited<ReturnType<ReturnType<typeof eventSummaryQuery>['executeTakeFirstOrThrow']>>;

export async function findEvent(db: Kysely<DB>, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The event row locked for the transaction, with the database clock at millisecond precision. */
export async function lockEvent(db: Kysely<DB>, id: string): Promise<(EventRow & { now: Date }) | undefined> {
  return db
    .selectFrom('events')
    .selectAll()
    .select(sql<Date>`date_trunc('milliseconds', now())`.as('now'))
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function ancestorsOf(db: Kysely<DB>, id: string) {
  const r = await sql<{ id: string; title: string; status: EventRow['status']; depth: number }>`
    WITH RECURSIVE up(id, title, status, parent_id, depth) AS (
      SELECT p.id, p.title, p.status, p.parent_id, 1 FROM events e JOIN events p ON p.id = e.parent_id WHERE e.id = ${id}
      UNION ALL
      SELECT p.id, p.title, p.status, p.parent_id, up.depth + 1 FROM events p JOIN up ON p.id = up.parent_id WHERE up.depth < 20
    )
    SELECT id, title, status, depth FROM up ORDER BY depth DESC`.execute(db);
  return r.rows;
}
