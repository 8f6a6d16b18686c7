import { sql, type Kysely } from 'kysely';
import type { DB, EntryRow } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  OCCURRED_AT_FUTURE_TOLERANCE_MS,
  type CreateEntryBody,
  type Entry,
  type VerifyResult,
} from '../../../shared/schemas/logbook';
import { recordAudit } from '../audit';
import { canWriteEvent, lockEvent, requireActiveItems, requireVisibleEvent, visibleEventIdsSql } from '../events';
import { appendEntry, verifyChain } from './chain';
import { presentEntries } from './entries.presenter';

export async function createEntry(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: CreateEntryBody): Promise<Entry> {
  const row = await services.db.transaction().execute(async (tx) => {
    const event = await lockEvent(tx, eventId);
    if (!event) throw notFound();
    await requireVisibleEvent(tx, auth, eventId);
    if (!(await canWriteEvent(tx, auth, event))) throw new AppError('forbidden');
    if (event.status === 'closed') throw new AppError('event_closed');

    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : event.now;
    if (occurredAt.getTime() > event.now.getTime() + OCCURRED_AT_FUTURE_TOLERANCE_MS) throw new AppError('occurred_in_future');

    // Catalogues are the event owner's: a partner writing through a share uses the same tags.
    const tags = await requireActiveItems(tx, 'action_tags', event.organisation_id, body.tagIds, 'unknown_tag');
    const fn = body.functionId ? (await requireActiveItems(tx, 'crisis_functions', event.organisation_id, [body.functionId], 'unknown_function'))[0] : null;

    let kind = body.kind;
    if (body.corrects) {
      const target = await tx.selectFrom('log_entries').select(['id', 'event_id', 'kind']).where('id', '=', body.corrects).executeTakeFirst();
      if (!target || target.event_id !== eventId || target.kind === 'system') throw new AppError('correction_invalid');
      if (kind === 'entry') kind = 'correction';
    } else if (kind !== 'entry') {
      throw new AppError('correction_required');
    }

    const attachments = body.attachmentIds.length
      ? await tx
          .selectFrom('attachments')
          .select(['id', 'sha256'])
          .where('id', 'in', body.attachmentIds)
          .where('event_id', '=', eventId)
          .where('entry_id', 'is', null)
          .execute()
      : [];
    if (attachments.length !== new Set(body.attachmentIds).size) throw new AppError('attachment_invalid');
    const order = new Map(body.attachmentIds.map((id, i) => [id, i]));
    attachments.sort((a, b) => order.get(a.id)! - order.get(b.id)!);

    const entry = await appendEntry(tx, services.realtime, event, {
      kind,
      occurredAt,
      authorId: auth.user.id,
      authorName: auth.user.displayName,
      functionName: fn?.name ?? null,
      source: body.source?.trim() || null,
      text: body.text,
      important: body.important,
      tags: tags.map((t) => t.name),
      attachments,
      correctsId: body.corrects ?? null,
    });
    await recordAudit(tx, actor, {
      action: 'logbook.entry_created',
      entityType: 'log_entry',
      entityId: entry.id,
      organisationId: event.organisation_id,
      changes: { eventId, seq: entry.seq, kind, correctsId: entry.corrects_id },
    });
    return entry;
  });
  const [entry] = await presentEntries(services.db, [row]);
  return entry;
}

export interface EntriesQuery {
  before?: number;
  limit: number;
  tag?: string;
  authorId?: string;
  functionName?: string;
  source?: string;
  important?: boolean;
  from?: string;
  to?: string;
}

