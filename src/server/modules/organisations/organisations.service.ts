import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import type { OrganisationRow } from '../../db/schema';
import type { OrganisationSummary } from '../../../shared/schemas/auth';
import type { CreateShareBody, Share } from '../../../shared/schemas/organisations';
import { topicOf } from '../../../shared/realtime';
import { recordAudit } from '../audit/audit.repository';
import * as repo from './shares.repository';

export function presentOrganisation(o: OrganisationRow): OrganisationSummary {
  return { id: o.id, name: o.name, kind: o.kind, inseeCode: o.insee_code, departmentCode: o.department_code };
}

/**
 * The directory of organisations (name, kind, INSEE or department code) is visible to every
 * signed-in user, so that shares and invitations can name their recipient. It holds no member
 * list and no data of the organisations.
 */
export async function listOrganisations(services: Services): Promise<OrganisationSummary[]> {
  return (await repo.listOrganisations(services.db)).map(presentOrganisation);
}

type ShareRowWithName = Awaited<ReturnType<typeof repo.listSharesOf>>[number];
function presentShare(s: ShareRowWithName): Share {
  return {
    id: s.id,
    ownerOrganisationId: s.owner_organisation_id,
    granteeOrganisationId: s.grantee_organisation_id,
    granteeOrganisationName: s.grantee_name,
    resourceType: s.resource_type as Share['resourceType'],
    resourceId: s.resource_id,
    access: s.access,
    createdAt: s.created_at.toISOString(),
  };
}

export async function listShares(services: Services, auth: AuthContext): Promise<Share[]> {
  return (await repo.listSharesOf(services.db, auth.user.organisationId)).map(presentShare);
}

export async function createShare(services: Services, auth: AuthContext, actor: Actor, body: CreateShareBody): Promise<Share> {
  const owner = auth.user.organisationId;
  if (body.granteeOrganisationId === owner) throw new AppError('share_invalid');
  return services.db.transaction().execute(async (tx) => {
    const grantee = await tx.selectFrom('organisations').select(['id', 'name']).where('id', '=', body.granteeOrganisationId).executeTakeFirst();
    if (!grantee) throw new AppError('share_invalid', { field: 'granteeOrganisationId' });
    if (body.resourceId !== null) {
      // A specific resource must be one of ours.
      const table = body.resourceType === 'events' ? 'events' : body.resourceType === 'event_types' ? 'event_types' : 'announcements';
      const own = await tx.selectFrom(table).select('id').where('id', '=', body.resourceId).where('organisation_id', '=', owner).executeTakeFirst();
      if (!own) throw notFound();
    }
    const row = await repo
      .insertShare(tx, { owner, grantee: grantee.id, resourceType: body.resourceType, resourceId: body.resourceId, access: body.access, createdBy: auth.user.id })
      .catch((err: unknown) => {
        if (String((err as { code?: string }).code) === '23505') throw new AppError('share_exists');
        throw err;
      });
    await recordAudit(tx, actor, {
      action: 'share.created',
      entityType: 'share',
      entityId: row.id,
      organisationId: owner,
      changes: { grantee: grantee.name, resourceType: row.resource_type, resourceId: row.resource_id, access: row.access },
    });
    // The grantee's lists of events reload at once.
    if (row.resource_type !== 'announcements') await services.realtime.publish(tx, topicOf('organisation', grantee.id), { kind: 'events.changed' });
    return presentShare({ ...row, grantee_name: grantee.name });
  });
}

export async function deleteShare(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  await services.db.transaction().execute(async (tx) => {
    const row = await repo.deleteOwnedShare(tx, id, auth.user.organisationId);
    if (!row) throw notFound();
    await recordAudit(tx, actor, {
      action: 'share.deleted',
      entityType: 'share',
      entityId: id,
      organisationId: row.owner_organisation_id,
      changes: { grantee: row.grantee_organisation_id, resourceType: row.resource_type, resourceId: row.resource_id, access: row.access },
    });
    // Open realtime subscriptions the share allowed end with it, on every instance.
    if (row.resource_type === 'announcements') await services.realtime.recheckTopics(tx, [topicOf('announcements', row.owner_organisation_id)]);
    if (row.resource_type === 'events' || row.resource_type === 'event_types') {
      // The grantee's open event pages lose their subscription; its lists reload.
      await services.realtime.recheckTopicKind(tx, 'event');
      await services.realtime.publish(tx, topicOf('organisation', row.grantee_organisation_id), { kind: 'events.changed' });
    }
  });
}
