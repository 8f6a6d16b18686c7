import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CampaignRow, DB } from '../../db/schema';
import type { AuthContext } from '../../http/context';

/**
 * Who sees a campaign. The prefecture that runs it (every member; managing it needs
 * `campaigns.manage`); a commune organisation whose commune it asks, once it is no longer a draft,
 * and then only its own commune's declarations. Nobody else: such a caller gets "not found".
 */
export type CampaignAccess = { kind: 'owner' } | { kind: 'commune'; inseeCode: string };

export async function campaignAccess(db: Kysely<DB>, auth: AuthContext, campaign: Pick<CampaignRow, 'id' | 'organisation_id' | 'status'>): Promise<CampaignAccess | null> {
  if (campaign.organisation_id === auth.user.organisationId) return { kind: 'owner' };
  const org = auth.organisation;
  if (org.kind !== 'commune' || !org.insee_code || campaign.status === 'draft') return null;
  const asked = await db
    .selectFrom('collection_campaign_communes')
    .select('insee_code')
    .where('campaign_id', '=', campaign.id)
    .where('insee_code', '=', org.insee_code)
    .executeTakeFirst();
  return asked ? { kind: 'commune', inseeCode: org.insee_code } : null;
}

/**
 * May the caller declare for `inseeCode` (the commune must be asked)? The running prefecture, for
 * any asked commune; a commune organisation, for itself once the campaign is no longer a draft.
 * Anyone else is answered "not found" by the caller.
 */
export function mayDeclare(auth: AuthContext, campaign: Pick<CampaignRow, 'organisation_id' | 'status'> & { asked: boolean }, inseeCode: string): boolean {
  if (!campaign.asked) return false;
  if (campaign.organisation_id === auth.user.organisationId) return true;
  const org = auth.organisation;
  return org.kind === 'commune' && org.insee_code === inseeCode && campaign.status !== 'draft';
}

/** May this access read or write the declarations of `inseeCode`? A commune: its own only. */
export function coversCommune(access: CampaignAccess, inseeCode: string): boolean {
  return access.kind === 'owner' || access.inseeCode === inseeCode;
}

/** Ids of the campaigns the caller sees (for lists). */
export function visibleCampaignIdsSql(auth: AuthContext): RawBuilder<unknown> {
  const org = auth.organisation;
  const asCommune =
    org.kind === 'commune' && org.insee_code
      ? sql`UNION SELECT c.id FROM collection_campaigns c JOIN collection_campaign_communes cc ON cc.campaign_id = c.id
            WHERE cc.insee_code = ${org.insee_code} AND c.status <> 'draft'`
      : sql``;
  return sql`(SELECT id FROM collection_campaigns WHERE organisation_id = ${auth.user.organisationId} ${asCommune})`;
}

/** `campaign:<id>` carries every commune's declarations: members of the running prefecture only. */
export async function canSubscribeCampaign(db: Kysely<DB>, auth: AuthContext, id: string): Promise<boolean> {
  const c = await db.selectFrom('collection_campaigns').select('organisation_id').where('id', '=', id).executeTakeFirst();
  return c !== undefined && c.organisation_id === auth.user.organisationId;
}
