// Realtime over WebSocket (/api/realtime): admission, topic policies, ordered delivery with
// sequence numbers, catch-up after a reconnection, session end, and fan-out across two server
// instances on one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/server/db/schema';
import { topicOf, WS_CLOSE_SESSION_ENDED, type ServerFrame } from '../../src/shared/realtime';
import type { Announcement } from '../../src/shared/schemas/announcements';
import { startSecondInstance, startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildUser, buildWorld } from '../fixtures/factories';
import { expectError, refusedUpgrade, send, serverErrors, signIn, sleep, WsClient } from './support';

type MessageFrame = Extract<ServerFrame, { type: 'message' }>;

let t: TestApp;
let db: Kysely<DB>;
let port: number;
let w: Awaited<ReturnType<typeof buildWorld>>;
const open: WsClient[] = [];

async function listen(app: TestApp): Promise<number> {
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  return (app.app.server.address() as { port: number }).port;
}

async function connect(s: Session | null, p = port): Promise<WsClient> {
  const c = await WsClient.connect(p, s);
  open.push(c);
  return c;
}

async function publish(app: TestApp, s: Session, text: string): Promise<Announcement> {
  const res = await send(app.app, s, 'POST', '/api/announcements', { json: { text, level: 'info' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  t = await startTestApp();
  db = t.db.database.db;
  w = await buildWorld(db);
  port = await listen(t);
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await t?.close();
});

describe('admission', () => {
  it('refuses an upgrade without a session cookie with HTTP 401, and a stale cookie likewise', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const anonymous = await refusedUpgrade(port, { origin });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
    const stale = await refusedUpgrade(port, { origin, cookie: 'vigie_session=inconnu' });
    expect(stale.status).toBe(401);
  });

  it('refuses a cross-site Origin (and Sec-Fetch-Site: cross-site) with HTTP 403, even with a valid session', async () => {
    const s = await signIn(t.app, w.usersA.reader.email);
    const variants: Array<Record<string, string>> = [{ origin: 'https://attaquant.example' }, { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site' }, { origin: 'null' }];
    for (const headers of variants) {
      const res = await refusedUpgrade(port, { cookie: s.cookie, ...headers });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('csrf_failed');
    }
  });

  it('refuses a user who must first change a temporary password (HTTP 403)', async () => {
    const u = await buildUser(db, { organisationId: w.a.id, mustChangePassword: true });
    const s = await signIn(t.app, u.email);
    const res = await refusedUpgrade(port, { origin: `http://127.0.0.1:${port}`, cookie: s.cookie });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('password_change_required');
  });

  it('a plain HTTP request to the endpoint gets the API’s error body', async () => {
    const s = await signIn(t.app, w.usersA.reader.email);
    expectError(await send(t.app, s, 'GET', '/api/realtime'), 'route_not_found');
    expectError(await send(t.app, null, 'GET', '/api/realtime'), 'unauthenticated');
  });

  it('greets an accepted connection with hello and the session expiry', async () => {
    const s = await signIn(t.app, w.usersA.reader.email);
    const c = await connect(s);
    expect(c.hello).toEqual({ type: 'hello', sessionExpiresAt: s.info.expiresAt });
  });
});

describe('topics', () => {
  it('subscribes to its own organisation’s topics; another organisation’s answers not_found, an unknown kind topic_invalid', async () => {
    const c = await connect(await signIn(t.app, w.usersA.reader.email));
    expect(await c.subscribe(topicOf('announcements', w.a.id))).toMatchObject({ type: 'subscribed', topic: topicOf('announcements', w.a.id), seq: expect.any(Number) });
    expect(await c.subscribe(topicOf('organisation', w.a.id))).toMatchObject({ type: 'subscribed' });
    for (const topic of [topicOf('announcements', w.b.id), topicOf('organisation', w.b.id), topicOf('announcements', crypto.randomUUID())]) {
      expect(await c.subscribe(topic)).toEqual({ type: 'error', code: 'not_found', message: 'Ressource introuvable.', topic });
    }
    const unknownKind = `inconnu:${w.a.id}`;
    expect(await c.subscribe(unknownKind)).toMatchObject({ type: 'error', code: 'topic_invalid', topic: unknownKind });
    c.send({ type: 'unsubscribe', topic: topicOf('organisation', w.a.id) });
    expect(await c.next((f) => f.type === 'unsubscribed')).toEqual({ type: 'unsubscribed', topic: topicOf('organisation', w.a.id) });
  });

  it('delivers a published announcement to every subscriber as a message frame, seq increasing by 1', async () => {
    const topic = topicOf('announcements', w.a.id);
    const publisher = await signIn(t.app, w.usersA.coordinator.email);
    const c1 = await connect(await signIn(t.app, w.usersA.reader.email));
    const c2 = await connect(await signIn(t.app, w.usersA.contributor.email));
    const outsider = await connect(await signIn(t.app, w.usersB.administrator.email));
    const sub1 = await c1.subscribe(topic);
    const sub2 = await c2.subscribe(topic);
    expect(await outsider.subscribe(topicOf('announcements', w.b.id))).toMatchObject({ type: 'subscribed' });
    expect(sub1.type === 'subscribed' && sub2.type === 'subscribed').toBe(true);
    const start = (sub1 as { seq: number }).seq;

    const sent: Announcement[] = [];
    for (let i = 0; i < 3; i++) sent.push(await publish(t, publisher, `Annonce ${i}`));
    for (const c of [c1, c2]) {
      const frames = await c.messages(topic, 3);
      expect(frames.map((f) => f.seq)).toEqual([start + 1, start + 2, start + 3]);
      expect(frames.map((f) => f.event)).toEqual(sent.map((announcement) => ({ kind: 'announcement.created', announcement })));
      for (const f of frames) expect(Number.isNaN(Date.parse(f.at))).toBe(false);
    }
    await outsider.roundTrip();
    expect(outsider.pending().filter((f) => f.type === 'message')).toEqual([]);
  });

  it('an event too large for a NOTIFY payload arrives whole all the same (read back from its stored copy), in sequence', async () => {
    const topic = topicOf('announcements', w.a.id);
    const c = await connect(await signIn(t.app, w.usersA.reader.email));
    const sub = await c.subscribe(topic);
    const start = (sub as { seq: number }).seq;
    const small = await publish(t, await signIn(t.app, w.usersA.coordinator.email), 'Avant');
    const huge = { ...small, id: crypto.randomUUID(), text: 'Très long message '.repeat(600) };
    await db.transaction().execute((tx) => t.hub.publish(tx, topic, { kind: 'announcement.created', announcement: huge }));
    const frames = await c.messages(topic, 2);
    expect(frames.map((f) => f.seq)).toEqual([start + 1, start + 2]);
    expect(frames[1].event).toEqual({ kind: 'announcement.created', announcement: huge });
    expect(new Date(frames[1].at).getTime()).toBeGreaterThanOrEqual(new Date(frames[0].at).getTime());
  });

  it('after a reconnection, subscribe with since replays exactly the missed messages, in order, then goes on live', async () => {
    const topic = topicOf('announcements', w.a.id);
    const publisher = await signIn(t.app, w.usersA.coordinator.email);
    const reader = await signIn(t.app, w.usersA.reader.email);
    const first = await connect(reader);
    const sub = (await first.subscribe(topic)) as { seq: number };
    const seen = (await publish(t, publisher, 'Vu en direct'), (await first.messages(topic, 1))[0].seq);
    expect(seen).toBe(sub.seq + 1);
    await first.close();

    const missed: Announcement[] = [];
    for (let i = 1; i <= 5; i++) missed.push(await publish(t, publisher, `Manqué ${i}`));

    const again = await connect(reader);
    expect(await again.subscribe(topic, seen)).toEqual({ type: 'subscribed', topic, seq: seen });
    const replay = await again.messages(topic, 5);
    expect(replay.map((f) => f.seq)).toEqual([seen + 1, seen + 2, seen + 3, seen + 4, seen + 5]);
    expect(replay.map((f) => (f.event as { announcement: Announcement }).announcement.id)).toEqual(missed.map((a) => a.id));
    await again.roundTrip();
    await sleep(100);
    expect(again.pending().filter((f) => f.type === 'message')).toEqual([]);

    const live = await publish(t, publisher, 'De nouveau en direct');
    const [next] = await again.messages(topic, 1);
    expect(next.seq).toBe(seen + 6);
    expect((next.event as { announcement: Announcement }).announcement.id).toBe(live.id);

    // A client that says it has seen everything gets nothing replayed.
    const upToDate = await connect(reader);
    expect(await upToDate.subscribe(topic, seen + 6)).toMatchObject({ type: 'subscribed', seq: seen + 6 });
    await upToDate.roundTrip();
    expect(upToDate.pending().filter((f) => f.type === 'message')).toEqual([]);
  });

  it('answers invalid frames with an error frame and keeps the socket open', async () => {
    const c = await connect(await signIn(t.app, w.usersA.reader.email));
    const cases: Array<[unknown, string]> = [
      ['pas du json', 'invalid_json'],
      ['{"type":', 'invalid_json'],
      [{ type: 'inconnu' }, 'validation_failed'],
      [{ type: 'subscribe' }, 'validation_failed'],
      [{ type: 'subscribe', topic: 'pas-un-sujet' }, 'validation_failed'],
      [{ type: 'subscribe', topic: topicOf('announcements', w.a.id), since: -1 }, 'validation_failed'],
      [{ type: 'subscribe', topic: topicOf('announcements', w.a.id), champ: 1 }, 'validation_failed'],
      [{ type: 'ping', id: 'un' }, 'validation_failed'],
      [[1, 2, 3], 'validation_failed'],
      [Buffer.from([1, 2, 3]), 'validation_failed'],
    ];
    for (const [frame, code] of cases) {
      if (Buffer.isBuffer(frame)) c.socket.send(frame, { binary: true });
      else c.send(frame);
      const err = await c.next((f) => f.type === 'error');
      expect(err, JSON.stringify(frame)).toMatchObject({ type: 'error', code });
      expect((err as { message: string }).message.length).toBeGreaterThan(0);
    }
    c.send({ type: 'ping', id: 7 });
    expect(await c.next((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 7 });
    expect(c.isClosed).toBe(false);
    expect(await c.subscribe(topicOf('announcements', w.a.id))).toMatchObject({ type: 'subscribed' });
  });
});

describe('session end', () => {
  const ended = async (c: WsClient, reason: string) => {
    expect(await c.next((f) => f.type === 'session.ended')).toEqual({ type: 'session.ended', reason });
    expect((await c.closed).code).toBe(WS_CLOSE_SESSION_ENDED);
  };

  it('logout: the socket gets session.ended and closes with 4401; another session of the user stays connected', async () => {
    const u = await buildUser(db, { organisationId: w.a.id });
    const s1 = await signIn(t.app, u.email);
    const s2 = await signIn(t.app, u.email);
    const c1 = await connect(s1);
    const c2 = await connect(s2);
    expect((await send(t.app, s1, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    await ended(c1, 'logout');
    await c2.roundTrip();
    expect(c2.isClosed).toBe(false);
  });

  it('logout-all closes every socket of the user', async () => {
    const u = await buildUser(db, { organisationId: w.a.id });
    const s1 = await signIn(t.app, u.email);
    const s2 = await signIn(t.app, u.email);
    const c1 = await connect(s1);
    const c2 = await connect(s2);
    expect((await send(t.app, s1, 'POST', '/api/auth/logout-all')).statusCode).toBe(204);
    await ended(c1, 'logout_all');
    await ended(c2, 'logout_all');
  });

  it('disabling the user closes their sockets, and they cannot reconnect', async () => {
    const u = await buildUser(db, { organisationId: w.a.id });
    const s = await signIn(t.app, u.email);
    const c = await connect(s);
    const admin = await signIn(t.app, w.usersA.administrator.email);
    expect((await send(t.app, admin, 'PATCH', `/api/users/${u.id}`, { json: { status: 'disabled' } })).statusCode).toBe(200);
    await ended(c, 'account_disabled');
    expect((await refusedUpgrade(port, { origin: `http://127.0.0.1:${port}`, cookie: s.cookie })).status).toBe(401);
  });

  it('an administrator’s password reset closes the user’s sockets too', async () => {
    const u = await buildUser(db, { organisationId: w.a.id });
    const c = await connect(await signIn(t.app, u.email));
    const admin = await signIn(t.app, w.usersA.administrator.email);
    expect((await send(t.app, admin, 'POST', `/api/users/${u.id}/reset-password`)).statusCode).toBe(200);
    await ended(c, 'password_reset');
  });
});

describe('two server instances on one database', () => {
  let t2: TestApp;
  let port2: number;
  let closeSecond: () => Promise<void>;

  beforeAll(async () => {
    ({ app: t2, port: port2, close: closeSecond } = await startSecondInstance(t));
  });
  afterAll(async () => {
    await closeSecond?.();
  });

  it('a message published through one instance reaches a client of the other, both ways, none lost over 50', async () => {
    const topic = topicOf('announcements', w.a.id);
    const publisher = await signIn(t.app, w.usersA.coordinator.email); // sessions live in the database: valid on both
    const reader = await signIn(t2.app, w.usersA.reader.email);
    const on1 = await connect(reader, port);
    const on2 = await connect(reader, port2);
    const start1 = ((await on1.subscribe(topic)) as { seq: number }).seq;
    const start2 = ((await on2.subscribe(topic)) as { seq: number }).seq;
    expect(start2).toBe(start1);

    const check = async (client: WsClient, from: number, sent: Announcement[]) => {
      const frames: MessageFrame[] = await client.messages(topic, sent.length, 30_000);
      expect(frames.map((f) => f.seq)).toEqual(sent.map((_, i) => from + i + 1));
      expect(new Set(frames.map((f) => (f.event as { announcement: Announcement }).announcement.id))).toEqual(new Set(sent.map((a) => a.id)));
    };

    // Through instance 1, concurrently: instance 2's client gets all 50, in sequence order.
    const batch1 = await Promise.all(Array.from({ length: 50 }, (_, i) => publish(t, publisher, `Via l’instance 1, n° ${i}`)));
    await check(on2, start1, batch1);
    await check(on1, start1, batch1);

    // And back: through instance 2, instance 1's client gets all 50.
    const publisher2 = await signIn(t2.app, w.usersA.administrator.email);
    const batch2 = await Promise.all(Array.from({ length: 50 }, (_, i) => publish(t2, publisher2, `Via l’instance 2, n° ${i}`)));
    await check(on1, start1 + 50, batch2);
    await check(on2, start1 + 50, batch2);

    await on1.roundTrip();
    await on2.roundTrip();
    expect([...on1.pending(), ...on2.pending()].filter((f) => f.type === 'message')).toEqual([]);
  });

  it('a logout through one instance ends the socket held by the other', async () => {
    const u = await buildUser(db, { organisationId: w.a.id });
    const s = await signIn(t.app, u.email);
    const c = await connect(s, port2);
    expect((await send(t.app, s, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    expect(await c.next((f) => f.type === 'session.ended')).toEqual({ type: 'session.ended', reason: 'logout' });
    expect((await c.closed).code).toBe(WS_CLOSE_SESSION_ENDED);
  });

  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
