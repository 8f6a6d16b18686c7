import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from './client';

/** The one migration folder: numbered SQL files, applied in order at start, forward only. */
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface MigrationFile {
  name: string;
  checksum: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  known: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

// Constant key: serialises migrations across instances that start together on one database.
const LOCK_KEY = 7_412_903;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function migrationStatus(database: Database, files = readMigrations()): Promise<MigrationStatus> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('schema_migrations')::text AS t`.execute(database.db);
  const applied = exists.rows[0]?.t
    ? (await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(database.db)).rows.map((r) => r.name)
    : [];
  const done = new Set(applied);
  return { applied, pending: files.map((f) => f.name).filter((n) => !done.has(n)), known: files.length };
}

/**
 * Applies pending migrations, each in its own transaction. An applied migration whose file has
 * changed, or one the code does not know (database newer than the code), stops the start.
 */
export async function migrate(database: Database, files = readMigrations()): Promise<string[]> {
  const appliedNow: string[] = [];
  await database.script(async (exec) => {
    await exec(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    await exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await exec('SELECT name FROM schema_migrations');
    const known = new Set(files.map((f) => f.name));
    const unknown = rows.map((r) => String(r.name)).filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new MigrationError(`La base contient des migrations inconnues de ce code (${unknown.join(', ')}) : version du code trop ancienne.`);
    }
  });
  for (const file of files) {
    await database.script(async (exec) => {
      await exec(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
      const rows = await exec(`SELECT checksum FROM schema_migrations WHERE name = ${quote(file.name)}`);
      if (rows.length > 0) {
        if (rows[0].checksum !== file.checksum) {
          throw new MigrationError(`La migration ${file.name} a été modifiée après avoir été appliquée : les migrations ne se modifient pas, ajoutez-en une nouvelle.`);
        }
        return;
      }
      await exec(file.sql);
      await exec(`INSERT INTO schema_migrations (name, checksum) VALUES (${quote(file.name)}, ${quote(file.checksum)})`);
      appliedNow.push(file.name);
    });
  }
  return appliedNow;
}
