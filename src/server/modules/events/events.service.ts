import { sql, type Kysely } from 'kysely';
import type { DB, EventRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import {
  eventStatusLabels,
  severityInfo,
  type CreateEventBody,
  type EventDetail,
  type EventSummary,
  type Place,
  type Severity,
  type UpdateEventBody,
} from '../../../shared/schemas/logbook';
import { recordAudit } from '../audit';
import { appendEntry } from '../logbook/chain';
import { requireActiveItems } from './catalogue';
import { canManageEvent, canReadEvent, visibleEventIdsSql } from './events.policy';
import { ancestorsOf, eventSummaryQuery, findEvent, lockEvent, type EventSummaryRow } from './events.repository';

export function presentSummary(r: EventSummaryRow): EventSummary {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    typeId: r.type_id,
    typeName: r.type_name,
    parentId: r.parent_id,
    title: r.title,
    description: r.description,
    status: r.status,
    severity: r.severity,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at ? r.ends_at.toISOString() : null,
    place: (r.place as Place | null) ?? null,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    entryCount: r.entry_count,
    lastEntryAt: r.last_entry_at ? r.last_entry_at.toISOString() : null,
    childCount: r.child_count,
  };
}

async function detail(db: Kysely<DB>, auth: AuthContext, id: string): Promise<EventDetail> {
  const row = await eventSummaryQuery(db).where('e.id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  const [ancestors, children] = await Promise.all([
    ancestorsOf(db, id),
    eventSummaryQuery(db).where('e.parent_id', '=', id).orderBy('e.starts_at').execute(),
  ]);
  const visibleChildren = [];
  for (const c of children) if (await canReadEvent(db, auth, c)) visibleChildren.push(presentSummary(c));
  return { ...presentSummary(row), ancestors: ancestors.map((a) => ({ id: a.id, title: a.title, status: a.status })), children: visibleChildren };
}

/** The event if the person may see it; otherwise "not found", whether it exists or not. */
export async function requireVisibleEvent(db: Kysely<DB>, auth: AuthContext, id: string): Promise<EventRow> {
  const e = await findEvent(db, id);
  if (!e || !(await canReadEvent(db, auth, e))) throw notFound();
  return e;
}

export async function getEvent(services: Services, auth: AuthContext, id: string): Promise<EventDetail> {
  await requireVisibleEvent(services.db, auth, id);
  return detail(services.db, auth, id);
}

