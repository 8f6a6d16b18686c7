/**
 * npm run bench:realtime — realtime fan-out under load.
 *
 * 500 authenticated WebSocket clients (500 accounts, each logged in through the API) subscribe to
 * one topic; a coordinator publishes 1,000 announcements through the HTTP API at a fixed rate.
 * Prints fan-out latency p50/p95/p99 from the publishing request to receipt by every client, lost
 * messages, and the server's peak RSS (VmHWM), for PGlite and for PostgreSQL.
 * Target on a 2-core machine: p95 < 50 ms, nothing lost.
 *
 * Settings (environment): BENCH_CLIENTS (500), BENCH_MESSAGES (1000), BENCH_RATE per second (100),
 * BENCH_ENGINES (pglite,postgresql), BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof to profile the server), BENCH_DATABASE_URL or TEST_DATABASE_URL (a PostgreSQL server
 * whose superuser may create a database; without one, scripts/pg-throwaway.sh starts one).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, request, waitHealth } from './lib/http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { openPglite, openPostgres, type Database } from '../src/server/db/client';
import { migrate } from '../src/server/db/migrate';
import { hashPassword } from '../src/server/modules/auth/password';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 500);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const ENGINES = (process.env.BENCH_ENGINES ?? 'pglite,postgresql').split(',');
const PASSWORD = 'bench-password-0123';


async function seed(database: Database): Promise<{ orgId: string; emails: string[]; publisher: string }> {
  await migrate(database);
  // Cheap scrypt cost for the bench accounts only: 500 logins measure the realtime path, not hashing.
  const hash = await hashPassword(PASSWORD, 1024);
  const { id: orgId } = await database.db
    .insertInto('organisations')
    .values({ name: 'Banc d’essai', kind: 'partner' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const emails = Array.from({ length: CLIENTS }, (_, i) => `client${i}@bench.test`);
  for (let i = 0; i < emails.length; i += 250) {
    await database.db
      .insertInto('users')
      .values(emails.slice(i, i + 250).map((email) => ({ organisation_id: orgId, email, display_name: email, role: 'reader' as const, password_hash: hash })))
      .execute();
  }
  const publisher = 'publisher@bench.test';
  await database.db.insertInto('users').values({ organisation_id: orgId, email: publisher, display_name: 'Publication', role: 'coordinator', password_hash: hash }).execute();
  return { orgId, emails, publisher };
}


// The login route allows 30 attempts per minute and address: spread logins over loopback addresses.
const loopback = (i: number) => `127.0.0.${2 + Math.floor(i / 25)}`;

async function loginAs(port: number, email: string, i: number) {
  const res = await request(port, 'POST', '/api/auth/login', { email, password: PASSWORD }, {}, loopback(i));
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
  return { cookie, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

/** CPU seconds (user + system) used so far by a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}


async function runEngine(engine: string, env: Record<string, string>, database: Database) {
  const { orgId, emails, publisher } = await seed(database);
  await database.close();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', path.join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false', LOG_LEVEL: 'warn', REQUESTS_PER_MINUTE: '1000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitHealth(port, child);
    const sessions = [];
    for (let i = 0; i < emails.length; i++) sessions.push(await loginAs(port, emails[i], i));
    const pub = await loginAs(port, publisher, emails.length);

    const topic = `announcements:${orgId}`;
    const sentAt = new Float64Array(MESSAGES);
    const latencies = new Float64Array(MESSAGES * CLIENTS);
    let received = 0;
    const perClient = new Int32Array(CLIENTS);
    const sockets: WebSocket[] = [];
    await Promise.all(
      sessions.map(
        (s, ci) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/api/realtime`, { headers: { cookie: s.cookie, origin: `http://127.0.0.1:${port}` } });
            sockets.push(ws);
            ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', topic })));
            ws.on('message', (data) => {
              const now = performance.now();
              const text = data.toString();
              if (text.includes('"subscribed"')) return resolve();
              const m = /"text":"bench (\d+)"/.exec(text);
              if (m) {
                latencies[received++] = now - sentAt[Number(m[1])];
                perClient[ci]++;
              }
            });
            ws.on('error', reject);
          }),
      ),
    );

    const cpuStart = process.cpuUsage();
    const serverCpuStart = cpuSeconds(child.pid!);
    const t0 = performance.now();
    const interval = 1000 / RATE;
    const inflight: Promise<unknown>[] = [];
    for (let k = 0; k < MESSAGES; k++) {
      const due = t0 + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt[k] = performance.now();
      inflight.push(
        request(port, 'POST', '/api/announcements', { text: `bench ${k}`, level: 'info' }, { cookie: pub.cookie, 'x-csrf-token': pub.csrf }, '127.0.0.1').then((r) => {
          if (r.status !== 201) throw new Error(`publish ${k}: ${r.status} ${r.body}`);
        }),
      );
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 15_000;
    while (received < MESSAGES * CLIENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const elapsed = (performance.now() - t0) / 1000;
    const rss = peakRssMb(child.pid!);
    const serverCpu = cpuSeconds(child.pid!) - serverCpuStart;
    const cpu = process.cpuUsage(cpuStart);
    sockets.forEach((s) => s.close());

    const sorted = latencies.slice(0, received).sort();
    const expected = MESSAGES * CLIENTS;
    console.log(`engine: ${engine}`);
    console.log(`  clients: ${CLIENTS}, messages: ${MESSAGES} at ${RATE}/s, deliveries: ${received}/${expected}, lost: ${expected - received}`);
    console.log(`  ${engine}_fanout_p50: ${percentile(sorted, 50).toFixed(1)} ms`);
    console.log(`  ${engine}_fanout_p95: ${percentile(sorted, 95).toFixed(1)} ms`);
    console.log(`  ${engine}_fanout_p99: ${percentile(sorted, 99).toFixed(1)} ms`);
    console.log(`  ${engine}_fanout_max: ${sorted.length ? sorted[sorted.length - 1].toFixed(1) : 'NaN'} ms`);
    console.log(`  ${engine}_server_peak_rss: ${rss.toFixed(0)} MB`);
    console.log(`  clients fewest/most received: ${Math.min(...perClient)}/${Math.max(...perClient)}; run ${elapsed.toFixed(1)} s; server CPU ${serverCpu.toFixed(1)} s; bench process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
    return { p95: percentile(sorted, 95), lost: expected - received };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main() {
  console.log(`bench:realtime on ${os.cpus().length} cores, Node ${process.version}`);
  const results: Array<{ engine: string; p95: number; lost: number }> = [];
  for (const engine of ENGINES) {
    if (engine === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-'));
      try {
        const r = await runEngine('pglite', { DATA_DIR: dir }, await openPglite(dir));
        results.push({ engine, ...r });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else if (engine === 'postgresql') {
      let base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
      let throwaway: string | undefined;
      if (!base) {
        try {
          const out = execFileSync(path.join(ROOT, 'scripts/pg-throwaway.sh'), ['start'], { encoding: 'utf8' });
          base = /TEST_DATABASE_URL=(\S+)/.exec(out)?.[1];
          throwaway = /PG_THROWAWAY_DIR=(\S+)/.exec(out)?.[1];
        } catch {
          console.log('engine: postgresql — skipped: no PostgreSQL server (set BENCH_DATABASE_URL, or install Debian\'s postgresql)');
          continue;
        }
      }
      const name = `vigie_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(base!);
      url.pathname = `/${name}`;
      try {
        const r = await runEngine('postgresql', { DATABASE_URL: url.toString() }, await openPostgres(url.toString(), 4));
        results.push({ engine, ...r });
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
        await admin.end();
        if (throwaway) execFileSync(path.join(ROOT, 'scripts/pg-throwaway.sh'), ['stop', throwaway]);
      }
    }
  }
  for (const r of results) {
    console.log(`${r.engine}: p95 ${r.p95.toFixed(1)} ms (target < 50 ms) ${r.p95 < 50 ? 'OK' : 'ABOVE TARGET'}, lost ${r.lost} ${r.lost === 0 ? 'OK' : 'LOST MESSAGES'}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
