import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { Actor } from '../../http/context';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** The organisation whose data changed (whose administrators read this record). */
  organisationId: string | null;
  changes?: unknown;
}

/** The INSERT of audit records, not run: to be run alone or inside another statement (realtime publish). */
export function auditInsert(tx: Kysely<DB>, actor: Actor, entries: AuditEntry[]) {
  return tx.insertInto('audit_log').values(
    entries.map((e) => ({
      actor_user_id: actor.userId,
      actor_organisation_id: actor.organisationId,
      organisation_id: e.organisationId,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId ?? null,
      changes: JSON.stringify(e.changes ?? {}),
      ip: actor.ip,
    })),
  );
}

/**
 * Appends audit records (one statement whatever their number). Call it with the transaction of
 * the write they describe.
 */
export async function recordAudit(tx: Kysely<DB>, actor: Actor, entry: AuditEntry | AuditEntry[]): Promise<void> {
  const entries = Array.isArray(entry) ? entry : [entry];
  if (entries.length === 0) return;
  await auditInsert(tx, actor, entries).execute();
}

export async function listAudit(db: Kysely<DB>, organisationId: string, opts: { limit: number; before?: number; entityType?: string }) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select([
      'a.id',
      'a.at',
      'a.actor_user_id',
      'a.actor_organisation_id',
      'a.organisation_id',
      'a.action',
      'a.entity_type',
      'a.entity_id',
      'a.changes',
      'a.ip',
      'u.display_name as actor_name',
    ])
    .where('a.organisation_id', '=', organisationId)
    .orderBy('a.id', 'desc')
    .limit(opts.limit + 1);
  if (opts.before !== undefined) q = q.where('a.id', '<', opts.before);
  if (opts.entityType) q = q.where('a.entity_type', '=', opts.entityType);
  return q.execute();
}
