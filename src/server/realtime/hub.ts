import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { sql, type Kysely, type OperationNodeSource } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../db/schema';
import type { Database } from '../db/client';
import type { AuthContext } from '../http/context';
import {
  clientFrameSchema,
  parseTopic,
  WS_CLOSE_SESSION_ENDED,
  type ClientFrame,
  type RealtimeEvent,
  type ServerFrame,
  type SessionEndReason,
} from '../../shared/realtime';
import { errorMessages } from '../../shared/errors';

const CHANNEL = 'vigie_realtime';
const CONTROL_CHANNEL = 'vigie_control';
/** NOTIFY payloads are limited to 8000 bytes; larger events are read back from the table. */
const MAX_INLINE_PAYLOAD = 7000;
const REPLAY_LIMIT = 1000;
const MAX_SUBSCRIPTIONS_PER_SOCKET = 200;

/** Decides whether a session may subscribe to `<kind>:<id>`; registered by the module owning the kind. */
export type TopicPolicy = (auth: AuthContext, id: string, db: Kysely<DB>) => Promise<boolean>;

interface Notification {
  topic: string;
  seq: number;
  at: string;
  event?: RealtimeEvent;
}

interface Viewer {
  userId: string;
  name: string;
}
type ControlMessage =
  | { kind: 'sessions.ended'; sessionIds?: string[]; userIds?: string[]; reason: SessionEndReason }
  | { kind: 'topics.recheck'; topics?: string[]; topicKind?: string }
  /** A viewer joined or left a presence topic on one instance. */
  | { kind: 'presence'; op: 'join' | 'leave'; instance: string; key: string; topic: string; userId: string; name: string }
  /** One instance's full list of viewers of a topic (heartbeat, or answer to a sync request). */
  | { kind: 'presence.state'; instance: string; topic: string; viewers: Array<Viewer & { key: string }> }
  | { kind: 'presence.sync'; instance: string };

const PRESENCE_HEARTBEAT_MS = 20_000;
const PRESENCE_EXPIRY_MS = 65_000;

interface Subscription {
  lastSeq: number;
  syncing: boolean;
  buffer: Notification[];
}

/** What a frame handler (the virtual rooms) sees of a connection. */
export interface RealtimeClientHandle {
  readonly id: string;
  readonly auth: AuthContext;
  send(frame: ServerFrame): void;
}

export type RoomClientFrame = Extract<ClientFrame, { type: `visio.${string}` }>;

/** Handles the `visio.*` frames of the connections (signalling of the virtual rooms). */
export interface RoomFrameHandler {
  onFrame(client: RealtimeClientHandle, frame: RoomClientFrame): Promise<void>;
  /** The connection is gone: `reason` when its session ended (logout, revoked link...), null when it dropped. */
  onDetach(client: RealtimeClientHandle, reason: SessionEndReason | null): void;
  /** Access to events may have been withdrawn: re-check the local participants. */
  recheck(): Promise<void>;
}

interface Connection {
  id: string;
  handle: RealtimeClientHandle;
  socket: WebSocket;
  auth: AuthContext;
  subs: Map<string, Subscription>;
  alive: boolean;
  /** Ends the connection when the session (or a guest's link) expires. */
  expiry?: NodeJS.Timeout;
}

