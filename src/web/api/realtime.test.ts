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
});
