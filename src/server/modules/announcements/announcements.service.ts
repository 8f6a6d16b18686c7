import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import type { Announcement, CreateAnnouncementBody } from '../../../shared/schemas/announcements';
import { recordAudit } from '../audit/audit.repository';
import { hasShare } from '../organisations';

/** Members read their organisation's announcements; another organisation needs a share. */
export async function canReadAnnouncementsOf(db: Kysely<DB>, auth: AuthContext, organisationId: string): Promise<boolean> {
  if (organisationId === auth.user.organisationId) return true;
  return hasShare(db, { owner: organisationId, grantee: auth.user.organisationId, resourceType: 'announcements', access: 'read' });
}

function baseQuery(db: Kysely<DB>) {
  return db
    .selectFrom('announcements as a')
    .innerJoin('users as u', 'u.id', 'a.author_id')
    .select(['a.id', 'a.organisation_id', 'a.author_id', 'a.text', 'a.level', 'a.created_at', 'u.display_name as author_name']);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function present(r: Row): Announcement {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    authorId: r.author_id,
    authorName: r.author_name,
    text: r.text,
    level: r.level,
    createdAt: r.created_at.toISOString(),
  };
}

export async function listAnnouncements(services: Services, auth: AuthContext, q: { organisationId?: string; limit: number }): Promise<Announcement[]> {
  const orgId = q.organisationId ?? auth.user.organisationId;
  if (!(await canReadAnnouncementsOf(services.db, auth, orgId))) throw notFound();
  const rows = await baseQuery(services.db).where('a.organisation_id', '=', orgId).orderBy('a.created_at', 'desc').orderBy('a.id').limit(q.limit).execute();
  return rows.map(present);
}

export async function createAnnouncement(services: Services, auth: AuthContext, actor: Actor, body: CreateAnnouncementBody): Promise<Announcement> {
  return services.db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('announcements')
      .values({ organisation_id: auth.user.organisationId, author_id: auth.user.id, text: body.text, level: body.level })
      .returning('id')
      .executeTakeFirstOrThrow();
    const announcement = present(await baseQuery(tx).where('a.id', '=', id).executeTakeFirstOrThrow());
    await recordAudit(tx, actor, {
      action: 'announcement.created',
      entityType: 'announcement',
      entityId: id,
      organisationId: announcement.organisationId,
      changes: { level: body.level, text: body.text },
    });
    await services.realtime.publish(tx, topicOf('announcements', announcement.organisationId), { kind: 'announcement.created', announcement });
    return announcement;
  });
}
