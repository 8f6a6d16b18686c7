// Virtual room of an event (WebRTC mesh), server side: who may join (the event's audience, guests of
// the event by link), signalling relayed to one participant of the same room only (inline or, when too
// large for a NOTIFY, through the table), joins and leaves written in the main courante, a dropped
// connection keeping its place for the grace period, a revoked guest or a withdrawn access put out,
// the room's chat and its copy into the main courante, TURN credentials, and two server instances.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/server/db/schema';
import { loadConfig, ConfigError } from '../../src/server/config';
import { topicOf, WS_CLOSE_SESSION_ENDED, type ServerFrame } from '../../src/shared/realtime';
import type { EventDetail, Entry } from '../../src/shared/schemas/logbook';
import type { VisioMedia, VisioMessage, VisioRoom } from '../../src/shared/schemas/visio';
import { startSecondInstance, startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildWorld } from '../fixtures/factories';
import { countRows, eventually, expectError, send, serverErrors, signIn, WsClient } from './support';

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

let t: TestApp;
let db: Kysely<DB>;
let port: number;
let w: Awaited<ReturnType<typeof buildWorld>>;
let coord: Session;
let contrib: Session;
let reader: Session;
const open: WsClient[] = [];

const TURN_SECRET = 'secret-partage-du-serveur-turn';
const GRACE_SECONDS = 2;
const MAX = 4;
const camera: VisioMedia = { audio: true, video: true, screen: false };

async function json<T>(res: { statusCode: number; body: string; json: () => unknown }, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

async function newEvent(title: string): Promise<EventDetail> {
  const types = await json<{ items: Array<{ id: string }> }>(await send(t.app, coord, 'GET', '/api/event-types'));
  return json(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: types.items[0].id, title, severity: 2 } }), 201);
}

async function entries(eventId: string): Promise<Entry[]> {
  return (await json<{ entries: Entry[] }>(await send(t.app, coord, 'GET', `/api/events/${eventId}/entries?limit=200`))).entries;
}

async function connect(s: Session, p = port): Promise<WsClient> {
  const c = await WsClient.connect(p, s);
  open.push(c);
  return c;
}

/** Joins the room; resolves with the answer (`visio.joined` or `visio.error`). */
async function join(ws: WsClient, eventId: string, participantId = randomUUID(), media = camera): Promise<Frame<'visio.joined'> | Frame<'visio.error'>> {
  ws.send({ type: 'visio.join', eventId, participantId, media });
  return ws.next((f) => (f.type === 'visio.joined' || f.type === 'visio.error') && f.eventId === eventId);
}

async function joined(ws: WsClient, eventId: string, participantId = randomUUID(), media = camera): Promise<Frame<'visio.joined'>> {
  const f = await join(ws, eventId, participantId, media);
  expect(f, JSON.stringify(f)).toMatchObject({ type: 'visio.joined' });
  return f as Frame<'visio.joined'>;
}

function peerFrame(ws: WsClient, op: 'joined' | 'updated' | 'left', participantId: string, timeoutMs = 5000) {
  return ws.next<Frame<'visio.peer'>>((f) => f.type === 'visio.peer' && f.op === op && f.participant.participantId === participantId, timeoutMs);
}

