import type { Kysely } from 'kysely';
import type { DB, EntryRow } from '../../db/schema';
import type { Entry } from '../../../shared/schemas/logbook';

/** Presents entries with their attachments, the corrections that reference them and the action they started (three queries for any page size). */
export async function presentEntries(db: Kysely<DB>, rows: EntryRow[]): Promise<Entry[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const attachmentIds = [...new Set(rows.flatMap((r) => r.attachment_ids))];
  const [corrections, actions, attachments] = await Promise.all([
    db.selectFrom('log_entries').select(['id', 'seq', 'kind', 'corrects_id']).where('corrects_id', 'in', ids).orderBy('seq').execute(),
    db.selectFrom('actions').select(['id', 'entry_id', 'status', 'assignee_name', 'due_at']).where('entry_id', 'in', ids).execute(),
    attachmentIds.length
      ? db.selectFrom('attachments').select(['id', 'file_name', 'content_type', 'size_bytes', 'sha256']).where('id', 'in', attachmentIds).execute()
      : Promise.resolve([]),
  ]);
  const byTarget = new Map<string, Entry['correctedBy']>();
  for (const c of corrections) {
    const list = byTarget.get(c.corrects_id!) ?? [];
    list.push({ id: c.id, seq: c.seq, kind: c.kind });
    byTarget.set(c.corrects_id!, list);
  }
  const actionOf = new Map(actions.map((a) => [a.entry_id, { id: a.id, status: a.status, assigneeName: a.assignee_name, dueAt: a.due_at ? a.due_at.toISOString() : null }]));
  const att = new Map(attachments.map((a) => [a.id, { id: a.id, fileName: a.file_name, contentType: a.content_type, sizeBytes: a.size_bytes, sha256: a.sha256 }]));
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    seq: r.seq,
    kind: r.kind,
    occurredAt: r.occurred_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    authorId: r.author_id,
    authorName: r.author_name,
    functionName: r.function_name,
    source: r.source,
    text: r.text,
    important: r.important,
    tags: r.tags,
    attachments: r.attachment_ids.map((id) => att.get(id)).filter((a): a is NonNullable<typeof a> => a !== undefined),
    correctsId: r.corrects_id,
    correctedBy: byTarget.get(r.id) ?? [],
    byGuest: r.guest_id !== null,
    action: actionOf.get(r.id) ?? null,
    position: r.position ?? null,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
