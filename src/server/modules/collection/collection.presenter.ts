import type { IndicatorRow } from '../../db/schema';
import { alertSettingsSchema, DEFAULT_ALERT_SETTINGS, type AlertSettings, type CampaignSummary, type Declaration, type Indicator } from '../../../shared/schemas/collection';
import type { CampaignSummaryRow, DeclarationViewRow } from './collection.repository';

export function presentIndicator(r: IndicatorRow): Indicator {
  return { key: r.key, label: r.label, help: r.help, max: r.max_value };
}

/** The stored alert settings; the defaults if the JSON were ever unreadable (never fails a read). */
export function alertSettingsOf(raw: unknown): AlertSettings {
  const parsed = alertSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : DEFAULT_ALERT_SETTINGS;
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
    alerts: alertSettingsOf(r.alert_settings),
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
