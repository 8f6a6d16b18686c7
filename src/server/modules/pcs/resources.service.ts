import { sql, type Kysely } from 'kysely';
import type { DB, EventRow, ResourceRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import {
  resourceKindLabels,
  type CreateResourceBody,
  type EngageResourceBody,
  type Resource,
  type SetOccupancyBody,
  type UpdateResourceBody,
} from '../../../shared/schemas/pcs';
import { recordAudit } from '../audit';
import { eventAccess, lockEvent, requireVisibleEvent, systemEntry } from '../events';
import { requireNameFree } from './editing.service';

type ResourceView = ResourceRow & { event_title: string | null; event_visible: boolean };

/** Resources with the title of the event each is engaged on, and whether the person asking sees that event. */
function resourcesQuery(db: Kysely<DB>, auth: AuthContext | null) {
  const visible = auth ? sql<boolean>`coalesce(event_access(r.engaged_event_id, ${auth.user.id}::uuid) <> 'none', false)` : sql<boolean>`true`;
  return db
    .selectFrom('resources as r')
    .leftJoin('events as e', 'e.id', 'r.engaged_event_id')
    .selectAll('r')
    .select(['e.title as event_title'])
    .select(visible.as('event_visible'));
}

export function presentResource(r: ResourceView): Resource {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    status: r.status,
    address: r.address,
    position: r.lon !== null && r.lat !== null ? { lon: r.lon, lat: r.lat } : null,
    capacity: r.capacity,
    occupancy: r.occupancy,
    note: r.note,
    // Someone who does not see the event learns that the resource is engaged, not where.
    engagedEvent: r.engaged_event_id ? (r.event_visible ? { id: r.engaged_event_id, title: r.event_title ?? '' } : { id: null, title: 'Événement non visible' }) : null,
    engagedAt: r.engaged_at ? r.engaged_at.toISOString() : null,
    engagedByName: r.engaged_by_name,
    archived: r.archived,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface ResourcesQuery {
  kind?: Resource['kind'];
  status?: Resource['status'];
  eventId?: string;
  archived: 'true' | 'false';
}

export async function listResources(services: Services, auth: AuthContext, q: ResourcesQuery): Promise<Resource[]> {
  let query = resourcesQuery(services.db, auth).where('r.organisation_id', '=', auth.user.organisationId);
  if (q.eventId) {
    await requireVisibleEvent(services.db, auth, q.eventId);
    query = query.where('r.engaged_event_id', '=', q.eventId);
  }
  if (q.kind) query = query.where('r.kind', '=', q.kind);
  if (q.status) query = query.where('r.status', '=', q.status);
  if (q.archived !== 'true') query = query.where('r.archived', '=', false);
  const rows = await query.orderBy('r.kind').orderBy(sql`lower(r.name)`).execute();
  return rows.map(presentResource);
}

async function viewOf(db: Kysely<DB>, auth: AuthContext | null, id: string): Promise<Resource> {
  return presentResource(await resourcesQuery(db, auth).where('r.id', '=', id).executeTakeFirstOrThrow());
}

async function publishBoard(services: Services, tx: Kysely<DB>, organisationId: string) {
  await services.realtime.publish(tx, topicOf('organisation', organisationId), { kind: 'plan.changed', part: 'resources' });
}

async function publishOnEvent(services: Services, tx: Kysely<DB>, eventId: string, resourceId: string) {
  // Subscribers of the event's topic see the event: the resource is shown with its title.
  await services.realtime.publish(tx, topicOf('event', eventId), { kind: 'resource.updated', eventId, resource: await viewOf(tx, null, resourceId) });
}

const nameTaken = (err: unknown) => err instanceof Error && /resources_name_key|duplicate key/.test(err.message);

export async function createResource(services: Services, auth: AuthContext, actor: Actor, body: CreateResourceBody): Promise<Resource> {
  const id = await services.db.transaction().execute(async (tx) => {
    await requireNameFree(tx, 'resources', auth.user.organisationId, body.name);
    const row = await tx
      .insertInto('resources')
      .values({
        organisation_id: auth.user.organisationId,
        name: body.name,
        kind: body.kind,
        address: body.address,
        lon: body.position?.lon ?? null,
        lat: body.position?.lat ?? null,
        capacity: body.capacity,
        note: body.note,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        throw nameTaken(err) ? new AppError('name_taken') : err;
      });
    await recordAudit(tx, actor, { action: 'resource.created', entityType: 'resource', entityId: row.id, organisationId: auth.user.organisationId, changes: { ...body } });
    await publishBoard(services, tx, auth.user.organisationId);
    return row.id;
  });
  return viewOf(services.db, auth, id);
}

/** The resource of the person's organisation, locked; 404 otherwise. */
async function lockResource(tx: Kysely<DB>, auth: AuthContext, id: string): Promise<ResourceRow> {
  const r = await tx.selectFrom('resources').selectAll().where('id', '=', id).where('organisation_id', '=', auth.user.organisationId).forUpdate().executeTakeFirst();
  if (!r) throw notFound();
  return r;
}

export async function updateResource(services: Services, auth: AuthContext, actor: Actor, id: string, body: UpdateResourceBody): Promise<Resource> {
  await services.db.transaction().execute(async (tx) => {
    const r = await lockResource(tx, auth, id);
    if (r.status === 'engaged' && (body.status === 'unavailable' || body.archived === true)) throw new AppError('resource_engaged');
    if (body.name !== undefined) await requireNameFree(tx, 'resources', r.organisation_id, body.name, id);
    const set: Record<string, unknown> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const track = (key: string, column: string, from: unknown, to: unknown) => {
      if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) return;
      changes[key] = { from, to };
      set[column] = to;
    };
    track('name', 'name', r.name, body.name);
    track('kind', 'kind', r.kind, body.kind);
    track('address', 'address', r.address, body.address);
    track('capacity', 'capacity', r.capacity, body.capacity);
    track('note', 'note', r.note, body.note);
    track('status', 'status', r.status, body.status);
    track('archived', 'archived', r.archived, body.archived);
    if (body.position !== undefined) {
      const from = r.lon !== null ? { lon: r.lon, lat: r.lat } : null;
      if (JSON.stringify(from) !== JSON.stringify(body.position)) {
        changes.position = { from, to: body.position };
        set.lon = body.position?.lon ?? null;
        set.lat = body.position?.lat ?? null;
      }
    }
    if (Object.keys(set).length === 0) return;
    await tx.updateTable('resources').set({ ...set, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).execute();
    await recordAudit(tx, actor, { action: 'resource.updated', entityType: 'resource', entityId: id, organisationId: r.organisation_id, changes });
    await publishBoard(services, tx, r.organisation_id);
    if (r.engaged_event_id) await publishOnEvent(services, tx, r.engaged_event_id, id);
  });
  return viewOf(services.db, auth, id);
}

/**
 * The event locked for a resource write in it: a member of the resource's organisation who writes
 * in the event (never a guest: resources are the organisation's), while it is open. Locked before the
 * resource, as every writer of the event does.
 */
async function lockEventForResources(tx: Kysely<DB>, auth: AuthContext, eventId: string): Promise<EventRow & { now: Date }> {
  const e = await lockEvent(tx, eventId);
  const access = e ? await eventAccess(tx, auth, e) : 'none';
  if (!e || access === 'none' || auth.guest || e.organisation_id !== auth.user.organisationId) throw notFound();
  if (access !== 'write') throw new AppError('forbidden');
  if (e.status === 'closed') throw new AppError('event_closed');
  return e;
}

const kindText = (r: Pick<ResourceRow, 'kind'>) => resourceKindLabels[r.kind].toLowerCase();
const withNote = (note: string) => (note ? ` — ${note}` : '');

/**
 * Engages a resource on an event, in one transaction under the event's then the resource's lock:
 * status, main courante entry, audit, live updates. Two people engaging the same resource at once:
 * one wins, the other learns where it went (`resource_engaged_elsewhere`, with the event's title
 * when they see that event).
 */
export async function engageResource(services: Services, auth: AuthContext, actor: Actor, id: string, body: EngageResourceBody): Promise<Resource> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockEventForResources(tx, auth, body.eventId);
    const r = await lockResource(tx, auth, id);
    if (r.archived) throw new AppError('resource_archived');
    if (r.status === 'engaged') {
      if (r.engaged_event_id === e.id) throw new AppError('resource_already_engaged_here');
      const where = await tx.selectFrom('events').select(['id', 'title']).where('id', '=', r.engaged_event_id!).executeTakeFirst();
      const visible = where ? (await eventAccess(tx, auth, where)) !== 'none' : false;
      // The stable message, and where in `details` (the event's title only to whoever sees that event).
      throw new AppError('resource_engaged_elsewhere', {
        eventId: visible && where ? where.id : null,
        eventTitle: visible && where ? where.title : null,
        engagedAt: r.engaged_at?.toISOString() ?? null,
        engagedByName: r.engaged_by_name,
      });
    }
    if (r.status === 'unavailable') throw new AppError('resource_unavailable');
    await tx
      .updateTable('resources')
      .set({ status: 'engaged', engaged_event_id: e.id, engaged_at: e.now, engaged_by_name: auth.user.displayName, occupancy: 0, version: sql`version + 1`, updated_at: e.now })
      .where('id', '=', id)
      .execute();
    const capacity = r.kind === 'shelter' && r.capacity !== null ? ` (capacité ${r.capacity} personnes)` : '';
    await systemEntry(services, tx, auth, e, `Moyen engagé : ${r.name} (${kindText(r)})${capacity} par ${auth.user.displayName}${withNote(body.note)}.`);
    await recordAudit(tx, actor, { action: 'resource.engaged', entityType: 'resource', entityId: id, organisationId: r.organisation_id, changes: { eventId: e.id, note: body.note || undefined } });
    await publishBoard(services, tx, r.organisation_id);
    await publishOnEvent(services, tx, e.id, id);
  });
  return viewOf(services.db, auth, id);
}

