import { sql, type Kysely } from 'kysely';
import type { DB, EventRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import { can } from '../../../shared/permissions';
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
import { canManageEvent, eventAccess, findEventWithAccess, visibleEventIdsSql, type EventAccess } from './events.policy';
import { ancestorsOf, eventSummaryQuery, lockEvent, type EventSummaryRow } from './events.repository';

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
    audience: r.audience,
    restricted: r.restricted,
    riskId: r.risk_id,
    riskName: r.risk_name,
    exercise: r.exercise,
  };
}

async function detail(db: Kysely<DB>, auth: AuthContext, id: string): Promise<EventDetail> {
  const row = await eventSummaryQuery(db, auth).where('e.id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  const [ancestors, children, access] = await Promise.all([
    ancestorsOf(db, id),
    eventSummaryQuery(db, auth).where('e.parent_id', '=', id).where('e.id', 'in', visibleEventIdsSql(auth) as never).orderBy('e.starts_at').execute(),
    eventAccess(db, auth, row),
  ]);
  // A guest sees the way up only as far as the invitation goes.
  const shownAncestors = auth.guest ? [] : ancestors;
  return {
    ...presentSummary(row),
    ancestors: shownAncestors.map((a) => ({ id: a.id, title: a.title, status: a.status })),
    children: children.map(presentSummary),
    myAccess: { write: access === 'write', manage: canManageEvent(auth, row, access) && can(auth.user.role, 'events.manage') },
  };
}

/** The event if the person may see it; otherwise "not found", whether it exists or not. */
export async function requireVisibleEvent(db: Kysely<DB>, auth: AuthContext, id: string): Promise<EventRow & { access: EventAccess }> {
  const e = await findEventWithAccess(db, auth, id);
  if (!e || e.access === 'none') throw notFound();
  return e;
}

/** The event locked for the transaction (database clock in `now`) with the person's access; 404 when they may not see it. */
export async function lockVisibleEvent(tx: Kysely<DB>, auth: AuthContext, id: string): Promise<EventRow & { now: Date; access: EventAccess }> {
  const e = await lockEvent(tx, id);
  const access = e ? await eventAccess(tx, auth, e) : 'none';
  if (!e || access === 'none') throw notFound();
  return Object.assign(e, { access });
}

/** Same, for managing it (update, close, audience, guests): `forbidden` to someone who sees it without managing it. */
export async function lockManagedEvent(tx: Kysely<DB>, auth: AuthContext, id: string): Promise<EventRow & { now: Date; access: EventAccess }> {
  const e = await lockVisibleEvent(tx, auth, id);
  if (!canManageEvent(auth, e, e.access)) throw new AppError('forbidden');
  return e;
}

