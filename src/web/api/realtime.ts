// Realtime client: one WebSocket per tab at REALTIME_PATH (cookie-authenticated), topics with
// per-topic sequence numbers, automatic reconnection with exponential backoff (cap 10 s) and
// catch-up with `since`. A React provider/hook pair exposes it to components.

import { createContext, createElement, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import {
  REALTIME_PATH,
  WS_CLOSE_SESSION_ENDED,
  serverFrameSchema,
  type ClientFrame,
  type RealtimeEvent,
  type ServerFrame,
} from '../../shared';

export type RealtimeStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface TopicListener {
  /** A new event on the topic, in sequence order, each sequence number once. */
  onEvent?: (event: RealtimeEvent, frame: Extract<ServerFrame, { type: 'message' }>) => void;
  /** The topic's state must be reloaded from the HTTP API (first subscription, `resync`, reset). */
  onResync?: () => void;
  /** Who is viewing the topic right now (presence topics only: `event:<id>`), each time it changes. */
  onPresence?: (viewers: readonly Viewer[]) => void;
  /**
   * The server refused or ended the subscription (`not_found`: the topic does not exist or is no
   * longer allowed, e.g. an event whose audience no longer includes the person).
   */
  onError?: (code: string, message: string) => void;
}

/** A person viewing a presence topic (from the server's `presence` frames). */
export type Viewer = Extract<ServerFrame, { type: 'presence' }>['viewers'][number];

interface TopicState {
  lastSeq: number | null;
  listeners: Set<TopicListener>;
  /** A subscribe frame is in flight on the current socket. */
  pending: boolean;
  /** Last presence list received for the topic (null until the server sends one). */
  viewers: readonly Viewer[] | null;
}

export interface RealtimeOptions {
  url?: string;
  /** The server said the session ended (frame `session.ended` or close code 4401). */
  onSessionEnded?: (reason: string) => void;
  /** Called before each reconnection attempt after a failure; return false to stop reconnecting. */
  beforeReconnect?: () => Promise<boolean>;
  WebSocketImpl?: typeof WebSocket;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  pingIntervalMs?: number;
}

// WebSocket readyState values (not read from the global, absent from some runtimes).
const CONNECTING = 0;
const OPEN = 1;

export function defaultRealtimeUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}${REALTIME_PATH}`;
}

/** Frames of the virtual rooms (WebRTC signalling), sent and received over this connection. */
export type RoomServerFrame = Extract<ServerFrame, { type: `visio.${string}` }>;
export type RoomClientFrame = Extract<ClientFrame, { type: `visio.${string}` }>;

/** A virtual room riding on the connection: told when it opens (to join again), drops, and of its frames. */
export interface RoomChannel {
  onOpen(): void;
  onDown(): void;
  onFrame(frame: RoomServerFrame): void;
}

export class RealtimeClient {
  private ws: WebSocket | null = null;
  private readonly rooms = new Set<RoomChannel>();
  private readonly topics = new Map<string, TopicState>();
  private readonly statusListeners = new Set<(s: RealtimeStatus) => void>();
  private _status: RealtimeStatus = 'idle';
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = true;
  private ended = false;
  private readonly opts: Required<Omit<RealtimeOptions, 'onSessionEnded' | 'beforeReconnect' | 'url' | 'WebSocketImpl'>> &
    RealtimeOptions;

  constructor(options: RealtimeOptions = {}) {
    this.opts = { backoffBaseMs: 500, backoffCapMs: 10_000, pingIntervalMs: 25_000, ...options };
  }

  get status(): RealtimeStatus {
    return this._status;
  }

  onStatus(fn: (s: RealtimeStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.ended = false;
    this.attempt = 0;
    if (typeof window !== 'undefined') window.addEventListener('online', this.handleOnline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.handleOnline);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws && (ws.readyState === OPEN || ws.readyState === CONNECTING)) ws.close(1000, 'client stop');
    this.setStatus('closed');
  }

  /** Subscribe to a topic; returns the unsubscribe function. */
  subscribe(topic: string, listener: TopicListener): () => void {
    let state = this.topics.get(topic);
    if (!state) {
      state = { lastSeq: null, listeners: new Set(), pending: false, viewers: null };
      this.topics.set(topic, state);
    }
    state.listeners.add(listener);
    if (state.listeners.size === 1) this.sendSubscribe(topic, state);
    // A second listener on a topic already followed learns at once who is there.
    else if (state.viewers) listener.onPresence?.(state.viewers);
    return () => {
      const s = this.topics.get(topic);
      if (!s) return;
      s.listeners.delete(listener);
      if (s.listeners.size === 0) {
        this.topics.delete(topic);
        this.send({ type: 'unsubscribe', topic });
      }
    };
  }

  /** Attaches a virtual room: `onOpen` now if connected, and after every reconnection. */
  attachRoom(channel: RoomChannel): () => void {
    this.rooms.add(channel);
    if (this._status === 'connected') channel.onOpen();
    return () => {
      this.rooms.delete(channel);
    };
  }

  /** Sends a room frame; false when the connection is down (the room joins again when it is back). */
  sendRoom(frame: RoomClientFrame): boolean {
    return this.send(frame);
  }

  /** Last sequence number seen on a topic (tests, diagnostics). */
  lastSeq(topic: string): number | null {
    return this.topics.get(topic)?.lastSeq ?? null;
  }

  /** Last known viewers of a presence topic (null before the first `presence` frame). */
  viewers(topic: string): readonly Viewer[] | null {
    return this.topics.get(topic)?.viewers ?? null;
  }

  private handleOnline = () => {
    if (this.stopped || this.ended) return;
    if (this._status === 'reconnecting') {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }
  };

  private setStatus(s: RealtimeStatus) {
    if (this._status === s) return;
    this._status = s;
    for (const fn of this.statusListeners) fn(s);
  }

  private clearTimers() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.reconnectTimer = null;
    this.pingTimer = null;
  }

  private connect() {
    if (this.stopped || this.ended) return;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(this.opts.url ?? defaultRealtimeUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    for (const state of this.topics.values()) state.pending = false;

    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.setStatus('connected');
      for (const [topic, state] of this.topics) this.sendSubscribe(topic, state);
      for (const room of [...this.rooms]) room.onOpen();
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.opts.pingIntervalMs);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      let raw: unknown;
      try {
        raw = JSON.parse(typeof ev.data === 'string' ? ev.data : '');
      } catch {
        return;
      }
      const parsed = serverFrameSchema.safeParse(raw);
      if (!parsed.success) {
        console.warn('[vigie] trame temps réel inattendue', raw);
        // A message this client cannot read (a newer server?) must not stall its topic: its
        // number counts as seen, and the topic's state is reloaded over HTTP instead.
        const m = raw as { type?: unknown; topic?: unknown; seq?: unknown };
        const state = m.type === 'message' && typeof m.topic === 'string' && typeof m.seq === 'number' ? this.topics.get(m.topic) : undefined;
        if (state && typeof m.seq === 'number' && (state.lastSeq === null || m.seq > state.lastSeq)) {
          state.lastSeq = m.seq;
          this.resync(state);
        }
        return;
      }
      this.handleFrame(parsed.data);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      for (const room of [...this.rooms]) room.onDown();
      if (ev.code === WS_CLOSE_SESSION_ENDED) {
        this.sessionEnded('closed');
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnection.
    };
  }

  private scheduleReconnect() {
    if (this.stopped || this.ended) return;
    this.setStatus('reconnecting');
    const exp = Math.min(this.opts.backoffCapMs, this.opts.backoffBaseMs * 2 ** this.attempt);
    const delay = Math.round(exp * (0.75 + Math.random() * 0.5));
    this.attempt += 1;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      if (this.stopped || this.ended) return;
      // After repeated failures, check the session is still valid (an expired cookie makes the
      // upgrade fail without any frame).
      if (this.attempt >= 2 && this.opts.beforeReconnect) {
        let go = true;
        try {
          go = await this.opts.beforeReconnect();
        } catch {
          go = true;
        }
        if (!go) {
          this.stop();
          return;
        }
      }
      this.connect();
    }, delay);
  }

  private sessionEnded(reason: string) {
    if (this.ended) return;
    this.ended = true;
    this.stop();
    this.opts.onSessionEnded?.(reason);
  }

  private send(frame: ClientFrame): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  private sendSubscribe(topic: string, state: TopicState) {
    const frame: ClientFrame =
      state.lastSeq === null ? { type: 'subscribe', topic } : { type: 'subscribe', topic, since: state.lastSeq };
    if (this.send(frame)) state.pending = true;
  }

  private handleFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'subscribed': {
        const state = this.topics.get(frame.topic);
        if (!state) return;
        state.pending = false;
        if (state.lastSeq === null) {
          // First subscription: whatever happened before is loaded over HTTP.
          state.lastSeq = frame.seq;
          this.resync(state);
        } else if (frame.seq < state.lastSeq) {
          // The server's sequence went back (restart): reload.
          state.lastSeq = frame.seq;
          this.resync(state);
        }
        // Otherwise the server replays the frames after `since`.
        return;
      }
      case 'message': {
        const state = this.topics.get(frame.topic);
        if (!state) return;
        if (state.lastSeq !== null) {
          if (frame.seq <= state.lastSeq) return; // duplicate (replay overlap)
          if (frame.seq > state.lastSeq + 1) {
            // Gap: ask again from the last frame seen; the replay brings this one too.
            if (!state.pending) this.sendSubscribe(frame.topic, state);
            return;
          }
        }
        state.lastSeq = frame.seq;
        for (const l of [...state.listeners]) l.onEvent?.(frame.event, frame);
        return;
      }
      case 'resync': {
        const state = this.topics.get(frame.topic);
        if (!state) return;
        state.pending = false;
        state.lastSeq = frame.seq;
        this.resync(state);
        return;
      }
      case 'presence': {
        const state = this.topics.get(frame.topic);
        if (!state) return;
        state.viewers = frame.viewers;
        for (const l of [...state.listeners]) l.onPresence?.(frame.viewers);
        return;
      }
      case 'session.ended':
        this.sessionEnded(frame.reason);
        return;
      case 'error':
        if (frame.topic) {
          const state = this.topics.get(frame.topic);
          if (state) {
            state.pending = false;
            for (const l of [...state.listeners]) l.onError?.(frame.code, frame.message);
          }
        }
        console.warn('[vigie] erreur temps réel', frame.code, frame.message);
        return;
      case 'visio.joined':
      case 'visio.peer':
      case 'visio.signal':
      case 'visio.left':
      case 'visio.error':
        for (const room of [...this.rooms]) room.onFrame(frame);
        return;
      default:
        return;
    }
  }

  private resync(state: TopicState) {
    for (const l of [...state.listeners]) l.onResync?.();
  }
}

// React glue -------------------------------------------------------------------------------

const RealtimeContext = createContext<RealtimeClient | null>(null);

export function RealtimeProvider({ client, children }: { client: RealtimeClient | null; children: ReactNode }) {
  return createElement(RealtimeContext.Provider, { value: client }, children);
}

export function useRealtimeClient(): RealtimeClient | null {
  return useContext(RealtimeContext);
}

/** Current connection status, re-rendering on change. */
export function useRealtimeStatus(): RealtimeStatus {
  const client = useRealtimeClient();
  const [status, setStatus] = useState<RealtimeStatus>(client?.status ?? 'idle');
  useEffect(() => {
    if (!client) return;
    setStatus(client.status);
    return client.onStatus(setStatus);
  }, [client]);
  return status;
}

/**
 * Follow a topic while the component is mounted. The callbacks may change between renders;
 * the subscription itself only depends on the topic.
 */
export function useRealtimeTopic(topic: string | null, listener: TopicListener): void {
  const client = useRealtimeClient();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    if (!client || !topic) return;
    return client.subscribe(topic, {
      onEvent: (event, frame) => ref.current.onEvent?.(event, frame),
      onResync: () => ref.current.onResync?.(),
      onPresence: (viewers) => ref.current.onPresence?.(viewers),
      onError: (code, message) => ref.current.onError?.(code, message),
    });
  }, [client, topic]);
}

/**
 * Who is viewing a presence topic right now (`event:<id>`), kept up to date from the server's
 * `presence` frames; subscribes to the topic while mounted. Empty until the first frame.
 */
export function usePresence(topic: string | null): readonly Viewer[] {
  const client = useRealtimeClient();
  const [viewers, setViewers] = useState<readonly Viewer[]>(() => (client && topic ? (client.viewers(topic) ?? []) : []));
  useEffect(() => {
    setViewers(client && topic ? (client.viewers(topic) ?? []) : []);
    if (!client || !topic) return;
    return client.subscribe(topic, { onPresence: setViewers });
  }, [client, topic]);
  return viewers;
}