async function joinAsGuest(token: string, name: string): Promise<Session> {
  const res = await send(t.app, null, 'POST', '/api/guest/join', { json: { token, name } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((k) => k.name === 'vigie_session')!;
  const info = res.json() as Session['info'];
  return { cookie: `vigie_session=${cookie.value}`, csrf: info.csrfToken, info };
}

const fakeSdp = (size: number) => `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n${'a=fmtp:96 x-google-start-bitrate=800\r\n'.repeat(Math.ceil(size / 38))}`.slice(0, size);

beforeAll(async () => {
  t = await startTestApp({
    REQUESTS_PER_MINUTE: '1000000',
    VISIO_RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
    VISIO_MAX_PARTICIPANTS: String(MAX),
    VISIO_ICE_SERVERS: JSON.stringify([{ urls: 'stun:stun.exemple.fr:3478' }]),
    VISIO_TURN_SECRET: TURN_SECRET,
    VISIO_TURN_URLS: 'turn:turn.exemple.fr:3478?transport=udp, turns:turn.exemple.fr:5349',
  });
  db = t.db.database.db;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
  w = await buildWorld(db);
  coord = await signIn(t.app, w.usersA.coordinator.email);
  contrib = await signIn(t.app, w.usersA.contributor.email);
  reader = await signIn(t.app, w.usersA.reader.email);
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await t?.close();
});

describe('joining, signalling, leaving', () => {
  it('two people join: each learns of the other, offers and candidates reach only the one addressed, joins and leaves are written in the main courante', async () => {
    const event = await newEvent('Inondation — cellule de crise');
    const a = await connect(coord);
    const b = await connect(contrib);
    const aId = randomUUID();
    const bId = randomUUID();
    const first = await joined(a, event.id, aId);
    expect(first.peers).toEqual([]);
    expect(first.resumed).toBe(false);
    expect(first.self).toMatchObject({ participantId: aId, userId: w.usersA.coordinator.id, guest: false, media: camera, connected: true });

    const second = await joined(b, event.id, bId, { audio: true, video: false, screen: false });
    expect(second.peers.map((p) => p.participantId)).toEqual([aId]);
    const seen = await peerFrame(a, 'joined', bId);
    expect(seen.participant).toMatchObject({ userId: w.usersA.contributor.id, media: { audio: true, video: false, screen: false } });

    // An offer of 20 KB (a browser's SDP can exceed a NOTIFY payload) and a candidate: relayed as is.
    const sdp = fakeSdp(20_000);
    b.send({ type: 'visio.signal', eventId: event.id, to: aId, data: { description: { type: 'offer', sdp } } });
    const offer = await a.next<Frame<'visio.signal'>>((f) => f.type === 'visio.signal');
    expect(offer.from).toBe(bId);
    expect(offer.data).toEqual({ description: { type: 'offer', sdp } });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    a.send({ type: 'visio.signal', eventId: event.id, to: bId, data: { candidate } });
    expect((await b.next<Frame<'visio.signal'>>((f) => f.type === 'visio.signal')).data).toEqual({ candidate });

    // What one sends (camera turned on, screen shared) is told to the others.
    b.send({ type: 'visio.media', eventId: event.id, media: { audio: true, video: true, screen: true } });
    expect((await peerFrame(a, 'updated', bId)).participant.media).toEqual({ audio: true, video: true, screen: true });

    const room = await json<VisioRoom>(await send(t.app, reader, 'GET', `/api/events/${event.id}/visio`));
    expect(room.participants.map((p) => p.participantId)).toEqual([aId, bId]);
    expect(room.open).toBe(true);

    b.send({ type: 'visio.leave', eventId: event.id });
    expect(await b.next((f) => f.type === 'visio.left')).toMatchObject({ reason: 'left' });
    expect((await peerFrame(a, 'left', bId)).participant.connected).toBe(false);
    // Out of the room, a signal is refused and reaches no one.
    b.send({ type: 'visio.signal', eventId: event.id, to: aId, data: { candidate: null } });
    expect(await b.next((f) => f.type === 'visio.error')).toMatchObject({ code: 'visio_not_joined' });

    const texts = (await entries(event.id)).map((e) => `${e.kind}|${e.authorName}|${e.text}`);
    expect(texts).toContain(`system|${w.usersA.coordinator.display_name}|${w.usersA.coordinator.display_name} a rejoint la salle virtuelle.`);
    expect(texts).toContain(`system|${w.usersA.contributor.display_name}|${w.usersA.contributor.display_name} a rejoint la salle virtuelle.`);
    expect(texts).toContain(`system|${w.usersA.contributor.display_name}|${w.usersA.contributor.display_name} a quitté la salle virtuelle (moins d’une minute).`);
    expect(a.pending().filter((f) => f.type === 'visio.signal')).toEqual([]);
  });

  it('a signal to someone of another room is not delivered; a bad frame is refused with its code', async () => {
    const one = await newEvent('Réunion 1');
    const two = await newEvent('Réunion 2');
    const a = await connect(coord);
    const b = await connect(contrib);
    await joined(a, one.id);
    const bId = randomUUID();
    await joined(b, two.id, bId);
    a.send({ type: 'visio.signal', eventId: one.id, to: bId, data: { candidate: null } });
    a.send({ type: 'visio.signal', eventId: two.id, to: bId, data: { candidate: null } });
    expect(await a.next((f) => f.type === 'visio.error')).toMatchObject({ code: 'visio_not_joined', eventId: two.id });
    await b.roundTrip();
    await a.roundTrip();
    expect(b.pending().filter((f) => f.type === 'visio.signal')).toEqual([]);
    a.send({ type: 'visio.signal', eventId: one.id, to: bId, data: { description: { type: 'pranswer', sdp: 'x' } } });
    expect(await a.next((f) => f.type === 'error')).toMatchObject({ code: 'validation_failed' });
  });

  it('a person who may not see the event cannot join its room, even with its address; nothing is stored', async () => {
    const secret = await newEvent('Alerte attentat — cellule restreinte');
    await json(await send(t.app, coord, 'PUT', `/api/events/${secret.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] } }));
    const r = await connect(reader);
    const other = await connect(await signIn(t.app, w.usersB.administrator.email));
    const before = await countRows(db);
    expect(await join(r, secret.id)).toMatchObject({ type: 'visio.error', code: 'not_found' });
    expect(await join(other, secret.id)).toMatchObject({ type: 'visio.error', code: 'not_found' });
    expect(await join(other, randomUUID())).toMatchObject({ type: 'visio.error', code: 'not_found' });
    expectError(await send(t.app, reader, 'GET', `/api/events/${secret.id}/visio`), 'not_found');
    expect(await countRows(db)).toEqual(before);
  });

  it('a room holds at most VISIO_MAX_PARTICIPANTS; a closed event has no room', async () => {
    const event = await newEvent('Grand rassemblement');
    const clients = await Promise.all([coord, contrib, reader, coord].map((s) => connect(s)));
    for (const c of clients) await joined(c, event.id);
    const fifth = await connect(contrib);
    expect(await join(fifth, event.id)).toMatchObject({ type: 'visio.error', code: 'visio_room_full' });

    const closed = await newEvent('Événement clos');
    await json(await send(t.app, coord, 'POST', `/api/events/${closed.id}/close`));
    expect(await join(fifth, closed.id)).toMatchObject({ type: 'visio.error', code: 'event_closed' });
    expect((await json<VisioRoom>(await send(t.app, coord, 'GET', `/api/events/${closed.id}/visio`))).open).toBe(false);
  });
});

describe('connections that drop, people put out', () => {
  it('a dropped connection keeps its place for the grace period (no new entry when it comes back), then is counted out', async () => {
    const event = await newEvent('Astreinte — salle permanente');
    const a = await connect(coord);
    await joined(a, event.id);
    const bId = randomUUID();
    const b = await connect(contrib);
    await joined(b, event.id, bId);
    await peerFrame(a, 'joined', bId);

    b.socket.terminate(); // the phone changed network
    expect((await peerFrame(a, 'updated', bId)).participant.connected).toBe(false);
    const back = await connect(contrib);
    const again = await joined(back, event.id, bId);
    expect(again.resumed).toBe(true);
    expect((await peerFrame(a, 'updated', bId)).participant.connected).toBe(true);
    const joins = (await entries(event.id)).filter((e) => e.text.endsWith('a rejoint la salle virtuelle.'));
    expect(joins).toHaveLength(2);

    back.socket.terminate();
    await peerFrame(a, 'updated', bId);
    const left = await peerFrame(a, 'left', bId, GRACE_SECONDS * 1000 + 5000);
    expect(left.participant.connected).toBe(false);
    const texts = (await entries(event.id)).map((e) => e.text);
    expect(texts).toContain(`${w.usersA.contributor.display_name} a quitté la salle virtuelle (moins d’une minute) — connexion perdue.`);
  });

  it('a guest joins by link; once the link is revoked the guest is disconnected and counted out', async () => {
    const event = await newEvent('Crue — point avec la préfecture');
    const link = await json<{ token: string; link: { id: string } }>(
      await send(t.app, coord, 'POST', `/api/events/${event.id}/guest-links`, { json: { label: 'Préfecture — COD', access: 'read', expiresAt: new Date(Date.now() + 3600_000).toISOString() } }),
      201,
    );
    const guest = await joinAsGuest(link.token, 'Claire Martin');
    const a = await connect(coord);
    await joined(a, event.id);
    const g = await connect(guest);
    const gId = randomUUID();
    const gJoined = await joined(g, event.id, gId, { audio: true, video: true, screen: false });
    expect(gJoined.self).toMatchObject({ guest: true, name: 'Claire Martin (invité)' });
    expect(gJoined.peers).toHaveLength(1);
    expect((await peerFrame(a, 'joined', gId)).participant.guest).toBe(true);
    // A guest may not enter another event's room.
    const other = await newEvent('Autre événement');
    expect(await join(g, other.id)).toMatchObject({ type: 'visio.error', code: 'not_found' });

    await json(await send(t.app, coord, 'POST', `/api/guest-links/${link.link.id}/revoke`));
    expect((await g.closed).code).toBe(WS_CLOSE_SESSION_ENDED);
    await peerFrame(a, 'left', gId);
    const texts = (await entries(event.id)).map((e) => e.text);
    expect(texts).toContain('Claire Martin (invité) a rejoint la salle virtuelle.');
    expect(texts).toContain('Claire Martin (invité) a quitté la salle virtuelle (moins d’une minute) — lien d’invitation révoqué.');
    const row = await db.selectFrom('visio_participants').selectAll().where('id', '=', gId).executeTakeFirstOrThrow();
    expect(row.left_reason).toBe('session_ended');
  });

  it('whoever loses access to the event (restricted meanwhile) is put out of its room', async () => {
    const event = await newEvent('Menace sur le réseau d’eau');
    const a = await connect(coord);
    const aId = randomUUID();
    await joined(a, event.id, aId);
    const b = await connect(contrib);
    const bId = randomUUID();
    await joined(b, event.id, bId);
    await json(await send(t.app, coord, 'PUT', `/api/events/${event.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] } }));
    expect(await b.next((f) => f.type === 'visio.left', 5000)).toMatchObject({ reason: 'access_lost' });
    await peerFrame(a, 'left', bId);
    await eventually(async () => (await db.selectFrom('visio_participants').select('left_reason').where('id', '=', bId).executeTakeFirstOrThrow()).left_reason === 'access_lost');
    // The coordinator stays.
    expect((await db.selectFrom('visio_participants').select('left_at').where('id', '=', aId).executeTakeFirstOrThrow()).left_at).toBeNull();
  });

  it('a connection that joins and leaves in a loop is stopped (each join is a line of the main courante)', async () => {
    const event = await newEvent('Salle martelée');
    const c = await connect(contrib);
    const id = randomUUID();
    for (let i = 0; i < 10; i++) {
      await joined(c, event.id, id);
      c.send({ type: 'visio.leave', eventId: event.id });
      await c.next((f) => f.type === 'visio.left');
    }
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const f = await join(c, event.id, id);
      if (f.type === 'visio.error') codes.push(f.code);
      else {
        c.send({ type: 'visio.leave', eventId: event.id });
        await c.next((x) => x.type === 'visio.left');
      }
    }
    expect(codes).toContain('rate_limited');
    expect((await entries(event.id)).filter((e) => e.text.endsWith('a rejoint la salle virtuelle.'))).toHaveLength(20);
  });

  it('a participant id already used by someone else is refused', async () => {
    const event = await newEvent('Réunion de crise');
    const id = randomUUID();
    await joined(await connect(coord), event.id, id);
    expect(await join(await connect(contrib), event.id, id)).toMatchObject({ type: 'visio.error', code: 'visio_participant_taken' });
  });
});

