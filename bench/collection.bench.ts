/**
 * npm run bench:collection — the data collection (collecte) at the scale of a department and of
 * France, measured through the HTTP API and the realtime WebSocket of a real server process.
 *
 * Data set (fixed seed, written directly in the database through Kysely before the server starts):
 *  - Hérault (34): a prefecture, and BENCH_COMMUNES (250) real current communes of the department,
 *    each with its own organisation (kind 'commune') and a contributor account. A daily campaign
 *    « Décès COVID-19 par lieu » (domicile / EHPAD / hôpital / autre lieu, 10 h) asks those
 *    communes; BENCH_HISTORY_DAYS (60) days of history before today, drawn in proportion to the
 *    population (2.2 deaths per 100,000 inhabitants a day, ~1 % of declarations missing), queued
 *    for the detection so that the server's refresher computes the stored detection at start.
 *  - France: every current commune of `@etalab/decoupage-administratif` (34,969; BENCH_COMMUNES_FR
 *    takes a seeded sample) loaded into departments/communes (no outlines), a campaign of a
 *    synthetic « national » prefecture asking all of them, BENCH_FR_DAYS (30) days of declarations
 *    (~1M rows, ~1 % missing, ~30 % not answered yet today) in multi-row INSERTs of 1,000 rows
 *    (`unnest` of arrays; the `total` column is computed by the database), the stored detection of
 *    the last BENCH_FR_DETECTION_DAYS (7) days computed with the server's own `computeDetection`,
 *    and alert rules set through `PATCH /api/campaigns/:id`.
 *
 * Measures, for PGlite and PostgreSQL (the server runs as `node --import tsx src/server/main.ts`,
 * SCRYPT_COST=1024, everything on loopback, so every figure includes the HTTP round trip):
 *  1. submit: the 250 communes, all logged in beforehand, send `PUT /api/campaigns/:id/declarations/
 *     :insee/:today` (cookie, X-CSRF-Token, same-origin Origin; one fresh connection each) spread
 *     evenly over BENCH_SPREAD_MS (1,000 ms; 0 = all at once), values that are not unusual for the
 *     commune: p50 / p95 / max latency. Target p95 < 200 ms.
 *  2. dashboard: a prefecture member's WebSocket subscribed to `campaign:<id>`: time from the first
 *     submit sent to the 250th `declaration.saved` received (target < 2 s), then one
 *     `GET /api/campaigns/:id/overview?date=<today>` (what the dashboard reloads), checked to show
 *     the 250 communes 'answered'.
 *  3. overview: `GET /api/campaigns/:id/overview?date=<D>&indicator=total` and `&indicator=ehpad` on
 *     the France-wide campaign, computed: BENCH_OVERVIEW_RUNS (10) dates D = today, yesterday… (the
 *     server caches serialized overviews per date and indicator: each date is computed), after one
 *     warm-up on another date (or fewer runs, at least 3, once BENCH_OVERVIEW_BUDGET_S has passed);
 *     then cached: today's again, BENCH_OVERVIEW_RUNS times (every member of a prefecture opening
 *     the same dashboard). p50 / p95, the response size and the server CPU per request. Target p95
 *     < 500 ms (server time + loopback round trip + reading the body).
 *  4. detection: time from the last of the 250 submit responses to the `detection.updated`
 *     message(s) covering the 250 communes. Measured with the default DETECTION_REFRESH_DELAY_MS
 *     (200 ms wait before the refresher runs) on the submissions, then with a server restarted with
 *     DETECTION_REFRESH_DELAY_MS=1 on a second burst (250 corrections, with a reason). Target < 1 s.
 *     (The wait starts at a commit, which precedes its HTTP response: the first figure can be below
 *     200 ms; with a 1 ms wait the refresher runs after nearly every declaration during the burst.)
 *     Also in-process (buildApp on the same database, server stopped): `queueDetection` of the 250
 *     communes from today, time of `services.jobs.detection.flush()`; the same from the campaign's
 *     start (whole history); and 250 communes of the France-wide campaign.
 * The server's CPU time (from /proc) is printed next to the latencies, and the machine's load
 * average before each measure: on a shared machine, other work on the same cores inflates latencies.
 * The run does not fail on a missed target: the summary says ABOVE TARGET.
 *
 * Settings (environment): BENCH_ENGINES (pglite,postgresql), BENCH_SEED (20200317),
 * BENCH_COMMUNES (250, at most the 341 communes of Hérault), BENCH_HISTORY_DAYS (60),
 * BENCH_COMMUNES_FR (35000: all), BENCH_FR_DAYS (30), BENCH_FR_DETECTION_DAYS (7),
 * BENCH_SPREAD_MS (1000), BENCH_OVERVIEW_RUNS (10), BENCH_OVERVIEW_BUDGET_S (60),
 * BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof to profile the server),
 * BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server whose superuser may create a
 * database; without one, scripts/pg-throwaway.sh starts one), BENCH_KEEP=true keeps the seeded
 * database (prints where; a throwaway PostgreSQL server is then left running).
 * "Today" is the Paris date at the start of the run: do not run it across midnight (Paris).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { createBenchDatabase } from './lib/postgres';
import { closeKeepAlive, percentile, request, waitHealth } from './lib/http';
import { Rng } from './lib/random';
import { openPglite, openPostgres, type Database } from '../src/server/db/client';
import type { DB } from '../src/server/db/schema';
import { migrate } from '../src/server/db/migrate';
import { ensureReferenceData } from '../src/server/bootstrap';
import { loadConfig } from '../src/server/config';
import { buildApp } from '../src/server/http/app';
import { hashPassword } from '../src/server/modules/auth/password';
import { insee } from '../src/server/modules/territory';
import { DEPARTMENT_AREA, queueDetection } from '../src/server/modules/collection';
import { computeDetection, periodDates } from '../src/server/modules/collection/detection.compute';
import { addDays, parisDateTime } from '../src/server/modules/collection/paris-time';
import type { Overview } from '../src/shared/schemas/collection';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENGINES = (process.env.BENCH_ENGINES ?? 'pglite,postgresql').split(',').map((s) => s.trim()).filter(Boolean);
const SEED = Number(process.env.BENCH_SEED ?? 20200317);
const COMMUNES = Number(process.env.BENCH_COMMUNES ?? 250);
const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 60);
const COMMUNES_FR = Number(process.env.BENCH_COMMUNES_FR ?? 35000);
const FR_DAYS = Number(process.env.BENCH_FR_DAYS ?? 30);
const FR_DETECTION_DAYS = Number(process.env.BENCH_FR_DETECTION_DAYS ?? 7);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 1000);
const OVERVIEW_RUNS = Number(process.env.BENCH_OVERVIEW_RUNS ?? 10);
/** Time allowed to the overview runs of one indicator (at least 3 runs are made). */
const OVERVIEW_BUDGET_MS = Number(process.env.BENCH_OVERVIEW_BUDGET_S ?? 60) * 1000;
const KEEP = process.env.BENCH_KEEP === 'true';
const PASSWORD = 'bench-password-0123';
const BATCH = 1000;
const DEFAULT_REFRESH_DELAY_MS = 200;

