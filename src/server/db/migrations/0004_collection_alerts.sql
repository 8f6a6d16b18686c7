-- Collecte: alert rules of a campaign (levels vert / jaune / orange / rouge per commune and for the
-- department), as JSON checked by the application (shared/schemas/collection.ts alertSettingsSchema).
ALTER TABLE collection_campaigns
  ADD COLUMN alert_settings jsonb NOT NULL DEFAULT '{"rules": [], "detectionLevel": "orange"}'::jsonb;
