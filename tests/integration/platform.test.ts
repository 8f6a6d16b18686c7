// The platform around the API: health, configuration, migrations, reference territory, demo
// data and the administration CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { ConfigError, loadConfig } from '../../src/server/config';
import { openPglite, openPostgres, type Database } from '../../src/server/db/client';
import { migrate, migrationStatus, MigrationError, readMigrations } from '../../src/server/db/migrate';
import type { DB } from '../../src/server/db/schema';
import { seedDemoIfEmpty } from '../../src/server/seed/demo';
import { healthSchema } from '../../src/shared/schemas/health';
import { departmentSchema, type Commune } from '../../src/shared/schemas/territory';
import { roles } from '../../src/shared/permissions';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { createTestDatabase, testEngine } from '../helpers/database';
import { buildOrganisation, buildUser } from '../fixtures/factories';
import { countRows, expectError, send, serverErrors, signIn } from './support';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

let t: TestApp;
let db: Kysely<DB>;
let reader: Session;

beforeAll(async () => {
  t = await startTestApp();
  db = t.db.database.db;
  const org = await buildOrganisation(db);
  reader = await signIn(t.app, (await buildUser(db, { organisationId: org.id, role: 'reader' })).email);
});
afterAll(async () => t?.close());

describe('health', () => {
  it('answers 200 with the engine and current migrations, to anyone', async () => {
    const res = await send(t.app, null, 'GET', '/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const health = healthSchema.parse(res.json());
    const known = readMigrations().map((m) => m.name);
    expect(health).toMatchObject({
      status: 'ok',
      database: { reachable: true, engine: testEngine },
      migrations: { current: true, applied: known.length, known: known.length, pending: [] },
    });
  });
});

describe('configuration', () => {
  it('has defaults for everything, and an empty variable counts as unset', () => {
    const c = loadConfig({ PORT: '', DEMO_DATA: '' });
    expect(c).toMatchObject({ port: 8080, demoData: true, databaseUrl: undefined, cookieSecure: 'auto', trustProxy: false, loginMaxFailuresPerAccount: 5 });
  });

  it('refuses a wrong value with a ConfigError naming the variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: 'abc' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ DEMO_DATA: 'maybe' }, 'DEMO_DATA'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{ SESSION_IDLE_MINUTES: '1' }, 'SESSION_IDLE_MINUTES'],
      [{ SCRYPT_COST: '1000' }, 'SCRYPT_COST'],
      [{ COOKIE_SECURE: 'sometimes' }, 'COOKIE_SECURE'],
    ];
    for (const [env, name] of cases) {
      let err: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.problems).toHaveLength(1);
      expect(e.problems[0].startsWith(`${name}=`), e.problems[0]).toBe(true);
      expect(e.message).toContain(`${name}=${JSON.stringify(env[name])}`);
      expect(e.message).toMatch(/^Configuration invalide/);
    }
    // Every problem at once, each with its variable.
    try {
      loadConfig({ PORT: 'abc', DEMO_DATA: 'maybe', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.split('=')[0]).sort()).toEqual(['DATABASE_URL', 'DEMO_DATA', 'PORT']);
      expect((e as ConfigError).message).toContain('DEMO_DATA attend true ou false');
    }
  });
});

