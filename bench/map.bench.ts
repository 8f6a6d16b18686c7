/**
 * npm run bench:map — the server side of the event map with layers at the scale of a department.
 *
 * Data set (fixed seed BENCH_SEED, bench/lib/map-layers.ts): BENCH_POINTS (50,000) points as a
 * GeoJSON in Lambert-93 with a `crs` member, and BENCH_POLYGONS (5,000) polygons of 8 to 24
 * vertices as a zipped shapefile with a Lambert-93 .prj, spread over the Hérault.
 *
 * Measures, in process (the application built by `buildApp`, requests through Fastify's `inject`:
 * no network, but the whole route — access, multipart, reading, reprojection, transaction):
 *  1. read: `readLayerFile` + `reprojectLayer` alone (what an upload spends on the CPU, blocking the
 *     event loop), median of BENCH_RUNS (3).
 *  2. upload: `POST /api/map-layers/upload`, median of BENCH_RUNS; the size of what is stored.
 *  3. features: `GET /api/map-layers/:id/features` (what a map loads), median of BENCH_RUNS, and
 *     the same with `If-None-Match` (304, the map already has it).
 * For PGlite (temporary directory) and PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, or a
 * throwaway server from scripts/pg-throwaway.sh; skipped when none can be had). BENCH_ENGINES
 * (pglite,postgresql) chooses.
 *
 * The time to first render in headless Chromium and the frame time while panning (target: first
 * render < 2 s) belong to the map page, still to come: it will load these same layers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openPglite, openPostgres, type Database } from '../src/server/db/client';
import { migrate } from '../src/server/db/migrate';
import { loadConfig } from '../src/server/config';
import { buildApp } from '../src/server/http/app';
import { readLayerFile, reprojectLayer, resolveCrs } from '../src/server/modules/map/layer-file';
import { buildOrganisation, buildUser } from '../tests/fixtures/factories';
import { multipartBody } from '../tests/fixtures/logbook';
import { TEST_PASSWORD } from '../tests/helpers/app';
import { pointsGeojsonL93, polygonsShapefileL93 } from './lib/map-layers';
import { createBenchDatabase } from './lib/postgres';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SEED = Number(env.BENCH_SEED ?? 20240908);
const POINTS = Number(env.BENCH_POINTS ?? 50_000);
const POLYGONS = Number(env.BENCH_POLYGONS ?? 5_000);
const RUNS = Math.max(1, Number(env.BENCH_RUNS ?? 3));
const ENGINES = (env.BENCH_ENGINES ?? 'pglite,postgresql').split(',').map((s) => s.trim());

const log = (line: string) => process.stdout.write(`${line}\n`);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} Mio`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (v: number) => `${v.toFixed(0)} ms`;

async function time<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const layers = [
  { label: `${POINTS.toLocaleString('fr-FR')} points (GeoJSON, Lambert-93)`, fileName: 'points.geojson', data: pointsGeojsonL93(POINTS, SEED) },
  { label: `${POLYGONS.toLocaleString('fr-FR')} polygones (shapefile zippé, Lambert-93)`, fileName: 'zones.zip', data: polygonsShapefileL93(POLYGONS, SEED + 1) },
];

async function benchEngine(engine: string, database: Database) {
  await migrate(database);
  const config = loadConfig({ ...env, DEMO_DATA: 'false', LOG_LEVEL: 'silent', DETECTION_REFRESH_DELAY_MS: '0', SCRYPT_COST: '1024', REQUESTS_PER_MINUTE: '1000000', DATA_DIR: '/nonexistent' });
  const { app } = await buildApp(config, database, { logger: false });
  await app.ready();
  try {
    const org = await buildOrganisation(database.db, { kind: 'partner', name: 'Banc carte' });
    const user = await buildUser(database.db, { organisationId: org.id, role: 'administrator' });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: TEST_PASSWORD } });
    const cookie = `vigie_session=${login.cookies.find((c) => c.name === 'vigie_session')!.value}`;
    const headers = { cookie, 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    log(`\n== ${engine}`);
    for (const l of layers) {
      const uploads: number[] = [];
      const gets: number[] = [];
      const cached: number[] = [];
      let stored = 0;
      let id = '';
      for (let i = 0; i < RUNS; i++) {
        const m = multipartBody('file', l.fileName, 'application/octet-stream', l.data);
        const up = await time(() => app.inject({ method: 'POST', url: '/api/map-layers/upload', headers: { ...headers, ...m.headers }, payload: m.payload }));
        if (up.value.statusCode !== 201) throw new Error(`upload ${l.fileName}: ${up.value.statusCode} ${up.value.body.slice(0, 300)}`);
        uploads.push(up.ms);
        id = (up.value.json() as { id: string }).id;
        const get = await time(() => app.inject({ method: 'GET', url: `/api/map-layers/${id}/features`, headers }));
        if (get.value.statusCode !== 200) throw new Error(`features: ${get.value.statusCode}`);
        gets.push(get.ms);
        stored = get.value.rawPayload.length;
        const etag = String(get.value.headers.etag);
        const again = await time(() => app.inject({ method: 'GET', url: `/api/map-layers/${id}/features`, headers: { ...headers, 'if-none-match': etag } }));
        if (again.value.statusCode !== 304) throw new Error(`features with ETag: ${again.value.statusCode}`);
        cached.push(again.ms);
      }
      log(`  ${l.label} : fichier ${mb(l.data.length)}, stocké ${mb(stored)} (WGS 84)`);
      log(`    dépôt (POST /api/map-layers/upload) : médiane ${ms(median(uploads))} [${uploads.map(ms).join(', ')}]`);
      log(`    objets (GET …/features) : médiane ${ms(median(gets))} ; avec ETag (304) : ${ms(median(cached))}`);
    }
  } finally {
    await app.close();
  }
}

async function main() {
  log(`bench:map — graine ${SEED}, ${RUNS} essai(s), machine : ${os.cpus().length} cœurs, Node ${process.version}`);
  log('\n== lecture et reprojection seules (processeur, boucle d’événements bloquée)');
  for (const l of layers) {
    const runs: number[] = [];
    let count = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await time(() => {
        const file = readLayerFile(l.data, 500 * 1024 * 1024);
        return reprojectLayer(file, resolveCrs(file, undefined).crs);
      });
      runs.push(r.ms);
      count = r.value.featureCount;
    }
    log(`  ${l.label} : ${count.toLocaleString('fr-FR')} objets, médiane ${ms(median(runs))} [${runs.map(ms).join(', ')}]`);
  }
  for (const engine of ENGINES) {
    if (engine === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-map-'));
      const database = await openPglite(dir);
      try {
        await benchEngine('PGlite', database);
      } finally {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else if (engine === 'postgresql') {
      const pg = await createBenchDatabase(root);
      if (!pg) {
        log('\n== PostgreSQL : aucun serveur disponible, ignoré');
        continue;
      }
      const database = await openPostgres(pg.url, 4);
      try {
        await benchEngine('PostgreSQL', database);
      } finally {
        await database.close();
        await pg.release(false, log);
      }
    }
  }
  log('\nRendu dans Chromium (premier affichage < 2 s, images par seconde au déplacement) : avec la page carte, à venir.');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
