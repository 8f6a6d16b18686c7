import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { roleLabels } from '../../../shared/permissions';
import {
  accessLevelLabels,
  type AudienceGrant,
  type AudienceGrantView,
  type EventAudience,
  type PutEventAudienceBody,
  type PutTypeAudienceBody,
  type TypeAudience,
} from '../../../shared/schemas/rights';
import { recordAudit } from '../audit';
import { afterAudienceChange, eventAccess, lockManagedEvent, publishUpdated, requireManagedEvent, systemEntry } from '../events';

type Scope = { eventTypeId: string } | { eventId: string };

async function grantsOf(db: Kysely<DB>, scope: Scope): Promise<AudienceGrantView[]> {
  let q = db
    .selectFrom('audience_grants as g')
    .leftJoin('crisis_functions as f', 'f.id', 'g.function_id')
    .leftJoin('users as u', 'u.id', 'g.user_id')
    .select(['g.principal_kind', 'g.role', 'g.function_id', 'g.user_id', 'g.access', 'f.name as function_name', 'u.display_name as user_name']);
  q = 'eventTypeId' in scope ? q.where('g.event_type_id', '=', scope.eventTypeId) : q.where('g.event_id', '=', scope.eventId);
  const rows = await q.orderBy('g.principal_kind').orderBy('g.created_at').execute();
  return rows.map((r) => ({
    kind: r.principal_kind,
    role: r.role,
    functionId: r.function_id,
    userId: r.user_id,
    access: r.access,
    label: r.principal_kind === 'role' ? `${roleLabels[r.role!]}s` : r.principal_kind === 'function' ? (r.function_name ?? '?') : (r.user_name ?? '?'),
  }));
}

/** "Directeur des opérations (lecture et écriture), Lecteurs (lecture)". */
export function describeGrants(grants: readonly AudienceGrantView[]): string {
  return grants.map((g) => `${g.label} (${accessLevelLabels[g.access].toLowerCase()})`).join(', ');
}

/** Grants name functions and accounts of the organisation only; duplicates keep the highest access. */
async function checkGrants(db: Kysely<DB>, organisationId: string, grants: readonly AudienceGrant[]): Promise<AudienceGrant[]> {
  const fnIds = [...new Set(grants.flatMap((g) => (g.kind === 'function' ? [g.functionId] : [])))];
  const userIds = [...new Set(grants.flatMap((g) => (g.kind === 'user' ? [g.userId] : [])))];
  if (fnIds.length) {
    const n = await db.selectFrom('crisis_functions').select('id').where('organisation_id', '=', organisationId).where('id', 'in', fnIds).where('archived', '=', false).execute();
    if (n.length !== fnIds.length) throw new AppError('audience_invalid');
  }
  if (userIds.length) {
    const n = await db.selectFrom('users').select('id').where('organisation_id', '=', organisationId).where('id', 'in', userIds).execute();
    if (n.length !== userIds.length) throw new AppError('audience_invalid');
  }
  const best = new Map<string, AudienceGrant>();
  for (const g of grants) {
    const key = g.kind === 'role' ? `r:${g.role}` : g.kind === 'function' ? `f:${g.functionId}` : `u:${g.userId}`;
    const prev = best.get(key);
    if (!prev || (prev.access === 'read' && g.access === 'write')) best.set(key, g);
  }
  return [...best.values()];
}

async function replaceGrants(tx: Kysely<DB>, organisationId: string, scope: Scope, grants: readonly AudienceGrant[]): Promise<void> {
  await ('eventTypeId' in scope
    ? tx.deleteFrom('audience_grants').where('event_type_id', '=', scope.eventTypeId)
    : tx.deleteFrom('audience_grants').where('event_id', '=', scope.eventId)
  ).execute();
  if (!grants.length) return;
  await tx
    .insertInto('audience_grants')
    .values(
      grants.map((g) => ({
        organisation_id: organisationId,
        event_type_id: 'eventTypeId' in scope ? scope.eventTypeId : null,
        event_id: 'eventId' in scope ? scope.eventId : null,
        principal_kind: g.kind,
        role: g.kind === 'role' ? g.role : null,
        function_id: g.kind === 'function' ? g.functionId : null,
        user_id: g.kind === 'user' ? g.userId : null,
        access: g.access,
      })),
    )
    .execute();
}

async function ownType(db: Kysely<DB>, auth: AuthContext, id: string) {
  const t = await db.selectFrom('event_types').selectAll().where('id', '=', id).where('organisation_id', '=', auth.user.organisationId).executeTakeFirst();
  if (!t) throw notFound();
  return t;
}

export async function getTypeAudience(services: Services, auth: AuthContext, typeId: string): Promise<TypeAudience> {
  const t = await ownType(services.db, auth, typeId);
  return { eventTypeId: t.id, mode: t.audience, grants: t.audience === 'restricted' ? await grantsOf(services.db, { eventTypeId: t.id }) : [] };
}

export async function putTypeAudience(services: Services, auth: AuthContext, actor: Actor, typeId: string, body: PutTypeAudienceBody): Promise<TypeAudience> {
  await services.db.transaction().execute(async (tx) => {
    const t = await tx.selectFrom('event_types').selectAll().where('id', '=', typeId).where('organisation_id', '=', auth.user.organisationId).forUpdate().executeTakeFirst();
    if (!t) throw notFound();
    const before = t.audience === 'restricted' ? await grantsOf(tx, { eventTypeId: typeId }) : [];
    const grants = body.mode === 'restricted' ? await checkGrants(tx, t.organisation_id, body.grants) : [];
    await replaceGrants(tx, t.organisation_id, { eventTypeId: typeId }, grants);
    await tx.updateTable('event_types').set({ audience: body.mode }).where('id', '=', typeId).execute();
    const after = await grantsOf(tx, { eventTypeId: typeId });
    await recordAudit(tx, actor, {
      action: 'event_type.audience_changed',
      entityType: 'event_type',
      entityId: typeId,
      organisationId: t.organisation_id,
      changes: { mode: { from: t.audience, to: body.mode }, grants: { from: describeGrants(before), to: describeGrants(after) } },
    });
    await afterAudienceChange(services, tx, t.organisation_id, null);
  });
  return getTypeAudience(services, auth, typeId);
}