export class RealtimeHub {
  private readonly policies = new Map<string, TopicPolicy>();
  private readonly presenceKinds = new Set<string>();
  /** Kinds a guest (invited by link, no account) may subscribe to; the policy still decides. */
  private readonly guestKinds = new Set<string>();
  private readonly instanceId = randomUUID();
  /** topic → viewer key (instance:connection) → viewer, across every instance. */
  private readonly presence = new Map<string, Map<string, Viewer & { instance: string }>>();
  private readonly instanceSeen = new Map<string, number>();
  private readonly connections = new Set<Connection>();
  private readonly byTopic = new Map<string, Set<Connection>>();
  private unlisten: Array<() => Promise<void>> = [];
  private readonly publishedListeners: Array<(topic: string) => void> = [];
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private rooms: RoomFrameHandler | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { retentionDays: number; validateSession: (sessionId: string) => Promise<boolean> },
  ) {}

  /** `presence`: subscribers of this kind of topic are told who else is viewing it. */
  registerTopicKind(kind: string, policy: TopicPolicy, opts: { presence?: boolean; guests?: boolean } = {}): void {
    this.policies.set(kind, opts.guests ? policy : async (auth, id, db) => !auth.guest && (await policy(auth, id, db)));
    if (opts.presence) this.presenceKinds.add(kind);
    if (opts.guests) this.guestKinds.add(kind);
  }

  /** The handler of the `visio.*` frames (one per hub). */
  setRoomHandler(handler: RoomFrameHandler): void {
    this.rooms = handler;
  }

  /** This server instance, as named in the control messages. */
  get instance(): string {
    return this.instanceId;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unlisten.push(await this.database.listen(CHANNEL, (p) => this.onNotification(p)));
    this.unlisten.push(await this.database.listen(CONTROL_CHANNEL, (p) => this.onControl(p)));
    // Dead peers (a phone that lost its network) are found by ping/pong; expired or idle sessions
    // are closed even if nobody logs them out.
    this.timers.push(setInterval(() => this.heartbeat(), 30_000).unref());
    this.timers.push(setInterval(() => void this.revalidateSessions(), 60_000).unref());
    this.timers.push(setInterval(() => void this.prune(), 3600_000).unref());
    this.timers.push(setInterval(() => void this.presenceHeartbeat(), PRESENCE_HEARTBEAT_MS).unref());
    await this.control({ kind: 'presence.sync', instance: this.instanceId });
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    this.timers = [];
    for (const c of this.connections) c.socket.close(1001, 'server shutting down');
    await Promise.all(this.unlisten.splice(0).map((u) => u().catch(() => {})));
    this.started = false;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Publishes an event on a topic inside the caller's transaction: the sequence number and the
   * stored copy commit with the write, and PostgreSQL delivers the NOTIFY only at commit, to every
   * server instance listening on the database.
   */
  async publish(tx: Kysely<DB>, topic: string, event: RealtimeEvent, along: ReadonlyArray<OperationNodeSource> = []): Promise<number> {
    // One statement: the topic's sequence row is locked from here to the commit, so the
    // transactions of a busy topic (250 communes declaring at once) wait on it as briefly as possible.
    // `along`: other writes of the transaction (INSERT … as data-modifying CTEs) sent in the same
    // round trip, a declaration's last statements.
    const json = JSON.stringify(event);
    const extra = along.map((q, i) => sql`${sql.ref(`w${i}`)} AS (${q}),`);
    const r = await sql<{ seq: number }>`
      WITH ${extra.length ? sql.join(extra, sql` `) : sql``} t AS (
        INSERT INTO realtime_topics (topic, seq) VALUES (${topic}, 1)
        ON CONFLICT (topic) DO UPDATE SET seq = realtime_topics.seq + 1
        RETURNING seq
      ), m AS (
        INSERT INTO realtime_messages (topic, seq, event) SELECT ${topic}, t.seq, ${json}::jsonb FROM t
        RETURNING seq, created_at
      ), note AS (
        SELECT m.seq, json_build_object('topic', ${topic}::text, 'seq', m.seq, 'at', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS head
        FROM m
      )
      SELECT note.seq, pg_notify(${CHANNEL},
        CASE WHEN octet_length(${json}::text) + 200 > ${MAX_INLINE_PAYLOAD}::int
          THEN note.head::text
          ELSE (note.head::jsonb || jsonb_build_object('event', ${json}::jsonb))::text END) AS sent
      FROM note`.execute(tx);
    return Number(r.rows[0].seq);
  }

  /** Ends the realtime connections of sessions (logout, disabled account...), on every instance. */
  async endSessions(tx: Kysely<DB>, target: { sessionIds?: string[]; userIds?: string[] }, reason: SessionEndReason): Promise<void> {
    const msg: ControlMessage = { kind: 'sessions.ended', ...target, reason };
    await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify(msg)})`.execute(tx);
  }

  /**
   * After an access was withdrawn (a share removed...), asks every instance to re-check the
   * subscribers of `topics` against the topic policy: those no longer allowed lose the topic and
   * get the `not_found` error a new subscription would get. Sent at commit, like `publish`.
   */
  async recheckTopics(tx: Kysely<DB>, topics: string[]): Promise<void> {
    const msg: ControlMessage = { kind: 'topics.recheck', topics };
    await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify(msg)})`.execute(tx);
  }

  /**
   * Like `recheckTopics` for every subscribed topic of a kind (all `event:*` after an audience
   * changed): each instance re-checks only the topics it has subscribers for.
   */
  async recheckTopicKind(tx: Kysely<DB>, topicKind: string): Promise<void> {
    const msg: ControlMessage = { kind: 'topics.recheck', topicKind };
    await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify(msg)})`.execute(tx);
  }

  attach(socket: WebSocket, auth: AuthContext): void {
    const id = randomUUID();
    const conn: Connection = { id, socket, auth, subs: new Map(), alive: true, handle: { id, auth, send: (f) => this.send(conn, f) } };
    this.connections.add(conn);
    socket.on('pong', () => (conn.alive = true));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.send(conn, { type: 'error', code: 'validation_failed', message: errorMessages.validation_failed });
      void this.onClientFrame(conn, data.toString()).catch((err: unknown) => this.log.error({ err }, 'realtime frame failed'));
    });
    socket.on('close', () => this.detach(conn));
    socket.on('error', () => this.detach(conn));
    // At its absolute expiry (for a guest, the link's), the session ends here too, to the second;
    // idle expiry and revocations are caught by the periodic check and the control messages.
    const left = auth.expiresAt.getTime() - Date.now();
    if (left < 2 ** 31 - 1) conn.expiry = setTimeout(() => this.endConnection(conn, 'session_expired'), Math.max(0, left));
    conn.expiry?.unref();
    this.send(conn, { type: 'hello', sessionExpiresAt: auth.expiresAt.toISOString() });
  }

  private detach(conn: Connection, reason: SessionEndReason | null = null): void {
    if (conn.expiry) clearTimeout(conn.expiry);
    if (!this.connections.delete(conn)) return;
    for (const topic of conn.subs.keys()) this.removeFromTopic(conn, topic);
    this.rooms?.onDetach(conn.handle, reason);
  }

  private removeFromTopic(conn: Connection, topic: string): void {
    const set = this.byTopic.get(topic);
    set?.delete(conn);
    if (set && set.size === 0) this.byTopic.delete(topic);
    if (this.isPresenceTopic(topic)) void this.announce('leave', conn, topic);
  }

  private isPresenceTopic(topic: string): boolean {
    const p = parseTopic(topic);
    return p !== null && this.presenceKinds.has(p.kind);
  }

  private async control(msg: ControlMessage): Promise<void> {
    await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify(msg)})`.execute(this.database.db).catch((err: unknown) => this.log.warn({ err }, 'realtime control failed'));
  }

  private async announce(op: 'join' | 'leave', conn: Connection, topic: string): Promise<void> {
    await this.control({ kind: 'presence', op, instance: this.instanceId, key: `${this.instanceId}:${conn.id}`, topic, userId: conn.auth.user.id, name: conn.auth.user.displayName });
  }

  private localViewers(topic: string): Array<Viewer & { key: string }> {
    return [...(this.byTopic.get(topic) ?? [])].map((c) => ({ key: `${this.instanceId}:${c.id}`, userId: c.auth.user.id, name: c.auth.user.displayName }));
  }

  private async presenceHeartbeat(): Promise<void> {
    const now = Date.now();
    for (const [instance, seen] of this.instanceSeen) {
      if (instance !== this.instanceId && now - seen > PRESENCE_EXPIRY_MS) {
        this.instanceSeen.delete(instance);
        for (const [topic, viewers] of this.presence) {
          let changed = false;
          for (const [key, v] of viewers) if (v.instance === instance) changed = viewers.delete(key) || changed;
          if (changed) this.sendPresence(topic);
        }
      }
    }
    for (const topic of this.byTopic.keys()) {
      if (!this.isPresenceTopic(topic)) continue;
      // NOTIFY payloads stop at 8,000 bytes: a topic's list is cut at 100 viewers per instance.
      await this.control({ kind: 'presence.state', instance: this.instanceId, topic, viewers: this.localViewers(topic).slice(0, 100) });
    }
  }

  private onPresence(msg: ControlMessage): void {
    if (msg.kind === 'presence.sync') {
      if (msg.instance !== this.instanceId) void this.presenceHeartbeat();
      return;
    }
    if (msg.kind === 'presence') {
      this.instanceSeen.set(msg.instance, Date.now());
      let viewers = this.presence.get(msg.topic);
      if (!viewers) this.presence.set(msg.topic, (viewers = new Map()));
      if (msg.op === 'join') viewers.set(msg.key, { userId: msg.userId, name: msg.name, instance: msg.instance });
      else viewers.delete(msg.key);
      if (viewers.size === 0) this.presence.delete(msg.topic);
      this.sendPresence(msg.topic);
      return;
    }
    if (msg.kind === 'presence.state') {
      this.instanceSeen.set(msg.instance, Date.now());
      let viewers = this.presence.get(msg.topic);
      if (!viewers) this.presence.set(msg.topic, (viewers = new Map()));
      const before = JSON.stringify([...viewers.keys()].sort());
      for (const [key, v] of viewers) if (v.instance === msg.instance) viewers.delete(key);
      for (const v of msg.viewers) viewers.set(v.key, { userId: v.userId, name: v.name, instance: msg.instance });
      if (viewers.size === 0) this.presence.delete(msg.topic);
      if (JSON.stringify([...(this.presence.get(msg.topic)?.keys() ?? [])].sort()) !== before) this.sendPresence(msg.topic);
    }
  }

  /** Tells local subscribers of a topic who is viewing it, one line per person. */
  private sendPresence(topic: string): void {
    const set = this.byTopic.get(topic);
    if (!set || set.size === 0) return;
    const people = new Map<string, Viewer>();
    for (const v of this.presence.get(topic)?.values() ?? []) people.set(v.userId, { userId: v.userId, name: v.name });
    const frame = Buffer.from(JSON.stringify({ type: 'presence', topic, viewers: [...people.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr')) }));
    for (const conn of set) if (conn.subs.has(topic)) this.send(conn, frame);
  }

  private send(conn: Connection, frame: ServerFrame | Buffer): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    // A fan-out frame arrives encoded once (Buffer) and goes to every subscriber as a text frame.
    if (Buffer.isBuffer(frame)) conn.socket.send(frame, { binary: false });
    else conn.socket.send(JSON.stringify(frame));
  }

  private async onClientFrame(conn: Connection, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.send(conn, { type: 'error', code: 'invalid_json', message: errorMessages.invalid_json });
    }
    const parsed = clientFrameSchema.safeParse(raw);
    if (!parsed.success) return this.send(conn, { type: 'error', code: 'validation_failed', message: errorMessages.validation_failed });
    const frame = parsed.data;
    switch (frame.type) {
      case 'ping':
        return this.send(conn, { type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
      case 'unsubscribe':
        conn.subs.delete(frame.topic);
        this.removeFromTopic(conn, frame.topic);
        return this.send(conn, { type: 'unsubscribed', topic: frame.topic });
      case 'subscribe':
        return this.subscribe(conn, frame.topic, frame.since);
      case 'visio.join':
      case 'visio.leave':
      case 'visio.media':
      case 'visio.signal':
        if (!this.rooms) return this.send(conn, { type: 'error', code: 'validation_failed', message: errorMessages.validation_failed });
        return this.rooms.onFrame(conn.handle, frame);
      default: {
        const never: never = frame;
        return never;
      }
    }
  }

  private async subscribe(conn: Connection, topic: string, since: number | undefined): Promise<void> {
    const parsed = parseTopic(topic);
    const policy = parsed ? this.policies.get(parsed.kind) : undefined;
    if (!parsed || !policy) return this.send(conn, { type: 'error', code: 'topic_invalid', message: errorMessages.topic_invalid, topic });
    // A topic one may not see answers exactly like one that does not exist.
    const allowed = await policy(conn.auth, parsed.id, this.database.db).catch(() => false);
    if (!allowed) return this.send(conn, { type: 'error', code: 'not_found', message: errorMessages.not_found, topic });
    if (!conn.subs.has(topic) && conn.subs.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return this.send(conn, { type: 'error', code: 'rate_limited', message: errorMessages.rate_limited, topic });
    }
    const sub: Subscription = { lastSeq: 0, syncing: true, buffer: [] };
    conn.subs.set(topic, sub);
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    const isNew = !set.has(conn);
    set.add(conn);
    if (isNew && this.isPresenceTopic(topic)) void this.announce('join', conn, topic);
    else if (this.isPresenceTopic(topic)) this.sendPresence(topic);
    const current = await this.database.db.selectFrom('realtime_topics').select('seq').where('topic', '=', topic).executeTakeFirst();
    const currentSeq = current?.seq ?? 0;
    if (since === undefined || since >= currentSeq) {
      sub.lastSeq = since === undefined ? currentSeq : Math.min(since, currentSeq);
      this.send(conn, { type: 'subscribed', topic, seq: sub.lastSeq });
      sub.syncing = false;
      this.flush(conn, topic, sub);
      if (since !== undefined && since > currentSeq) return; // client ahead (database reset): it keeps its state
      return;
    }
    sub.lastSeq = since;
    this.send(conn, { type: 'subscribed', topic, seq: since });
    await this.catchUp(conn, topic, sub);
  }

  /** Sends what a subscriber missed from the stored messages, then what arrived meanwhile. */
  private async catchUp(conn: Connection, topic: string, sub: Subscription): Promise<void> {
    sub.syncing = true;
    try {
      const rows = await this.database.db
        .selectFrom('realtime_messages')
        .select(['seq', 'event', 'created_at'])
        .where('topic', '=', topic)
        .where('seq', '>', sub.lastSeq)
        .orderBy('seq')
        .limit(REPLAY_LIMIT + 1)
        .execute();
      const first = rows[0];
      if (rows.length > REPLAY_LIMIT || (first && first.seq !== sub.lastSeq + 1)) {
        // Too much missed, or pruned already: the client reloads the topic's state over HTTP.
        const last = await this.database.db.selectFrom('realtime_topics').select('seq').where('topic', '=', topic).executeTakeFirst();
        sub.lastSeq = last?.seq ?? sub.lastSeq;
        this.send(conn, { type: 'resync', topic, seq: sub.lastSeq });
      } else {
        for (const r of rows) {
          this.send(conn, { type: 'message', topic, seq: r.seq, at: r.created_at.toISOString(), event: r.event as RealtimeEvent });
          sub.lastSeq = r.seq;
        }
      }
    } finally {
      sub.syncing = false;
    }
    this.flush(conn, topic, sub);
  }

  private flush(conn: Connection, topic: string, sub: Subscription): void {
    const pending = sub.buffer.sort((a, b) => a.seq - b.seq);
    sub.buffer = [];
    for (const n of pending) this.deliver(conn, topic, sub, n, undefined);
  }

  private deliver(conn: Connection, topic: string, sub: Subscription, n: Notification, frame: Buffer | undefined): void {
    if (sub.syncing) {
      sub.buffer.push(n);
      return;
    }
    if (n.seq <= sub.lastSeq) return;
    if (n.seq !== sub.lastSeq + 1 || !n.event) {
      // A gap (notifications can arrive out of order across transactions), or an event too large
      // to travel inline: read from the stored messages.
      sub.buffer.push(n);
      void this.catchUp(conn, topic, sub).catch((err: unknown) => this.log.error({ err }, 'realtime catch-up failed'));
      return;
    }
    sub.lastSeq = n.seq;
    this.send(conn, frame ?? Buffer.from(JSON.stringify({ type: 'message', topic, seq: n.seq, at: n.at, event: n.event })));
  }

  /**
   * Listens to every message published on the database, by any instance, before it is relayed
   * to the subscribers (in-process caches drop what the message makes stale).
   */
  onPublished(listener: (topic: string) => void): void {
    this.publishedListeners.push(listener);
  }

  private onNotification(payload: string): void {
    let n: Notification;
    try {
      n = JSON.parse(payload) as Notification;
    } catch {
      return;
    }
    for (const l of this.publishedListeners) {
      try {
        l(n.topic);
      } catch (err) {
        this.log.error({ err }, 'realtime listener failed');
      }
    }
    const set = this.byTopic.get(n.topic);
    if (!set) return;
    // Serialised once, sent to every subscriber as is.
    const frame = n.event ? Buffer.from(JSON.stringify({ type: 'message', topic: n.topic, seq: n.seq, at: n.at, event: n.event })) : undefined;
    for (const conn of set) {
      const sub = conn.subs.get(n.topic);
      if (sub) this.deliver(conn, n.topic, sub, n, frame);
    }
  }

  private onControl(payload: string): void {
    let msg: ControlMessage;
    try {
      msg = JSON.parse(payload) as ControlMessage;
    } catch {
      return;
    }
    if (msg.kind === 'topics.recheck') {
      const topics = msg.topicKind ? [...this.byTopic.keys()].filter((t) => parseTopic(t)?.kind === msg.topicKind) : (msg.topics ?? []);
      void this.recheck(topics).catch((err: unknown) => this.log.error({ err }, 'realtime recheck failed'));
      return;
    }
    if (msg.kind !== 'sessions.ended') return this.onPresence(msg);
    const sessions = new Set(msg.sessionIds ?? []);
    const users = new Set(msg.userIds ?? []);
    for (const conn of this.connections) {
      if (sessions.has(conn.auth.sessionId) || users.has(conn.auth.user.id)) this.endConnection(conn, msg.reason);
    }
  }

  private async recheck(topics: string[]): Promise<void> {
    for (const topic of topics) {
      const parsed = parseTopic(topic);
      const policy = parsed ? this.policies.get(parsed.kind) : undefined;
      for (const conn of [...(this.byTopic.get(topic) ?? [])]) {
        const allowed = parsed && policy ? await policy(conn.auth, parsed.id, this.database.db).catch(() => false) : false;
        if (allowed || !conn.subs.has(topic)) continue;
        conn.subs.delete(topic);
        this.removeFromTopic(conn, topic);
        this.send(conn, { type: 'error', code: 'not_found', message: errorMessages.not_found, topic });
      }
    }
    await this.rooms?.recheck();
  }

  private endConnection(conn: Connection, reason: SessionEndReason): void {
    this.send(conn, { type: 'session.ended', reason });
    conn.socket.close(WS_CLOSE_SESSION_ENDED, reason.slice(0, 100));
    this.detach(conn, reason);
  }

  private heartbeat(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        this.detach(conn);
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  private async revalidateSessions(): Promise<void> {
    for (const conn of [...this.connections]) {
      const ok = await this.opts.validateSession(conn.auth.sessionId).catch(() => true);
      if (!ok) this.endConnection(conn, 'session_expired');
    }
  }

  async prune(): Promise<void> {
    await this.database.db
      .deleteFrom('realtime_messages')
      .where('created_at', '<', new Date(Date.now() - this.opts.retentionDays * 86_400_000))
      .execute()
      .catch((err: unknown) => this.log.warn({ err }, 'realtime prune failed'));
  }
}
