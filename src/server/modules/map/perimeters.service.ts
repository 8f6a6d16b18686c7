import type { Kysely } from 'kysely';
import type { DB, EventRow, PerimeterRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import {
  defaultPerimeterStyles,
  perimeterCategoryLabels,
  perimeterStyleSchema,
  type CreatePerimeterBody,
  type Perimeter,
  type PerimeterCategory,
  type PerimeterGeometry,
  type UpdatePerimeterBody,
} from '../../../shared/schemas/map';
import { recordAudit } from '../audit';
import { eventAccess, lockEvent, requireVisibleEvent, systemEntry } from '../events';
import { findPerimeter, perimetersOf } from './map.repository';
import { describeShape } from './measure';

export function presentPerimeter(r: PerimeterRow): Perimeter {
  return {
    id: r.id,
    eventId: r.event_id,
    category: r.category,
    label: r.label,
    geometry: r.geometry as PerimeterGeometry,
    style: perimeterStyleSchema.parse(r.style),
    version: r.version,
    createdByName: r.created_by_name,
    createdAt: r.created_at.toISOString(),
    updatedByName: r.updated_by_name,
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function listPerimeters(services: Services, auth: AuthContext, eventId: string): Promise<Perimeter[]> {
  await requireVisibleEvent(services.db, auth, eventId);
  return (await perimetersOf(services.db, eventId)).map(presentPerimeter);
}

/**
 * The event locked for a write on its map: not found when the person may not see it, refused when
 * they may only read it (or are a guest: drawing is for members and partners who write in the
 * event), read only once closed.
 */
async function lockForDrawing(tx: Kysely<DB>, auth: AuthContext, eventId: string): Promise<EventRow & { now: Date }> {
  const e = await lockEvent(tx, eventId);
  const access = e ? await eventAccess(tx, auth, e) : 'none';
  if (!e || access === 'none') throw notFound();
  if (access !== 'write' || auth.guest) throw new AppError('forbidden');
  if (e.status === 'closed') throw new AppError('event_closed');
  return e;
}

const categoryText = (c: PerimeterCategory) => perimeterCategoryLabels[c].toLowerCase();
/** Evacuation and confinement are decisions about people: their changes are important entries. */
const importantCategory = (c: PerimeterCategory) => c === 'evacuation' || c === 'confinement';

async function publishChanged(services: Services, tx: Kysely<DB>, eventId: string, change: 'created' | 'updated' | 'deleted', perimeterId: string, row: PerimeterRow | null) {
  await services.realtime.publish(tx, topicOf('event', eventId), { kind: 'perimeter.changed', eventId, change, perimeterId, perimeter: row ? presentPerimeter(row) : null });
}

/**
 * Draws a perimeter: the row, its main courante entry, the audit record and the realtime message,
 * in one transaction under the event's lock.
 */
export async function createPerimeter(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: CreatePerimeterBody): Promise<Perimeter> {
  return services.db.transaction().execute(async (tx) => {
    const e = await lockForDrawing(tx, auth, eventId);
    const style = body.style ?? defaultPerimeterStyles[body.category];
    const row = await tx
      .insertInto('event_perimeters')
      .values({
        organisation_id: e.organisation_id,
        event_id: eventId,
        category: body.category,
        label: body.label,
        geometry: JSON.stringify(body.geometry),
        style: JSON.stringify(style),
        created_by: auth.user.id,
        created_by_name: auth.user.displayName,
        updated_by: auth.user.id,
        updated_by_name: auth.user.displayName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await systemEntry(
      services,
      tx,
      auth,
      e,
      `Carte : périmètre « ${body.label} » tracé par ${auth.user.displayName} (${categoryText(body.category)}, ${describeShape(body.geometry)}).`,
      importantCategory(body.category),
    );
    await recordAudit(tx, actor, {
      action: 'event.perimeter_created',
      entityType: 'perimeter',
      entityId: row.id,
      organisationId: e.organisation_id,
      changes: { eventId, category: body.category, label: body.label, geometry: body.geometry, style },
    });
    await publishChanged(services, tx, eventId, 'created', row.id, row);
    return presentPerimeter(row);
  });
}

/** The perimeter and its event, both locked (the event first, as every writer of the event does). */
async function lockPerimeter(tx: Kysely<DB>, auth: AuthContext, id: string): Promise<{ p: PerimeterRow; e: EventRow & { now: Date } }> {
  const found = await findPerimeter(tx, id);
  if (!found) throw notFound();
  const e = await lockForDrawing(tx, auth, found.event_id);
  const p = await findPerimeter(tx, id, true);
  if (!p) throw notFound();
  return { p, e };
}

export async function updatePerimeter(services: Services, auth: AuthContext, actor: Actor, id: string, body: UpdatePerimeterBody): Promise<Perimeter> {
  return services.db.transaction().execute(async (tx) => {
    const { p, e } = await lockPerimeter(tx, auth, id);
    const before = presentPerimeter(p);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const notes: string[] = [];
    if (body.label !== undefined && body.label !== before.label) {
      changes.label = { from: before.label, to: body.label };
      notes.push(`libellé : « ${before.label} » → « ${body.label} »`);
    }
    if (body.category !== undefined && body.category !== before.category) {
      changes.category = { from: before.category, to: body.category };
      notes.push(`${categoryText(before.category)} → ${categoryText(body.category)}`);
    }
    if (body.geometry !== undefined && JSON.stringify(body.geometry) !== JSON.stringify(before.geometry)) {
      changes.geometry = { from: before.geometry, to: body.geometry };
      notes.push(`nouveau tracé : ${describeShape(body.geometry)}`);
    }
    if (body.style !== undefined && JSON.stringify(body.style) !== JSON.stringify(before.style)) {
      changes.style = { from: before.style, to: body.style };
      notes.push('style');
    }
    if (notes.length === 0) return before;
    const row = await tx
      .updateTable('event_perimeters')
      .set({
        ...(changes.label ? { label: body.label } : {}),
        ...(changes.category ? { category: body.category } : {}),
        ...(changes.geometry ? { geometry: JSON.stringify(body.geometry) } : {}),
        ...(changes.style ? { style: JSON.stringify(body.style) } : {}),
        version: p.version + 1,
        updated_by: auth.user.id,
        updated_by_name: auth.user.displayName,
        updated_at: e.now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const category = body.category ?? before.category;
    await systemEntry(
      services,
      tx,
      auth,
      e,
      `Carte : périmètre « ${row.label} » modifié par ${auth.user.displayName} (${notes.join(' ; ')}).`,
      importantCategory(category) && (changes.geometry !== undefined || changes.category !== undefined),
    );
    await recordAudit(tx, actor, { action: 'event.perimeter_updated', entityType: 'perimeter', entityId: id, organisationId: p.organisation_id, changes: { eventId: p.event_id, ...changes } });
    await publishChanged(services, tx, p.event_id, 'updated', id, row);
    return presentPerimeter(row);
  });
}

export async function deletePerimeter(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  await services.db.transaction().execute(async (tx) => {
    const { p, e } = await lockPerimeter(tx, auth, id);
    await tx.deleteFrom('event_perimeters').where('id', '=', id).execute();
    await systemEntry(services, tx, auth, e, `Carte : périmètre « ${p.label} » retiré par ${auth.user.displayName} (${categoryText(p.category)}).`, importantCategory(p.category));
    // The audit record keeps the last state: with the main courante, the history of the perimeter.
    await recordAudit(tx, actor, {
      action: 'event.perimeter_deleted',
      entityType: 'perimeter',
      entityId: id,
      organisationId: p.organisation_id,
      changes: { eventId: p.event_id, category: p.category, label: p.label, geometry: p.geometry, style: p.style, version: p.version },
    });
    await publishChanged(services, tx, p.event_id, 'deleted', id, null);
  });
}
