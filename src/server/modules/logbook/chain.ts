import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB, EntryRow, EventRow } from '../../db/schema';
import type { RealtimeHub } from '../../realtime/hub';
import { topicOf } from '../../../shared/realtime';
import type { EntryKind, EntryPosition } from '../../../shared/schemas/logbook';
import { presentEntries } from './entries.presenter';

/**
 * Tamper evidence. Each entry's hash is SHA-256 over a canonical JSON array of its content and
 * the previous entry's hash in the same event (null for the first). Changing, removing or
 * reordering a stored entry breaks the chain from that entry on; `verifyChain` names it.
 * Version 1 of the canonical form; a new form would get a new version tag, never a silent change.
 */
export interface ChainFields {
  eventId: string;
  seq: number;
  kind: EntryKind;
  occurredAt: Date;
  recordedAt: Date;
  authorId: string | null;
  authorName: string;
  functionName: string | null;
  source: string | null;
  text: string;
  important: boolean;
  tags: string[];
  /** SHA-256 of each attachment's bytes, in the entry's order: the archive proves the files too. */
  attachmentHashes: string[];
  correctsId: string | null;
  prevHash: string | null;
  /** Where the fact happened; absent or null for most entries. */
  position?: EntryPosition | null;
}

export function entryHash(f: ChainFields): string {
  // An entry without a position keeps version 1 of the canonical form, byte for byte: chains
  // written before positions existed verify unchanged. With a position, version 2 adds it last.
  const position = f.position ? [f.position.lon, f.position.lat, f.position.accuracy, f.position.source] : null;
  const canonical = JSON.stringify([
    position ? 'vigie-logbook-v2' : 'vigie-logbook-v1',
    f.eventId,
    f.seq,
    f.kind,
    f.occurredAt.toISOString(),
    f.recordedAt.toISOString(),
    f.authorId,
    f.authorName,
    f.functionName,
    f.source,
    f.text,
    f.important,
    f.tags,
    f.attachmentHashes,
    f.correctsId,
    f.prevHash,
    ...(position ? [position] : []),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface AppendInput {
  kind: EntryKind;
  occurredAt: Date;
  authorId: string | null;
  authorName: string;
  functionName: string | null;
  source: string | null;
  text: string;
  important: boolean;
  tags: string[];
  attachments: Array<{ id: string; sha256: string }>;
  correctsId: string | null;
  /** Where the fact happened (WGS 84), in the hash. */
  position?: EntryPosition | null;
  /** A guest (invited by link, no account) wrote it: `authorId` is null, `authorName` says "(invité)". */
  guestId?: string | null;
  /** Writes that belong with the entry (an action it starts), before its realtime message is built. */
  afterInsert?: (row: EntryRow) => Promise<void>;
}

/**
 * Appends an entry to the event's chain. The caller holds the event row lock (`lockEvent`) in the
 * transaction `tx`, so sequence numbers and hashes never interleave; the realtime message commits
 * with the entry.
 */
export async function appendEntry(tx: Kysely<DB>, realtime: RealtimeHub, event: EventRow & { now: Date }, input: AppendInput): Promise<EntryRow> {
  const seq = event.entry_count + 1;
  const recordedAt = event.now;
  const hash = entryHash({
    eventId: event.id,
    seq,
    kind: input.kind,
    occurredAt: input.occurredAt,
    recordedAt,
    authorId: input.authorId,
    authorName: input.authorName,
    functionName: input.functionName,
    source: input.source,
    text: input.text,
    important: input.important,
    tags: input.tags,
    attachmentHashes: input.attachments.map((a) => a.sha256),
    correctsId: input.correctsId,
    prevHash: event.last_hash,
    position: input.position ?? null,
  });
  const row = await tx
    .insertInto('log_entries')
    .values({
      event_id: event.id,
      organisation_id: event.organisation_id,
      seq,
      kind: input.kind,
      occurred_at: input.occurredAt,
      recorded_at: recordedAt,
      author_id: input.authorId,
      author_name: input.authorName,
      function_name: input.functionName,
      source: input.source,
      text: input.text,
      important: input.important,
      tags: input.tags,
      attachment_ids: input.attachments.map((a) => a.id),
      corrects_id: input.correctsId,
      prev_hash: event.last_hash,
      hash,
      guest_id: input.guestId ?? null,
      position: input.position ? JSON.stringify(input.position) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx.updateTable('events').set({ entry_count: seq, last_hash: hash, last_entry_at: recordedAt }).where('id', '=', event.id).execute();
  if (input.attachments.length) {
    await tx.updateTable('attachments').set({ entry_id: row.id }).where('id', 'in', input.attachments.map((a) => a.id)).execute();
  }
  // The locked row now reflects the new head, for a caller appending several entries.
  event.entry_count = seq;
  event.last_hash = hash;
  if (input.afterInsert) await input.afterInsert(row);
  const [entry] = await presentEntries(tx, [row]);
  await realtime.publish(tx, topicOf('event', event.id), { kind: 'entry.created', entry });
  return row;
}

export interface ChainCheck {
  entries: number;
  valid: boolean;
  headHash: string | null;
  firstInvalid: { id: string; seq: number; reason: string } | null;
}

/** Recomputes the whole chain of an event, in batches, and names the first entry that does not match. */
export async function verifyChain(db: Kysely<DB>, eventId: string): Promise<ChainCheck> {
  const event = await db.selectFrom('events').select(['entry_count', 'last_hash']).where('id', '=', eventId).executeTakeFirstOrThrow();
  let prev: string | null = null;
  let expectedSeq = 1;
  let count = 0;
  const BATCH = 5000;
  for (;;) {
    const rows = await db
      .selectFrom('log_entries')
      .selectAll()
      .select(
        sql<string[]>`coalesce((SELECT array_agg(a.sha256 ORDER BY x.ord) FROM unnest(log_entries.attachment_ids) WITH ORDINALITY AS x(id, ord) JOIN attachments a ON a.id = x.id), '{}')`.as('attachment_hashes'),
      )
      .where('event_id', '=', eventId)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const fail = (reason: string): ChainCheck => ({ entries: count, valid: false, headHash: event.last_hash, firstInvalid: { id: r.id, seq: r.seq, reason } });
      if (r.seq !== expectedSeq) return fail(`numéro ${expectedSeq} manquant avant l’entrée n° ${r.seq}`);
      if (r.prev_hash !== prev) return fail('l’empreinte précédente ne correspond pas à l’entrée qui la précède');
      if (r.attachment_hashes.length !== r.attachment_ids.length) return fail('une pièce jointe référencée est introuvable');
      const recomputed = entryHash({
        eventId: r.event_id,
        seq: r.seq,
        kind: r.kind,
        occurredAt: r.occurred_at,
        recordedAt: r.recorded_at,
        authorId: r.author_id,
        authorName: r.author_name,
        functionName: r.function_name,
        source: r.source,
        text: r.text,
        important: r.important,
        tags: r.tags,
        attachmentHashes: r.attachment_hashes,
        correctsId: r.corrects_id,
        prevHash: r.prev_hash,
        position: r.position,
      });
      if (recomputed !== r.hash) return fail('le contenu ne correspond plus à son empreinte (entrée modifiée)');
      prev = r.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < BATCH) break;
  }
  if (count !== event.entry_count || prev !== event.last_hash) {
    return {
      entries: count,
      valid: false,
      headHash: event.last_hash,
      firstInvalid: { id: eventId, seq: count + 1, reason: `la chaîne s’arrête à ${count} entrées alors que l’événement en compte ${event.entry_count} (entrée supprimée)` },
    };
  }
  return { entries: count, valid: true, headHash: prev, firstInvalid: null };
}