export async function listEvents(
  services: Services,
  auth: AuthContext,
  q: { status?: EventRow['status']; typeId?: string; parentId?: string; roots?: 'true' | 'false'; limit: number },
): Promise<EventSummary[]> {
  const me = auth.user.organisationId;
  let query = eventSummaryQuery(services.db).where((eb) => eb.or([eb('e.organisation_id', '=', me), eb('e.id', 'in', visibleEventIdsSql(me) as never)]));
  if (q.status) query = query.where('e.status', '=', q.status);
  if (q.typeId) query = query.where('e.type_id', '=', q.typeId);
  if (q.parentId) query = query.where('e.parent_id', '=', q.parentId);
  if (q.roots === 'true') query = query.where('e.parent_id', 'is', null);
  const rows = await query
    .orderBy(sql`CASE e.status WHEN 'active' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END`)
    .orderBy('e.starts_at', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map(presentSummary);
}

const systemAuthor = (auth: AuthContext) => ({ authorId: auth.user.id, authorName: auth.user.displayName });

async function systemEntry(services: Services, tx: Kysely<DB>, auth: AuthContext, event: EventRow & { now: Date }, text: string, important = false, occurredAt = event.now) {
  await appendEntry(tx, services.realtime, event, {
    kind: 'system',
    occurredAt,
    ...systemAuthor(auth),
    functionName: null,
    source: null,
    text,
    important,
    tags: [],
    attachments: [],
    correctsId: null,
  });
}

async function publishUpdated(services: Services, tx: Kysely<DB>, id: string) {
  const row = await eventSummaryQuery(tx).where('e.id', '=', id).executeTakeFirstOrThrow();
  await services.realtime.publish(tx, topicOf('event', id), { kind: 'event.updated', event: presentSummary(row) });
}

export async function createEvent(services: Services, auth: AuthContext, actor: Actor, body: CreateEventBody): Promise<EventDetail> {
  const me = auth.user.organisationId;
  const id = await services.db.transaction().execute(async (tx) => {
    await requireActiveItems(tx, 'event_types', me, [body.typeId], 'unknown_event_type');
    if (body.parentId) {
      const parent = await tx.selectFrom('events').select(['id', 'organisation_id', 'status']).where('id', '=', body.parentId).executeTakeFirst();
      // Sub-events stay within the organisation that runs the parent.
      if (!parent || parent.organisation_id !== me || parent.status === 'closed') throw new AppError('invalid_parent');
    }
    const startsAt = body.startsAt ? new Date(body.startsAt) : new Date();
    const endsAt = body.endsAt ? new Date(body.endsAt) : null;
    if (endsAt && endsAt < startsAt) throw new AppError('invalid_dates');
    const { id } = await tx
      .insertInto('events')
      .values({
        organisation_id: me,
        type_id: body.typeId,
        parent_id: body.parentId ?? null,
        title: body.title,
        description: body.description,
        status: body.status,
        severity: body.severity,
        starts_at: startsAt,
        ends_at: endsAt,
        place: body.place ? JSON.stringify(body.place) : null,
        created_by: auth.user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const locked = (await lockEvent(tx, id))!;
    // A backdated event opens at its start: the opening entry's time of fact is the start.
    await systemEntry(
      services,
      tx,
      auth,
      locked,
      `Ouverture de l’événement « ${body.title} » (${eventStatusLabels[body.status].toLowerCase()}, vigilance ${severityInfo[body.severity as Severity].label.toLowerCase()}).`,
      false,
      startsAt < locked.now ? startsAt : locked.now,
    );
    await recordAudit(tx, actor, { action: 'event.created', entityType: 'event', entityId: id, organisationId: me, changes: { ...body } });
    if (body.parentId) await publishUpdated(services, tx, body.parentId);
    return id;
  });
  return detail(services.db, auth, id);
}

export async function updateEvent(services: Services, auth: AuthContext, actor: Actor, id: string, body: UpdateEventBody): Promise<EventDetail> {
  await services.db.transaction().execute(async (tx) => {
    const before = await lockEvent(tx, id);
    if (!before || !(await canReadEvent(tx, auth, before))) throw notFound();
    if (!canManageEvent(auth, before)) throw new AppError('forbidden');
    if (before.status === 'closed') throw new AppError('event_closed');
    if (body.typeId) await requireActiveItems(tx, 'event_types', before.organisation_id, [body.typeId], 'unknown_event_type');
    const startsAt = body.startsAt ? new Date(body.startsAt) : before.starts_at;
    const endsAt = body.endsAt === undefined ? before.ends_at : body.endsAt === null ? null : new Date(body.endsAt);
    if (endsAt && endsAt < startsAt) throw new AppError('invalid_dates');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set: Record<string, unknown> = {};
    const track = (key: string, column: string, from: unknown, to: unknown, stored: unknown = to) => {
      if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) return;
      changes[key] = { from, to };
      set[column] = stored;
    };
    track('typeId', 'type_id', before.type_id, body.typeId);
    track('title', 'title', before.title, body.title);
    track('description', 'description', before.description, body.description);
    track('status', 'status', before.status, body.status);
    track('severity', 'severity', before.severity, body.severity);
    track('startsAt', 'starts_at', before.starts_at.toISOString(), body.startsAt ? startsAt.toISOString() : undefined, startsAt);
    track('endsAt', 'ends_at', before.ends_at?.toISOString() ?? null, body.endsAt === undefined ? undefined : (endsAt?.toISOString() ?? null), endsAt);
    track('place', 'place', before.place, body.place, body.place ? JSON.stringify(body.place) : null);
    if (Object.keys(set).length === 0) return;
    await tx.updateTable('events').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
    const notes: string[] = [];
    if (changes.status) notes.push(`statut : ${eventStatusLabels[before.status]} → ${eventStatusLabels[body.status!]}`);
    if (changes.severity) notes.push(`vigilance : ${severityInfo[before.severity as Severity].label} → ${severityInfo[body.severity as Severity].label}`);
    if (changes.title) notes.push(`titre : « ${body.title} »`);
    if (notes.length) await systemEntry(services, tx, auth, before, `Événement modifié (${notes.join(' ; ')}).`, Boolean(changes.severity));
    await recordAudit(tx, actor, { action: 'event.updated', entityType: 'event', entityId: id, organisationId: before.organisation_id, changes });
    await publishUpdated(services, tx, id);
  });
  return detail(services.db, auth, id);
}

export async function closeEvent(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<EventDetail> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockEvent(tx, id);
    if (!e || !(await canReadEvent(tx, auth, e))) throw notFound();
    if (!canManageEvent(auth, e)) throw new AppError('forbidden');
    if (e.status === 'closed') throw new AppError('event_closed');
    // The closing entry is the last one written while the event is open.
    await systemEntry(services, tx, auth, e, `Clôture de l’événement par ${auth.user.displayName}.`, true);
    await tx.updateTable('events').set({ status: 'closed', closed_at: e.now, ends_at: e.ends_at ?? e.now, updated_at: sql`now()` }).where('id', '=', id).execute();
    await recordAudit(tx, actor, { action: 'event.closed', entityType: 'event', entityId: id, organisationId: e.organisation_id, changes: { status: { from: e.status, to: 'closed' } } });
    await publishUpdated(services, tx, id);
  });
  return detail(services.db, auth, id);
}

export async function reopenEvent(services: Services, auth: AuthContext, actor: Actor, id: string, reason: string): Promise<EventDetail> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockEvent(tx, id);
    if (!e || !(await canReadEvent(tx, auth, e))) throw notFound();
    if (!canManageEvent(auth, e)) throw new AppError('forbidden');
    if (e.status !== 'closed') throw new AppError('event_not_closed');
    await tx.updateTable('events').set({ status: 'active', closed_at: null, updated_at: sql`now()` }).where('id', '=', id).execute();
    await systemEntry(services, tx, auth, e, `Réouverture de l’événement par ${auth.user.displayName} : ${reason}`, true);
    await recordAudit(tx, actor, { action: 'event.reopened', entityType: 'event', entityId: id, organisationId: e.organisation_id, changes: { status: { from: 'closed', to: 'active' }, reason } });
    await publishUpdated(services, tx, id);
  });
  return detail(services.db, auth, id);
}
