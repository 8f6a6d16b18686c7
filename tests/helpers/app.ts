import { inject } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/server/config';
import { buildApp, type App } from '../../src/server/http/app';
import { createTestDatabase, type TestDatabase } from './database';
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
