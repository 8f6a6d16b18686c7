import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { AsyncMutex, PGliteDialect } from './pglite-dialect';

export type Engine = 'pglite' | 'postgresql';

/** Executes one or more SQL statements; resolves with the rows of the last one. */
export type ScriptExec = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * The database as the rest of the server sees it: typed queries through Kysely, raw SQL scripts
 * for migrations, and LISTEN for realtime fan-out. Same PostgreSQL dialect on both engines.
 */
export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<DB>;
  /** Runs `fn` in one transaction with a raw multi-statement executor (migrations). */
  script(fn: (exec: ScriptExec) => Promise<void>): Promise<void>;
  /** Subscribes to a NOTIFY channel; returns the function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Same JS types on both engines: int8 as number (ids and sequences stay far below 2^53),
// timestamptz as Date, numeric as string (exact).
const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (v) => Number(v));

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/**
 * PGlite has no server process to arbitrate access: two processes writing one data directory
 * corrupt it. A lock file holding the owner's pid refuses a second opener while the first lives.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'vigie.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      let alive = false;
      try {
        alive = pid > 0 && pid !== process.pid && process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (alive) {
        throw new DataDirLockedError(
          `La base embarquée ${dataDir} est déjà ouverte par le processus ${pid} : arrêtez-le d’abord (ou utilisez PostgreSQL avec DATABASE_URL pour plusieurs processus).`,
        );
      }
      fs.unlinkSync(file); // left by a process that died: take it over
    }
  }
  throw new DataDirLockedError(`Verrou ${file} impossible à prendre.`);
}

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  let unlock = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let pgl: PGlite;
  try {
    // pg_trgm: partial-word search in the main courante (PostgreSQL servers ship it in contrib).
    pgl = await PGlite.create({ dataDir, extensions: { pg_trgm }, parsers: { [INT8_OID]: (v: string) => Number(v) } });
  } catch (err) {
    unlock();
    throw err;
  }
  const mutex = new AsyncMutex();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pgl, mutex) });
  let closed = false;
  return {
    engine: 'pglite',
    db,
    async script(fn) {
      await mutex.run(() =>
        pgl.transaction(async (tx) =>
          fn(async (sql) => {
            const results = await tx.exec(sql);
            return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
          }),
        ),
      );
    },
    async listen(channel, onPayload) {
      const unsub = await mutex.run(() => pgl.listen(channel, onPayload));
      return async () => {
        if (!closed) await mutex.run(() => unsub());
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      unlock();
    },
  };
}

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'vigie' });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const listeners: pg.Client[] = [];
  return {
    engine: 'postgresql',
    db,
    async script(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await fn(async (sql) => {
          const res = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
          const last = Array.isArray(res) ? res.at(-1) : res;
          return (last?.rows ?? []) as Record<string, unknown>[];
        });
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      // LISTEN needs its own long-lived connection, outside the pool.
      let client: pg.Client | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url, application_name: 'vigie-listen' });
        c.on('notification', (msg) => {
          if (msg.channel === channel && msg.payload !== undefined) onPayload(msg.payload);
        });
        c.on('error', () => {
          // Reconnect after a lost connection; the realtime hub catches up from the message table.
          if (stopped) return;
          listeners.splice(listeners.indexOf(c), 1);
          c.end().catch(() => {});
          retry = setTimeout(() => void connect().catch(() => {}), 1000);
        });
        await c.connect();
        await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        client = c;
        listeners.push(c);
      };
      await connect();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        if (client) {
          listeners.splice(listeners.indexOf(client), 1);
          await client.end().catch(() => {});
        }
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => {})));
      await db.destroy();
    },
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string; poolSize?: number }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : openPglite(opts.dataDir);
}
