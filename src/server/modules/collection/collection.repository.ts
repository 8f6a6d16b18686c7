import { sql, type Kysely } from 'kysely';
import type { CampaignRow, DB } from '../../db/schema';

// The SQL of the collection. `date` columns are always read as text ('YYYY-MM-DD'): both drivers
// would otherwise turn them into a Date at local midnight.

const campaignColumns = [
  'c.id',
  'c.organisation_id',
  'c.department_code',
  'c.name',
  'c.description',
  'c.period',
  'c.deadline',
  'c.status',
  'c.alert_settings',
  'c.created_by',
  'c.created_at',
  'c.updated_at',
] as const;

export function campaignQuery(db: Kysely<DB>) {
  return db
    .selectFrom('collection_campaigns as c')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .select(campaignColumns)
    .select(sql<string>`c.start_date::text`.as('start_date'))
    .select('o.name as organisation_name')
    .select(sql<number>`(SELECT count(*)::int FROM collection_campaign_communes cc WHERE cc.campaign_id = c.id)`.as('commune_count'));
}
export type CampaignSummaryRow = Awaited<ReturnType<ReturnType<typeof campaignQuery>['executeTakeFirstOrThrow']>>;

/** `update` for changing the campaign; `share` for writing a declaration (many at once, but not while its status changes). */
export async function findCampaign(db: Kysely<DB>, id: string, lock: 'update' | 'share' | null = null): Promise<CampaignRow | undefined> {
  let q = db
    .selectFrom('collection_campaigns as c')
    .select(campaignColumns)
    .select(sql<string>`c.start_date::text`.as('start_date'))
    .where('c.id', '=', id);
  if (lock === 'update') q = q.forUpdate();
  if (lock === 'share') q = q.forShare();
  return q.executeTakeFirst();
}

export async function indicatorsOf(db: Kysely<DB>, campaignIds: string[]) {
  if (campaignIds.length === 0) return [];
  return db.selectFrom('collection_indicators').selectAll().where('campaign_id', 'in', campaignIds).orderBy('campaign_id').orderBy('position').execute();
}

export async function communesOf(db: Kysely<DB>, campaignId: string, onlyInsee?: string) {
  let q = db
    .selectFrom('collection_campaign_communes as cc')
    .innerJoin('communes as m', 'm.insee_code', 'cc.insee_code')
    .select(['m.insee_code', 'm.name', 'm.population'])
    .where('cc.campaign_id', '=', campaignId);
  if (onlyInsee) q = q.where('cc.insee_code', '=', onlyInsee);
  return q.orderBy('m.insee_code').execute();
}

export async function isAsked(db: Kysely<DB>, campaignId: string, inseeCode: string): Promise<boolean> {
  const r = await db.selectFrom('collection_campaign_communes').select('insee_code').where('campaign_id', '=', campaignId).where('insee_code', '=', inseeCode).executeTakeFirst();
  return r !== undefined;
}

/** Current communes of the department among `codes` (all of them when `codes` is undefined). */
export async function departmentCommunes(db: Kysely<DB>, departmentCode: string, codes?: string[]): Promise<string[]> {
  let q = db.selectFrom('communes').select('insee_code').where('department_code', '=', departmentCode);
  if (codes) q = q.where('insee_code', 'in', codes);
  return (await q.orderBy('insee_code').execute()).map((r) => r.insee_code);
}

export async function replaceIndicators(db: Kysely<DB>, campaignId: string, indicators: Array<{ key: string; label: string; help: string; max: number }>) {
  await db.deleteFrom('collection_indicators').where('campaign_id', '=', campaignId).execute();
  await db
    .insertInto('collection_indicators')
    .values(indicators.map((i, position) => ({ campaign_id: campaignId, key: i.key, position, label: i.label, help: i.help, max_value: i.max })))
    .execute();
}

export async function replaceCommunes(db: Kysely<DB>, campaignId: string, codes: string[]) {
  await db.deleteFrom('collection_campaign_communes').where('campaign_id', '=', campaignId).execute();
  for (let i = 0; i < codes.length; i += 500) {
    await db
      .insertInto('collection_campaign_communes')
      .values(codes.slice(i, i + 500).map((insee_code) => ({ campaign_id: campaignId, insee_code })))
      .execute();
  }
}

/**
 * The campaign (shared-locked: declarations go on together, a status change waits), whether it
 * asks this commune, and the commune's name: what a declaration needs, in one statement.
 */
export async function declarationTarget(db: Kysely<DB>, campaignId: string, inseeCode: string) {
  return db
    .selectFrom('collection_campaigns as c')
    .select(campaignColumns)
    .select(sql<string>`c.start_date::text`.as('start_date'))
    .select(sql<boolean>`EXISTS (SELECT 1 FROM collection_campaign_communes cc WHERE cc.campaign_id = c.id AND cc.insee_code = ${inseeCode})`.as('asked'))
    .select(sql<string | null>`(SELECT m.name FROM communes m WHERE m.insee_code = ${inseeCode})`.as('commune_name'))
    .where('c.id', '=', campaignId)
    .forShare()
    .executeTakeFirst();
}

/** The columns of a declaration as presented (RETURNING of a write), without the commune's name. */
export const declarationColumns = [
  'id',
  'campaign_id',
  'insee_code',
  'values',
  'version',
  'organisation_id',
  'declared_by',
  'declared_by_name',
  'declared_at',
  'updated_by',
  'updated_by_name',
  'updated_at',
  sql<string>`period_date::text`.as('period_date'),
] as const;

