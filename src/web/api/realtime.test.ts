import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Announcement } from '../../shared';
import { RealtimeClient } from './realtime';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  frame(f: unknown) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const ORG = '11111111-1111-4111-8111-111111111111';
const TOPIC = `announcements:${ORG}`;
const announcement = (n: number): Announcement => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  organisationId: ORG,
  authorId: ORG,
  authorName: 'A',
  text: `m${n}`,
  level: 'info',
  createdAt: new Date(0).toISOString(),
});
const message = (seq: number) => ({ type: 'message', topic: TOPIC, seq, at: new Date(0).toISOString(), event: { kind: 'announcement.created', announcement: announcement(seq) } });

function makeClient(extra: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}) {
  return new RealtimeClient({ url: 'ws://test/api/realtime', WebSocketImpl: FakeSocket as unknown as typeof WebSocket, ...extra });
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RealtimeClient', () => {
  test('abonne, reçoit dans l’ordre, ignore les doublons, rattrape un trou avec since', () => {
    const client = makeClient();
    const events: number[] = [];
    const resync = vi.fn();
    client.start();
    client.subscribe(TOPIC, { onEvent: (_e, f) => events.push(f.seq), onResync: resync });
    const ws = FakeSocket.all[0];
    ws.open();
    expect(ws.sent).toEqual([{ type: 'subscribe', topic: TOPIC }]);
    ws.frame({ type: 'subscribed', topic: TOPIC, seq: 4 });
    expect(resync).toHaveBeenCalledTimes(1);
    ws.frame(message(5));
    ws.frame(message(5));
    ws.frame(message(8)); // gap: 6 and 7 missing
    expect(events).toEqual([5]);
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', topic: TOPIC, since: 5 });
    ws.frame({ type: 'subscribed', topic: TOPIC, seq: 8 });
    ws.frame(message(6));
    ws.frame(message(7));
    ws.frame(message(8));
    expect(events).toEqual([5, 6, 7, 8]);
    expect(client.lastSeq(TOPIC)).toBe(8);
    client.stop();
  });

  test('se reconnecte avec une attente croissante plafonnée et réabonne avec since', async () => {
    const client = makeClient({ backoffBaseMs: 500, backoffCapMs: 10_000 });
    const statuses: string[] = [];
    client.onStatus((s) => statuses.push(s));
    client.start();
    client.subscribe(TOPIC, {});
    FakeSocket.all[0].open();
    FakeSocket.all[0].frame({ type: 'subscribed', topic: TOPIC, seq: 3 });
    FakeSocket.all[0].frame(message(4));
    FakeSocket.all[0].drop();
    expect(client.status).toBe('reconnecting');
    // Successive failures: delays grow, never beyond the cap (+25 % jitter).
    for (let i = 1; i <= 8; i++) {
      await vi.advanceTimersByTimeAsync(12_500);
      expect(FakeSocket.all.length).toBe(i + 1);
      if (i < 8) FakeSocket.all[i].drop();
    }
    const last = FakeSocket.all.at(-1)!;
    last.open();
    expect(client.status).toBe('connected');
    expect(last.sent).toEqual([{ type: 'subscribe', topic: TOPIC, since: 4 }]);
    expect(statuses).toContain('reconnecting');
    client.stop();
  });

  test('fin de session : pas de reconnexion', async () => {
    const ended = vi.fn();
    const client = makeClient({ onSessionEnded: ended });
    client.start();
    FakeSocket.all[0].open();
    FakeSocket.all[0].frame({ type: 'session.ended', reason: 'account_disabled' });
    expect(ended).toHaveBeenCalledWith('account_disabled');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(FakeSocket.all.length).toBe(1);

    const ended2 = vi.fn();
    const c2 = makeClient({ onSessionEnded: ended2 });
    c2.start();
    FakeSocket.all[1].open();
    FakeSocket.all[1].drop(4401);
    expect(ended2).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(FakeSocket.all.length).toBe(2);
  });
  test('presence frames reach the listeners of their topic and are kept for late listeners', () => {
    const client = makeClient();
    client.start();
    const ws = FakeSocket.all[0];
    ws.open();
    const EVENT = 'event:22222222-2222-4222-8222-222222222222';
    const seen: unknown[] = [];
    const other: unknown[] = [];
    client.subscribe(EVENT, { onPresence: (v) => seen.push(v) });
    client.subscribe(TOPIC, { onPresence: (v) => other.push(v) });
    ws.frame({ type: 'subscribed', topic: EVENT, seq: 0 });
    const viewers = [
      { userId: 'a', name: 'Camille Coordination' },
      { userId: 'b', name: 'Louis Lecteur' },
    ];
    ws.frame({ type: 'presence', topic: EVENT, viewers });
    expect(seen).toEqual([viewers]);
    expect(other).toEqual([]);
    expect(client.viewers(EVENT)).toEqual(viewers);
    // A second component on the same topic learns at once who is there.
    const late: unknown[] = [];
    client.subscribe(EVENT, { onPresence: (v) => late.push(v) });
    expect(late).toEqual([viewers]);
    ws.frame({ type: 'presence', topic: EVENT, viewers: [viewers[0]] });
    expect(seen).toEqual([viewers, [viewers[0]]]);
    expect(late).toEqual([viewers, [viewers[0]]]);
    // Unknown topic: ignored.
    ws.frame({ type: 'presence', topic: 'event:33333333-3333-4333-8333-333333333333', viewers });
    expect(seen).toHaveLength(2);
    client.stop();
  });

  test('une salle virtuelle : rejoint à l’ouverture et à chaque reconnexion, reçoit ses trames, envoie les siennes', () => {
    const client = makeClient();
    const EVENT = '22222222-2222-4222-8222-222222222222';
    const frames: string[] = [];
    let opens = 0;
    let downs = 0;
    client.start();
    const detach = client.attachRoom({
      onOpen: () => {
        opens += 1;
        client.sendRoom({ type: 'visio.join', eventId: EVENT, participantId: EVENT, media: { audio: true, video: false, screen: false } });
      },
      onDown: () => (downs += 1),
      onFrame: (f) => frames.push(f.type),
    });
    expect(opens).toBe(0); // not connected yet
    const ws = FakeSocket.all[0];
    ws.open();
    expect(opens).toBe(1);
    expect(ws.sent).toEqual([{ type: 'visio.join', eventId: EVENT, participantId: EVENT, media: { audio: true, video: false, screen: false } }]);
    ws.frame({ type: 'visio.joined', eventId: EVENT, self: { participantId: EVENT, userId: EVENT, name: 'A', guest: false, media: { audio: true, video: false, screen: false }, connected: true, joinedAt: new Date(0).toISOString() }, peers: [], resumed: false });
    ws.frame({ type: 'visio.error', eventId: EVENT, code: 'visio_room_full', message: 'pleine' });
    expect(frames).toEqual(['visio.joined', 'visio.error']);
    ws.drop();
    expect(downs).toBe(1);
    expect(client.sendRoom({ type: 'visio.leave', eventId: EVENT })).toBe(false);
    vi.advanceTimersByTime(1000);
    const again = FakeSocket.all[1];
    again.open();
    expect(opens).toBe(2);
    expect(again.sent.at(-1)).toMatchObject({ type: 'visio.join', eventId: EVENT });
    detach();
    again.frame({ type: 'visio.left', eventId: EVENT, reason: 'left' });
    expect(frames).toHaveLength(2);
  });
});
