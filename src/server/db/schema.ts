import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OrganisationKind, Role } from '../../shared/permissions';
import type { UserStatus } from '../../shared/schemas/users';
import type { AnnouncementLevel } from '../../shared/schemas/announcements';
import type { ShareAccess } from '../../shared/schemas/organisations';
import type { EntryPosition } from '../../shared/schemas/logbook';

/**
 * Typed view of the tables created by ./migrations, kept by hand (see docs/ARCHITECTURE.md);
 * the integration tests read and write every table through it.
 */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export interface DepartmentsTable {
  code: string;
  name: string;
  outline: Json | null;
}

export interface CommunesTable {
  insee_code: string;
  name: string;
  department_code: string;
  population: number | null;
  former_codes: ColumnType<string[], string[] | undefined, string[]>;
  outline: Json | null;
}

export interface OrganisationsTable {
  id: Generated<string>;
  kind: OrganisationKind;
  name: string;
  insee_code: string | null;
  department_code: string | null;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  display_name: string;
  role: Role;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  password_hash: string;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  last_login_at: Timestamp | null;
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_start: Timestamp;
  blocked_until: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  organisation_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  changes: Json;
  ip: string | null;
}

export interface SharesTable {
  id: Generated<string>;
  owner_organisation_id: string;
  grantee_organisation_id: string;
  resource_type: string;
  resource_id: string | null;
  access: ShareAccess;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface AnnouncementsTable {
  id: Generated<string>;
  organisation_id: string;
  author_id: string;
  text: string;
  level: AnnouncementLevel;
  created_at: CreatedAt;
}

export interface RealtimeTopicsTable {
  topic: string;
  seq: number;
}

export interface RealtimeMessagesTable {
  topic: string;
  seq: number;
  event: Json;
  created_at: CreatedAt;
}

export interface CatalogueTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  position: ColumnType<number, number | undefined, number>;
  archived: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

/** event_types: the catalogue shape plus who sees its events. */
export interface EventTypesTable extends CatalogueTable {
  audience: ColumnType<'organisation' | 'restricted', 'organisation' | 'restricted' | undefined, 'organisation' | 'restricted'>;
}

export interface UserFunctionsTable {
  user_id: string;
  function_id: string;
}

export interface AudienceGrantsTable {
  id: Generated<string>;
  organisation_id: string;
  event_type_id: string | null;
  event_id: string | null;
  principal_kind: 'role' | 'function' | 'user';
  role: Role | null;
  function_id: string | null;
  user_id: string | null;
  access: 'read' | 'write';
  created_at: CreatedAt;
}

export interface GuestLinksTable {
  id: Generated<string>;
  organisation_id: string;
  event_id: string;
  token_hash: string;
  label: string;
  access: 'read' | 'write';
  include_children: boolean;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  use_count: ColumnType<number, number | undefined, number>;
}

export interface GuestSessionsTable {
  id: string;
  guest_id: Generated<string>;
  link_id: string;
  name: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  ip: string | null;
  user_agent: string | null;
}

export interface SituationFormsTable {
  event_type_id: string;
  organisation_id: string;
  fields: Json;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SituationReportsTable {
  id: Generated<string>;
  event_id: string;
  organisation_id: string;
  version: number;
  severity: number;
  fields: Json;
  values: Json;
  author_id: string | null;
  author_name: string;
  entry_id: string | null;
  created_at: CreatedAt;
}

export interface ActionsTable {
  id: Generated<string>;
  organisation_id: string;
  event_id: string;
  entry_id: string;
  entry_seq: number;
  title: string;
  assignee_user_id: string | null;
  assignee_function_id: string | null;
  assignee_name: string;
  due_at: Timestamp | null;
  status: ColumnType<'todo' | 'doing' | 'done' | 'cancelled', 'todo' | 'doing' | 'done' | 'cancelled' | undefined, 'todo' | 'doing' | 'done' | 'cancelled'>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  reflex_run_id: ColumnType<string | null, string | null | undefined, string | null>;
  step_position: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface EventsTable {
  id: Generated<string>;
  organisation_id: string;
  type_id: string;
  parent_id: string | null;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  status: 'watch' | 'active' | 'closed';
  severity: number;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  place: Json | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  closed_at: Timestamp | null;
  entry_count: ColumnType<number, number | undefined, number>;
  last_hash: string | null;
  last_entry_at: Timestamp | null;
  audience: ColumnType<'inherit' | 'organisation' | 'restricted', 'inherit' | 'organisation' | 'restricted' | undefined, 'inherit' | 'organisation' | 'restricted'>;
  risk_id: ColumnType<string | null, string | null | undefined, string | null>;
  exercise: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface LogEntriesTable {
  id: Generated<string>;
  event_id: string;
  organisation_id: string;
  seq: number;
  kind: 'entry' | 'correction' | 'cancellation' | 'system';
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  author_id: string | null;
  author_name: string;
  function_name: string | null;
  source: string | null;
  text: string;
  important: boolean;
  tags: ColumnType<string[], string[] | undefined, never>;
  attachment_ids: ColumnType<string[], string[] | undefined, never>;
  corrects_id: string | null;
  prev_hash: string | null;
  hash: string;
  search: ColumnType<unknown, never, never>;
  /** Set when a guest (no account) wrote the entry. */
  guest_id: ColumnType<string | null, string | null | undefined, never>;
  /** `{ lon, lat, accuracy, source }` (WGS 84), in the entry's hash when set (migration 0008). */
  position: ColumnType<EntryPosition | null, string | null | undefined, never>;
}

export interface AttachmentsTable {
  id: Generated<string>;
  organisation_id: string;
  event_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  entry_id: string | null;
  created_at: CreatedAt;
}

export interface AttachmentBlobsTable {
  attachment_id: string;
  data: Uint8Array;
}

export type CampaignPeriod = 'daily' | 'weekly';
export type CampaignStatus = 'draft' | 'active' | 'closed';

export interface CollectionCampaignsTable {
  id: Generated<string>;
  organisation_id: string;
  department_code: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  period: CampaignPeriod;
  deadline: string;
  /** `date`: always selected as text (`period_date::text`), written as 'YYYY-MM-DD'. */
  start_date: ColumnType<string, string, string>;
  status: CampaignStatus;
  /** JSON of shared/schemas/collection.ts `alertSettingsSchema`. */
  alert_settings: ColumnType<unknown, string | undefined, string>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CollectionIndicatorsTable {
  campaign_id: string;
  key: string;
  position: number;
  label: string;
  help: ColumnType<string, string | undefined, string>;
  max_value: ColumnType<number, number | undefined, number>;
}

export interface CollectionCampaignCommunesTable {
  campaign_id: string;
  insee_code: string;
}

export interface CollectionDeclarationsTable {
  id: Generated<string>;
  campaign_id: string;
  insee_code: string;
  /** `date`: always selected as text, written as 'YYYY-MM-DD'. */
  period_date: ColumnType<string, string, never>;
  values: Json<Record<string, number>>;
  version: ColumnType<number, number | undefined, number>;
  organisation_id: string | null;
  declared_by: string | null;
  declared_by_name: string;
  declared_at: CreatedAt;
  updated_by: string | null;
  updated_by_name: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Generated by the database: the sum of `values`. */
  total: ColumnType<number, never, never>;
}

export interface CollectionDetectionTable {
  campaign_id: string;
  /** A commune's INSEE code, or 'department'. */
  area: string;
  /** `date`: always selected as text, written as 'YYYY-MM-DD'. */
  period_date: ColumnType<string, string, never>;
  method: 'noufaily2013' | 'earsC3';
  observed: number | null;
  expected: number | null;
  upperbound: number | null;
  alarm: boolean | null;
  explanation: string;
  computed_at: CreatedAt;
}

export interface CollectionDetectionQueueTable {
  campaign_id: string;
  insee_code: string;
  from_date: ColumnType<string, string, string>;
  queued_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Kept by a trigger on collection_declarations (migration 0006). */
export interface CollectionCommuneSumsTable {
  campaign_id: string;
  insee_code: string;
  answered: number;
  total: number;
  values: Json<Record<string, number>>;
}

export interface CommuneInvitationsTable {
  user_id: string;
  prefecture_id: string;
  insee_code: string;
  job_title: ColumnType<string, string | undefined, string>;
  phone: ColumnType<string, string | undefined, string>;
  token_hash: string | null;
  expires_at: Date | null;
  links_sent: ColumnType<number, number | undefined, number>;
  invited_by: string | null;
  invited_at: CreatedAt;
  link_at: ColumnType<Date, Date | string | undefined, Date | string>;
  activated_at: Date | null;
}

export interface CollectionDeclarationHistoryTable {
  id: Generated<number>;
  declaration_id: string;
  version: number;
  at: CreatedAt;
  user_id: string | null;
  user_name: string;
  organisation_id: string | null;
  old_values: Json<Record<string, number>>;
  new_values: Json<Record<string, number>>;
  reason: string;
}

export interface MapLayersTable {
  id: Generated<string>;
  organisation_id: string;
  /** Null: shared by every event of the organisation. */
  event_id: string | null;
  name: string;
  kind: 'geojson' | 'shapefile' | 'wfs' | 'wms';
  file_name: string | null;
  file_sha256: string | null;
  file_size: number | null;
  source_crs: 'EPSG:4326' | 'EPSG:3857' | 'EPSG:2154' | null;
  crs_origin: 'declared' | 'chosen' | 'default' | null;
  feature_count: number | null;
  geometry_types: ColumnType<string[], string[] | undefined, string[]>;
  /** [west, south, east, north] in degrees. */
  bbox: number[] | null;
  attribute_names: ColumnType<string[], string[] | undefined, string[]>;
  url: string | null;
  layer_name: string | null;
  service_version: string | null;
  remote_crs: 'EPSG:4326' | 'EPSG:3857' | 'EPSG:2154' | null;
  style: Json;
  created_by: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MapLayerDataTable {
  layer_id: string;
  /** A GeoJSON FeatureCollection in WGS 84, as sent by the API. */
  geojson: string;
  /** `geojson` gzip-compressed at upload (null for rows written without it). */
  geojson_gzip: Uint8Array | null;
  sha256: string;
}

export interface EventPerimetersTable {
  id: Generated<string>;
  organisation_id: string;
  event_id: string;
  category: 'evacuation' | 'traffic_closure' | 'confinement' | 'other';
  label: string;
  geometry: Json;
  style: Json;
  version: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  created_by_name: string;
  created_at: CreatedAt;
  updated_by: string | null;
  updated_by_name: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

// ---- Plan communal de sauvegarde (migration 0009) ----

type Updated = ColumnType<Date, Date | string | undefined, Date | string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface PcsPlansTable {
  organisation_id: string;
  last_revision_on: ColumnType<string | null, string | null | undefined, string | null>;
  last_exercise_on: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: Updated;
  updated_by_name: string | null;
}

export interface PcsRisksTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  description: Defaulted<string>;
  position: Defaulted<number>;
  archived: Defaulted<boolean>;
  created_at: CreatedAt;
  updated_at: Updated;
}

export interface PcsReflexSheetsTable {
  id: Generated<string>;
  organisation_id: string;
  risk_id: string;
  title: string;
  function_id: string;
  steps: string[];
  position: Defaulted<number>;
  archived: Defaulted<boolean>;
  updated_at: Updated;
}

export interface PcsReflexRunsTable {
  id: Generated<string>;
  organisation_id: string;
  event_id: string;
  sheet_id: string;
  title: string;
  function_name: string;
  started_by: string;
  started_by_name: string;
  started_at: CreatedAt;
}

export interface PcsContactsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  service: Defaulted<string>;
  function_label: Defaulted<string>;
  phone: Defaulted<string>;
  phone_alt: Defaulted<string>;
  email: Defaulted<string>;
  notes: Defaulted<string>;
  archived: Defaulted<boolean>;
  updated_at: Updated;
}

export interface PcsOncallShiftsTable {
  id: Generated<string>;
  organisation_id: string;
  contact_id: string;
  line: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
}

export interface PcsAlertMeansTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  coverage: Defaulted<string>;
  rules: Defaulted<string>;
  archived: Defaulted<boolean>;
  updated_at: Updated;
}

export type ResourceKind = 'vehicle' | 'equipment' | 'room' | 'shelter' | 'team';
export type ResourceStatus = 'available' | 'engaged' | 'unavailable';

export interface ResourcesTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  kind: ResourceKind;
  status: Defaulted<ResourceStatus>;
  address: Defaulted<string>;
  lon: number | null;
  lat: number | null;
  capacity: number | null;
  occupancy: Defaulted<number>;
  engaged_event_id: string | null;
  engaged_at: Timestamp | null;
  engaged_by_name: string | null;
  note: Defaulted<string>;
  archived: Defaulted<boolean>;
  version: Defaulted<number>;
  updated_at: Updated;
}

export type SiteKind = 'school' | 'daycare' | 'nursing_home' | 'hospital' | 'public_building' | 'industrial' | 'other';

export interface PcsSitesTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  kind: SiteKind;
  address: Defaulted<string>;
  lon: number;
  lat: number;
  capacity: number | null;
  phone: Defaulted<string>;
  notes: Defaulted<string>;
  archived: Defaulted<boolean>;
  updated_at: Updated;
}

export interface PcsVulnerablePeopleTable {
  id: Generated<string>;
  organisation_id: string;
  full_name: string;
  address: Defaulted<string>;
  phone: Defaulted<string>;
  vulnerability: Defaulted<string>;
  needs: Defaulted<string>;
  contact: Defaulted<string>;
  created_at: CreatedAt;
  updated_at: Updated;
}

export interface VisioParticipantsTable {
  id: string;
  event_id: string;
  user_id: string;
  author_id: string | null;
  guest_id: string | null;
  session_id: string;
  name: string;
  instance_id: string;
  media: Json<{ audio: boolean; video: boolean; screen: boolean }>;
  joined_at: ColumnType<Date, Date | string | undefined, Date | string>;
  seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  disconnected_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  left_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  left_reason: string | null;
}

export interface VisioMessagesTable {
  id: Generated<string>;
  event_id: string;
  author_id: string | null;
  guest_id: string | null;
  author_name: string;
  body: string;
  created_at: CreatedAt;
  entry_id: string | null;
  copied_by_name: string | null;
}

export interface VisioSignalsTable {
  id: Generated<string>;
  payload: Json;
  created_at: CreatedAt;
}

export interface DB {
  departments: DepartmentsTable;
  communes: CommunesTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  shares: SharesTable;
  announcements: AnnouncementsTable;
  realtime_topics: RealtimeTopicsTable;
  realtime_messages: RealtimeMessagesTable;
  event_types: EventTypesTable;
  crisis_functions: CatalogueTable;
  action_tags: CatalogueTable;
  events: EventsTable;
  log_entries: LogEntriesTable;
  attachments: AttachmentsTable;
  attachment_blobs: AttachmentBlobsTable;
  collection_campaigns: CollectionCampaignsTable;
  collection_indicators: CollectionIndicatorsTable;
  collection_campaign_communes: CollectionCampaignCommunesTable;
  collection_declarations: CollectionDeclarationsTable;
  collection_declaration_history: CollectionDeclarationHistoryTable;
  collection_detection: CollectionDetectionTable;
  collection_detection_queue: CollectionDetectionQueueTable;
  collection_commune_sums: CollectionCommuneSumsTable;
  commune_invitations: CommuneInvitationsTable;
  user_functions: UserFunctionsTable;
  audience_grants: AudienceGrantsTable;
  guest_links: GuestLinksTable;
  guest_sessions: GuestSessionsTable;
  situation_forms: SituationFormsTable;
  situation_reports: SituationReportsTable;
  actions: ActionsTable;
  map_layers: MapLayersTable;
  map_layer_data: MapLayerDataTable;
  event_perimeters: EventPerimetersTable;
  pcs_plans: PcsPlansTable;
  pcs_risks: PcsRisksTable;
  pcs_reflex_sheets: PcsReflexSheetsTable;
  pcs_reflex_runs: PcsReflexRunsTable;
  pcs_contacts: PcsContactsTable;
  pcs_oncall_shifts: PcsOncallShiftsTable;
  pcs_alert_means: PcsAlertMeansTable;
  resources: ResourcesTable;
  pcs_sites: PcsSitesTable;
  pcs_vulnerable_people: PcsVulnerablePeopleTable;
  visio_participants: VisioParticipantsTable;
  visio_messages: VisioMessagesTable;
  visio_signals: VisioSignalsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type AnnouncementRow = Selectable<AnnouncementsTable>;
export type ShareRow = Selectable<SharesTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type EventRow = Selectable<EventsTable>;
export type EntryRow = Selectable<LogEntriesTable>;
export type CatalogueRow = Selectable<CatalogueTable>;
export type GuestLinkRow = Selectable<GuestLinksTable>;
export type ActionRow = Selectable<ActionsTable>;
export type MapLayerRow = Selectable<MapLayersTable>;
export type PerimeterRow = Selectable<EventPerimetersTable>;
export type ResourceRow = Selectable<ResourcesTable>;
export type RiskRow = Selectable<PcsRisksTable>;
export type ReflexSheetRow = Selectable<PcsReflexSheetsTable>;
export type ContactRow = Selectable<PcsContactsTable>;
export type SiteRow = Selectable<PcsSitesTable>;
export type VulnerablePersonRow = Selectable<PcsVulnerablePeopleTable>;
export type CampaignRow = Selectable<CollectionCampaignsTable>;
export type IndicatorRow = Selectable<CollectionIndicatorsTable>;
export type DeclarationRow = Selectable<CollectionDeclarationsTable>;
