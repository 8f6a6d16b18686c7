import { sql, type Kysely } from 'kysely';
import type { DB, MapLayerRow, PerimeterRow } from '../../db/schema';
import type { AuthContext } from '../../http/context';
import { visibleEventIdsSql, type EventAccess } from '../events';

export type LayerListRow = MapLayerRow & { created_by_name: string; event_access: EventAccess | null };

/**
 * Layers a member may see: those their organisation shares with all its events, and those
 * attached to an event they see (`event_access`, the one definition of event visibility);
 * `eventId` keeps, of the attached ones, only that event's. `event_access` is null for a shared layer.
 */
export function visibleLayersQuery(db: Kysely<DB>, auth: AuthContext, eventId?: string) {
  const me = auth.user.organisationId;
  return db
    .selectFrom('map_layers as l')
    .innerJoin('users as u', 'u.id', 'l.created_by')
    .selectAll('l')
    .select('u.display_name as created_by_name')
    .select(sql<EventAccess | null>`CASE WHEN l.event_id IS NULL THEN NULL ELSE event_access(l.event_id, ${auth.user.id}::uuid) END`.as('event_access'))
    .where((eb) =>
      eb.or([
        eb.and([eb('l.organisation_id', '=', me), eb('l.event_id', 'is', null)]),
        eventId ? eb('l.event_id', '=', eventId) : eb('l.event_id', 'in', visibleEventIdsSql(auth) as never),
      ]),
    );
}

/** One layer with its author's name and the person's access to its event (null for a shared layer). */
export async function findLayer(db: Kysely<DB>, auth: AuthContext, id: string, lock = false): Promise<LayerListRow | undefined> {
  let q = db
    .selectFrom('map_layers as l')
    .innerJoin('users as u', 'u.id', 'l.created_by')
    .selectAll('l')
    .select('u.display_name as created_by_name')
    .select(sql<EventAccess | null>`CASE WHEN l.event_id IS NULL THEN NULL ELSE event_access(l.event_id, ${auth.user.id}::uuid) END`.as('event_access'))
    .where('l.id', '=', id);
  if (lock) q = q.forUpdate('l');
  return q.executeTakeFirst();
}

export async function layerFeaturesHash(db: Kysely<DB>, id: string): Promise<string | undefined> {
  return (await db.selectFrom('map_layer_data').select('sha256').where('layer_id', '=', id).executeTakeFirst())?.sha256;
}

/** The stored features: the gzip-compressed copy when asked for and stored, else the text. */
export async function layerFeatures(db: Kysely<DB>, id: string, gzip: boolean): Promise<{ geojson: string | null; gzip: Uint8Array | null } | undefined> {
  if (gzip) {
    const row = await db
      .selectFrom('map_layer_data')
      .select(['geojson_gzip', sql<string | null>`CASE WHEN geojson_gzip IS NULL THEN geojson END`.as('geojson')])
      .where('layer_id', '=', id)
      .executeTakeFirst();
    return row ? { geojson: row.geojson, gzip: row.geojson_gzip } : undefined;
  }
  const row = await db.selectFrom('map_layer_data').select('geojson').where('layer_id', '=', id).executeTakeFirst();
  return row ? { geojson: row.geojson, gzip: null } : undefined;
}

export async function perimetersOf(db: Kysely<DB>, eventId: string): Promise<PerimeterRow[]> {
  return db.selectFrom('event_perimeters').selectAll().where('event_id', '=', eventId).orderBy('created_at').orderBy('id').execute();
}

export async function findPerimeter(db: Kysely<DB>, id: string, lock = false): Promise<PerimeterRow | undefined> {
  let q = db.selectFrom('event_perimeters').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The event's entries that carry a position, oldest first (the map's points of the main courante). */
export async function locatedEntries(db: Kysely<DB>, eventId: string) {
  return db
    .selectFrom('log_entries')
    .select(['id', 'seq', 'kind', 'occurred_at', 'author_name', 'function_name', 'source', 'text', 'important', 'corrects_id', 'position'])
    .where('event_id', '=', eventId)
    .where('position', 'is not', null)
    .orderBy('seq')
    .execute();
}

/** The event's sub-events (at any depth) that the person may see, with their place. */
export async function visibleDescendants(db: Kysely<DB>, auth: AuthContext, eventId: string) {
  const r = await sql<{ id: string; parent_id: string; title: string; status: string; severity: number; place: unknown }>`
    WITH RECURSIVE tree(id, depth) AS (
      SELECT c.id, 1 FROM events c WHERE c.parent_id = ${eventId}
      UNION ALL
      SELECT c.id, t.depth + 1 FROM events c JOIN tree t ON c.parent_id = t.id WHERE t.depth < 20
    )
    SELECT e.id, e.parent_id, e.title, e.status, e.severity, e.place
    FROM events e JOIN tree t ON t.id = e.id
    WHERE e.id IN ${visibleEventIdsSql(auth)}
    ORDER BY t.depth, e.starts_at, e.id`.execute(db);
  return r.rows;
}
