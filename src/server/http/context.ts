import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { DB, OrganisationRow } from '../db/schema';
import type { Role } from '../../shared/permissions';
import type { Database } from '../db/client';
import type { RealtimeHub } from '../realtime/hub';

export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  organisationId: string;
  mustChangePassword: boolean;
  /** Crisis-cell functions held (rights and actions by function). */
  functionIds: string[];
}

/**
 * A guest invited to one event by link: no account. `user.id` is the guest's own id,
 * `user.organisationId` the nil UUID (member of nothing), and every route not marked for guests
 * in the route table answers `guest_forbidden`.
 */
export interface GuestGrant {
  linkId: string;
  eventId: string;
  includeChildren: boolean;
  access: 'read' | 'write';
  name: string;
  eventTitle: string;
  hostOrganisationId: string;
  hostOrganisationName: string;
}

/** The organisation of no one: a guest's `organisationId`. */
export const NO_ORGANISATION = '00000000-0000-0000-0000-000000000000';

export interface AuthContext {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  user: AuthUser;
  organisation: OrganisationRow;
  guest: GuestGrant | null;
}

/** Who does a write, for the audit trail. */
export interface Actor {
  userId: string | null;
  organisationId: string | null;
  ip: string | null;
}

export function actorOf(auth: AuthContext | null, ip: string | null): Actor {
  // A guest's audit records carry the guest's id and no organisation (the name is in the changes).
  if (auth?.guest) return { userId: auth.user.id, organisationId: null, ip };
  return { userId: auth?.user.id ?? null, organisationId: auth?.user.organisationId ?? null, ip };
}

/** What services receive: the database and settings, nothing from HTTP. */
export interface Services {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  realtime: RealtimeHub;
  /** The wall clock of the rules that depend on the hour (collection deadlines); tests replace it. */
  now: () => Date;
  /** Background work started after a commit. */
  jobs: BackgroundJobs;
  /** In-process caches, dropped by the writes that make them stale (on every instance). */
  caches: Caches;
}

export interface Caches {
  /** Serialized dashboards per (campaign, date, indicator) (collection). */
  overview: {
    get(key: string): string | undefined;
    generation(campaignId: string): number;
    set(key: string, campaignId: string, body: string, generation: number): void;
    invalidate(campaignId: string): void;
  };
}

export interface BackgroundJobs {
  /** Recomputes the stored detection of the queued communes (collection). */
  detection: { kick(): void; flush(): Promise<void> };
}