describe('chat of the room', () => {
  it('anyone who sees the event writes; a writer copies a message into the main courante in one click, once', async () => {
    const event = await newEvent('Tempête — salle virtuelle');
    const watcher = await connect(reader);
    await watcher.subscribe(topicOf('event', event.id));
    const posted = await json<VisioMessage>(await send(t.app, reader, 'POST', `/api/events/${event.id}/visio/messages`, { json: { body: '  Le pont de la Mosson est fermé à 14 h 10.  ' } }), 201);
    expect(posted).toMatchObject({ body: 'Le pont de la Mosson est fermé à 14 h 10.', authorName: w.usersA.reader.display_name, guest: false, entryId: null });
    const live = await watcher.next<Frame<'message'>>((f) => f.type === 'message' && f.event.kind === 'visio.message');
    expect(live.event).toEqual({ kind: 'visio.message', message: posted });

    // Bad input: empty, too long; nothing stored.
    const before = await countRows(db);
    expectError(await send(t.app, reader, 'POST', `/api/events/${event.id}/visio/messages`, { json: { body: '   ' } }), 'validation_failed');
    expectError(await send(t.app, reader, 'POST', `/api/events/${event.id}/visio/messages`, { json: { body: 'x'.repeat(2001) } }), 'validation_failed');
    // A reader may not write in the main courante, so may not copy.
    expectError(await send(t.app, reader, 'POST', `/api/events/${event.id}/visio/messages/${posted.id}/entry`), 'forbidden');
    expect(await countRows(db)).toEqual(before);

    const copied = await json<{ message: VisioMessage; entry: Entry }>(await send(t.app, contrib, 'POST', `/api/events/${event.id}/visio/messages/${posted.id}/entry`), 201);
    expect(copied.entry).toMatchObject({ kind: 'entry', text: 'Le pont de la Mosson est fermé à 14 h 10.', authorName: w.usersA.contributor.display_name, occurredAt: posted.createdAt });
    expect(copied.entry.source).toMatch(new RegExp(`^Salle virtuelle — ${w.usersA.reader.display_name}, \\d\\d:\\d\\d$`));
    expect(copied.message).toMatchObject({ entryId: copied.entry.id, entrySeq: copied.entry.seq, copiedByName: w.usersA.contributor.display_name });
    const again = expectError(await send(t.app, coord, 'POST', `/api/events/${event.id}/visio/messages/${posted.id}/entry`), 'visio_message_copied');
    expect(again.details).toEqual({ entryId: copied.entry.id });
    const room = await json<VisioRoom>(await send(t.app, coord, 'GET', `/api/events/${event.id}/visio`));
    expect(room.messages).toEqual([copied.message]);
    expect(room.canCopyToLogbook).toBe(true);
    expect((await json<VisioRoom>(await send(t.app, reader, 'GET', `/api/events/${event.id}/visio`))).canCopyToLogbook).toBe(false);

    // A guest with a reading link chats; a closed event's chat is read only.
    const link = await json<{ token: string }>(
      await send(t.app, coord, 'POST', `/api/events/${event.id}/guest-links`, { json: { label: 'Météo-France', access: 'read', expiresAt: new Date(Date.now() + 3600_000).toISOString() } }),
      201,
    );
    const guest = await joinAsGuest(link.token, 'Prévisionniste');
    const fromGuest = await json<VisioMessage>(await send(t.app, guest, 'POST', `/api/events/${event.id}/visio/messages`, { json: { body: 'Vigilance rouge levée à 18 h.' } }), 201);
    expect(fromGuest).toMatchObject({ guest: true, authorName: 'Prévisionniste (invité)' });
    expectError(await send(t.app, guest, 'POST', `/api/events/${event.id}/visio/messages/${fromGuest.id}/entry`), 'guest_read_only');
    await json(await send(t.app, coord, 'POST', `/api/events/${event.id}/close`));
    expectError(await send(t.app, reader, 'POST', `/api/events/${event.id}/visio/messages`, { json: { body: 'Trop tard' } }), 'event_closed');
    expectError(await send(t.app, coord, 'POST', `/api/events/${event.id}/visio/messages/${fromGuest.id}/entry`), 'event_closed');
  });
});

