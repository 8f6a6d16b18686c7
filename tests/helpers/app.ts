import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/server/config';
import { buildApp, type App } from '../../src/server/http/app';
import { createTestDatabase, type TestDatabase } from './database';
import { openPostgres } from '../../src/server/db/client';
import type { SessionInfo } from '../../src/shared/schemas/auth';

export const TEST_PASSWORD = 'correct-horse-battery-staple';

/** Settings for tests: fast scrypt, no logs, no demo data; overrides as environment strings. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', SCRYPT_COST: '1024', DEMO_DATA: 'false', DATA_DIR: '/nonexistent', DETECTION_REFRESH_DELAY_MS: '0', ...overrides });
}

export interface TestApp extends App {
  db: TestDatabase;
  config: Config;
  close: () => Promise<void>;
}

/** A full application on a fresh database cloned from the run's template. */
export async function startTestApp(overrides: Record<string, string> = {}, existing?: TestDatabase): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase(inject('dbTemplate')));
  const config = testConfig(overrides);
  const built = await buildApp(config, db.database, { logger: false });
  await built.hub.start();
  await built.app.ready();
  return {
    ...built,
    db,
    config,
    close: async () => {
      await built.app.close();
      if (!existing) await db.cleanup();
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  info: SessionInfo;
}

export async function login(app: FastifyInstance, email: string, password = TEST_PASSWORD, ip = '127.0.0.1'): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name === 'vigie_session');
  if (!set) throw new Error('no session cookie');
  const info = res.json() as SessionInfo;
  return { cookie: `vigie_session=${set.value}`, csrf: info.csrfToken, info };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Sends a request as a signed-in user (cookie and CSRF token), or anonymously with `null`. */
export async function call(
  app: FastifyInstance,
  session: Session | null,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    headers: {
      ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
      ...headers,
    },
  });
}

/**
 * A second server instance on the same database as `first`, listening on loopback, as a second
 * process behind a load balancer would be. PostgreSQL: its own pool and its own LISTEN connection
 * (NOTIFY carries messages from one to the other). PGlite is one embedded engine that one process
 * opens once: both instances share its Database object (each hub still LISTENs on its own and
 * receives the NOTIFY at commit).
 */
export async function startSecondInstance(first: TestApp, overrides: Record<string, string> = {}): Promise<{ app: TestApp; port: number; close: () => Promise<void> }> {
  let second: TestDatabase;
  if (first.db.url) {
    const database = await openPostgres(first.db.url, 5);
    second = { database, url: first.db.url, dataDir: null, cleanup: () => database.close() };
  } else {
    second = { ...first.db, cleanup: async () => {} };
  }
  const app = await startTestApp(overrides, second);
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    port: (app.app.server.address() as { port: number }).port,
    close: async () => {
      await app.close();
      await second.cleanup();
    },
  };
}