const TARGETS = { submit: 200, dashboard: 2000, overview: 500, detection: 1000 } as const;

// The indexes of collection_declarations (migrations 0003 and 0005), dropped before the bulk load
// and rebuilt after it, with the same names and definitions.
const DECLARATION_INDEXES = [
  [
    'ALTER TABLE collection_declarations DROP CONSTRAINT collection_declarations_campaign_id_insee_code_period_date_key',
    'ALTER TABLE collection_declarations ADD CONSTRAINT collection_declarations_campaign_id_insee_code_period_date_key UNIQUE (campaign_id, insee_code, period_date)',
  ],
  ['DROP INDEX collection_declarations_date_idx', 'CREATE INDEX collection_declarations_date_idx ON collection_declarations (campaign_id, period_date) INCLUDE (insee_code, total)'],
] as const;

/** Deaths per inhabitant per day, all places together (as the demo campaign). */
const DAILY_RATE = 2.2e-5;
const PLACES = [
  { key: 'domicile', label: 'Décès à domicile', share: 0.25 },
  { key: 'ehpad', label: 'Décès en EHPAD', share: 0.3 },
  { key: 'hopital', label: 'Décès à l’hôpital', share: 0.4 },
  { key: 'autre', label: 'Décès autre lieu', share: 0.05 },
] as const;
type Values = Record<(typeof PLACES)[number]['key'], number>;

const log = (s: string) => console.log(s);
const secs = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
const ms1 = (v: number) => `${v.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
/** The machine's load: other work on the same cores shows in every latency figure. */
const load = () => `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;