describe('ICE servers', () => {
  it('the settings’ STUN server, and a TURN server with credentials valid for a few hours (coturn use-auth-secret)', async () => {
    const event = await newEvent('Essai TURN');
    const room = await json<VisioRoom>(await send(t.app, contrib, 'GET', `/api/events/${event.id}/visio`));
    expect(room.iceServers[0]).toEqual({ urls: 'stun:stun.exemple.fr:3478' });
    const turn = room.iceServers[1];
    expect(turn.urls).toEqual(['turn:turn.exemple.fr:3478?transport=udp', 'turns:turn.exemple.fr:5349']);
    const [expiry, user] = turn.username!.split(':');
    expect(user).toBe(w.usersA.contributor.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(11 * 3600);
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username!).digest('base64'));
    expect(room.maxParticipants).toBe(MAX);
  });

  it('a wrong setting stops the start, naming it', () => {
    expect(() => loadConfig({ VISIO_ICE_SERVERS: 'stun:x' })).toThrow(/VISIO_ICE_SERVERS/);
    expect(() => loadConfig({ VISIO_ICE_SERVERS: '[{"urls":"http://x"}]' })).toThrow(ConfigError);
    expect(() => loadConfig({ VISIO_TURN_SECRET: TURN_SECRET })).toThrow(/VISIO_TURN_URLS/);
    expect(loadConfig({}).visio).toMatchObject({ iceServers: [], maxParticipants: 8 });
  });
});