/** The resource's current event, then the resource, locked (in that order); `resource_not_engaged` if it is not. */
async function lockEngaged(tx: Kysely<DB>, auth: AuthContext, id: string): Promise<{ e: EventRow & { now: Date }; r: ResourceRow }> {
  const current = await tx.selectFrom('resources').select(['engaged_event_id']).where('id', '=', id).where('organisation_id', '=', auth.user.organisationId).executeTakeFirst();
  if (!current) throw notFound();
  if (!current.engaged_event_id) throw new AppError('resource_not_engaged');
  const e = await lockEventForResources(tx, auth, current.engaged_event_id);
  const r = await lockResource(tx, auth, id);
  // Released (or moved) between the read and the locks.
  if (r.engaged_event_id !== e.id) throw new AppError('resource_not_engaged');
  return { e, r };
}

export async function releaseResource(services: Services, auth: AuthContext, actor: Actor, id: string, note: string): Promise<Resource> {
  await services.db.transaction().execute(async (tx) => {
    const { e, r } = await lockEngaged(tx, auth, id);
    await tx
      .updateTable('resources')
      .set({ status: 'available', engaged_event_id: null, engaged_at: null, engaged_by_name: null, occupancy: 0, version: sql`version + 1`, updated_at: e.now })
      .where('id', '=', id)
      .execute();
    const occupancy = r.kind === 'shelter' && r.occupancy > 0 ? ` (${r.occupancy} personnes hébergées au moment de la libération)` : '';
    await systemEntry(services, tx, auth, e, `Moyen libéré : ${r.name} (${kindText(r)}) par ${auth.user.displayName}${occupancy}${withNote(note)}.`);
    await recordAudit(tx, actor, { action: 'resource.released', entityType: 'resource', entityId: id, organisationId: r.organisation_id, changes: { eventId: e.id, note: note || undefined } });
    await publishBoard(services, tx, r.organisation_id);
    await publishOnEvent(services, tx, e.id, id);
  });
  return viewOf(services.db, auth, id);
}