/** The event if the person may manage it (read only, no lock); 404 or `forbidden` otherwise. */
export async function requireManagedEvent(db: Kysely<DB>, auth: AuthContext, id: string): Promise<EventRow & { access: EventAccess }> {
  const e = await requireVisibleEvent(db, auth, id);
  if (!canManageEvent(auth, e, e.access)) throw new AppError('forbidden');
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
  let query = eventSummaryQuery(services.db, auth).where('e.id', 'in', visibleEventIdsSql(auth) as never);
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

const systemAuthor = (auth: AuthContext) =>
  auth.guest ? { authorId: null, authorName: auth.user.displayName, guestId: auth.user.id } : { authorId: auth.user.id, authorName: auth.user.displayName };

export async function systemEntry(services: Services, tx: Kysely<DB>, auth: AuthContext, event: EventRow & { now: Date }, text: string, important = false, occurredAt = event.now) {
  return appendEntry(tx, services.realtime, event, {
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

export async function publishUpdated(services: Services, tx: Kysely<DB>, id: string) {
  const row = await eventSummaryQuery(tx, null).where('e.id', '=', id).executeTakeFirstOrThrow();
  await services.realtime.publish(tx, topicOf('event', id), { kind: 'event.updated', event: presentSummary(row) });
}

export async function createEvent(services: Services, auth: AuthContext, actor: Actor, body: CreateEventBody): Promise<EventDetail> {
  const me = auth.user.organisationId;
  const id = await services.db.transaction().execute(async (tx) => {
    await requireActiveItems(tx, 'event_types', me, [body.typeId], 'unknown_event_type');
    // A type restricted to a list the person is not in is unknown to them.
    if (!(await typeVisible(tx, auth, body.typeId))) throw new AppError('unknown_event_type');
    if (body.parentId) {
      const parent = await tx.selectFrom('events').select(['id', 'organisation_id', 'status']).where('id', '=', body.parentId).executeTakeFirst();
      // Sub-events stay within the organisation that runs the parent, opened by those who may manage it.
      if (!parent || parent.status === 'closed' || !canManageEvent(auth, parent, await eventAccess(tx, auth, parent))) throw new AppError('invalid_parent');
    }
    if (body.riskId) await requireRisk(tx, me, body.riskId);
    // Not said: the plan's risk named like the event's type (an "Inondation" event is about the flood risk).
    const riskId = body.riskId !== undefined ? body.riskId : await riskOfType(tx, me, body.typeId);
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
        risk_id: riskId,
        exercise: body.exercise,
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
      `${body.exercise ? 'EXERCICE — ' : ''}Ouverture de l’événement « ${body.title} » (${eventStatusLabels[body.status].toLowerCase()}, vigilance ${severityInfo[body.severity as Severity].label.toLowerCase()}).`,
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
    const before = await lockManagedEvent(tx, auth, id);
    if (before.status === 'closed') throw new AppError('event_closed');
    if (body.typeId) await requireActiveItems(tx, 'event_types', before.organisation_id, [body.typeId], 'unknown_event_type');
    if (body.riskId) await requireRisk(tx, before.organisation_id, body.riskId);
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
    track('riskId', 'risk_id', before.risk_id, body.riskId);
    track('exercise', 'exercise', before.exercise, body.exercise);
    if (Object.keys(set).length === 0) return;
    await tx.updateTable('events').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
    const notes: string[] = [];
    if (changes.status) notes.push(`statut : ${eventStatusLabels[before.status]} → ${eventStatusLabels[body.status!]}`);
    if (changes.severity) notes.push(`vigilance : ${severityInfo[before.severity as Severity].label} → ${severityInfo[body.severity as Severity].label}`);
    if (changes.title) notes.push(`titre : « ${body.title} »`);
    if (changes.exercise) notes.push(body.exercise ? 'marqué comme exercice' : 'n’est plus un exercice');
    if (notes.length) await systemEntry(services, tx, auth, before, `Événement modifié (${notes.join(' ; ')}).`, Boolean(changes.severity));
    await recordAudit(tx, actor, { action: 'event.updated', entityType: 'event', entityId: id, organisationId: before.organisation_id, changes });
    await publishUpdated(services, tx, id);
  });
  return detail(services.db, auth, id);
}

export async function closeEvent(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<EventDetail> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockManagedEvent(tx, auth, id);
    if (e.status === 'closed') throw new AppError('event_closed');
    // The closing entry is the last one written while the event is open.
    await systemEntry(services, tx, auth, e, `Clôture de l’événement par ${auth.user.displayName}.`, true);
    await tx.updateTable('events').set({ status: 'closed', closed_at: e.now, ends_at: e.ends_at ?? e.now, updated_at: sql`now()` }).where('id', '=', id).execute();
    // A closed exercise is the plan's last exercise (CSI R731-10), unless a later one is recorded.
    if (e.exercise && !e.parent_id) {
      const day = sql<string>`(${e.starts_at}::timestamptz AT TIME ZONE 'Europe/Paris')::date`;
      await tx
        .insertInto('pcs_plans')
        .values({ organisation_id: e.organisation_id, last_exercise_on: day as never, updated_by_name: auth.user.displayName })
        .onConflict((oc) =>
          oc.column('organisation_id').doUpdateSet({ last_exercise_on: sql`greatest(pcs_plans.last_exercise_on, excluded.last_exercise_on)`, updated_at: sql`now()`, updated_by_name: auth.user.displayName }),
        )
        .execute();
      await services.realtime.publish(tx, topicOf('organisation', e.organisation_id), { kind: 'plan.changed', part: 'upkeep' });
    }
    await recordAudit(tx, actor, { action: 'event.closed', entityType: 'event', entityId: id, organisationId: e.organisation_id, changes: { status: { from: e.status, to: 'closed' } } });
    await publishUpdated(services, tx, id);
  });
  return detail(services.db, auth, id);
}

export async function reopenEvent(services: Services, auth: AuthContext, actor: Actor, id: string, reason: string): Promise<EventDetail> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockManagedEvent(tx, auth, id);
    if (e.status !== 'closed') throw new AppError('event_not_closed');
    await tx.updateTable('events').set({ status: 'active', closed_at: null, updated_at: sql`now()` }).where('id', '=', id).execute();
    await systemEntry(services, tx, auth, e, `Réouverture de l’événement par ${auth.user.displayName} : ${reason}`, true);
    await recordAudit(tx, actor, { action: 'event.reopened', entityType: 'event', entityId: id, organisationId: e.organisation_id, changes: { status: { from: 'closed', to: 'active' }, reason } });
    await publishUpdated(services, tx, id);
  });
  return detail(services.db, auth, id);
}

