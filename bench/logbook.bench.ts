/**
 * npm run bench:logbook — the main courante at scale, measured through the HTTP API.
 *
 * Seeds BENCH_ENTRIES log entries (1,000,000) over BENCH_EVENTS events (200) of one organisation:
 * French texts built from templates of civil-security situations in Montpellier (floods, COVID,
 * heat waves, gatherings, storms, on-call), the default catalogue tags, sources and crisis-cell
 * functions, interleaved in time like concurrent events, with a seeded generator. Every event's
 * entries form a valid hash chain computed with the server's own `entryHash`, and the events'
 * entry_count / last_hash / last_entry_at match, so the API's verify passes (checked at the end).
 *
 * Then starts the real server (`node --import tsx src/server/main.ts`) on that database, logs a
 * coordinator in through the API and prints p50/p95 of: posting an entry (hash chain + realtime
 * publish), opening an event on its latest 50 entries, the next page, full-text search over all
 * events (words, phrases, partial words for the trigram path), tag filters (in an event and in the
 * search); the size on disk per million entries and the seeding time. For PGlite and PostgreSQL.
 *
 * Targets (PostgreSQL, 2 cores): post p95 < 30 ms, open p95 < 50 ms, search p95 < 150 ms;
 * PGlite within 3x (90 / 150 / 450 ms).
 *
 * Settings (environment): BENCH_ENTRIES (1000000), BENCH_EVENTS (200), BENCH_ENGINES
 * (pglite,postgresql), BENCH_SEED (20240615), BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL
 * server whose superuser may create a database; without one, scripts/pg-throwaway.sh starts one),
 * BENCH_KEEP=true keeps the seeded database (prints where).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase } from './lib/postgres';
import { closeKeepAlive, percentile, request, waitHealth } from './lib/http';
import pg from 'pg';
import { CompiledQuery, sql } from 'kysely';
import { openPglite, openPostgres, type Database } from '../src/server/db/client';
import { migrate } from '../src/server/db/migrate';
import { hashPassword } from '../src/server/modules/auth/password';
import { entryHash } from '../src/server/modules/logbook/chain';
import { Rng } from './lib/random';
import { EVENT_TYPE_OF, SEARCHES, SITUATION_TITLES, generateEntry, type Situation } from './lib/logbook-corpus';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const ENGINES = (process.env.BENCH_ENGINES ?? 'pglite,postgresql').split(',').map((s) => s.trim()).filter(Boolean);
const SEED = Number(process.env.BENCH_SEED ?? 20240615);
const KEEP = process.env.BENCH_KEEP === 'true';
const PASSWORD = 'bench-password-0123';
const BATCH = 1000;
const POSTS = 300;
const OPENS = 200;
const SEARCH_COUNT = 100;
const TAG_IN_EVENT = 100;
const TAG_IN_SEARCH = 50;
const WARMUP = 5;

const TARGETS = { postgresql: { post: 30, open: 50, search: 150 }, pglite: { post: 90, open: 150, search: 450 } } as const;

// The GIN indexes of migration 0002, dropped before the bulk load and rebuilt after it.
const GIN_INDEXES = [
  ['log_entries_search_idx', 'CREATE INDEX log_entries_search_idx ON log_entries USING gin (search)'],
  ['log_entries_trgm_idx', 'CREATE INDEX log_entries_trgm_idx ON log_entries USING gin (text gin_trgm_ops)'],
  ['log_entries_tags_idx', 'CREATE INDEX log_entries_tags_idx ON log_entries USING gin (tags)'],
] as const;

const log = (s: string) => console.log(s);
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

// ---------------------------------------------------------------- plan of the data set

interface PlannedEvent {
  idx: number;
  id: string;
  situation: Situation;
  title: string;
  status: 'watch' | 'active' | 'closed';
  severity: number;
  start: number;
  end: number;
  count: number;
}

function uuidFrom(r: Rng): string {
  const h = Array.from({ length: 4 }, () => (Math.floor(r.uniform() * 4294967296) >>> 0).toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function planEvents(r: Rng, nEvents: number, nEntries: number, now: number): PlannedEvent[] {
  const situations: Situation[] = ['inondation', 'covid', 'canicule', 'rassemblement', 'tempete', 'astreinte'];
  const weights = [0.25, 0.2, 0.17, 0.18, 0.1, 0.1];
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  const span = now - 2 * 86400_000 - t0;
  const events: PlannedEvent[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < nEvents; i++) {
    let u = r.uniform();
    let s = 0;
    while (s < situations.length - 1 && u > weights[s]) u -= weights[s++];
    const situation = situations[s];
    // Log-normal sizes: most events have a few thousand entries, a COVID crisis several tens of thousands.
    sizes.push(Math.exp(1.1 * r.normal()) * (situation === 'covid' ? 3 : 1));
    const durationDays = situation === 'covid' ? 60 + r.uniform() * 300 : situation === 'astreinte' ? 7 + r.uniform() * 60 : 1 + r.uniform() * 14;
    // The most recent quarter of the events are still open (watch or active): posts go there.
    const recent = i >= nEvents * 0.75;
    const end = recent ? now - 3600_000 - r.uniform() * 86400_000 : t0 + (i / nEvents) * span * 0.95 + durationDays * 86400_000;
    const start = end - durationDays * 86400_000;
    const titles = SITUATION_TITLES[situation];
    const year = new Date(start).getUTCFullYear();
    events.push({
      idx: i,
      id: uuidFrom(r),
      situation,
      title: `${titles[Math.floor(r.uniform() * titles.length)]} ${year} (n° ${i + 1})`,
      status: recent ? (r.uniform() < 0.3 ? 'watch' : 'active') : 'closed',
      severity: 1 + Math.floor(r.uniform() * 4),
      start,
      end: Math.min(end, now - 3600_000),
      count: 0,
    });
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const floor = Math.min(20, Math.floor(nEntries / nEvents));
  let assigned = 0;
  for (const e of events) {
    e.count = Math.max(floor, Math.floor((sizes[e.idx] / total) * nEntries));
    assigned += e.count;
  }
  // Adjust to exactly nEntries on the largest events.
  const bySize = [...events].sort((a, b) => b.count - a.count);
  let k = 0;
  while (assigned !== nEntries) {
    const e = bySize[k++ % bySize.length];
    if (assigned < nEntries) {
      e.count++;
      assigned++;
    } else if (e.count > floor) {
      e.count--;
      assigned--;
    }
  }
  return events;
}

// ---------------------------------------------------------------- seeding

interface Seeded {
  orgId: string;
  coordinator: string;
  events: PlannedEvent[];
  tagIds: Map<string, string>;
  functionIds: string[];
  seedSeconds: number;
}

async function seed(database: Database, engine: string, loader: Database = database): Promise<Seeded> {
  const tAll = performance.now();
  await migrate(database);
  const db = database.db;
  // Cheap scrypt cost for the bench accounts: the bench measures the logbook, not password hashing.
  const hash = await hashPassword(PASSWORD, 1024);
  const { id: orgId } = await db.insertInto('organisations').values({ name: 'Ville de Montpellier (banc d’essai)', kind: 'partner' }).returning('id').executeTakeFirstOrThrow();
  const coordinator = 'coordination@bench.test';
  const authorNames = ['Claire Dupont', 'Julien Marty', 'Sophie Vidal', 'Karim Benali', 'Nathalie Roussel', 'Thomas Fabre', 'Inès Bouzid', 'Pierre Castel', 'Laure Mercier', 'Hugo Delmas', 'Amélie Font', 'David Cohen'];
  const users = await db
    .insertInto('users')
    .values([
      { organisation_id: orgId, email: coordinator, display_name: 'Coordination (banc)', role: 'coordinator' as const, password_hash: hash },
      ...authorNames.map((n, i) => ({ organisation_id: orgId, email: `auteur${i}@bench.test`, display_name: n, role: 'contributor' as const, password_hash: hash })),
    ])
    .returning(['id', 'display_name'])
    .execute();
  const authors = users.map((u) => ({ id: u.id, name: u.display_name }));
  const types = new Map((await db.selectFrom('event_types').select(['id', 'name']).where('organisation_id', '=', orgId).execute()).map((t) => [t.name, t.id]));
  const tagIds = new Map((await db.selectFrom('action_tags').select(['id', 'name']).where('organisation_id', '=', orgId).execute()).map((t) => [t.name, t.id]));
  const functionIds = (await db.selectFrom('crisis_functions').select('id').where('organisation_id', '=', orgId).execute()).map((f) => f.id);

  const r = new Rng(SEED);
  const now = Date.now();
  const events = planEvents(r, EVENTS, ENTRIES, now);
  for (let i = 0; i < events.length; i += 100) {
    await db
      .insertInto('events')
      .values(
        events.slice(i, i + 100).map((e) => ({
          id: e.id,
          organisation_id: orgId,
          type_id: types.get(EVENT_TYPE_OF[e.situation])!,
          title: e.title,
          description: '',
          status: e.status,
          severity: e.severity,
          starts_at: new Date(e.start),
          ends_at: e.status === 'closed' ? new Date(e.end) : null,
          closed_at: e.status === 'closed' ? new Date(e.end) : null,
          created_by: authors[0].id,
        })),
      )
      .execute();
  }

  // Bulk load: GIN indexes dropped and rebuilt after; row triggers (foreign-key checks, the
  // append-only trigger) off for the loading session only: the rows are generated valid.
  const ldb = loader.db;
  for (const [name] of GIN_INDEXES) await sql.raw(`DROP INDEX ${name}`).execute(ldb);
  if (engine === 'pglite') await sql`SET session_replication_role = replica`.execute(ldb);

  // Global time order: concurrent events interleave in the table as they would in production.
  const tGen = performance.now();
  const times = new Float64Array(ENTRIES);
  const owner = new Uint16Array(ENTRIES);
  let n = 0;
  for (const e of events) {
    const step = (e.end - e.start) / e.count;
    for (let k = 0; k < e.count; k++) {
      times[n] = Math.floor(e.start + step * (k + 0.9 * r.uniform()));
      owner[n++] = e.idx;
    }
  }
  const order = new Uint32Array(ENTRIES);
  for (let i = 0; i < ENTRIES; i++) order[i] = i;
  order.sort((a, b) => times[a] - times[b] || a - b);

  const seq = new Int32Array(events.length);
  const prevHash: Array<string | null> = events.map(() => null);
  const lastId: Array<string | null> = events.map(() => null);
  const lastAt = new Float64Array(events.length);
  const COLS = 17;
  const head = `INSERT INTO log_entries (id, event_id, organisation_id, seq, kind, occurred_at, recorded_at, author_id, author_name, function_name, source, text, important, tags, corrects_id, prev_hash, hash) VALUES `;
  const placeholders = (rows: number) =>
    Array.from({ length: rows }, (_, i) => `(${Array.from({ length: COLS }, (_, c) => `$${i * COLS + c + 1}`).join(',')})`).join(',');
  const fullPlaceholders = placeholders(BATCH);
  const inflight: Promise<unknown>[] = [];
  const maxInflight = engine === 'postgresql' ? 2 : 1;
  let params: unknown[] = [];
  let rows = 0;
  let lastReport = performance.now();
  const flush = async () => {
    if (rows === 0) return;
    const q = CompiledQuery.raw(head + (rows === BATCH ? fullPlaceholders : placeholders(rows)), params);
    params = [];
    rows = 0;
    const p = ldb.executeQuery(q);
    inflight.push(p);
    if (inflight.length >= maxInflight) await inflight.shift();
  };
  for (let i = 0; i < ENTRIES; i++) {
    const j = order[i];
    const ev = events[owner[j]];
    const e = ev.idx;
    const g = generateEntry(r, ev.situation);
    const s = ++seq[e];
    const recordedAt = new Date(Math.max(times[j], lastAt[e]));
    lastAt[e] = recordedAt.getTime();
    const occurredAt = new Date(recordedAt.getTime() - Math.floor(r.uniform() * 30 * 60_000));
    const author = authors[1 + Math.floor(r.uniform() * (authors.length - 1))];
    const correction = s > 1 && r.uniform() < 0.01;
    const kind = correction ? ('correction' as const) : ('entry' as const);
    const text = correction ? `Correction : ${g.text}` : g.text;
    const correctsId = correction ? lastId[e] : null;
    const id = uuidFrom(r);
    const h = entryHash({
      eventId: ev.id,
      seq: s,
      kind,
      occurredAt,
      recordedAt,
      authorId: author.id,
      authorName: author.name,
      functionName: g.functionName,
      source: g.source,
      text,
      important: g.important,
      tags: g.tags,
      attachmentHashes: [],
      correctsId,
      prevHash: prevHash[e],
    });
    params.push(id, ev.id, orgId, s, kind, occurredAt.toISOString(), recordedAt.toISOString(), author.id, author.name, g.functionName, g.source, text, g.important, g.tags, correctsId, prevHash[e], h);
    prevHash[e] = h;
    lastId[e] = id;
    if (++rows === BATCH) await flush();
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      log(`  … ${engine}: ${i + 1} entries loaded (${secs(tGen)} s)`);
    }
  }
  await flush();
  await Promise.all(inflight);
  const loadSeconds = secs(tGen);
  if (engine === 'pglite') await sql`SET session_replication_role = DEFAULT`.execute(ldb);

  for (let i = 0; i < events.length; i += 50) {
    const chunk = events.slice(i, i + 50);
    await sql`UPDATE events AS e SET entry_count = v.n, last_hash = v.h, last_entry_at = v.t, updated_at = v.t
      FROM (SELECT * FROM unnest(${chunk.map((c) => c.id)}::uuid[], ${chunk.map((c) => seq[c.idx])}::int[], ${chunk.map((c) => prevHash[c.idx])}::text[], ${chunk.map((c) => new Date(lastAt[c.idx]).toISOString())}::timestamptz[]) AS v(id, n, h, t)) AS v
      WHERE e.id = v.id`.execute(db);
  }

  const tIdx = performance.now();
  if (engine === 'pglite') await sql`SET maintenance_work_mem = '256MB'`.execute(ldb);
  for (const [, create] of GIN_INDEXES) await sql.raw(create).execute(ldb);
  const indexSeconds = secs(tIdx);
  const tVac = performance.now();
  await sql`VACUUM (ANALYZE) log_entries`.execute(db);
  await sql`VACUUM (ANALYZE) events`.execute(db);
  const vacuumSeconds = secs(tVac);
  const seedSeconds = (performance.now() - tAll) / 1000;
  log(`  ${engine}: seeded ${ENTRIES} entries over ${events.length} events in ${seedSeconds.toFixed(1)} s (multi-row INSERTs of ${BATCH} rows: ${loadSeconds} s with the 3 GIN indexes dropped and row triggers/foreign-key checks off for the loading session; GIN indexes rebuilt in ${indexSeconds} s; VACUUM ANALYZE ${vacuumSeconds} s)`);
  const sizes = events.map((e) => e.count).sort((a, b) => a - b);
  log(`  events: ${events.filter((e) => e.status !== 'closed').length} open, ${events.filter((e) => e.status === 'closed').length} closed; entries per event min ${sizes[0]}, median ${sizes[sizes.length >> 1]}, max ${sizes[sizes.length - 1]}`);
  return { orgId, coordinator, events, tagIds, functionIds, seedSeconds };
}

// ---------------------------------------------------------------- HTTP


function du(dir: string): number {
  let total = 0;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) total += du(p);
    else if (d.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

interface Figures {
  post: number;
  open: number;
  search: number;
}

async function measure(engine: string, port: number, s: Seeded): Promise<Figures> {
  const login = await request(port, 'POST', '/api/auth/login', { email: s.coordinator, password: PASSWORD }, {}, '127.0.0.2');
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.body}`);
  const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0];
  const csrf = (JSON.parse(login.body) as { csrfToken: string }).csrfToken;
  const headers = { cookie, 'x-csrf-token': csrf };
  const r = new Rng(SEED + 1);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r.uniform() * a.length)];

  async function timed(method: string, url: string, body: unknown, expect: number): Promise<{ ms: number; json: unknown }> {
    const t0 = performance.now();
    const res = await request(port, method, url, body, headers);
    const ms = performance.now() - t0;
    if (res.status !== expect) throw new Error(`${method} ${url}: ${res.status} ${res.body.slice(0, 300)}`);
    return { ms, json: JSON.parse(res.body) };
  }
  const out: Record<string, number[]> = {};
  const add = (k: string, ms: number) => (out[k] ??= []).push(ms);
  const report = (k: string, label: string) => {
    const v = (out[k] ?? []).sort((a, b) => a - b);
    log(`  ${engine}_${k}_p50: ${percentile(v, 50).toFixed(1)} ms`);
    log(`  ${engine}_${k}_p95: ${percentile(v, 95).toFixed(1)} ms   (${v.length} ${label}, max ${v.length ? v[v.length - 1].toFixed(1) : 'NaN'} ms)`);
    return percentile(v, 95);
  };

  const open = s.events.filter((e) => e.status !== 'closed');
  const tagNames = [...s.tagIds.keys()];

  // (1) posting entries, spread over the open events (warm-up first, not counted)
  for (let i = 0; i < WARMUP + POSTS; i++) {
    const ev = open[i % open.length];
    const g = generateEntry(r, ev.situation);
    const body = {
      text: g.text,
      source: g.source,
      functionId: r.uniform() < 0.7 ? pick(s.functionIds) : null,
      tagIds: g.tags.map((t) => s.tagIds.get(t)!),
      important: g.important,
    };
    const { ms } = await timed('POST', `/api/events/${ev.id}/entries`, body, 201);
    ev.count++;
    if (i >= WARMUP) add('post', ms);
  }

  // (2) opening events on their latest 50 entries, (3) the next page
  const order = [...s.events].sort(() => r.uniform() - 0.5);
  for (let i = 0; i < WARMUP + OPENS; i++) {
    const ev = order[i % order.length];
    const { ms, json } = await timed('GET', `/api/events/${ev.id}/entries?limit=50`, undefined, 200);
    const page = json as { entries: unknown[]; nextBefore: number | null };
    if (i >= WARMUP) add('open', ms);
    if (page.nextBefore !== null) {
      const next = await timed('GET', `/api/events/${ev.id}/entries?limit=50&before=${page.nextBefore}`, undefined, 200);
      if (i >= WARMUP) add('next_page', next.ms);
    }
  }

  // (4) full-text search over all events
  let empty = 0;
  let capped = 0;
  for (let i = 0; i < WARMUP + SEARCH_COUNT; i++) {
    const q = SEARCHES[(i * 7) % SEARCHES.length];
    const { ms, json } = await timed('GET', `/api/search?q=${encodeURIComponent(q)}`, undefined, 200);
    const res = json as { results: unknown[]; total: number };
    if (i >= WARMUP) {
      add('search', ms);
      if (res.results.length === 0) empty++;
      if (res.total >= 1000) capped++;
    }
  }

  // (5) tag filters: in an event, and across events
  for (let i = 0; i < WARMUP + TAG_IN_EVENT; i++) {
    const ev = order[(i * 13) % order.length];
    const { ms } = await timed('GET', `/api/events/${ev.id}/entries?limit=50&tag=${encodeURIComponent(pick(tagNames))}`, undefined, 200);
    if (i >= WARMUP) add('tag_event', ms);
  }
  for (let i = 0; i < WARMUP + TAG_IN_SEARCH; i++) {
    const { ms } = await timed('GET', `/api/search?tag=${encodeURIComponent(pick(tagNames))}`, undefined, 200);
    if (i >= WARMUP) add('tag_search', ms);
  }

  const post = report('post', 'posts over ' + open.length + ' open events');
  const openP95 = report('open', 'opens, limit=50');
  report('next_page', 'next pages');
  const search = report('search', `searches, ${empty} without results, ${capped} at the 1,000 count cap`);
  report('tag_event', 'GET /api/events/:id/entries?tag=');
  report('tag_search', 'GET /api/search?tag=');

  // The seeded chains and the posted entries verify through the API.
  const bySize = [...s.events].sort((a, b) => a.count - b.count);
  const checks = [bySize[0], bySize[bySize.length >> 1], open[0]];
  const tv = performance.now();
  let valid = 0;
  let entries = 0;
  for (const ev of checks) {
    const { json } = await timed('GET', `/api/events/${ev.id}/verify`, undefined, 200);
    const v = json as { valid: boolean; entries: number };
    if (v.valid && v.entries === ev.count) valid++;
    entries += v.entries;
  }
  log(`  ${engine}_verify: ${valid}/${checks.length} chains valid (${entries} entries recomputed in ${secs(tv)} s)`);
  if (valid !== checks.length) throw new Error('hash chain verification failed');
  return { post, open: openP95, search };
}

async function runServer(engine: string, env: Record<string, string>, s: Seeded): Promise<Figures> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false', LOG_LEVEL: 'warn', REQUESTS_PER_MINUTE: '1000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const t0 = performance.now();
    await waitHealth(port, child);
    log(`  server up in ${secs(t0)} s`);
    return await measure(engine, port, s);
  } finally {
    closeKeepAlive();
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}

function summary(engine: 'pglite' | 'postgresql', f: Figures, note = '') {
  const t = TARGETS[engine];
  const part = (k: keyof Figures) => `${k} p95 ${f[k].toFixed(1)} ms (< ${t[k]}) ${f[k] < t[k] ? 'OK' : 'ABOVE TARGET'}`;
  const ok = f.post < t.post && f.open < t.open && f.search < t.search;
  return `${engine}: ${part('post')}; ${part('open')}; ${part('search')} => ${ok ? 'OK' : 'ABOVE TARGET'}${note}`;
}

async function main() {
  log(`bench:logbook on ${os.cpus().length} cores, Node ${process.version}: ${ENTRIES} entries over ${EVENTS} events, engines ${ENGINES.join(', ')}`);
  const lines: string[] = [];
  for (const engine of ENGINES) {
    const t0 = performance.now();
    if (engine === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-logbook-'));
      try {
        log(`engine: pglite (DATA_DIR ${dir})`);
        const database = await openPglite(dir);
        const s = await seed(database, 'pglite');
        await database.close();
        const seededBytes = du(dir);
        const f = await runServer('pglite', { DATA_DIR: dir }, s);
        const bytes = du(dir);
        log(`  pglite_seed_time: ${s.seedSeconds.toFixed(1)} s`);
        log(`  pglite_data_dir_size: ${mb(bytes)} (${mb(seededBytes)} after seeding)`);
        log(`  pglite_size_per_million_entries: ${mb((bytes * 1e6) / ENTRIES)}`);
        log(`  pglite total run: ${secs(t0)} s`);
        lines.push(summary('pglite', f, ENTRIES < 1_000_000 ? ` (measured at ${ENTRIES} entries)` : ''));
      } finally {
        if (KEEP) log(`  kept ${dir}`);
        else fs.rmSync(dir, { recursive: true, force: true });
      }
    } else if (engine === 'postgresql') {
      const bench = await createBenchDatabase(ROOT);
      if (!bench) {
        log("engine: postgresql — skipped: no PostgreSQL server (set BENCH_DATABASE_URL, or install Debian's postgresql)");
        continue;
      }
      const url = bench.url;
      log(`engine: postgresql (database ${bench.name})`);
      try {
        const database = await openPostgres(url, 2);
        const loader = await openPostgres(bench.loadUrl, 3);
        const s = await seed(database, 'postgresql', loader);
        await loader.close();
        await database.close();
        const f = await runServer('postgresql', { DATABASE_URL: url }, s);
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        const sz = (
          await c.query<{ total: string; heap: string; toast: string; idx: string; db: string }>(
            `SELECT pg_total_relation_size('log_entries') AS total, pg_relation_size('log_entries') AS heap,
                    pg_total_relation_size('log_entries') - pg_relation_size('log_entries') - pg_indexes_size('log_entries') AS toast,
                    pg_indexes_size('log_entries') AS idx, pg_database_size(current_database()) AS db`,
          )
        ).rows[0];
        const idx = (await c.query<{ name: string; size: string }>(`SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid) AS size FROM pg_index WHERE indrelid = 'log_entries'::regclass ORDER BY 2 DESC`)).rows;
        await c.end();
        const per = (b: string) => mb((Number(b) * 1e6) / ENTRIES);
        log(`  postgresql_seed_time: ${s.seedSeconds.toFixed(1)} s`);
        log(`  postgresql_log_entries_total_size: ${mb(Number(sz.total))} (heap ${mb(Number(sz.heap))}, toast ${mb(Number(sz.toast))}, indexes ${mb(Number(sz.idx))}: ${idx.map((i) => `${i.name} ${mb(Number(i.size))}`).join(', ')})`);
        log(`  postgresql_log_entries_size_per_million_entries: ${per(sz.total)}`);
        log(`  postgresql_database_size: ${mb(Number(sz.db))}`);
        log(`  postgresql_database_size_per_million_entries: ${per(sz.db)}`);
        log(`  postgresql total run: ${secs(t0)} s`);
        lines.push(summary('postgresql', f, ENTRIES < 1_000_000 ? ` (measured at ${ENTRIES} entries)` : ''));
      } finally {
        await bench.release(KEEP, log);
      }
    }
  }
  for (const l of lines) log(l);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
