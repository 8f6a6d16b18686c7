import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, login, call, type TestApp } from '../helpers/app';
import { buildWorld } from '../fixtures/factories';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('health answers and a user logs in', async () => {
    const h = await call(t.app, null, 'GET', '/api/health');
    expect(h.statusCode).toBe(200);
    expect(h.json().migrations.current).toBe(true);
    const w = await buildWorld(t.db.database.db);
    const s = await login(t.app, w.usersA.administrator.email);
    const users = await call(t.app, s, 'GET', '/api/users');
    expect(users.json().users).toHaveLength(4);
  });
});
