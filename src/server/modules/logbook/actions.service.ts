import { sql, type Kysely } from 'kysely';
import type { DB, EntryRow, EventRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { can } from '../../../shared/permissions';
import { topicOf } from '../../../shared/realtime';
import { actionStatusLabels, type Action, type ChangeActionStatusBody, type NewAction } from '../../../shared/schemas/actions';
import type { Assignees } from '../../../shared/schemas/rights';
import { recordAudit } from '../audit';
import { canManageEvent, lockVisibleEvent, requireVisibleEvent, visibleEventIdsSql } from '../events';
import { appendEntry } from './chain';

const OPEN = ['todo', 'doing'] as const;

/** Actions with their event's title and, for the person asking, whether they may change the status. */
function actionsQuery(db: Kysely<DB>, auth: AuthContext | null) {
  const canChange = !auth || auth.guest
    ? sql<boolean>`false`
    : sql<boolean>`coalesce(event_access(a.event_id, ${auth.user.id}::uuid) = 'write' AND (
        a.assignee_user_id = ${auth.user.id}::uuid
        OR a.assignee_function_id IN (SELECT uf.function_id FROM user_functions uf WHERE uf.user_id = ${auth.user.id}::uuid)
        OR (${can(auth.user.role, 'events.manage')} AND e.organisation_id = ${auth.user.organisationId}::uuid)), false)`;
  return db
    .selectFrom('actions as a')
    .innerJoin('events as e', 'e.id', 'a.event_id')
    .selectAll('a')
    .select(['e.title as event_title'])
    .select(sql<boolean>`(a.status IN ('todo', 'doing') AND a.due_at IS NOT NULL AND a.due_at < now())`.as('overdue'))
    .select(canChange.as('can_change'));
}
type ActionQueryRow = Awaited<ReturnType<ReturnType<typeof actionsQuery>['executeTakeFirstOrThrow']>>;

function present(r: ActionQueryRow): Action {
  return {
    id: r.id,
    eventId: r.event_id,
    eventTitle: r.event_title,
    entryId: r.entry_id,
    entrySeq: r.entry_seq,
    title: r.title,
    assigneeUserId: r.assignee_user_id,
    assigneeFunctionId: r.assignee_function_id,
    assigneeName: r.assignee_name,
    dueAt: r.due_at ? r.due_at.toISOString() : null,
    status: r.status,
    overdue: r.overdue,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    canChange: r.can_change,
  };
}

/**
 * Called in the transaction of the entry that starts the action: checks the assignee (a person who
 * sees the event, or a function of the event's organisation) and stores the action.
 */
export async function insertAction(tx: Kysely<DB>, auth: AuthContext, event: EventRow, entry: EntryRow, a: NewAction): Promise<void> {
  let assigneeName: string;
  if (a.assigneeUserId) {
    const u = await tx
      .selectFrom('users')
      .select(['display_name'])
      .select(sql<string>`event_access(${event.id}::uuid, id)`.as('access'))
      .where('id', '=', a.assigneeUserId)
      .where('organisation_id', '=', event.organisation_id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!u || u.access === 'none') throw new AppError('action_invalid');
    assigneeName = u.display_name;
  } else {
    const f = await tx
      .selectFrom('crisis_functions')
      .select('name')
      .where('id', '=', a.assigneeFunctionId!)
      .where('organisation_id', '=', event.organisation_id)
      .where('archived', '=', false)
      .executeTakeFirst();
    if (!f) throw new AppError('action_invalid');
    assigneeName = f.name;
  }
  await tx
    .insertInto('actions')
    .values({
      organisation_id: event.organisation_id,
      event_id: event.id,
      entry_id: entry.id,
      entry_seq: entry.seq,
      title: entry.text.length > 300 ? `${entry.text.slice(0, 299)}…` : entry.text,
      assignee_user_id: a.assigneeUserId,
      assignee_function_id: a.assigneeFunctionId,
      assignee_name: assigneeName,
      due_at: a.dueAt ? new Date(a.dueAt) : null,
      created_by: auth.user.id,
    })
    .execute();
}

/** After the entry is presented: tells the event's audience about the action, and the organisation's boards to reload. */
export async function publishAction(services: Services, tx: Kysely<DB>, entryId: string, o: { boards?: boolean } = {}): Promise<void> {
  const row = await actionsQuery(tx, null).where('a.entry_id', '=', entryId).executeTakeFirst();
  if (!row) return;
  await services.realtime.publish(tx, topicOf('event', row.event_id), { kind: 'action.updated', action: present(row) });
  // Boards across events (and a parent event's tab) reload what their reader may see (once for
  // several actions written together: `boards: false` on all but the last).
  if (o.boards !== false) await services.realtime.publish(tx, topicOf('organisation', row.organisation_id), { kind: 'actions.changed' });
}

function statusFilter<Q extends ReturnType<typeof actionsQuery>>(q: Q, status: string): Q {
  if (status === 'open') return q.where('a.status', 'in', [...OPEN]) as Q;
  if (status === 'all') return q;
  return q.where('a.status', '=', status as Action['status']) as Q;
}

function mineFilter<Q extends ReturnType<typeof actionsQuery>>(q: Q, auth: AuthContext, mine: string): Q {
  if (mine !== 'true') return q;
  return q.where(
    sql<boolean>`(a.assignee_user_id = ${auth.user.id}::uuid OR a.assignee_function_id IN (SELECT uf.function_id FROM user_functions uf WHERE uf.user_id = ${auth.user.id}::uuid))`,
  ) as Q;
}

/** Overdue first, then by due time (none last), then newest. */
const ordered = <Q extends ReturnType<typeof actionsQuery>>(q: Q) =>
  q.orderBy(sql`coalesce(a.status IN ('todo', 'doing') AND a.due_at < now(), false)`, 'desc').orderBy(sql`a.due_at ASC NULLS LAST`).orderBy('a.created_at', 'desc');

export interface ActionsQuery {
  status: string;
  mine: string;
  limit: number;
}

/** Actions of an event and of its sub-events the person sees. */
export async function listEventActions(services: Services, auth: AuthContext, eventId: string, q: ActionsQuery): Promise<Action[]> {
  await requireVisibleEvent(services.db, auth, eventId);
  const tree = sql`(WITH RECURSIVE t(id) AS (SELECT ${eventId}::uuid UNION SELECT c.id FROM events c JOIN t ON c.parent_id = t.id) SELECT id FROM t)`;
  let query = actionsQuery(services.db, auth).where('a.event_id', 'in', tree as never).where('a.event_id', 'in', visibleEventIdsSql(auth) as never);
  query = mineFilter(statusFilter(query, q.status), auth, q.mine);
  return (await ordered(query).limit(q.limit).execute()).map(present);
}

/** Actions across every event the person sees (the crisis cell's board). */
export async function listActions(services: Services, auth: AuthContext, q: ActionsQuery): Promise<Action[]> {
  let query = actionsQuery(services.db, auth).where('a.event_id', 'in', visibleEventIdsSql(auth) as never);
  query = mineFilter(statusFilter(query, q.status), auth, q.mine);
  return (await ordered(query).limit(q.limit).execute()).map(present);
}

/**
 * A status change is an entry of its own (the main courante stays the single history) and updates
 * the action, in one transaction. Allowed to the assignee, to holders of the assigned function, and
 * to coordinators of the event's organisation; anyone else who sees the event gets `action_forbidden`.
 */
export async function changeActionStatus(services: Services, auth: AuthContext, actor: Actor, actionId: string, body: ChangeActionStatusBody): Promise<Action> {
  await services.db.transaction().execute(async (tx) => {
    const a = await tx.selectFrom('actions').selectAll().where('id', '=', actionId).executeTakeFirst();
    if (!a) throw notFound();
    const e = await lockVisibleEvent(tx, auth, a.event_id);
    const access = e.access;
    const current = await tx.selectFrom('actions').selectAll().where('id', '=', actionId).forUpdate().executeTakeFirstOrThrow();
    const holds = current.assignee_function_id
      ? (await tx.selectFrom('user_functions').select('function_id').where('user_id', '=', auth.user.id).where('function_id', '=', current.assignee_function_id).executeTakeFirst()) !== undefined
      : false;
    const isAssignee = current.assignee_user_id === auth.user.id || holds;
    const isCoordinator = can(auth.user.role, 'events.manage') && canManageEvent(auth, e, access);
    if (access !== 'write' || (!isAssignee && !isCoordinator)) throw new AppError('action_forbidden');
    if (e.status === 'closed') throw new AppError('event_closed');
    if (current.status === body.status) throw new AppError('action_unchanged');
    const comment = body.comment ? ` — ${body.comment}` : '';
    await appendEntry(tx, services.realtime, e, {
      kind: 'entry',
      occurredAt: e.now,
      authorId: auth.user.id,
      authorName: auth.user.displayName,
      functionName: null,
      source: null,
      text: `Action n° ${current.entry_seq} « ${current.title} » : ${actionStatusLabels[current.status]} → ${actionStatusLabels[body.status]}${comment}`,
      important: false,
      tags: [],
      attachments: [],
      correctsId: null,
      afterInsert: async () => {
        await tx.updateTable('actions').set({ status: body.status, updated_at: e.now }).where('id', '=', actionId).execute();
      },
    });
    await recordAudit(tx, actor, {
      action: 'action.status_changed',
      entityType: 'action',
      entityId: actionId,
      organisationId: e.organisation_id,
      changes: { status: { from: current.status, to: body.status }, comment: body.comment || undefined },
    });
    await publishAction(services, tx, current.entry_id);
  });
  const row = await actionsQuery(services.db, auth).where('a.id', '=', actionId).executeTakeFirstOrThrow();
  return present(row);
}

/** People of the event's organisation who see the event (an action goes to someone who can read it), and its functions. */
export async function listAssignees(services: Services, auth: AuthContext, eventId: string): Promise<Assignees> {
  const e = await requireVisibleEvent(services.db, auth, eventId);
  const [users, functions] = await Promise.all([
    services.db
      .selectFrom('users as u')
      .select(['u.id', 'u.display_name'])
      .select(sql<string[]>`coalesce((SELECT array_agg(uf.function_id) FROM user_functions uf WHERE uf.user_id = u.id), '{}')`.as('function_ids'))
      .where('u.organisation_id', '=', e.organisation_id)
      .where('u.status', '=', 'active')
      .where(sql<boolean>`event_access(${eventId}::uuid, u.id) <> 'none'`)
      .orderBy(sql`lower(u.display_name)`)
      .execute(),
    services.db.selectFrom('crisis_functions').select(['id', 'name']).where('organisation_id', '=', e.organisation_id).where('archived', '=', false).orderBy('position').execute(),
  ]);
  return { users: users.map((u) => ({ id: u.id, displayName: u.display_name, functionIds: u.function_ids })), functions };
}
