// Shared helpers of the integration suite (not a test file: vitest only collects *.test.ts).
import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import WebSocket from 'ws';
import type { DB } from '../../src/server/db/schema';
import { errorMessages, errorStatus, type ErrorCode } from '../../src/shared/errors';
import { REALTIME_PATH } from '../../src/shared/routes';
import { serverFrameSchema, type ServerFrame } from '../../src/shared/realtime';
import { login, TEST_PASSWORD, type Session, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser } from '../fixtures/factories';
import type { OrganisationRow, UserRow } from '../../src/server/db/schema';
import type { Role } from '../../src/shared/permissions';
import { campaignDetailSchema, type CampaignDetail } from '../../src/shared/schemas/collection';

let ipCounter = 0;

/**
 * A client address never used before in this file. Login throttling (per address, in the
 * database) and the per-route rate limits (per address, in memory) count per address: tests
 * that send from distinct addresses do not lock each other out.
 */
export function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/** Signs in from a fresh address. */
export function signIn(app: FastifyInstance, email: string, password = TEST_PASSWORD): Promise<Session> {
  return login(app, email, password, nextIp());
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface SendOptions {
  /** JSON body (serialised here), or raw bytes/text sent as is with `contentType`. */
  json?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Omit the CSRF header, or send this value instead of the session's token. */
  csrf?: string | null;
  ip?: string;
}

/** Every 5xx answer `send` received in this file (a test asserts there is none). */
export const serverErrors: string[] = [];

/** One request, from a fresh address unless `ip` is given; `session` null = anonymous. */
export async function send(app: FastifyInstance, session: Session | null, method: Method, url: string, o: SendOptions = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (session) {
    headers.cookie = session.cookie;
    if (o.csrf !== null) headers['x-csrf-token'] = o.csrf ?? session.csrf;
  }
  let payload: string | Buffer | undefined;
  if (o.raw !== undefined) {
    payload = o.raw;
    if (o.contentType) headers['content-type'] = o.contentType;
  } else if (o.json !== undefined) {
    payload = JSON.stringify(o.json);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  Object.assign(headers, o.headers);
  const res = await app.inject({ method, url, headers, remoteAddress: o.ip ?? nextIp(), ...(payload === undefined ? {} : { payload }) });
  // A remote GIS that fails (map_remote_failed, 502) is the service's error, reported as such, not Vigie's.
  if (res.statusCode >= 500 && !res.body.includes('"code":"map_remote_failed"')) serverErrors.push(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res;
}

/** Asserts a stable API error: status of the code, code from the table, its French message. */
export function expectError(res: LightMyRequestResponse, code: ErrorCode): { code: string; message: string; details?: unknown } {
  expect(res.statusCode, `${res.statusCode} ${res.body}`).toBe(errorStatus[code]);
  const body = res.json() as { error: { code: string; message: string; details?: unknown } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBe(errorMessages[code]);
  return body.error;
}

/** Asserts that an answer is an error of the API's shape (any stable code), never a server failure. */
export function expectStableError(res: LightMyRequestResponse): ErrorCode {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, res.body).toBeLessThan(500);
  const body = res.json() as { error: { code: ErrorCode; message: string } };
  expect(Object.keys(errorMessages)).toContain(body.error.code);
  expect(errorStatus[body.error.code]).toBe(res.statusCode);
  expect(body.error.message).toBe(errorMessages[body.error.code]);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error.code;
}

export interface RowCounts {
  user_functions: number;
  audience_grants: number;
  guest_links: number;
  guest_sessions: number;
  situation_forms: number;
  situation_reports: number;
  actions: number;
  organisations: number;
  users: number;
  sessions: number;
  login_throttle: number;
  shares: number;
  announcements: number;
  audit_log: number;
  realtime_messages: number;
  events: number;
  log_entries: number;
  attachments: number;
  event_types: number;
  crisis_functions: number;
  action_tags: number;
  collection_campaigns: number;
  collection_indicators: number;
  collection_campaign_communes: number;
  collection_declarations: number;
  collection_declaration_history: number;
  collection_detection: number;
  collection_detection_queue: number;
  commune_invitations: number;
  map_layers: number;
  map_layer_data: number;
  event_perimeters: number;
  pcs_plans: number;
  pcs_risks: number;
  pcs_reflex_sheets: number;
  pcs_reflex_runs: number;
  pcs_contacts: number;
  pcs_oncall_shifts: number;
  pcs_alert_means: number;
  resources: number;
  pcs_sites: number;
  pcs_vulnerable_people: number;
  visio_participants: number;
  visio_messages: number;
}

/** Row counts of every table a request could write. */
export async function countRows(db: Kysely<DB>): Promise<RowCounts> {
  const r = await sql<RowCounts>`
    SELECT (SELECT count(*) FROM organisations)::int AS organisations,
           (SELECT count(*) FROM users)::int AS users,
           (SELECT count(*) FROM sessions)::int AS sessions,
           (SELECT count(*) FROM login_throttle)::int AS login_throttle,
           (SELECT count(*) FROM shares)::int AS shares,
           (SELECT count(*) FROM announcements)::int AS announcements,
           (SELECT count(*) FROM audit_log)::int AS audit_log,
           (SELECT count(*) FROM realtime_messages)::int AS realtime_messages,
           (SELECT count(*) FROM events)::int AS events,
           (SELECT count(*) FROM log_entries)::int AS log_entries,
           (SELECT count(*) FROM attachments)::int AS attachments,
           (SELECT count(*) FROM event_types)::int AS event_types,
           (SELECT count(*) FROM crisis_functions)::int AS crisis_functions,
           (SELECT count(*) FROM action_tags)::int AS action_tags,
           (SELECT count(*) FROM collection_campaigns)::int AS collection_campaigns,
           (SELECT count(*) FROM collection_indicators)::int AS collection_indicators,
           (SELECT count(*) FROM collection_campaign_communes)::int AS collection_campaign_communes,
           (SELECT count(*) FROM collection_declarations)::int AS collection_declarations,
           (SELECT count(*) FROM collection_declaration_history)::int AS collection_declaration_history,
           (SELECT count(*) FROM collection_detection)::int AS collection_detection,
           (SELECT count(*) FROM collection_detection_queue)::int AS collection_detection_queue,
           (SELECT count(*) FROM commune_invitations)::int AS commune_invitations,
           (SELECT count(*) FROM user_functions)::int AS user_functions,
           (SELECT count(*) FROM audience_grants)::int AS audience_grants,
           (SELECT count(*) FROM guest_links)::int AS guest_links,
           (SELECT count(*) FROM guest_sessions)::int AS guest_sessions,
           (SELECT count(*) FROM situation_forms)::int AS situation_forms,
           (SELECT count(*) FROM situation_reports)::int AS situation_reports,
           (SELECT count(*) FROM actions)::int AS actions,
           (SELECT count(*) FROM map_layers)::int AS map_layers,
           (SELECT count(*) FROM map_layer_data)::int AS map_layer_data,
           (SELECT count(*) FROM event_perimeters)::int AS event_perimeters,
           (SELECT count(*) FROM pcs_plans)::int AS pcs_plans,
           (SELECT count(*) FROM pcs_risks)::int AS pcs_risks,
           (SELECT count(*) FROM pcs_reflex_sheets)::int AS pcs_reflex_sheets,
           (SELECT count(*) FROM pcs_reflex_runs)::int AS pcs_reflex_runs,
           (SELECT count(*) FROM pcs_contacts)::int AS pcs_contacts,
           (SELECT count(*) FROM pcs_oncall_shifts)::int AS pcs_oncall_shifts,
           (SELECT count(*) FROM pcs_alert_means)::int AS pcs_alert_means,
           (SELECT count(*) FROM resources)::int AS resources,
           (SELECT count(*) FROM pcs_sites)::int AS pcs_sites,
           (SELECT count(*) FROM pcs_vulnerable_people)::int AS pcs_vulnerable_people,
           (SELECT count(*) FROM visio_participants)::int AS visio_participants,
           (SELECT count(*) FROM visio_messages)::int AS visio_messages`.execute(db);
  return r.rows[0];
}

/** The raw session token of a session cookie header ("vigie_session=<token>"). */
export function rawToken(session: Session): string {
  return session.cookie.slice(session.cookie.indexOf('=') + 1);
}

// --- Realtime ---------------------------------------------------------------------------------

export function realtimeUrl(port: number): string {
  return `ws://127.0.0.1:${port}${REALTIME_PATH}`;
}

/** A WebSocket client that keeps every frame it receives, validated against the server frame schema. */
export class WsClient {
  private queue: ServerFrame[] = [];
  private waiters: Array<{ pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  isClosed = false;
  /** The server's first frame. */
  hello: ServerFrame | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      expect(isBinary, 'server frames are text').toBe(false);
      const frame = serverFrameSchema.parse(JSON.parse(data.toString()));
      const i = this.waiters.findIndex((w) => w.pred(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(frame);
      else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** Opens a connection with the session cookie and a same-origin Origin header; resolves after `hello`. */
  static async connect(port: number, session: Session | null, headers: Record<string, string> = {}): Promise<WsClient> {
    const socket = new WebSocket(realtimeUrl(port), {
      headers: { origin: `http://127.0.0.1:${port}`, ...(session ? { cookie: session.cookie } : {}), ...headers },
    });
    const client = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    client.hello = await client.next((f) => f.type === 'hello');
    return client;
  }

  /** The first frame (received or to come) matching `pred`; frames before it stay queued. */
  next<T extends ServerFrame = ServerFrame>(pred: (f: ServerFrame) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (f: ServerFrame) => {
          clearTimeout(timer);
          resolve(f as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching realtime frame within ${timeoutMs} ms; queued: ${JSON.stringify(this.queue)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next `n` message frames of `topic`, in arrival order. */
  async messages(topic: string, n: number, timeoutMs = 10_000): Promise<Array<Extract<ServerFrame, { type: 'message' }>>> {
    const out: Array<Extract<ServerFrame, { type: 'message' }>> = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) {
      out.push(await this.next((f) => f.type === 'message' && f.topic === topic, Math.max(1, deadline - Date.now())));
    }
    return out;
  }

  /** Frames received and not consumed yet. */
  pending(): ServerFrame[] {
    return [...this.queue];
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  async subscribe(topic: string, since?: number): Promise<ServerFrame> {
    this.send(since === undefined ? { type: 'subscribe', topic } : { type: 'subscribe', topic, since });
    return this.next((f) => (f.type === 'subscribed' || f.type === 'error' || f.type === 'resync') && 'topic' in f && f.topic === topic);
  }

  /** A ping answered proves the socket is open and every frame sent before it was handled. */
  async roundTrip(): Promise<void> {
    const id = Math.floor(Math.random() * 1e9);
    this.send({ type: 'ping', id });
    await this.next((f) => f.type === 'pong' && f.id === id);
  }

  async close(): Promise<void> {
    if (!this.isClosed) {
      this.socket.close();
      await this.closed;
    }
  }
}

/** Attempts an upgrade that the server should refuse; resolves with the HTTP answer. */
export function refusedUpgrade(port: number, headers: Record<string, string>): Promise<{ status: number; body: { error: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(realtimeUrl(port), { headers });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        socket.terminate();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) });
      });
    });
    socket.once('error', () => {});
  });
}

/** Polls `fn` until it returns true (for effects that travel through NOTIFY). */
export async function eventually(fn: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An organisation with one signed-in user per role asked (the collection and onboarding tests' world). */
export interface Org {
  org: OrganisationRow;
  users: Partial<Record<Role, UserRow>>;
  s: Partial<Record<Role, Session>>;
}

export async function orgWith(t: TestApp, o: Parameters<typeof buildOrganisation>[1], rolesOf: Role[]): Promise<Org> {
  const org = await buildOrganisation(t.db.database.db, o);
  const out: Org = { org, users: {}, s: {} };
  for (const r of rolesOf) {
    out.users[r] = await buildUser(t.db.database.db, { organisationId: org.id, role: r });
    out.s[r] = await signIn(t.app, out.users[r]!.email);
  }
  return out;
}

/**
 * A campaign created through the API: daily, deadline 10:00, active, asking Vannes, Lorient and
 * Arradon for `domicile` and `ehpad` (at most 50); `body` sets the start date and overrides the rest.
 */
export async function createTestCampaign(app: FastifyInstance, as: Session, body: Record<string, unknown> & { startDate: string }): Promise<CampaignDetail> {
  const res = await send(app, as, 'POST', '/api/campaigns', {
    json: {
      name: 'Campagne (test)',
      period: 'daily',
      deadline: '10:00',
      status: 'active',
      communes: ['56260', '56121', '56003'],
      indicators: [
        { key: 'domicile', label: 'Décès à domicile' },
        { key: 'ehpad', label: 'Décès en EHPAD', max: 50 },
      ],
      ...body,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return campaignDetailSchema.parse(res.json()) as CampaignDetail;
}
