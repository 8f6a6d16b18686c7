import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OrganisationKind, Role } from '../../shared/permissions';
import type { UserStatus } from '../../shared/schemas/users';
import type { AnnouncementLevel } from '../../shared/schemas/announcements';
import type { ShareAccess } from '../../shared/schemas/organisations';

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
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type AnnouncementRow = Selectable<AnnouncementsTable>;
export type ShareRow = Selectable<SharesTable>;
export type AuditRow = Selectable<AuditLogTable>;