describe('two server instances on one database', () => {
  let t2: TestApp;
  let port2: number;
  let closeSecond: () => Promise<void>;

  beforeAll(async () => {
    ({ app: t2, port: port2, close: closeSecond } = await startSecondInstance(t, { REQUESTS_PER_MINUTE: '1000000' }));
  });
  afterAll(async () => {
    await closeSecond?.();
  });

  it('participants held by different instances see each other and exchange offers of any size both ways', async () => {
    const event = await newEvent('Crise multi-sites');
    const a = await connect(coord, port);
    const b = await connect(contrib, port2);
    const aId = randomUUID();
    const bId = randomUUID();
    await joined(a, event.id, aId);
    const bJoined = await joined(b, event.id, bId);
    expect(bJoined.peers.map((p) => p.participantId)).toEqual([aId]);
    await peerFrame(a, 'joined', bId);
    const small = { candidate: { candidate: 'candidate:2 1 udp 1 10.0.0.2 9 typ host', sdpMid: '1', sdpMLineIndex: 1 } };
    const large = { description: { type: 'offer' as const, sdp: fakeSdp(12_000) } };
    b.send({ type: 'visio.signal', eventId: event.id, to: aId, data: large });
    b.send({ type: 'visio.signal', eventId: event.id, to: aId, data: small });
    const got = [await a.next<Frame<'visio.signal'>>((f) => f.type === 'visio.signal'), await a.next<Frame<'visio.signal'>>((f) => f.type === 'visio.signal')];
    expect(got.map((g) => g.data)).toEqual(expect.arrayContaining([large, small]));
    a.send({ type: 'visio.signal', eventId: event.id, to: bId, data: { description: { type: 'answer', sdp: fakeSdp(9000) } } });
    expect((await b.next<Frame<'visio.signal'>>((f) => f.type === 'visio.signal')).from).toBe(aId);
    // The large ones went through the table and were deleted once read.
    await eventually(async () => (await db.selectFrom('visio_signals').select('id').execute()).length === 0);
    b.send({ type: 'visio.leave', eventId: event.id });
    await peerFrame(a, 'left', bId);
  });
});

describe('after the walk', () => {
  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