async function riskOfType(db: Kysely<DB>, organisationId: string, typeId: string): Promise<string | null> {
  const r = await db
    .selectFrom('pcs_risks as r')
    .innerJoin('event_types as t', (j) => j.on(sql`lower(t.name)`, '=', sql`lower(r.name)`))
    .select('r.id')
    .where('t.id', '=', typeId)
    .where('r.organisation_id', '=', organisationId)
    .where('r.archived', '=', false)
    .executeTakeFirst();
  return r?.id ?? null;
}

/** A risk of the organisation's safeguard plan (not archived), or `unknown_risk`. */
async function requireRisk(db: Kysely<DB>, organisationId: string, riskId: string): Promise<void> {
  const r = await db.selectFrom('pcs_risks').select('id').where('id', '=', riskId).where('organisation_id', '=', organisationId).where('archived', '=', false).executeTakeFirst();
  if (!r) throw new AppError('unknown_risk');
}

/** Whether the person may see (and use) an event type: open types, or a restricted one they are listed in. */
export async function typeVisible(db: Kysely<DB>, auth: AuthContext, typeId: string): Promise<boolean> {
  if (auth.guest) return false;
  const r = await sql<{ ok: boolean }>`
    SELECT (t.organisation_id = ${auth.user.organisationId} AND (${auth.user.role} = 'administrator' OR t.audience = 'organisation'
      OR audience_grant_level(t.id, NULL, ${auth.user.id}::uuid, ${auth.user.role}) <> 'none')) AS ok
    FROM event_types t WHERE t.id = ${typeId}`.execute(db);
  return r.rows[0]?.ok === true;
}

/** The organisation's event types the person may see (administrators: all of them). */
export async function listVisibleEventTypes(db: Kysely<DB>, auth: AuthContext) {
  const me = auth.guest ? auth.guest.hostOrganisationId : auth.user.organisationId;
  let q = db.selectFrom('event_types').selectAll().where('organisation_id', '=', me);
  if (auth.guest) return [];
  if (auth.user.role !== 'administrator') {
    q = q.where(sql<boolean>`(audience = 'organisation' OR audience_grant_level(id, NULL, ${auth.user.id}::uuid, ${auth.user.role}) <> 'none')`);
  }
  return q.orderBy('position').orderBy(sql`lower(name)`).execute();
}

/**
 * After the audience of events changed (an event or a type restricted or widened, a person's
 * role or functions): every instance re-checks its open `event:*` subscriptions (those no longer
 * allowed end with `not_found`), and the lists of the organisation and of its partners reload
 * (`events.changed` names nothing). In the caller's transaction: sent at commit.
 */
export async function afterAudienceChange(services: Services, tx: Kysely<DB>, organisationId: string, _eventId: string | null): Promise<void> {
  await services.realtime.recheckTopicKind(tx, 'event');
  const partners = await tx
    .selectFrom('shares')
    .select('grantee_organisation_id')
    .distinct()
    .where('owner_organisation_id', '=', organisationId)
    .where('resource_type', 'in', ['events', 'event_types'])
    .execute();
  for (const org of [organisationId, ...partners.map((p) => p.grantee_organisation_id)]) {
    await services.realtime.publish(tx, topicOf('organisation', org), { kind: 'events.changed' });
  }
}
