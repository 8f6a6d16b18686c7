import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { ShareAccess } from '../../../shared/schemas/organisations';

/**
 * True when `owner` shared `resourceType` (all of them, or the one `resourceId`) with `grantee`
 * at `access` level or above. The one question every module asks before crossing organisations.
 */
export async function hasShare(
  db: Kysely<DB>,
  q: { owner: string; grantee: string; resourceType: string; resourceId?: string | null; access: ShareAccess },
): Promise<boolean> {
  let query = db
    .selectFrom('shares')
    .select('id')
    .where('owner_organisation_id', '=', q.owner)
    .where('grantee_organisation_id', '=', q.grantee)
    .where('resource_type', '=', q.resourceType);
  query = q.resourceId
    ? query.where((eb) => eb.or([eb('resource_id', 'is', null), eb('resource_id', '=', q.resourceId!)]))
    : query.where('resource_id', 'is', null);
  if (q.access === 'write') query = query.where('access', '=', 'write');
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

export async function listSharesOf(db: Kysely<DB>, organisationId: string) {
  return db
    .selectFrom('shares as s')
    .innerJoin('organisations as g', 'g.id', 's.grantee_organisation_id')
    .selectAll('s')
    .select('g.name as grantee_name')
    .where((eb) => eb.or([eb('s.owner_organisation_id', '=', organisationId), eb('s.grantee_organisation_id', '=', organisationId)]))
    .orderBy('s.created_at', 'desc')
    .execute();
}

export async function insertShare(
  db: Kysely<DB>,
  s: { owner: string; grantee: string; resourceType: string; resourceId: string | null; access: ShareAccess; createdBy: string },
) {
  return db
    .insertInto('shares')
    .values({
      owner_organisation_id: s.owner,
      grantee_organisation_id: s.grantee,
      resource_type: s.resourceType,
      resource_id: s.resourceId,
      access: s.access,
      created_by: s.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteOwnedShare(db: Kysely<DB>, id: string, owner: string) {
  return db.deleteFrom('shares').where('id', '=', id).where('owner_organisation_id', '=', owner).returningAll().executeTakeFirst();
}

export async function listOrganisations(db: Kysely<DB>) {
  return db.selectFrom('organisations').selectAll().orderBy(sql`lower(name)`).execute();
}