/** Newest first, a page at a time: opening an event with 100,000 entries reads 50 rows by index. */
export async function listEntries(services: Services, auth: AuthContext, eventId: string, q: EntriesQuery): Promise<{ entries: Entry[]; nextBefore: number | null }> {
  await requireVisibleEvent(services.db, auth, eventId);
  let query = services.db.selectFrom('log_entries').selectAll().where('event_id', '=', eventId);
  if (q.before !== undefined) query = query.where('seq', '<', q.before);
  if (q.tag) query = query.where(sql<boolean>`tags @> ARRAY[${q.tag}]::text[]`);
  if (q.authorId) query = query.where('author_id', '=', q.authorId);
  if (q.functionName) query = query.where('function_name', '=', q.functionName);
  if (q.source) query = query.where('source', 'ilike', `%${escapeLike(q.source)}%`);
  if (q.important !== undefined) query = query.where('important', '=', q.important);
  if (q.from) query = query.where('occurred_at', '>=', new Date(q.from));
  if (q.to) query = query.where('occurred_at', '<=', new Date(q.to));
  const rows = await query.orderBy('seq', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return { entries: await presentEntries(services.db, page), nextBefore: rows.length > q.limit ? page[page.length - 1].seq : null };
}

export async function getEntry(services: Services, auth: AuthContext, id: string): Promise<Entry> {
  const row = await services.db.selectFrom('log_entries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  await requireVisibleEvent(services.db, auth, row.event_id);
  return (await presentEntries(services.db, [row]))[0];
}

export async function verifyEvent(services: Services, auth: AuthContext, eventId: string): Promise<VerifyResult> {
  await requireVisibleEvent(services.db, auth, eventId);
  return { eventId, ...(await verifyChain(services.db, eventId)) };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Marks `needle` in a window of `text` around its first occurrence (partial-word matches). */
function substringHighlight(text: string, needle: string): string {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const i = fold(text).indexOf(fold(needle));
  if (i < 0) return text.slice(0, 240);
  const start = Math.max(0, i - 80);
  const end = Math.min(text.length, i + needle.length + 160);
  return `${start > 0 ? '… ' : ''}${text.slice(start, i)}${HIGHLIGHT_START}${text.slice(i, i + needle.length)}${HIGHLIGHT_END}${text.slice(i + needle.length, end)}${end < text.length ? ' …' : ''}`;
}

export interface SearchQuery {
  q: string;
  tag?: string;
  eventId?: string;
  important?: boolean;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/**
 * French full-text search (`french` configuration: stems, no accents needed for plural forms)
 * across every event the person may see, with a trigram fallback for partial words ("inond"
 * finds "inondation"). Ranked, newest first among equals; the match is highlighted.
 */
export async function searchEntries(services: Services, auth: AuthContext, q: SearchQuery) {
  const me = auth.user.organisationId;
  const text = q.q.trim();
  const tsq = sql`websearch_to_tsquery('french', ${text})`;
  let query = services.db
    .selectFrom('log_entries as le')
    .innerJoin('events as e', 'e.id', 'le.event_id')
    .where((eb) => eb.or([eb('le.organisation_id', '=', me), eb('le.event_id', 'in', visibleEventIdsSql(me) as never)]));
  if (text) {
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`le.search @@ ${tsq}`,
        ...(text.length >= 3 ? [sql<boolean>`le.text ILIKE ${'%' + escapeLike(text) + '%'}`] : []),
      ]),
    );
  }
  if (q.tag) query = query.where(sql<boolean>`le.tags @> ARRAY[${q.tag}]::text[]`);
  if (q.eventId) query = query.where('le.event_id', '=', q.eventId);
  if (q.important !== undefined) query = query.where('le.important', '=', q.important);
  if (q.from) query = query.where('le.occurred_at', '>=', new Date(q.from));
  if (q.to) query = query.where('le.occurred_at', '<=', new Date(q.to));

  let ranked = query
      .selectAll('le')
      .select('e.title as event_title')
      .select(
        text
          ? sql<string>`ts_headline('french', le.text, ${tsq}, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`})`.as('headline')
          : sql<string>`left(le.text, 240)`.as('headline'),
      )
  if (text) ranked = ranked.orderBy(sql`ts_rank(le.search, ${tsq})`, 'desc');
  const [rows, count] = await Promise.all([
    ranked.orderBy('le.recorded_at', 'desc').limit(q.limit).offset(q.offset).execute(),
    // Counting stops at 1,000: "plus de 1 000 résultats" is all a person needs.
    sql<{ n: number }>`SELECT count(*)::int AS n FROM (${query.select('le.id').limit(1000)}) AS hits`.execute(services.db),
  ]);
  const entries = await presentEntries(services.db, rows as unknown as EntryRow[]);
  return {
    total: count.rows[0]?.n ?? 0,
    results: rows.map((r, i) => ({
      entry: entries[i],
      eventTitle: r.event_title,
      highlight: text && !r.headline.includes(HIGHLIGHT_START) ? substringHighlight(r.text, text) : r.headline,
    })),
  };
}

export type { Kysely };