describe('migrations', () => {
  /** An empty database of the engine under test (nothing migrated). */
  async function emptyDatabase(): Promise<{ database: Database; cleanup: () => Promise<void> }> {
    if (testEngine === 'pglite') {
      const database = await openPglite(undefined);
      return { database, cleanup: () => database.close() };
    }
    const base = process.env.TEST_DATABASE_URL!;
    const name = `vigie_t_empty_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    const database = await openPostgres(url.toString(), 2);
    return {
      database,
      cleanup: async () => {
        await database.close();
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }

  it('are idempotent: a second run applies nothing; a migrated database (the app’s) gets nothing either', async () => {
    const { database, cleanup } = await emptyDatabase();
    try {
      const known = readMigrations().map((m) => m.name);
      expect(known.length).toBeGreaterThan(0);
      expect(await migrationStatus(database)).toEqual({ applied: [], pending: known, known: known.length });
      expect(await migrate(database)).toEqual(known);
      expect(await migrate(database)).toEqual([]);
      expect(await migrationStatus(database)).toEqual({ applied: known, pending: [], known: known.length });
    } finally {
      await cleanup();
    }
    expect(await migrate(t.db.database)).toEqual([]);
  });

  it('refuse an applied migration whose file changed (checksum), and a database newer than the code', async () => {
    const { database, cleanup } = await emptyDatabase();
    try {
      await migrate(database);
      const [first] = readMigrations();
      await sql`UPDATE schema_migrations SET checksum = 'falsifie' WHERE name = ${first.name}`.execute(database.db);
      const changed = await migrate(database).then(() => null, (e: unknown) => e);
      expect(changed).toBeInstanceOf(MigrationError);
      expect((changed as Error).message).toContain(`La migration ${first.name} a été modifiée`);

      await sql`UPDATE schema_migrations SET checksum = ${first.checksum} WHERE name = ${first.name}`.execute(database.db);
      expect(await migrate(database)).toEqual([]);

      await sql`INSERT INTO schema_migrations (name, checksum) VALUES ('9999_du_futur.sql', 'x')`.execute(database.db);
      const newer = await migrate(database).then(() => null, (e: unknown) => e);
      expect(newer).toBeInstanceOf(MigrationError);
      expect((newer as Error).message).toContain('9999_du_futur.sql');
    } finally {
      await cleanup();
    }
  });
});

describe('territory', () => {
  interface InseeCommune {
    code: string;
    departement?: string;
    type: string;
    population?: number;
    anciensCodes?: string[];
  }
  interface GeoFeature {
    id: string;
    properties: { code: string; nom: string; population: number | null; anciensCodes: string[] };
    geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
  }
  const insee = require('@etalab/decoupage-administratif/data/communes.json') as InseeCommune[];
  const polygons = (g: GeoFeature['geometry']) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

  async function department(code: string) {
    const res = await send(t.app, reader, 'GET', `/api/territory/departments/${code}`);
    expect(res.statusCode).toBe(200);
    return departmentSchema.parse(res.json());
  }
  async function outlines(code: string) {
    const res = await send(t.app, reader, 'GET', `/api/territory/departments/${code}/communes.geojson`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = res.json() as { type: string; features: GeoFeature[] };
    expect(fc.type).toBe('FeatureCollection');
    return fc.features;
  }
  function expectMatchesInsee(code: string, communes: Commune[]) {
    const expected = insee.filter((c) => c.departement === code && c.type === 'commune-actuelle');
    expect(communes.map((c) => c.inseeCode)).toEqual(expected.map((c) => c.code).sort());
    const byCode = new Map(expected.map((c) => [c.code, c]));
    for (const c of communes) {
      expect(c.departmentCode).toBe(code);
      expect(c.population, c.inseeCode).toBe(byCode.get(c.inseeCode)!.population);
      expect(c.population! > 0, c.inseeCode).toBe(true);
    }
  }
  async function expectEveryCommuneOutlined(code: string, communes: Commune[]) {
    const features = await outlines(code);
    expect(features.map((f) => f.id)).toEqual(communes.map((c) => c.inseeCode));
    for (const f of features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      expect(polygons(f.geometry).length, f.id).toBeGreaterThan(0);
      expect(f.properties.code).toBe(f.id);
    }
    return features;
  }

  it('Morbihan (56): 249 current communes with INSEE populations; the merged 56138, 56059, 56049, 56016 live on in their new communes, outlines included', async () => {
    const dep = await department('56');
    expect(dep.name).toBe('Morbihan');
    expect(dep.communes).toHaveLength(249);
    expectMatchesInsee('56', dep.communes);
    const features = await expectEveryCommuneOutlined('56', dep.communes);

    const file = JSON.parse(fs.readFileSync(path.join(ROOT, 'assets/geo/communes-56-morbihan.geojson'), 'utf8')) as { features: GeoFeature[] };
    const merged: Record<string, string> = { '56138': '56165', '56059': '56102', '56049': '56213', '56016': '56173' };
    for (const [oldCode, newCode] of Object.entries(merged)) {
      expect(dep.communes.find((c) => c.inseeCode === oldCode), oldCode).toBeUndefined();
      expect(dep.communes.find((c) => c.inseeCode === newCode)!.formerCodes, oldCode).toContain(oldCode);
      // The old commune's outline is part of the new commune's: no territory is lost.
      const oldFeature = file.features.find((f) => String(f.properties.code) === oldCode)!;
      const target = polygons(features.find((f) => f.id === newCode)!.geometry);
      for (const p of polygons(oldFeature.geometry)) expect(target, `${oldCode} → ${newCode}`).toContainEqual(p);
      expect(target.length).toBeGreaterThan(polygons(oldFeature.geometry).length);
    }
  });

  it('Hérault (34): every current commune, each with an outline', async () => {
    const dep = await department('34');
    expect(dep.name).toBe('Hérault');
    expect(dep.communes.length).toBe(insee.filter((c) => c.departement === '34' && c.type === 'commune-actuelle').length);
    expectMatchesInsee('34', dep.communes);
    await expectEveryCommuneOutlined('34', dep.communes);
    expect(dep.communes.find((c) => c.inseeCode === '34172')!.name).toBe('Montpellier');
  });

  it('an unknown department is 404 not_found, a malformed code 400 validation_failed', async () => {
    for (const code of ['75', '2A', '971']) {
      expectError(await send(t.app, reader, 'GET', `/api/territory/departments/${code}`), 'not_found');
      expectError(await send(t.app, reader, 'GET', `/api/territory/departments/${code}/communes.geojson`), 'not_found');
    }
    for (const code of ['5', '560', 'ab', '2C', '56;']) {
      expectError(await send(t.app, reader, 'GET', `/api/territory/departments/${encodeURIComponent(code)}`), 'validation_failed');
      expectError(await send(t.app, reader, 'GET', `/api/territory/departments/${encodeURIComponent(code)}/communes.geojson`), 'validation_failed');
    }
  });
});

describe('demo data', () => {
  it('loads the demo organisations (one account per role, a clerk per demo commune) whose printed passwords sign in, once', async () => {
    const demoDb = await createTestDatabase(inject('dbTemplate'));
    const app = await startTestApp({}, demoDb);
    try {
      const started = performance.now();
      const accounts = await seedDemoIfEmpty(demoDb.database, 1024, app.hub);
      const seedMs = performance.now() - started;
      expect(accounts).not.toBeNull();
      expect(accounts!).toHaveLength(10);
      const orgs = await demoDb.database.db.selectFrom('organisations').select(['id', 'name', 'kind', 'insee_code', 'department_code']).orderBy('name').execute();
      // Sorted here (code-unit order), not by the database, whose collation may differ.
      expect(orgs.map(({ id: _id, ...o }) => o).sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
        // The demo's communes, and those whose contacts the prefecture invited (Auray, Ploërmel, Pontivy).
        { name: 'Commune de Lorient', kind: 'commune', insee_code: '56121', department_code: '56' },
        { name: 'Commune de Ploërmel', kind: 'commune', insee_code: '56165', department_code: '56' },
        { name: 'Commune de Pontivy', kind: 'commune', insee_code: '56178', department_code: '56' },
        { name: 'Commune de Vannes', kind: 'commune', insee_code: '56260', department_code: '56' },
        { name: 'Commune d’Auray', kind: 'commune', insee_code: '56007', department_code: '56' },
        { name: 'Préfecture du Morbihan', kind: 'prefecture', insee_code: null, department_code: '56' },
        { name: 'Ville de Montpellier', kind: 'commune', insee_code: '34172', department_code: '34' },
      ]);
      for (const name of ['Ville de Montpellier', 'Préfecture du Morbihan']) {
        expect(accounts!.filter((a) => a.organisation === name).map((a) => a.role).sort()).toEqual([...roles].sort());
      }
      for (const a of accounts!) {
        const s = await signIn(app.app, a.email, a.password);
        expect(s.info.user.role).toBe(a.role);
        expect(s.info.organisation.name).toBe(a.organisation);
        expect(s.info.user.mustChangePassword).toBe(false);
      }
      // Each organisation has its welcome announcement.
      const cityReader = accounts!.find((a) => a.role === 'reader' && a.organisation === 'Ville de Montpellier')!;
      const s = await signIn(app.app, cityReader.email, cityReader.password);
      expect((await send(app.app, s, 'GET', '/api/announcements')).json().announcements).toHaveLength(1);
      // The city has a demo main courante: a flood in progress with its sub-events, whose hash chains hold.
      const events = (await send(app.app, s, 'GET', '/api/events')).json().events as Array<{ id: string; title: string; status: string; parentId: string | null }>;
      expect(events.some((e) => e.title.startsWith('Crue du Lez') && e.status === 'active')).toBe(true);
      expect(events.filter((e) => e.parentId !== null).length).toBeGreaterThanOrEqual(2);
      for (const e of events) expect((await send(app.app, s, 'GET', `/api/events/${e.id}/verify`)).json().valid).toBe(true);
      // "Crise sanitaire" is kept for a watch list: the reader (communication cell) does not see
      // the COVID-19 event, the coordinator (director of operations) does. The flood has its
      // situation analysis (two versions) and actions to follow up, one of them late.
      expect(events.some((e) => e.title.startsWith('COVID-19'))).toBe(false);
      const cityCoord = accounts!.find((a) => a.role === 'coordinator' && a.organisation === 'Ville de Montpellier')!;
      const cc = await signIn(app.app, cityCoord.email, cityCoord.password);
      const coordEvents = (await send(app.app, cc, 'GET', '/api/events')).json().events as Array<{ id: string; title: string }>;
      expect(coordEvents.some((e) => e.title.startsWith('COVID-19'))).toBe(true);
      for (const e of coordEvents) expect((await send(app.app, cc, 'GET', `/api/events/${e.id}/verify`)).json().valid).toBe(true);
      const lez = events.find((e) => e.title.startsWith('Crue du Lez'))!;
      const situation = (await send(app.app, s, 'GET', `/api/events/${lez.id}/situation`)).json() as { versions: Array<{ version: number; severity: number }> };
      expect(situation.versions.map((v) => [v.version, v.severity])).toEqual([[2, 2], [1, 3]]);
      const actions = (await send(app.app, cc, 'GET', `/api/events/${lez.id}/actions?status=all`)).json() as { actions: Array<{ status: string; overdue: boolean }> };
      expect(actions.actions.map((a) => a.status).sort()).toEqual(['doing', 'done', 'todo']);
      expect(actions.actions.filter((a) => a.overdue)).toHaveLength(1);
      // Its map: the city's sensitive places (a shared layer), an evacuation zone and a road
      // closure, two entries placed on the map (one from a phone); the chain still verifies.
      const perimeters = (await send(app.app, s, 'GET', `/api/events/${lez.id}/perimeters`)).json() as { perimeters: Array<{ category: string; label: string }> };
      expect(perimeters.perimeters.map((p) => p.category).sort()).toEqual(['evacuation', 'traffic_closure']);
      const located = (await send(app.app, s, 'GET', `/api/events/${lez.id}/entries?located=true`)).json() as { entries: Array<{ position: { source: string } }> };
      expect(located.entries.map((e) => e.position.source).sort()).toEqual(['device', 'map']);
      const layers = (await send(app.app, s, 'GET', `/api/map-layers?eventId=${lez.id}`)).json() as { layers: Array<{ name: string; featureCount: number }> };
      expect(layers.layers).toEqual([expect.objectContaining({ name: 'Établissements sensibles', featureCount: 7 })]);

      // The prefecture's collection campaign: every commune of the Morbihan, 90 days of history;
      // Vannes' clerk sees it and its own commune only, and the Vannes peak alarms. (How long the
      // seed takes is printed, not asserted: speed is the benches' business, and a shared CI
      // machine makes any bound flaky.)
      console.info(`demo seed: ${Math.round(seedMs)} ms`);
      const clerk = accounts!.find((a) => a.organisation === 'Commune de Vannes')!;
      expect(clerk).toMatchObject({ role: 'contributor', email: 'secretariat@vannes.demo' });
      const cs = await signIn(app.app, clerk.email, clerk.password);
      const campaigns = (await send(app.app, cs, 'GET', '/api/campaigns')).json().campaigns as Array<{ id: string; name: string; communeCount: number; indicators: unknown[]; deadline: string }>;
      expect(campaigns).toHaveLength(1);
      expect(campaigns[0]).toMatchObject({ name: 'Décès COVID-19 par lieu', communeCount: 249, deadline: '10:00' });
      expect(campaigns[0].indicators).toHaveLength(4);
      const prefReader = accounts!.find((a) => a.organisation === 'Préfecture du Morbihan' && a.role === 'reader')!;
      const ps = await signIn(app.app, prefReader.email, prefReader.password);
      const detection = (await send(app.app, ps, 'GET', `/api/campaigns/${campaigns[0].id}/detection?inseeCode=56260&days=3`)).json() as { points: Array<{ alarm: boolean | null }> };
      expect(detection.points.at(-1)!.alarm).toBe(true);
      const declared = await demoDb.database.db.selectFrom('collection_declarations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(declared.n)).toBeGreaterThan(249 * 85);
      expect(Number(declared.n)).toBeLessThan(249 * 90);
      // Alert rules set, Lorient's clerk still has today's declaration to do, and after the
      // detection refresh the dashboard colours Vannes with its reasons.
      const detail = (await send(app.app, ps, 'GET', `/api/campaigns/${campaigns[0].id}`)).json() as { alerts: { rules: unknown[] } };
      expect(detail.alerts.rules).toHaveLength(4);
      await app.services.jobs.detection.flush();
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      const ov = (await send(app.app, ps, 'GET', `/api/campaigns/${campaigns[0].id}/overview?date=${today}`)).json() as { communes: Array<{ inseeCode: string; value: number | null; level: string; reasons: Array<{ source: string }> }>; detectionPending: number };
      expect(ov.detectionPending).toBe(0);
      const vannes = ov.communes.find((c) => c.inseeCode === '56260')!;
      expect(vannes.level).not.toBe('vert');
      expect(vannes.reasons.some((r) => r.source === 'detection')).toBe(true);
      expect(ov.communes.find((c) => c.inseeCode === '56121')!.value).toBeNull();
      // Onboarding in progress: the two clerks activated, three invited contacts have not.
      const prefAdmin = accounts!.find((a) => a.organisation === 'Préfecture du Morbihan' && a.role === 'administrator')!;
      const pa = await signIn(app.app, prefAdmin.email, prefAdmin.password);
      const contacts = (await send(app.app, pa, 'GET', '/api/onboarding/contacts')).json() as { contacts: Array<{ status: string }>; communes: { active: number; pending: number } };
      expect(contacts.contacts.map((c) => c.status).sort()).toEqual(['active', 'active', 'expired', 'pending', 'pending']);
      expect(contacts.communes).toMatchObject({ active: 2, pending: 3 });

      const before = await countRows(demoDb.database.db);
      expect(await seedDemoIfEmpty(demoDb.database, 1024, app.hub)).toBeNull();
      expect(await countRows(demoDb.database.db)).toEqual(before);
    } finally {
      await app.close();
      await demoDb.cleanup();
    }
  });

  it('loads nothing on a database that already holds an organisation', async () => {
    const before = await countRows(db);
    expect(before.organisations).toBeGreaterThan(0);
    expect(await seedDemoIfEmpty(t.db.database, 1024, t.hub)).toBeNull();
    expect(await countRows(db)).toEqual(before);
  });
});

describe('administration CLI', () => {
  const tmpDirs: string[] = [];
  afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** The database the CLI works on: a fresh copy of the PGlite template, or this file's PostgreSQL database. */
  function cliDatabaseEnv(): Record<string, string> {
    if (t.db.url) return { DATABASE_URL: t.db.url };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-cli-'));
    tmpDirs.push(dir);
    fs.cpSync(inject('dbTemplate').location, dir, { recursive: true });
    return { DATA_DIR: dir };
  }

  function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    const base = { ...process.env };
    for (const k of ['DATABASE_URL', 'DATA_DIR', 'TEST_DATABASE_URL', 'VIGIE_ADMIN_PASSWORD']) delete base[k];
    return new Promise((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', 'src/server/cli/admin.ts', ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  }

  it('create-admin creates an organisation and its administrator, who signs in', async () => {
    const env = cliDatabaseEnv();
    const email = `cli-${randomBytes(3).toString('hex')}@mairie.test`;
    const password = 'mot-de-passe-du-cli';
    const organisation = `Mairie CLI ${randomBytes(3).toString('hex')}`;
    const res = await runCli(['create-admin', '--email', email, '--name', 'Admin CLI', '--organisation', organisation, '--kind', 'commune', '--insee', '34172', '--password', password], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Administrateur créé : ${email} (${organisation})`);

    // PostgreSQL: the running app sees the account at once. PGlite: the app opens the CLI's directory after it exited.
    let app = t;
    let opened: Database | null = null;
    if (env.DATA_DIR) {
      opened = await openPglite(env.DATA_DIR);
      const database = opened;
      app = await startTestApp({}, { database, url: null, dataDir: env.DATA_DIR, cleanup: async () => {} });
    }
    try {
      const s = await signIn(app.app, email, password);
      expect(s.info.user).toMatchObject({ email, role: 'administrator', mustChangePassword: false });
      expect(s.info.organisation).toMatchObject({ name: organisation, kind: 'commune', inseeCode: '34172', departmentCode: '34' });
      const audit = await app.db.database.db.selectFrom('audit_log').select(['action', 'ip']).where('organisation_id', '=', s.info.organisation.id).orderBy('id').execute();
      expect(audit.slice(0, 2)).toEqual([
        { action: 'organisation.created', ip: 'cli' },
        { action: 'user.created', ip: 'cli' },
      ]);
    } finally {
      if (opened) {
        await app.close();
        await opened.close();
      }
    }
  });

  it('refuses a bad --email with exit code 2 and a French message, creating nothing', async () => {
    const env = cliDatabaseEnv();
    const before = t.db.url ? await countRows(db) : null;
    const res = await runCli(['create-admin', '--email', 'pas-une-adresse', '--name', 'Admin', '--organisation', 'Mairie', '--kind', 'commune', '--insee', '34172', '--password', 'mot-de-passe-du-cli'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Erreur : --email attend une adresse e-mail valide');
    if (before) expect(await countRows(db)).toEqual(before);
  });

  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
