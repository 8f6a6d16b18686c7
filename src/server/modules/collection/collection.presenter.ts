import type { IndicatorRow } from '../../db/schema';
import type { CampaignSummary, Declaration, Indicator } from '../../../shared/schemas/collection';
import type { CampaignSummaryRow, DeclarationViewRow } from './collection.repository';

export function presentIndicator(r: IndicatorRow): Indicator {
  return { key: r.key, label: r.label, help: r.help, max: r.max_value };
}

export function presentCampaign(r: CampaignSummaryRow, indicators: IndicatorRow[]): CampaignSummary {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    departmentCode: r.department_code,
    name: r.name,
    description: r.description,
    period: r.period,
    deadline: r.deadline,
    startDate: r.start_date,
    status: r.status,
    indicators: indicators.filter((i) => i.campaign_id === r.id).map(presentIndicator),
    communeCount: r.commune_count,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function presentDeclaration(r: DeclarationViewRow): Declaration {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    inseeCode: r.insee_code,
    communeName: r.commune_name,
    date: r.period_date,
    values: r.values,
    version: r.version,
    declaredBy: r.declared_by_name,
    declaredAt: r.declared_at.toISOString(),
    updatedBy: r.updated_by_name,
    updatedAt: r.updated_at.toISOString(),
  };
}
