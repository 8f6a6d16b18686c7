import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../src/server/db/client';
import { migrate } from '../../src/server/db/migrate';
import { ensureReferenceData } from '../../src/server/bootstrap';

/**
 * Test databases. PGlite: one migrated template directory per test run, copied for each test
 * file (a fresh initdb costs ~5 s, a copy and reopen ~0.3 s). PostgreSQL (TEST_DATABASE_URL set):
 * one migrated template database, cloned with CREATE DATABASE ... TEMPLATE.
 */
export const testEngine: 'pglite' | 'postgresql' = process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite';

export interface TestTemplate {
  engine: 'pglite' | 'postgresql';
  /** PGlite: the template directory. PostgreSQL: the template database URL. */
  location: string;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTemplate(): Promise<{ template: TestTemplate; teardown: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `vigie_tpl_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const tplUrl = withDatabase(url, name);
    const database = await openPostgres(tplUrl, 2);
    await migrate(database);
    await ensureReferenceData(database);
    await database.close();
    return {
      template: { engine: 'postgresql', location: tplUrl },
      teardown: async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        // Only this run's databases (named after its template): other runs may share the server.
        const dbs = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname DESC`, [`${name}%`]);
        for (const r of dbs.rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-tpl-'));
  const database = await openPglite(dir);
  await migrate(database);
  await ensureReferenceData(database);
  await database.close();
  return { template: { engine: 'pglite', location: dir }, teardown: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TestDatabase {
  database: Database;
  /** PostgreSQL URL of this test database (to open a second instance on it), or null for PGlite. */
  url: string | null;
  dataDir: string | null;
  cleanup: () => Promise<void>;
}

/** A fresh, migrated database with the reference territory, cloned from the run's template. */
export async function createTestDatabase(template: TestTemplate): Promise<TestDatabase> {
  if (template.engine === 'postgresql') {
    const tplName = new URL(template.location).pathname.slice(1);
    const name = `${tplName}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.location });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tplName}`);
    await admin.end();
    const url = withDatabase(template.location, name);
    const database = await openPostgres(url, 5);
    return {
      database,
      url,
      dataDir: null,
      cleanup: async () => {
        await database.close();
        const c = new pg.Client({ connectionString: template.location });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-db-'));
  fs.cpSync(template.location, dir, { recursive: true });
  const database = await openPglite(dir);
  return {
    database,
    url: null,
    dataDir: dir,
    cleanup: async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
