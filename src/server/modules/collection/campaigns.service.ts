import { sql } from 'kysely';
import type { CampaignRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { topicOf } from '../../../shared/realtime';
import { TOTAL_INDICATOR, type AlertSettings, type CampaignDetail, type CampaignSummary, type CreateCampaignBody, type UpdateCampaignBody } from '../../../shared/schemas/collection';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { recordAudit } from '../audit';
import { campaignAccess, visibleCampaignIdsSql, type CampaignAccess } from './collection.policy';
import { alertSettingsOf, presentCampaign } from './collection.presenter';
import { campaignQuery, communesOf, departmentCommunes, findCampaign, indicatorsOf, replaceCommunes, replaceIndicators } from './collection.repository';

/** The campaign and how the caller sees it; "not found" when the caller may not see it at all. */
export async function requireCampaign(db: Kysely<DB>, auth: AuthContext, id: string, lock: 'update' | 'share' | null = null): Promise<{ campaign: CampaignRow; access: CampaignAccess }> {
  const campaign = await findCampaign(db, id, lock);
  if (!campaign) throw notFound();
  const access = await campaignAccess(db, auth, campaign);
  if (!access) throw notFound();
  return { campaign, access };
}

async function summary(db: Kysely<DB>, id: string): Promise<CampaignSummary> {
  const row = await campaignQuery(db).where('c.id', '=', id).executeTakeFirstOrThrow();
  return presentCampaign(row, await indicatorsOf(db, [id]));
}

async function detail(db: Kysely<DB>, id: string, access: CampaignAccess): Promise<CampaignDetail> {
  const communes = await communesOf(db, id, access.kind === 'commune' ? access.inseeCode : undefined);
  return { ...(await summary(db, id)), communes: communes.map((c) => ({ inseeCode: c.insee_code, name: c.name, population: c.population })) };
}

export async function listCampaigns(services: Services, auth: AuthContext): Promise<CampaignSummary[]> {
  const rows = await campaignQuery(services.db)
    .where('c.id', 'in', visibleCampaignIdsSql(auth) as never)
    .orderBy(sql`CASE c.status WHEN 'active' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END`)
    .orderBy('c.created_at', 'desc')
    .execute();
  const indicators = await indicatorsOf(services.db, rows.map((r) => r.id));
  return rows.map((r) => presentCampaign(r, indicators));
}

export async function getCampaign(services: Services, auth: AuthContext, id: string): Promise<CampaignDetail> {
  const { access } = await requireCampaign(services.db, auth, id);
  return detail(services.db, id, access);
}

/** The communes asked: current communes of the department, all of them by default. */
async function resolveCommunes(db: Kysely<DB>, departmentCode: string, codes: string[] | undefined): Promise<string[]> {
  if (codes === undefined) return departmentCommunes(db, departmentCode);
  const unique = [...new Set(codes)];
  const found = await departmentCommunes(db, departmentCode, unique);
  if (found.length !== unique.length) {
    const known = new Set(found);
    throw new AppError('invalid_communes', unique.filter((c) => !known.has(c)).map((c) => ({ path: 'communes', code: 'unknown_commune', message: `Commune ${c} inconnue dans le département ${departmentCode}.` })));
  }
  return found;
}

/** Every rule names one of the campaign's indicators, or the total. */
function checkAlertSettings(settings: AlertSettings, indicatorKeys: string[]): void {
  const known = new Set([...indicatorKeys, TOTAL_INDICATOR]);
  const issues = settings.rules.flatMap((r, i) =>
    known.has(r.indicator) ? [] : [{ path: `alerts.rules.${i}.indicator`, code: 'unknown_indicator', message: `Indicateur inconnu dans cette campagne : « ${r.indicator} ».` }],
  );
  if (issues.length) throw new AppError('validation_failed', issues);
}

export async function createCampaign(services: Services, auth: AuthContext, actor: Actor, body: CreateCampaignBody): Promise<CampaignDetail> {
  const org = auth.organisation;
  if (org.kind !== 'prefecture' || !org.department_code) throw new AppError('prefecture_only');
  const departmentCode = org.department_code;
  if (body.alerts) checkAlertSettings(body.alerts, body.indicators.map((i) => i.key));
  const id = await services.db.transaction().execute(async (tx) => {
    const communes = await resolveCommunes(tx, departmentCode, body.communes);
    const { id } = await tx
      .insertInto('collection_campaigns')
      .values({
        organisation_id: org.id,
        department_code: departmentCode,
        name: body.name,
        description: body.description,
        period: body.period,
        deadline: body.deadline,
        start_date: body.startDate,
        status: body.status,
        ...(body.alerts ? { alert_settings: JSON.stringify(body.alerts) } : {}),
        created_by: auth.user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await replaceIndicators(tx, id, body.indicators);
    await replaceCommunes(tx, id, communes);
    await recordAudit(tx, actor, {
      action: 'campaign.created',
      entityType: 'campaign',
      entityId: id,
      organisationId: org.id,
      changes: { ...body, communes: body.communes ?? 'all', communeCount: communes.length },
    });
    await services.realtime.publish(tx, topicOf('campaign', id), { kind: 'campaign.updated', campaign: await summary(tx, id) });
    return id;
  });
  return detail(services.db, id, { kind: 'owner' });
}

const allowedTransitions: Record<CampaignRow['status'], ReadonlyArray<CampaignRow['status']>> = {
  draft: ['active', 'closed'],
  active: ['closed'],
  closed: ['active'],
};

export async function updateCampaign(services: Services, auth: AuthContext, actor: Actor, id: string, body: UpdateCampaignBody): Promise<CampaignDetail> {
  await services.db.transaction().execute(async (tx) => {
    const { campaign, access } = await requireCampaign(tx, auth, id, 'update');
    // A commune sees the campaign but never manages it.
    if (access.kind !== 'owner') throw new AppError('forbidden');
    const changes: Record<string, unknown> = {};
    const set: Record<string, unknown> = {};
    for (const k of ['name', 'description', 'deadline'] as const) {
      const v = body[k];
      if (v !== undefined && v !== campaign[k]) {
        changes[k] = { from: campaign[k], to: v };
        set[k] = v;
      }
    }
    if (body.status !== undefined && body.status !== campaign.status) {
      if (!allowedTransitions[campaign.status].includes(body.status)) throw new AppError('campaign_status_invalid');
      changes.status = { from: campaign.status, to: body.status };
      set.status = body.status;
    }
    if (body.indicators !== undefined || body.communes !== undefined) {
      if (campaign.status !== 'draft') throw new AppError('campaign_not_draft');
      if (body.indicators !== undefined) {
        const before = await indicatorsOf(tx, [id]);
        await replaceIndicators(tx, id, body.indicators);
        changes.indicators = { from: before.map((i) => i.key), to: body.indicators.map((i) => i.key) };
      }
      if (body.communes !== undefined) {
        const codes = await resolveCommunes(tx, campaign.department_code, body.communes);
        await replaceCommunes(tx, id, codes);
        changes.communes = { count: codes.length };
      }
    }
    if (body.alerts !== undefined) {
      const keys = (body.indicators ?? (await indicatorsOf(tx, [id])).map((i) => ({ key: i.key }))).map((i) => i.key);
      checkAlertSettings(body.alerts, keys);
      const before = alertSettingsOf(campaign.alert_settings);
      if (JSON.stringify(before) !== JSON.stringify(body.alerts)) {
        changes.alerts = { from: before, to: body.alerts };
        set.alert_settings = JSON.stringify(body.alerts);
      }
    } else if (body.indicators !== undefined) {
      // Indicators replaced in draft: rules naming a removed indicator would never match.
      checkAlertSettings(alertSettingsOf(campaign.alert_settings), body.indicators.map((i) => i.key));
    }
    if (Object.keys(changes).length === 0) return;
    await tx.updateTable('collection_campaigns').set({ ...set, updated_at: sql`now()` }).where('id', '=', id).execute();
    await recordAudit(tx, actor, { action: 'campaign.updated', entityType: 'campaign', entityId: id, organisationId: campaign.organisation_id, changes });
    await services.realtime.publish(tx, topicOf('campaign', id), { kind: 'campaign.updated', campaign: await summary(tx, id) });
  });
  services.caches.overview.invalidate(id);
  return detail(services.db, id, { kind: 'owner' });
}