export function declarationQuery(db: Kysely<DB>) {
  return db
    .selectFrom('collection_declarations as d')
    .innerJoin('communes as m', 'm.insee_code', 'd.insee_code')
    .select([
      'd.id',
      'd.campaign_id',
      'd.insee_code',
      'd.values',
      'd.version',
      'd.organisation_id',
      'd.declared_by',
      'd.declared_by_name',
      'd.declared_at',
      'd.updated_by',
      'd.updated_by_name',
      'd.updated_at',
      'm.name as commune_name',
    ])
    .select(sql<string>`d.period_date::text`.as('period_date'));
}
export type DeclarationViewRow = Awaited<ReturnType<ReturnType<typeof declarationQuery>['executeTakeFirstOrThrow']>>;

export async function findDeclaration(db: Kysely<DB>, campaignId: string, inseeCode: string, date: string, lock = false) {
  let q = declarationQuery(db).where('d.campaign_id', '=', campaignId).where('d.insee_code', '=', inseeCode).where(sql<boolean>`d.period_date = ${date}::date`);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * The commune's usual values before `date`: how many days it declared over the 90 days before, and
 * the highest value of each indicator over those days.
 */
export async function recentHistory(db: Kysely<DB>, campaignId: string, inseeCode: string, date: string): Promise<{ days: number; max: Record<string, number> }> {
  const rows = await sql<{ key: string | null; max: number | null; days: number }>`
    WITH recent AS (
      SELECT "values" FROM collection_declarations
      WHERE campaign_id = ${campaignId} AND insee_code = ${inseeCode}
        AND period_date < ${date}::date AND period_date >= ${date}::date - 90
    )
    SELECT NULL AS key, NULL::int AS max, (SELECT count(*)::int FROM recent) AS days
    UNION ALL
    SELECT e.key, max((e.value)::text::int), 0 FROM recent, jsonb_each(recent."values") e GROUP BY e.key`.execute(db);
  const max: Record<string, number> = {};
  let days = 0;
  for (const r of rows.rows) {
    if (r.key === null) days = r.days;
    else max[r.key] = Number(r.max ?? 0);
  }
  return { days, max };
}

export async function listDeclarationRows(db: Kysely<DB>, campaignId: string, from: string, to: string, inseeCode?: string) {
  let q = declarationQuery(db)
    .where('d.campaign_id', '=', campaignId)
    .where(sql<boolean>`d.period_date BETWEEN ${from}::date AND ${to}::date`);
  if (inseeCode) q = q.where('d.insee_code', '=', inseeCode);
  return q.orderBy('d.period_date').orderBy('d.insee_code').execute();
}

export async function historyRows(db: Kysely<DB>, declarationId: string) {
  return db.selectFrom('collection_declaration_history').selectAll().where('declaration_id', '=', declarationId).orderBy('version').execute();
}

export async function completenessRows(db: Kysely<DB>, campaignId: string, date: string) {
  return db
    .selectFrom('collection_campaign_communes as cc')
    .innerJoin('communes as m', 'm.insee_code', 'cc.insee_code')
    .leftJoin('collection_declarations as d', (j) =>
      j.onRef('d.campaign_id', '=', 'cc.campaign_id').onRef('d.insee_code', '=', 'cc.insee_code').on(sql<boolean>`d.period_date = ${date}::date`),
    )
    .select(['m.insee_code', 'm.name', 'm.population', 'd.declared_at', 'd.values'])
    .where('cc.campaign_id', '=', campaignId)
    .orderBy('m.insee_code')
    .execute();
}

/** Contacts of the commune organisations of these INSEE codes: active accounts, with the function and phone given when the prefecture invited them. */
export async function communeContacts(db: Kysely<DB>, codes: string[]): Promise<Map<string, Array<{ name: string; email: string; jobTitle: string; phone: string }>>> {
  const out = new Map<string, Array<{ name: string; email: string; jobTitle: string; phone: string }>>();
  if (codes.length === 0) return out;
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
    .leftJoin('commune_invitations as i', 'i.user_id', 'u.id')
    .select(['o.insee_code', 'u.email', 'u.display_name', 'i.job_title', 'i.phone'])
    .where('o.kind', '=', 'commune')
    .where('o.insee_code', 'in', codes)
    .where('u.status', '=', 'active')
    .orderBy('u.email')
    .execute();
  for (const r of rows) {
    const list = out.get(r.insee_code!) ?? [];
    list.push({ name: r.display_name, email: r.email, jobTitle: r.job_title ?? '', phone: r.phone ?? '' });
    out.set(r.insee_code!, list);
  }
  return out;
}

/** Declared values of one commune, by date (ascending); `indicator` null = the sum of every value. */
export async function seriesRows(db: Kysely<DB>, campaignId: string, inseeCode: string, indicator: string | null, to: string) {
  const value = indicator === null
    ? sql<number>`d.total`
    : sql<number>`coalesce((d."values" ->> ${indicator})::int, 0)`;
  const r = await sql<{ date: string; value: number }>`
    SELECT d.period_date::text AS date, ${value} AS value FROM collection_declarations d
    WHERE d.campaign_id = ${campaignId} AND d.insee_code = ${inseeCode} AND d.period_date <= ${to}::date
    ORDER BY d.period_date`.execute(db);
  return r.rows;
}
