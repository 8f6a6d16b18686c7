import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';

// The SQL of onboarding: commune organisations, their invited accounts and the invitations.

/** Current communes of a department, with their former codes (merged communes). */
export async function departmentCommunes(db: Kysely<DB>, departmentCode: string) {
  return db.selectFrom('communes').select(['insee_code', 'name', 'former_codes']).where('department_code', '=', departmentCode).orderBy('insee_code').execute();
}

/** Commune organisations of these INSEE codes (one per commune is expected; the oldest wins). */
export async function communeOrganisations(db: Kysely<DB>, codes: string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'insee_code', 'created_at'])
    .where('kind', '=', 'commune')
    .where('insee_code', 'in', codes)
    .orderBy('created_at')
    .execute();
}

export async function organisationNameTaken(db: Kysely<DB>, name: string): Promise<boolean> {
  const r = await db.selectFrom('organisations').select('id').where(sql<boolean>`lower(name) = lower(${name})`).executeTakeFirst();
  return r !== undefined;
}

export async function usersByEmail(db: Kysely<DB>, emails: string[]) {
  if (emails.length === 0) return [];
  return db.selectFrom('users').select(['id', 'email', 'organisation_id']).where('email', 'in', emails).execute();
}

export function contactQuery(db: Kysely<DB>) {
  return db
    .selectFrom('commune_invitations as i')
    .innerJoin('users as u', 'u.id', 'i.user_id')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .innerJoin('communes as m', 'm.insee_code', 'i.insee_code')
    .select([
      'i.user_id',
      'i.prefecture_id',
      'i.insee_code',
      'i.job_title',
      'i.phone',
      'i.expires_at',
      'i.links_sent',
      'i.invited_at',
      'i.link_at',
      'i.activated_at',
      'u.organisation_id',
      'u.display_name',
      'u.email',
      'u.role',
      'u.status',
      'u.last_login_at',
      'm.name as commune_name',
      'o.name as organisation_name',
    ]);
}
export type ContactRow = Awaited<ReturnType<ReturnType<typeof contactQuery>['executeTakeFirstOrThrow']>>;

/**
 * For each commune of the department: how many accounts are activated (an invitation used, or an
 * account not made by invitation, e.g. by the commune's own administrator) and how many invitations wait.
 */
export async function communeBoarding(db: Kysely<DB>, departmentCode: string) {
  const r = await sql<{ insee_code: string; name: string; active: number; invited: number }>`
    SELECT m.insee_code, m.name,
      count(u.id) FILTER (WHERE u.status = 'active' AND (i.user_id IS NULL OR i.activated_at IS NOT NULL))::int AS active,
      count(i.user_id) FILTER (WHERE i.activated_at IS NULL AND u.status = 'active')::int AS invited
    FROM communes m
    LEFT JOIN organisations o ON o.kind = 'commune' AND o.insee_code = m.insee_code
    LEFT JOIN users u ON u.organisation_id = o.id
    LEFT JOIN commune_invitations i ON i.user_id = u.id
    WHERE m.department_code = ${departmentCode}
    GROUP BY m.insee_code, m.name
    ORDER BY m.name`.execute(db);
  return r.rows;
}

export async function invitationByToken(db: Kysely<DB>, tokenHash: string) {
  return contactQuery(db).where('i.token_hash', '=', tokenHash).executeTakeFirst();
}
