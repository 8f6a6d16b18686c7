import { sql, type Kysely, type RawBuilder } from 'kysely';
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
import { hiddenOwnEventIdsSql, lockVisibleEvent, requireActiveItems, requireVisibleEvent, sharedEventIdsSql } from '../events';
import { appendEntry, verifyChain } from './chain';
import { presentEntries } from './entries.presenter';
import { insertAction, publishAction } from './actions.service';

export async function createEntry(services: Services, auth: AuthContext, actor: Actor, eventId: string, body: CreateEntryBody): Promise<Entry> {
  const row = await services.db.transaction().execute(async (tx) => {
    const event = await lockVisibleEvent(tx, auth, eventId);
    if (event.access !== 'write') throw new AppError('forbidden');
    if (event.status === 'closed') throw new AppError('event_closed');

    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : event.now;
    if (occurredAt.getTime() > event.now.getTime() + OCCURRED_AT_FUTURE_TOLERANCE_MS) throw new AppError('occurred_in_future');

    // Catalogues are the event owner's: a partner writing through a share uses the same tags.
    const tags = await requireActiveItems(tx, 'action_tags', event.organisation_id, body.tagIds, 'unknown_tag');
    const fn = body.functionId ? (await requireActiveItems(tx, 'crisis_functions', event.organisation_id, [body.functionId], 'unknown_function'))[0] : null;

    // Guests write plain entries; an action goes to someone of the organisation, from one of its members.
    if (body.action && (auth.guest || body.corrects)) throw new AppError(auth.guest ? 'guest_forbidden' : 'action_invalid');
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

    const action = body.action;
    const entry = await appendEntry(tx, services.realtime, event, {
      kind,
      occurredAt,
      // A guest has no account: the name carries "(invité)" and the entry is marked as a guest's.
      authorId: auth.guest ? null : auth.user.id,
      authorName: auth.user.displayName,
      guestId: auth.guest ? auth.user.id : null,
      afterInsert: action ? (row) => insertAction(tx, auth, event, row, action) : undefined,
      functionName: fn?.name ?? null,
      source: body.source?.trim() || null,
      text: body.text,
      important: body.important,
      tags: tags.map((t) => t.name),
      attachments,
      correctsId: body.corrects ?? null,
      // Stored to 7 decimals (about 1 cm): what is hashed is what is read back.
      position: body.position ? { ...body.position, lon: round7(body.position.lon), lat: round7(body.position.lat) } : null,
    });
    await recordAudit(tx, actor, {
      action: 'logbook.entry_created',
      entityType: 'log_entry',
      entityId: entry.id,
      organisationId: event.organisation_id,
      changes: { eventId, seq: entry.seq, kind, correctsId: entry.corrects_id, ...(auth.guest ? { guest: auth.guest.name } : {}), ...(action ? { action } : {}), ...(entry.position ? { position: entry.position } : {}) },
    });
    if (action) await publishAction(services, tx, entry.id);
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
  located?: boolean;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

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
  if (q.located !== undefined) query = query.where('position', q.located ? 'is not' : 'is', null);
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

/** ts_headline cuts the text without saying so: mark the cut ends with an ellipsis. */
function withEllipses(headline: string, text: string): string {
  const plain = headline.split(HIGHLIGHT_START).join('').split(HIGHLIGHT_END).join('');
  if (plain === text || plain.length === 0) return headline;
  const head = text.startsWith(plain.slice(0, 20)) ? '' : '… ';
  const tail = text.endsWith(plain.slice(-20)) ? '' : ' …';
  return `${head}${headline}${tail}`;
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

/** Search ranks among the newest matches, at most this many: also the cap of the count ("plus de 1 000 résultats"). */
export const SEARCH_CANDIDATES = 1000;
const RECENT_WINDOW = 100_000;

/**
 * French full-text search (`french` configuration: stems, no accents needed for plural forms)
 * across every event the person may see, with a trigram fallback for partial words ("inond"
 * finds "inondation"). Ranked, newest first among equals; the match is highlighted.
 *
 * Built to stay fast with millions of entries (bench:logbook):
 * - candidates are the newest matches, at most SEARCH_CANDIDATES (more when paging beyond):
 *   read newest first along (organisation_id, recorded_at) when matches are frequent, or through
 *   the GIN index when they are rare; ranking and the count work on the candidates only;
 * - full-text candidates are first looked for among the organisation's newest RECENT_WINDOW
 *   entries, read in order: words that come together ("masque obligatoire") match many more rows
 *   than the planner estimates, and a bitmap scan over 50,000 matches costs ~200 ms;
 * - the partial-word fallback (ILIKE, trigram index) runs only when the full-text match finds
 *   fewer than SEARCH_CANDIDATES entries: an ILIKE on every row read costs ~6 times the tsvector
 *   test, and a partial-word match ranks after every full-text match anyway;
 * - ts_headline runs for the returned page only.
 */
export async function searchEntries(services: Services, auth: AuthContext, q: SearchQuery) {
  const me = auth.user.organisationId;
  const text = q.q.trim();
  const tsq = sql`websearch_to_tsquery('french', ${text})`;
  const cap = Math.max(SEARCH_CANDIDATES, q.offset + q.limit);

  const filters: RawBuilder<unknown>[] = [];
  // Events of the organisation the person may not see (restricted audiences): never searched,
  // so neither a title nor a snippet of them comes back. Usually none: then no filter at all.
  const hidden = (await sql<{ ids: string[] }>`SELECT ${hiddenOwnEventIdsSql(auth)} AS ids`.execute(services.db)).rows[0]?.ids ?? [];
  if (hidden.length) filters.push(sql`le.event_id <> ALL(${hidden}::uuid[])`);
  if (q.tag) filters.push(sql`le.tags @> ARRAY[${q.tag}]::text[]`);
  if (q.eventId) filters.push(sql`le.event_id = ${q.eventId}`);
  if (q.important !== undefined) filters.push(sql`le.important = ${q.important}`);
  if (q.from) filters.push(sql`le.occurred_at >= ${new Date(q.from)}`);
  if (q.to) filters.push(sql`le.occurred_at <= ${new Date(q.to)}`);
  const where = (match: RawBuilder<unknown>) => sql.join([match, ...filters], sql` AND `);
  // The organisation's own entries, newest first by index, and apart those of events shared with it (usually few).
  const own = (match: RawBuilder<unknown>, extra: RawBuilder<unknown> = sql`true`) =>
    sql`SELECT le.id, le.recorded_at FROM log_entries le WHERE ${extra} AND le.organisation_id = ${me} AND ${where(match)} ORDER BY le.recorded_at DESC LIMIT ${cap}`;
  const shared = (match: RawBuilder<unknown>) =>
    sql`SELECT x.id, x.recorded_at FROM ${sharedEventIdsSql(auth)} AS v (id) CROSS JOIN LATERAL (
        SELECT le.id, le.recorded_at FROM log_entries le
        WHERE le.event_id = v.id AND le.organisation_id <> ${me} AND ${where(match)} ORDER BY le.recorded_at DESC LIMIT ${cap}
      ) AS x ORDER BY x.recorded_at DESC LIMIT ${cap}`;
  /** The newest `cap` visible entries that satisfy `match`. */
  const newest = (match: RawBuilder<unknown>, extra?: RawBuilder<unknown>) =>
    sql`SELECT id, recorded_at FROM ((${own(match, extra)}) UNION ALL (${shared(match)})) AS v ORDER BY recorded_at DESC LIMIT ${cap}`;
  const fts = sql`le.search @@ ${tsq}`;
  // Full-text candidates in two steps. Words that come together ("masque obligatoire",
  // "Croix-Rouge") match far more rows than the planner's independence assumption says, and a
  // bitmap scan of 50,000 matches is slow; so first the organisation's newest RECENT_WINDOW entries
  // are read in order: if they hold `cap` matches, these are exactly the newest ones; otherwise the
  // planner chooses between reading newest first and the GIN index, for rarer words.
  const ftsCandidates = sql`recent AS MATERIALIZED (
        SELECT le.id, le.recorded_at FROM (SELECT id, recorded_at, search, tags, event_id, important, occurred_at FROM log_entries WHERE organisation_id = ${me} ORDER BY recorded_at DESC LIMIT ${RECENT_WINDOW}) AS le
        WHERE ${where(fts)} ORDER BY le.recorded_at DESC LIMIT ${cap}),
      fts AS MATERIALIZED (
        SELECT id, recorded_at FROM (
          (SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= ${cap})
          UNION ALL (${own(fts, sql`(SELECT count(*) FROM recent) < ${cap}`)})
          UNION ALL (${shared(fts)})
        ) AS v ORDER BY recorded_at DESC LIMIT ${cap})`;
  const partial = text.length >= 3;
  const candidates = !text
    ? sql`candidates AS MATERIALIZED (${newest(sql`true`)})`
    : partial
      ? sql`${ftsCandidates},
          fallback AS MATERIALIZED (${newest(sql`le.text ILIKE ${'%' + escapeLike(text) + '%'} AND NOT (le.search @@ ${tsq})`, sql`(SELECT count(*) FROM fts) < ${cap}`)}),
          candidates AS MATERIALIZED (SELECT id, recorded_at FROM (SELECT * FROM fts UNION ALL SELECT * FROM fallback) AS u ORDER BY recorded_at DESC LIMIT ${cap})`
      : sql`${ftsCandidates}, candidates AS MATERIALIZED (SELECT * FROM fts)`;
  const rank = text ? sql`ts_rank(le.search, ${tsq})` : sql`0::real`;
  const headline = text
    ? sql`ts_headline('french', p.text, ${tsq}, ${`StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`})`
    : sql`left(p.text, 240)`;
  // One row even for an empty page, so that the count comes back with it.
  const { rows } = await sql<EntryRow & { rank: number | null; event_title: string; headline: string; total: number }>`
    WITH ${candidates}
    SELECT p.*, ${headline} AS headline, t.total
    FROM (SELECT least(count(*), ${SEARCH_CANDIDATES})::int AS total FROM candidates) AS t
    LEFT JOIN LATERAL (
      SELECT le.*, ${rank} AS rank, e.title AS event_title
      FROM candidates c JOIN log_entries le ON le.id = c.id JOIN events e ON e.id = le.event_id
      ORDER BY rank DESC, le.recorded_at DESC LIMIT ${q.limit} OFFSET ${q.offset}
    ) AS p ON true
    ORDER BY p.rank DESC, p.recorded_at DESC`.execute(services.db);
  const hits = rows.filter((r) => r.id !== null);
  const entries = await presentEntries(services.db, hits);
  return {
    total: rows[0]?.total ?? 0,
    results: hits.map((r, i) => ({
      entry: entries[i],
      eventTitle: r.event_title,
      highlight: text && !r.headline.includes(HIGHLIGHT_START) ? substringHighlight(r.text, text) : withEllipses(r.headline, r.text),
    })),
  };
}

export type { Kysely };