/** CPU seconds (user + system) used so far by a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function draw(r: Rng, population: number | null): Values {
  const lambda = (population ?? 0) * DAILY_RATE;
  return Object.fromEntries(PLACES.map((p) => [p.key, r.poisson(lambda * p.share)])) as Values;
}

/** Seeded sample of `n` items (all when n ≥ length), in their original order. */
function sample<T>(r: Rng, items: T[], n: number): T[] {
  if (n >= items.length) return [...items];
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(r.uniform() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

// ---------------------------------------------------------------- seeding

interface BenchCommune {
  insee: string;
  name: string;
  population: number | null;
  email: string;
  /** Highest value of each indicator in the history (the burst stays at or below: never unusual). */
  usualMax: Values;
  /** Today's submission, then its correction (second burst). */
  today: Values;
  correction: Values;
}

interface Seeded {
  today: string;
  campaignId: string;
  prefectureEmail: string;
  communes: BenchCommune[];
  frCampaignId: string;
  frCoordinatorEmail: string;
  frCommunes: number;
  frRows: number;
  frDetectionRows: number;
  seedSeconds: number;
}

async function seed(database: Database, engine: string, loader: Database): Promise<Seeded> {
  const tAll = performance.now();
  await migrate(database);
  await ensureReferenceData(database);
  const db = database.db;
  const today = parisDateTime(new Date()).date;
  const r = new Rng(SEED);
  // Cheap scrypt cost for the bench accounts: the bench measures the collection, not password hashing.
  const hash = await hashPassword(PASSWORD, 1024);

  // ---- Hérault: prefecture, 250 communes with their organisation and contributor
  const { id: prefId } = await db.insertInto('organisations').values({ name: 'Préfecture de l’Hérault (banc d’essai)', kind: 'prefecture', department_code: '34' }).returning('id').executeTakeFirstOrThrow();
  const prefectureEmail = 'veille@prefecture34.bench.test';
  const { id: prefUserId } = await db
    .insertInto('users')
    .values({ organisation_id: prefId, email: prefectureEmail, display_name: 'Cellule de veille (banc)', role: 'coordinator', password_hash: hash })
    .returning('id')
    .executeTakeFirstOrThrow();
  const all34 = await db.selectFrom('communes').select(['insee_code', 'name', 'population']).where('department_code', '=', '34').orderBy('insee_code').execute();
  if (all34.length < COMMUNES) throw new Error(`BENCH_COMMUNES=${COMMUNES}: Hérault has ${all34.length} communes`);
  // A seeded sample of the department, Montpellier always in (the largest counts).
  let picked = sample(r, all34, COMMUNES);
  if (!picked.some((c) => c.insee_code === '34172')) picked = [...picked.slice(1), all34.find((c) => c.insee_code === '34172')!].sort((a, b) => a.insee_code.localeCompare(b.insee_code));
  const orgs = await db
    .insertInto('organisations')
    .values(picked.map((c) => ({ name: `Commune de ${c.name} (${c.insee_code})`, kind: 'commune' as const, insee_code: c.insee_code, department_code: '34' })))
    .returning(['id', 'insee_code'])
    .execute();
  const orgOf = new Map(orgs.map((o) => [o.insee_code!, o.id]));
  const users = await db
    .insertInto('users')
    .values(picked.map((c) => ({ organisation_id: orgOf.get(c.insee_code)!, email: `mairie-${c.insee_code}@bench.test`, display_name: `Secrétariat de mairie ${c.name}`, role: 'contributor' as const, password_hash: hash })))
    .returning(['id', 'email', 'display_name'])
    .execute();
  const userOf = new Map(users.map((u) => [u.email, u]));

  const start = addDays(today, -HISTORY_DAYS);
  const { id: campaignId } = await db
    .insertInto('collection_campaigns')
    .values({
      organisation_id: prefId,
      department_code: '34',
      name: 'Décès COVID-19 par lieu (banc d’essai)',
      description: 'Chaque jour avant 10 h, les décès de la veille par lieu de décès.',
      period: 'daily',
      deadline: '10:00',
      start_date: start,
      status: 'active',
      created_by: prefUserId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('collection_indicators').values(PLACES.map((p, position) => ({ campaign_id: campaignId, key: p.key, position, label: p.label, help: '', max_value: 10_000 }))).execute();
  await db.insertInto('collection_campaign_communes').values(picked.map((c) => ({ campaign_id: campaignId, insee_code: c.insee_code }))).execute();

  const communes: BenchCommune[] = picked.map((c) => ({
    insee: c.insee_code,
    name: c.name,
    population: c.population,
    email: `mairie-${c.insee_code}@bench.test`,
    usualMax: { domicile: 0, ehpad: 0, hopital: 0, autre: 0 },
    today: { domicile: 0, ehpad: 0, hopital: 0, autre: 0 },
    correction: { domicile: 0, ehpad: 0, hopital: 0, autre: 0 },
  }));
  const history: Array<{ campaign_id: string; insee_code: string; period_date: string; values: string; organisation_id: string; declared_by: string; declared_by_name: string; declared_at: Date; updated_at: Date }> = [];
  for (let day = 0; day < HISTORY_DAYS; day++) {
    const date = addDays(start, day);
    for (const c of communes) {
      const v = draw(r, c.population);
      if (r.uniform() < 0.01) continue;
      for (const p of PLACES) c.usualMax[p.key] = Math.max(c.usualMax[p.key], v[p.key]);
      const u = userOf.get(c.email)!;
      const at = new Date(`${date}T07:${String(Math.floor(r.uniform() * 60)).padStart(2, '0')}:00Z`);
      history.push({ campaign_id: campaignId, insee_code: c.insee, period_date: date, values: JSON.stringify(v), organisation_id: orgOf.get(c.insee)!, declared_by: u.id, declared_by_name: u.display_name, declared_at: at, updated_at: at });
    }
  }
  for (let i = 0; i < history.length; i += BATCH) await db.insertInto('collection_declarations').values(history.slice(i, i + BATCH)).execute();
  for (const c of communes) {
    // Today's values: a plausible draw, capped at the commune's usual maximum (never `unusual_value`);
    // the correction moves one death from or to « domicile » (≤ the floor of 5: never unusual either).
    const v = draw(r, c.population);
    for (const p of PLACES) c.today[p.key] = Math.min(v[p.key], c.usualMax[p.key]);
    c.correction = { ...c.today, domicile: c.today.domicile === 0 ? 1 : c.today.domicile - 1 };
  }
  // The server's refresher computes the stored detection of the history at start.
  await queueDetection(db, campaignId, communes.map((c) => ({ inseeCode: c.insee, fromDate: start })));
  log(`  ${engine}: Hérault: ${communes.length} communes with their organisation and contributor, ${history.length} declarations over ${HISTORY_DAYS} days (${secs(tAll)} s)`);

  // ---- France: territory, national campaign, ~1M declarations
  const tFr = performance.now();
  const inseeCommunes = insee().communes.filter((c) => c.type === 'commune-actuelle');
  const inseeDepartments = insee().departments;
  await db
    .insertInto('departments')
    .values(inseeDepartments.map((d) => ({ code: d.code, name: d.nom, outline: null })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const have = new Set((await db.selectFrom('communes').select('insee_code').execute()).map((c) => c.insee_code));
  const missing = inseeCommunes.filter((c) => !have.has(c.code));
  for (let i = 0; i < missing.length; i += BATCH) {
    await db
      .insertInto('communes')
      .values(
        missing.slice(i, i + BATCH).map((c) => ({
          insee_code: c.code,
          name: c.nom,
          department_code: c.departement!,
          population: c.population ?? null,
          former_codes: (c.anciensCodes ?? []).filter((o) => o !== c.code),
          outline: null,
        })),
      )
      .execute();
  }
  const fr = sample(new Rng(SEED + 1), inseeCommunes, COMMUNES_FR).sort((a, b) => a.code.localeCompare(b.code));
  const { id: frOrgId } = await db
    .insertInto('organisations')
    .values({ name: 'Centre opérationnel national (banc d’essai)', kind: 'prefecture', department_code: '75' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const frCoordinatorEmail = 'synthese@national.bench.test';
  const { id: frUserId } = await db
    .insertInto('users')
    .values({ organisation_id: frOrgId, email: frCoordinatorEmail, display_name: 'Synthèse nationale (banc)', role: 'coordinator', password_hash: hash })
    .returning('id')
    .executeTakeFirstOrThrow();
  const frStart = addDays(today, -(FR_DAYS - 1));
  const { id: frCampaignId } = await db
    .insertInto('collection_campaigns')
    .values({
      organisation_id: frOrgId,
      department_code: '75',
      name: 'Décès par lieu — France entière (banc d’essai)',
      description: 'Territoire synthétique : toutes les communes actuelles.',
      period: 'daily',
      deadline: '10:00',
      start_date: frStart,
      status: 'active',
      created_by: frUserId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('collection_indicators').values(PLACES.map((p, position) => ({ campaign_id: frCampaignId, key: p.key, position, label: p.label, help: '', max_value: 10_000 }))).execute();
  for (let i = 0; i < fr.length; i += BATCH) {
    await db
      .insertInto('collection_campaign_communes')
      .values(fr.slice(i, i + BATCH).map((c) => ({ campaign_id: frCampaignId, insee_code: c.code })))
      .execute();
  }
  log(`  ${engine}: France: ${missing.length} communes added to the territory (${have.size + missing.length} in all), national campaign asking ${fr.length} communes (${secs(tFr)} s)`);

  // Day by day (a day's declarations are written together, as in production); the loading session
  // skips row triggers and foreign-key checks (the rows are generated valid).
  const tLoad = performance.now();
  const ldb = loader.db;
  for (const [drop] of DECLARATION_INDEXES) await sql.raw(drop).execute(ldb);
  if (engine === 'pglite') await sql`SET session_replication_role = replica`.execute(ldb);
  const totals = new Int32Array(fr.length * FR_DAYS).fill(-1);
  const insert = `INSERT INTO collection_declarations (campaign_id, insee_code, period_date, "values", declared_by_name, declared_at, updated_at)
    SELECT $1::uuid, u.c, $2::date, u.v::jsonb, 'Saisie initiale (banc d’essai)', u.t, u.t FROM unnest($3::text[], $4::text[], $5::timestamptz[]) AS u(c, v, t)`;
  const inflight: Promise<unknown>[] = [];
  const maxInflight = engine === 'postgresql' ? 2 : 1;
  let frRows = 0;
  const rf = new Rng(SEED + 2);
  for (let day = 0; day < FR_DAYS; day++) {
    const date = addDays(frStart, day);
    const isToday = day === FR_DAYS - 1;
    let codes: string[] = [];
    let vals: string[] = [];
    let ats: string[] = [];
    const flush = async () => {
      if (codes.length === 0) return;
      inflight.push(ldb.executeQuery(CompiledQuery.raw(insert, [frCampaignId, date, codes, vals, ats])));
      frRows += codes.length;
      codes = [];
      vals = [];
      ats = [];
      if (inflight.length >= maxInflight) await inflight.shift();
    };
    for (let i = 0; i < fr.length; i++) {
      const v = draw(rf, fr[i].population ?? null);
      if (rf.uniform() < (isToday ? 0.3 : 0.01)) continue;
      totals[i * FR_DAYS + day] = v.domicile + v.ehpad + v.hopital + v.autre;
      codes.push(fr[i].code);
      vals.push(JSON.stringify(v));
      ats.push(`${date}T0${6 + Math.floor(rf.uniform() * 3)}:${String(Math.floor(rf.uniform() * 60)).padStart(2, '0')}:00Z`);
      if (codes.length === BATCH) await flush();
    }
    await flush();
  }
  await Promise.all(inflight);
  if (engine === 'pglite') await sql`SET session_replication_role = DEFAULT`.execute(ldb);
  const loadSeconds = secs(tLoad);
  const tIdx = performance.now();
  if (engine === 'pglite') await sql`SET maintenance_work_mem = '256MB'`.execute(ldb);
  for (const [, create] of DECLARATION_INDEXES) await sql.raw(create).execute(ldb);
  const indexSeconds = secs(tIdx);
  // The row trigger that keeps each commune's running sums was off for the load: rebuild them.
  const tSums = performance.now();
  await sql`SELECT collection_rebuild_sums(${frCampaignId}::uuid)`.execute(ldb);
  const sumsSeconds = secs(tSums);

  // The stored detection of the last days, as the refresher would have left it.
  const tDet = performance.now();
  const dates = periodDates(frStart, 'daily', today);
  const from = Math.max(0, dates.length - FR_DETECTION_DAYS);
  const detCols = { area: [] as string[], date: [] as string[], method: [] as string[], observed: [] as Array<number | null>, expected: [] as Array<number | null>, upper: [] as Array<number | null>, alarm: [] as Array<boolean | null>, explanation: [] as string[] };
  let frDetectionRows = 0;
  const detInsert = `INSERT INTO collection_detection (campaign_id, area, period_date, method, observed, expected, upperbound, alarm, explanation)
    SELECT $1::uuid, u.a, u.d::date, u.m, u.o, u.e, u.u, u.al, u.x FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::float8[], $8::bool[], $9::text[]) AS u(a, d, m, o, e, u, al, x)`;
  const flushDet = async () => {
    if (detCols.area.length === 0) return;
    await ldb.executeQuery(CompiledQuery.raw(detInsert, [frCampaignId, detCols.area, detCols.date, detCols.method, detCols.observed, detCols.expected, detCols.upper, detCols.alarm, detCols.explanation]));
    frDetectionRows += detCols.area.length;
    for (const k of Object.keys(detCols) as Array<keyof typeof detCols>) detCols[k].length = 0;
  };
  const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  const push = async (area: string, counts: Array<number | null>) => {
    const computed = computeDetection(dates, counts, 'daily', from);
    for (const p of computed.points) {
      if (p.observed === null) continue;
      detCols.area.push(area);
      detCols.date.push(p.date);
      detCols.method.push(computed.method);
      detCols.observed.push(p.observed);
      detCols.expected.push(finite(p.expected));
      detCols.upper.push(finite(p.upperbound));
      detCols.alarm.push(p.alarm);
      detCols.explanation.push(p.explanation);
      if (detCols.area.length >= BATCH) await flushDet();
    }
  };
  const department = new Array<number | null>(FR_DAYS).fill(null);
  for (let i = 0; i < fr.length; i++) {
    const counts: Array<number | null> = [];
    for (let d = 0; d < FR_DAYS; d++) {
      const t = totals[i * FR_DAYS + d];
      counts.push(t < 0 ? null : t);
      if (t >= 0) department[d] = (department[d] ?? 0) + t;
    }
    await push(fr[i].code, counts);
  }
  await push(DEPARTMENT_AREA, department);
  await flushDet();
  const detSeconds = secs(tDet);

  const tVac = performance.now();
  for (const t of ['collection_declarations', 'collection_detection', 'collection_commune_sums', 'collection_campaign_communes', 'communes', 'organisations', 'users']) await sql.raw(`VACUUM (ANALYZE) ${t}`).execute(db);
  const seedSeconds = (performance.now() - tAll) / 1000;
  log(
    `  ${engine}: France: ${frRows} declarations over ${FR_DAYS} days in ${loadSeconds} s (INSERT … SELECT unnest of ${BATCH} rows, its 2 indexes dropped and row triggers/foreign-key checks off for the loading session; indexes rebuilt in ${indexSeconds} s, running sums rebuilt in ${sumsSeconds} s), ` +
      `${frDetectionRows} stored detection points (last ${FR_DETECTION_DAYS} days) in ${detSeconds} s, VACUUM ANALYZE ${secs(tVac)} s; seeding ${seedSeconds.toFixed(1)} s in all`,
  );
  return { today, campaignId, prefectureEmail, communes, frCampaignId, frCoordinatorEmail, frCommunes: fr.length, frRows, frDetectionRows, seedSeconds };
}

// ---------------------------------------------------------------- HTTP + WebSocket

interface Session {
  cookie: string;
  csrf: string;
}

// The login route allows 30 attempts per minute and address: spread logins over loopback addresses.
const loopback = (i: number) => `127.0.0.${2 + Math.floor(i / 25)}`;

async function loginAs(port: number, email: string, i: number): Promise<Session> {
  const res = await request(port, 'POST', '/api/auth/login', { email, password: PASSWORD }, {}, loopback(i));
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
  return { cookie, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

const writeHeaders = (port: number, s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf, origin: `http://127.0.0.1:${port}` });

interface Frame {
  type: string;
  topic?: string;
  event?: { kind: string; areas?: string[]; declaration?: { inseeCode: string } };
}

/** A prefecture member's dashboard socket: every `message` frame of the topic, with its arrival time. */
class Dashboard {
  readonly frames: Array<{ at: number; frame: Frame }> = [];
  private listeners: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {}

  static async open(port: number, s: Session, topic: string): Promise<Dashboard> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/realtime`, { headers: { cookie: s.cookie, origin: `http://127.0.0.1:${port}` } });
    const d = new Dashboard(ws);
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const at = performance.now();
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'hello') ws.send(JSON.stringify({ type: 'subscribe', topic }));
        else if (frame.type === 'subscribed') resolve();
        else if (frame.type === 'error') reject(new Error(`subscribe ${topic}: ${data.toString()}`));
        else if (frame.type === 'message' && frame.topic === topic) {
          d.frames.push({ at, frame });
          for (const l of d.listeners) l();
        }
      });
      ws.on('error', reject);
    });
    return d;
  }

  /** Resolves when `done()` holds (checked at each frame), or rejects after `timeoutMs`. */
  until(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(check), 1);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(check), 1);
        reject(new Error(`realtime: condition not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.push(check);
    });
  }

  close(): void {
    this.ws.close();
  }
}

interface BurstFigures {
  submitP50: number;
  submitP95: number;
  submitMax: number;
  /** First submit sent → 250th declaration.saved received. */
  dashboard: number;
  /** The overview GET issued right after. */
  overviewAfter: number;
  answered: number;
  /** Last submit response → detection.updated messages covering every commune. */
  detection: number;
  detectionMessages: number;
  /** Server CPU milliseconds per declaration during the burst. */
  cpuPerDeclaration: number;
}

/**
 * The 250 communes send their declaration of today (or its correction) spread over SPREAD_MS, each
 * on a fresh connection; the prefecture's socket counts `declaration.saved` and `detection.updated`.
 */
async function burst(engine: string, label: string, port: number, serverPid: number, s: Seeded, sessions: Session[], pref: Session, correction: boolean): Promise<BurstFigures> {
  const topic = `campaign:${s.campaignId}`;
  const dash = await Dashboard.open(port, pref, topic);
  const n = s.communes.length;
  const latencies = new Float64Array(n);
  const codes = new Set(s.communes.map((c) => c.insee));
  const saved = () => dash.frames.filter((f) => f.frame.event?.kind === 'declaration.saved').length;
  const covered = new Set<string>();
  let coveredAt = 0;
  let detectionMessages = 0;
  const seen = { i: 0 };
  const detectionDone = () => {
    for (; seen.i < dash.frames.length; seen.i++) {
      const f = dash.frames[seen.i];
      if (f.frame.event?.kind !== 'detection.updated') continue;
      detectionMessages++;
      for (const a of f.frame.event.areas ?? []) if (codes.has(a)) covered.add(a);
      if (covered.size === n && !coveredAt) coveredAt = f.at;
    }
    return covered.size === n;
  };

  const interval = SPREAD_MS / n;
  log(`  ${label}: ${load()}`);
  const cpu0 = cpuSeconds(serverPid);
  const t0 = performance.now();
  let lastResponse = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const c = s.communes[i];
    const body = correction ? { values: c.correction, reason: 'Erreur de saisie corrigée (banc d’essai)' } : { values: c.today };
    const sent = performance.now();
    inflight.push(
      request(port, 'PUT', `/api/campaigns/${s.campaignId}/declarations/${c.insee}/${s.today}`, body, writeHeaders(port, sessions[i]), '127.0.0.1').then((res) => {
        const end = performance.now();
        if (res.status !== (correction ? 200 : 201)) throw new Error(`PUT ${c.insee}: ${res.status} ${res.body.slice(0, 300)}`);
        latencies[i] = end - sent;
        lastResponse = Math.max(lastResponse, end);
      }),
    );
  }
  await Promise.all(inflight);
  const cpuSubmit = cpuSeconds(serverPid) - cpu0;
  await dash.until(() => saved() >= n, 30_000);
  const savedFrames = dash.frames.filter((f) => f.frame.event?.kind === 'declaration.saved');
  const dashboard = savedFrames[n - 1].at - t0;

  // What the dashboard reloads once it has them all.
  const tOv = performance.now();
  const ov = await request(port, 'GET', `/api/campaigns/${s.campaignId}/overview?date=${s.today}`, undefined, { cookie: pref.cookie });
  const overviewAfter = performance.now() - tOv;
  if (ov.status !== 200) throw new Error(`overview: ${ov.status} ${ov.body.slice(0, 300)}`);
  const overview = JSON.parse(ov.body) as Overview;
  const answered = overview.communes.filter((c) => codes.has(c.inseeCode) && c.status === 'answered').length;

  await dash.until(detectionDone, 60_000);
  dash.close();
  const detection = coveredAt - lastResponse;

  const sorted = [...latencies].sort((a, b) => a - b);
  const f: BurstFigures = {
    submitP50: percentile(sorted, 50),
    submitP95: percentile(sorted, 95),
    submitMax: sorted[sorted.length - 1],
    dashboard,
    overviewAfter,
    answered,
    detection,
    detectionMessages,
    cpuPerDeclaration: (cpuSubmit * 1000) / n,
  };
  const what = correction ? 'corrections' : 'submissions';
  log(`  ${label}: ${n} ${what} spread over ${SPREAD_MS} ms, ${((lastResponse - t0) / 1000).toFixed(2)} s from the first sent to the last response; server CPU ${cpuSubmit.toFixed(2)} s (${((cpuSubmit * 1000) / n).toFixed(1)} ms per ${correction ? 'correction' : 'submission'}, detection refreshes included)`);
  log(`  ${engine}_${label}_submit_p50: ${ms1(f.submitP50)}`);
  log(`  ${engine}_${label}_submit_p95: ${ms1(f.submitP95)}   (max ${ms1(f.submitMax)})`);
  log(`  ${engine}_${label}_dashboard_all_${n}: ${ms1(f.dashboard)}   (first submit sent → ${n}th declaration.saved received on campaign:<id>)`);
  log(`  ${engine}_${label}_overview_after: ${ms1(f.overviewAfter)}   (GET overview?date=${s.today}: ${answered}/${n} communes 'answered', ${mb(ov.body.length)})`);
  log(`  ${engine}_${label}_detection: ${ms1(f.detection)}   (last submit response → detection.updated covering the ${n} communes; ${detectionMessages} detection.updated messages)`);
  if (answered !== n) log(`  WARNING: the overview shows ${answered}/${n} communes answered`);
  return f;
}

interface OverviewFigures {
  totalP50: number;
  totalP95: number;
  indicatorP50: number;
  indicatorP95: number;
  /** Served from the server's cache of serialized overviews (same date and indicator, nothing changed). */
  cachedP50: number;
  cachedP95: number;
  bytes: number;
  bytesIndicator: number;
}

/**
 * Cold overviews: each run asks another date (today, yesterday…), so the server computes it (its
 * cache of serialized overviews is keyed by date and indicator). Then the same overview again and
 * again, as the members of a prefecture each open it: the cached figure.
 */
async function measureOverview(engine: string, port: number, serverPid: number, s: Seeded, coord: Session): Promise<OverviewFigures> {
  const out: Record<string, number[]> = { total: [], ehpad: [], cached: [] };
  const size: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  log(`  overview: ${load()}`);
  const get = async (indicator: string, date: string) => {
    const t0 = performance.now();
    const res = await request(port, 'GET', `/api/campaigns/${s.frCampaignId}/overview?date=${date}&indicator=${indicator}`, undefined, { cookie: coord.cookie });
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`overview ${indicator} ${date}: ${res.status} ${res.body.slice(0, 300)}`);
    return { ms, res };
  };
  // One warm-up on a date not measured (the database's own caches).
  await get('total', addDays(s.today, -(OVERVIEW_RUNS + 5)));
  for (const indicator of ['total', 'ehpad']) {
    const started = performance.now();
    const cpu0 = cpuSeconds(serverPid);
    for (let i = 0; i < OVERVIEW_RUNS; i++) {
      if (i >= 3 && performance.now() - started > OVERVIEW_BUDGET_MS) break;
      const { ms, res } = await get(indicator, addDays(s.today, -i));
      out[indicator].push(ms);
      if (i === 0) {
        size[indicator] = Buffer.byteLength(res.body);
        const o = JSON.parse(res.body) as Overview;
        const answered = o.communes.filter((c) => c.status === 'answered').length;
        log(`  overview ${indicator}: ${o.communes.length} communes (${answered} answered today), levels ${JSON.stringify(o.department.levelCounts)}, department ${o.department.level}, detectionUpdatedAt ${o.detectionUpdatedAt ?? 'null'}`);
      }
    }
    cpu[indicator] = (cpuSeconds(serverPid) - cpu0) / out[indicator].length;
  }
  const cpu0 = cpuSeconds(serverPid);
  for (let i = 0; i < OVERVIEW_RUNS; i++) out.cached.push((await get('total', s.today)).ms);
  cpu.cached = (cpuSeconds(serverPid) - cpu0) / OVERVIEW_RUNS;
  const p = (k: string, q: number) => percentile([...out[k]].sort((a, b) => a - b), q);
  const f = {
    totalP50: p('total', 50),
    totalP95: p('total', 95),
    indicatorP50: p('ehpad', 50),
    indicatorP95: p('ehpad', 95),
    cachedP50: p('cached', 50),
    cachedP95: p('cached', 95),
    bytes: size.total,
    bytesIndicator: size.ehpad,
  };
  log(`  ${engine}_overview_fr_total_p50: ${ms1(f.totalP50)}`);
  log(`  ${engine}_overview_fr_total_p95: ${ms1(f.totalP95)}   (computed: ${out.total.length} dates, max ${ms1(Math.max(...out.total))}; ${s.frCommunes} communes, ${s.frRows} declarations; response ${mb(f.bytes)}; server CPU ${ms1(cpu.total * 1000)} per request)`);
  log(`  ${engine}_overview_fr_ehpad_p50: ${ms1(f.indicatorP50)}`);
  log(`  ${engine}_overview_fr_ehpad_p95: ${ms1(f.indicatorP95)}   (computed: ${out.ehpad.length} dates, max ${ms1(Math.max(...out.ehpad))}; response ${mb(f.bytesIndicator)}; server CPU ${ms1(cpu.ehpad * 1000)} per request)`);
  log(`  ${engine}_overview_fr_cached_p50: ${ms1(f.cachedP50)}`);
  log(`  ${engine}_overview_fr_cached_p95: ${ms1(f.cachedP95)}   (the same overview again, ${OVERVIEW_RUNS} times, served from the server's cache; server CPU ${ms1(cpu.cached * 1000)} per request)`);
  return f;
}

function startServer(env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', path.join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false', LOG_LEVEL: 'warn', REQUESTS_PER_MINUTE: '1000000', SCRYPT_COST: '1024' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  closeKeepAlive();
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const ALERTS = {
  rules: [
    { scope: 'commune', level: 'jaune', indicator: 'total', metric: 'rate', window: 7, threshold: 40 },
    { scope: 'commune', level: 'orange', indicator: 'total', metric: 'rate', window: 7, threshold: 80 },
    { scope: 'commune', level: 'rouge', indicator: 'total', metric: 'count', window: 14, threshold: 25 },
    { scope: 'commune', level: 'orange', indicator: 'ehpad', metric: 'count', window: 3, threshold: 4 },
    { scope: 'department', level: 'jaune', indicator: 'total', metric: 'rate', window: 7, threshold: 15 },
    { scope: 'department', level: 'rouge', indicator: 'total', metric: 'rate', window: 7, threshold: 30 },
  ],
  detectionLevel: 'orange',
};

interface ServerFigures {
  first: BurstFigures;
  second: BurstFigures;
  overview: OverviewFigures;
}

async function runServers(engine: string, env: Record<string, string>, s: Seeded): Promise<ServerFigures> {
  // (1) server with the default refresh delay: logins, the initial detection, alert rules, the
  //     burst of submissions, the France-wide overview
  let port = 20000 + Math.floor(Math.random() * 20000);
  let child = startServer(env, port);
  let first: BurstFigures;
  let overview: OverviewFigures;
  let sessions: Session[];
  let pref: Session;
  try {
    const t0 = performance.now();
    await waitHealth(port, child);
    log(`  server up in ${secs(t0)} s (DETECTION_REFRESH_DELAY_MS default, ${DEFAULT_REFRESH_DELAY_MS} ms)`);
    const tl = performance.now();
    pref = await loginAs(port, s.prefectureEmail, 0);
    const coord = await loginAs(port, s.frCoordinatorEmail, 1);
    sessions = [];
    for (let i = 0; i < s.communes.length; i++) sessions.push(await loginAs(port, s.communes[i].email, i + 2));
    log(`  ${sessions.length + 2} accounts logged in through the API in ${secs(tl)} s`);

    // The refresher computes the queued history at start; the burst starts on an empty queue.
    const tq = performance.now();
    for (;;) {
      const res = await request(port, 'GET', `/api/campaigns/${s.campaignId}/overview?date=${s.today}`, undefined, { cookie: pref.cookie });
      if (res.status !== 200) throw new Error(`overview: ${res.status} ${res.body.slice(0, 300)}`);
      if ((JSON.parse(res.body) as Overview).detectionPending === 0) break;
      if (performance.now() - tq > 300_000) throw new Error('the initial detection refresh did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`  initial detection of the Hérault campaign (${s.communes.length} communes × ${HISTORY_DAYS} days) done ${secs(tq)} s after the logins`);

    const tp = performance.now();
    const patch = await request(port, 'PATCH', `/api/campaigns/${s.frCampaignId}`, { alerts: ALERTS }, writeHeaders(port, coord));
    if (patch.status !== 200) throw new Error(`PATCH alerts: ${patch.status} ${patch.body.slice(0, 300)}`);
    log(`  ${ALERTS.rules.length} alert rules set on the France-wide campaign (PATCH /api/campaigns/:id, ${ms1(performance.now() - tp)}, response ${mb(patch.body.length)})`);

    first = await burst(engine, 'burst', port, child.pid!, s, sessions, pref, false);
    overview = await measureOverview(engine, port, child.pid!, s, coord);
  } finally {
    await stopServer(child);
  }

  // (2) server restarted with DETECTION_REFRESH_DELAY_MS=1: the 250 communes correct their
  //     declaration (the sessions are in the database: still valid)
  port = 20000 + Math.floor(Math.random() * 20000);
  child = startServer({ ...env, DETECTION_REFRESH_DELAY_MS: '1' }, port);
  let second: BurstFigures;
  try {
    const t0 = performance.now();
    await waitHealth(port, child);
    log(`  server restarted in ${secs(t0)} s with DETECTION_REFRESH_DELAY_MS=1`);
    second = await burst(engine, 'corrections', port, child.pid!, s, sessions, pref, true);
  } finally {
    await stopServer(child);
  }
  return { first, second, overview };
}

interface InProcess {
  today: number;
  history: number;
  france: number;
}

/** The refresher alone, in this process, on the same database (the server stopped). */
async function inProcess(engine: string, env: Record<string, string>, database: Database, s: Seeded): Promise<InProcess> {
  const config = loadConfig({ ...env, DEMO_DATA: 'false', LOG_LEVEL: 'silent', DETECTION_REFRESH_DELAY_MS: '0' });
  const { app, services } = await buildApp(config, database, { logger: false });
  try {
    const db: Kysely<DB> = services.db;
    const time = async (campaignId: string, items: Array<{ inseeCode: string; fromDate: string }>) => {
      await queueDetection(db, campaignId, items);
      const t0 = performance.now();
      await services.jobs.detection.flush();
      return performance.now() - t0;
    };
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await time(s.campaignId, s.communes.map((c) => ({ inseeCode: c.insee, fromDate: s.today }))));
    const start = addDays(s.today, -HISTORY_DAYS);
    const history = await time(s.campaignId, s.communes.map((c) => ({ inseeCode: c.insee, fromDate: start })));
    const frCodes = (await db.selectFrom('collection_campaign_communes').select('insee_code').where('campaign_id', '=', s.frCampaignId).orderBy('insee_code').limit(s.communes.length).execute()).map((c) => c.insee_code);
    const france = await time(s.frCampaignId, frCodes.map((c) => ({ inseeCode: c, fromDate: s.today })));
    const today = [...runs].sort((a, b) => a - b)[1];
    log(`  ${engine}_detection_flush_in_process: ${ms1(today)}   (median of ${runs.map((r) => r.toFixed(0)).join(' / ')} ms: queueDetection of ${s.communes.length} communes from today, services.jobs.detection.flush())`);
    log(`  ${engine}_detection_flush_in_process_history: ${ms1(history)}   (the same ${s.communes.length} communes from the campaign's start, ${HISTORY_DAYS} days)`);
    log(`  ${engine}_detection_flush_in_process_france: ${ms1(france)}   (${frCodes.length} communes of the France-wide campaign from today: includes the department series over ${s.frRows} declarations)`);
    return { today, history, france };
  } finally {
    await app.close();
  }
}

function summary(engine: string, f: ServerFigures, ip: InProcess, frCommunes: number, note: string): string {
  const t = TARGETS;
  const verdict = (v: number, target: number) => (v < target ? 'OK' : 'ABOVE TARGET');
  const parts = [
    `submit p95 ${ms1(f.first.submitP95)} (< ${t.submit}) ${verdict(f.first.submitP95, t.submit)} [server CPU ${f.first.cpuPerDeclaration.toFixed(1)} ms/declaration]`,
    `dashboard has all ${COMMUNES} in ${ms1(f.first.dashboard)} (< ${t.dashboard}) ${verdict(f.first.dashboard, t.dashboard)} [overview then shows ${f.first.answered}/${COMMUNES} answered]`,
    `overview ${frCommunes} communes total p95 ${ms1(f.overview.totalP95)} (< ${t.overview}) ${verdict(f.overview.totalP95, t.overview)}`,
    `overview ${frCommunes} communes ehpad p95 ${ms1(f.overview.indicatorP95)} (< ${t.overview}) ${verdict(f.overview.indicatorP95, t.overview)}`,
    `overview ${frCommunes} communes cached p95 ${ms1(f.overview.cachedP95)} (< ${t.overview}) ${verdict(f.overview.cachedP95, t.overview)}`,
    `detection ${ms1(f.first.detection)} with the ${DEFAULT_REFRESH_DELAY_MS} ms wait (< ${t.detection}) ${verdict(f.first.detection, t.detection)}, ${ms1(f.second.detection)} with DETECTION_REFRESH_DELAY_MS=1 (< ${t.detection}) ${verdict(f.second.detection, t.detection)}, in-process flush ${ms1(ip.today)}`,
  ];
  const ok = f.first.submitP95 < t.submit && f.first.dashboard < t.dashboard && f.overview.totalP95 < t.overview && f.overview.indicatorP95 < t.overview && f.first.detection < t.detection && f.second.detection < t.detection;
  return `${engine}: ${parts.join('; ')} => ${ok ? 'OK' : 'ABOVE TARGET'}${note}`;
}

async function main() {
  log(
    `bench:collection on ${os.cpus().length} cores, Node ${process.version}: ${COMMUNES} communes submitting over ${SPREAD_MS} ms (${HISTORY_DAYS} days of history), France-wide overview on ${COMMUNES_FR >= 34969 ? 'all current' : COMMUNES_FR} communes × ${FR_DAYS} days, engines ${ENGINES.join(', ')}`,
  );
  const lines: string[] = [];
  const note =
    (COMMUNES !== 250 ? ` (burst of ${COMMUNES} communes)` : '') + (COMMUNES_FR < 34969 || FR_DAYS !== 30 ? ` (France-wide figures at ${Math.min(COMMUNES_FR, 34969)} communes × ${FR_DAYS} days)` : '');
  for (const engine of ENGINES) {
    const t0 = performance.now();
    log(`${load()} before engine ${engine}`);
    if (engine === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-collection-'));
      try {
        log(`engine: pglite (DATA_DIR ${dir})`);
        let database = await openPglite(dir);
        const s = await seed(database, 'pglite', database);
        await database.close();
        const f = await runServers('pglite', { DATA_DIR: dir }, s);
        database = await openPglite(dir);
        const ip = await inProcess('pglite', { DATA_DIR: dir }, database, s);
        await database.close();
        log(`  pglite total run: ${secs(t0)} s`);
        lines.push(summary('pglite', f, ip, s.frCommunes, note));
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
        let database = await openPostgres(url, 2);
        const loader = await openPostgres(bench.loadUrl, 3);
        const s = await seed(database, 'postgresql', loader);
        await loader.close();
        await database.close();
        const f = await runServers('postgresql', { DATABASE_URL: url }, s);
        database = await openPostgres(url, 4);
        const ip = await inProcess('postgresql', { DATABASE_URL: url }, database, s);
        await database.close();
        log(`  postgresql total run: ${secs(t0)} s`);
        lines.push(summary('postgresql', f, ip, s.frCommunes, note));
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
