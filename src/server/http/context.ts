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
}

export interface AuthContext {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  user: AuthUser;
  organisation: OrganisationRow;
}

/** Who does a write, for the audit trail. */
export interface Actor {
  userId: string | null;
  organisationId: string | null;
  ip: string | null;
}

export function actorOf(auth: AuthContext | null, ip: string | null): Actor {
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