/**
 * A shelter's occupancy, while it is engaged. Over its capacity only with a reason, which goes into
 * an important main courante entry.
 */
export async function setOccupancy(services: Services, auth: AuthContext, actor: Actor, id: string, body: SetOccupancyBody): Promise<Resource> {
  await services.db.transaction().execute(async (tx) => {
    const kind = await tx.selectFrom('resources').select('kind').where('id', '=', id).where('organisation_id', '=', auth.user.organisationId).executeTakeFirst();
    if (!kind) throw notFound();
    if (kind.kind !== 'shelter') throw new AppError('not_a_shelter');
    const { e, r } = await lockEngaged(tx, auth, id);
    if (r.occupancy === body.occupancy) return;
    const over = r.capacity !== null && body.occupancy > r.capacity;
    if (over && !body.reason) throw new AppError('shelter_over_capacity', { capacity: r.capacity, occupancy: body.occupancy });
    await tx.updateTable('resources').set({ occupancy: body.occupancy, version: sql`version + 1`, updated_at: e.now }).where('id', '=', id).execute();
    const of = r.capacity !== null ? ` / ${r.capacity}` : '';
    const text = over
      ? `Centre d’hébergement ${r.name} au-delà de sa capacité : ${body.occupancy}${of} personnes. Motif : ${body.reason}`
      : `Centre d’hébergement ${r.name} : ${body.occupancy}${of} personnes hébergées${withNote(body.reason)}.`;
    await systemEntry(services, tx, auth, e, text, over);
    await recordAudit(tx, actor, {
      action: 'resource.occupancy',
      entityType: 'resource',
      entityId: id,
      organisationId: r.organisation_id,
      changes: { eventId: e.id, occupancy: { from: r.occupancy, to: body.occupancy }, overCapacity: over || undefined, reason: body.reason || undefined },
    });
    await publishBoard(services, tx, r.organisation_id);
    await publishOnEvent(services, tx, e.id, id);
  });
  return viewOf(services.db, auth, id);
}