async function counts(db: Kysely<DB>, eventId: string, organisationId: string) {
  const r = await sql<{ readers: number; writers: number }>`
    SELECT count(*) FILTER (WHERE a <> 'none')::int AS readers, count(*) FILTER (WHERE a = 'write')::int AS writers
    FROM (SELECT event_access(${eventId}::uuid, u.id) AS a FROM users u WHERE u.organisation_id = ${organisationId} AND u.status = 'active') AS x`.execute(db);
  return r.rows[0] ?? { readers: 0, writers: 0 };
}

/** The audience that applies in the end, in words: the nearest restriction on the way up, or the type's. */
async function effective(db: Kysely<DB>, eventId: string): Promise<string> {
  const chain = await sql<{ id: string; title: string; audience: string; type_id: string; depth: number }>`
    WITH RECURSIVE up(id, title, audience, type_id, parent_id, depth) AS (
      SELECT id, title, audience, type_id, parent_id, 0 FROM events WHERE id = ${eventId}
      UNION ALL
      SELECT p.id, p.title, p.audience, p.type_id, p.parent_id, up.depth + 1 FROM events p JOIN up ON p.id = up.parent_id WHERE up.depth < 50
    ) SELECT id, title, audience, type_id, depth FROM up ORDER BY depth`.execute(db);
  const parts: string[] = [];
  for (const e of chain.rows) {
    if (e.audience === 'restricted') {
      const g = describeGrants(await grantsOf(db, { eventId: e.id }));
      parts.push(e.depth === 0 ? `Liste restreinte de l’événement : ${g}` : `Liste restreinte de « ${e.title} » : ${g}`);
    }
  }
  const root = chain.rows[chain.rows.length - 1];
  if (root.audience === 'organisation') parts.push('Toute l’organisation (élargi)');
  else if (root.audience === 'inherit') {
    const t = await db.selectFrom('event_types').select(['name', 'audience']).where('id', '=', root.type_id).executeTakeFirstOrThrow();
    if (t.audience === 'restricted') parts.push(`Liste restreinte du type « ${t.name} » : ${describeGrants(await grantsOf(db, { eventTypeId: root.type_id }))}`);
    else if (root.audience === 'inherit' && parts.length === 0) parts.push(`Toute l’organisation (type « ${t.name} »)`);
  }
  return `${parts.join(' ; puis ')}. Les administrateurs voient tout ; les partenaires, ce qui leur est partagé.`;
}

export async function getEventAudience(services: Services, auth: AuthContext, eventId: string): Promise<EventAudience> {
  const e = await requireManagedEvent(services.db, auth, eventId);
  const [grants, eff, c] = await Promise.all([
    e.audience === 'restricted' ? grantsOf(services.db, { eventId }) : Promise.resolve([]),
    effective(services.db, eventId),
    counts(services.db, eventId, e.organisation_id),
  ]);
  return { eventId, mode: e.audience, grants, inheritedFrom: e.parent_id ? 'parent' : 'type', effective: eff, readers: c.readers, writers: c.writers };
}

/**
 * Widens or restricts an event's audience in one action, written in the main courante (who, what)
 * and the audit; open subscriptions no longer allowed end, lists reload everywhere.
 */
export async function putEventAudience(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: PutEventAudienceBody): Promise<EventAudience> {
  await services.db.transaction().execute(async (tx) => {
    const e = await lockManagedEvent(tx, auth, eventId);
    if (e.status === 'closed') throw new AppError('event_closed');
    if (e.parent_id && body.mode === 'organisation') throw new AppError('audience_sub_event');
    const grants = body.mode === 'restricted' ? await checkGrants(tx, e.organisation_id, body.grants) : [];
    const before = e.audience === 'restricted' ? describeGrants(await grantsOf(tx, { eventId })) : '';
    await replaceGrants(tx, e.organisation_id, { eventId }, grants);
    await tx.updateTable('events').set({ audience: body.mode, updated_at: sql`now()` }).where('id', '=', eventId).execute();
    // Whoever changes the audience keeps managing the event: a list without oneself is refused.
    if ((await eventAccess(tx, auth, e)) !== 'write') throw new AppError('audience_lockout');
    const after = body.mode === 'restricted' ? describeGrants(await grantsOf(tx, { eventId })) : '';
    const text =
      body.mode === 'organisation'
        ? `Audience élargie à toute l’organisation par ${auth.user.displayName}.`
        : body.mode === 'restricted'
          ? `Audience restreinte par ${auth.user.displayName} : ${after}.`
          : `Audience ramenée à celle ${e.parent_id ? 'de l’événement parent' : 'du type d’événement'} par ${auth.user.displayName}.`;
    await systemEntry(services, tx, auth, e, text, true);
    await recordAudit(tx, actor, {
      action: 'event.audience_changed',
      entityType: 'event',
      entityId: eventId,
      organisationId: e.organisation_id,
      changes: { mode: { from: e.audience, to: body.mode }, grants: { from: before, to: after } },
    });
    await publishUpdated(services, tx, eventId);
    await afterAudienceChange(services, tx, e.organisation_id, eventId);
  });
  return getEventAudience(services, auth, eventId);
}
