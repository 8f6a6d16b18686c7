// A fresh PostgreSQL database for a benchmark: on BENCH_DATABASE_URL or TEST_DATABASE_URL, or on a
// throwaway server started for the run (scripts/pg-throwaway.sh); dropped afterwards unless kept.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

export interface BenchDatabase {
  name: string;
  url: string;
  /** The same database for bulk loading sessions: row triggers (foreign keys…) off, memory for index builds. */
  loadUrl: string;
  /** Drops the database (and stops the throwaway server) unless `keep`. */
  release(keep: boolean, log: (line: string) => void): Promise<void>;
}

/** Null when no PostgreSQL server can be had (the caller skips the engine). */
export async function createBenchDatabase(root: string): Promise<BenchDatabase | null> {
  let base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  let throwaway: string | undefined;
  const script = path.join(root, 'scripts/pg-throwaway.sh');
  if (!base) {
    try {
      const out = execFileSync(script, ['start'], { encoding: 'utf8' });
      base = /TEST_DATABASE_URL=(\S+)/.exec(out)?.[1];
      throwaway = /PG_THROWAWAY_DIR=(\S+)/.exec(out)?.[1];
    } catch {
      return null;
    }
    if (!base) return null;
  }
  const name = `vigie_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const loadUrl = new URL(url);
  loadUrl.searchParams.set('options', '-c session_replication_role=replica -c maintenance_work_mem=512MB');
  return {
    name,
    url: url.toString(),
    loadUrl: loadUrl.toString(),
    release: async (keep, log) => {
      if (keep) log(`  kept database ${name}`);
      else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
      if (throwaway && !keep) execFileSync(script, ['stop', throwaway]);
    },
  };
}
