import fs from 'node:fs';
import path from 'node:path';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { RealtimeHub } from '../realtime/hub';
import { routes, routeIds, REALTIME_PATH, type RouteDef, type RouteId } from '../../shared/routes';
import { can } from '../../shared/permissions';
import { parseTopic, WS_CLOSE_SESSION_ENDED } from '../../shared/realtime';
import { AppError } from './errors';
import type { AuthContext, Services } from './context';
import type { Handler, RouteHandlers } from './route';
import { FixedWindowLimiter } from './rate-limit';
import { authenticate, authHandlers, isSessionLive, SESSION_COOKIE } from '../modules/auth';
import { usersHandlers } from '../modules/users';
import { organisationsHandlers } from '../modules/organisations';
import { announcementsHandlers, canReadAnnouncementsOf } from '../modules/announcements';
import { auditHandlers } from '../modules/audit';
import { territoryHandlers } from '../modules/territory';
import { healthHandlers } from '../modules/health/health.routes';
import { eventsHandlers, findEvent, canReadEvent } from '../modules/events';
import { logbookHandlers } from '../modules/logbook';
import { rightsHandlers } from '../modules/rights';
import { situationHandlers } from '../modules/situation';
import { collectionHandlers, canSubscribeCampaign, DetectionRefresher, OverviewCache } from '../modules/collection';
import { onboardingHandlers } from '../modules/onboarding';
import { mapHandlers } from '../modules/map';
import { pcsHandlers } from '../modules/pcs';
import { visioHandlers, VisioRooms } from '../modules/visio';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** Every module's handlers, keyed by route id. A route of the table without a handler stops the start. */
export const allHandlers: RouteHandlers = {
  ...healthHandlers,
  ...authHandlers,
  ...usersHandlers,
  ...organisationsHandlers,
  ...announcementsHandlers,
  ...auditHandlers,
  ...territoryHandlers,
  ...eventsHandlers,
  ...logbookHandlers,
  ...rightsHandlers,
  ...situationHandlers,
  ...collectionHandlers,
  ...onboardingHandlers,
  ...mapHandlers,
  ...pcsHandlers,
  ...visioHandlers,
};

/** Routes a user who must change a temporary password may still call. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set<RouteId>(['session', 'logout', 'logoutAll', 'changePassword', 'health']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function zodDetails(err: z.ZodError) {
  return err.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
}

export interface App {
  app: FastifyInstance;
  services: Services;
  hub: RealtimeHub;
  rooms: VisioRooms;
}

export async function buildApp(config: Config, database: Database, opts: { logger?: boolean } = {}): Promise<App> {
  const app = Fastify({
    logger:
      opts.logger === false || config.logLevel === 'silent'
        ? false
        : { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'] },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: () => randomUUID(),
    // Query strings like ?a=1&a=2 would reach the schemas as arrays; they reject them with a clear message.
    // A long path parameter still reaches its route, whose schema refuses it with field details.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // Errors raised by the router itself (an invalid %-escape in the path, a path parameter too
    // long) bypass the error handler: without this they get Fastify's own body, not ours.
    frameworkErrors: (err, _req, reply) => {
      const appErr = toAppError(err);
      void (reply as FastifyReply).status(appErr.status).send(appErr.toBody());
    },
  });
  const hub = new RealtimeHub(database, app.log, {
    retentionDays: config.realtimeRetentionDays,
    validateSession: (id) => isSessionLive(services, id),
  });
  const services: Services = {
    config,
    database,
    db: database.db,
    realtime: hub,
    now: () => new Date(),
    jobs: { detection: { kick: () => {}, flush: async () => {} } },
    caches: { overview: new OverviewCache() },
  };
  // A change to a campaign, published by any instance, makes its cached dashboards stale.
  hub.onPublished((topic) => {
    const t = parseTopic(topic);
    if (t?.kind === 'campaign') services.caches.overview.invalidate(t.id);
  });
  // The virtual rooms: the `visio.*` frames of the realtime connections (WebRTC signalling).
  const rooms = new VisioRooms(services, app.log);
  hub.setRoomHandler(rooms);
  app.addHook('onReady', async () => rooms.start());
  const refresher = new DetectionRefresher(services, app.log, config.detectionRefreshDelayMs);
  services.jobs.detection = refresher;
  app.addHook('onReady', async () => refresher.start());

  app.decorateRequest('auth', null);
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  // JSON only, parsed here so that bad bytes and bad syntax get their own stable codes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new AppError('invalid_encoding'), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError('invalid_json'), undefined);
    }
  });
  // Uploads (routes marked `multipart` in the table); limits are set per route when reading the file.
  await app.register(multipart, { limits: { fileSize: config.attachmentMaxBytes + 1, files: 1, fields: 5, parts: 6 } });

  const limiter = new FixedWindowLimiter(60_000);
  // The optional map background's tiles are the only images from elsewhere; remote WFS and WMS
  // layers go through the server (map module), so everything else stays 'self'.
  const tileOrigin = config.mapBackgroundUrl ? ` ${new URL(config.mapBackgroundUrl.replace(/[{}]/g, '')).origin}` : '';
  const csp = `default-src 'self'; img-src 'self' data: blob:${tileOrigin}; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', csp);
    if (req.url.startsWith('/api/') && !limiter.hit(`all:${req.ip}`, config.requestsPerMinute)) {
      throw new AppError('rate_limited');
    }
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    if (appErr.code === 'rate_limited' || appErr.code === 'too_many_attempts') reply.header('retry-after', '60');
    void reply.status(appErr.status).send(appErr.toBody());
  });

  // Register every route of the table through one door: access, CSRF, validation, handler.
  const registered = new Set<string>();
  app.addHook('onRoute', (opts) => {
    if (opts.url.startsWith('/api/') && opts.url !== REALTIME_PATH) {
      const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
      for (const m of methods) if (m !== 'HEAD') registered.add(`${m} ${opts.url}`);
    }
  });
  for (const id of routeIds) {
    const def: RouteDef = routes[id];
    const handler = allHandlers[id] as Handler<RouteDef> | undefined;
    if (!handler) throw new Error(`route ${id} (${def.method} ${def.path}) has no handler`);
    app.route({
      method: def.method,
      url: def.path,
      handler: async (req, reply) => {
        if (def.rateLimitPerMinute && !limiter.hit(`${id}:${req.ip}`, def.rateLimitPerMinute)) throw new AppError('rate_limited');
        await guard(id, def, req, services);
        const params = parse(def.params ?? emptyObject, req.params ?? {});
        const query = parse(def.query ?? emptyObject, req.query ?? {});
        if (def.multipart && !req.isMultipart()) throw new AppError('unsupported_media_type');
        if (!def.multipart && req.isMultipart()) throw new AppError('unsupported_media_type');
        const body = def.body ? parse(def.body, req.body ?? {}) : def.multipart ? undefined : parseNoBody(req.body);
        const result = await handler({ params, query, body, auth: req.auth as AuthContext, ip: req.ip, req, reply, services } as never);
        if (reply.statusCode === 204) return reply.send();
        return result;
      },
    });
  }
  for (const key of registered) {
    const known = routeIds.some((id) => `${routes[id].method} ${routes[id].path}` === key);
    if (!known) throw new Error(`route ${key} is not in the route table (src/shared/routes.ts)`);
  }

  app.register(async (scope) => {
    scope.route({
      method: 'GET',
      url: REALTIME_PATH,
      // A plain HTTP request (no upgrade) gets the API's error body, not an empty 404.
      handler: async () => {
        throw new AppError('route_not_found');
      },
      wsHandler: (socket, req) => {
        const auth = req.auth;
        if (!auth) {
          socket.close(WS_CLOSE_SESSION_ENDED, 'unauthenticated');
          return;
        }
        hub.attach(socket, auth);
      },
    });
    scope.addHook('preValidation', async (req) => {
      if (req.url.split('?')[0] !== REALTIME_PATH) return;
      checkSameOrigin(req);
      req.auth = await authenticate(services, req.cookies[SESSION_COOKIE]);
      if (!req.auth) throw new AppError('unauthenticated');
      if (req.auth.user.mustChangePassword) throw new AppError('password_change_required');
    });
  });

  hub.registerTopicKind('organisation', async (auth, id) => auth.user.organisationId === id);
  hub.registerTopicKind('announcements', (auth, id, db) => canReadAnnouncementsOf(db, auth, id));
  hub.registerTopicKind(
    'event',
    async (auth, id, db) => {
      const e = await findEvent(db, id);
      return e !== undefined && (await canReadEvent(db, auth, e));
    },
    { presence: true, guests: true },
  );
  hub.registerTopicKind('campaign', (auth, id, db) => canSubscribeCampaign(db, auth, id));

  // The web application, built by Vite; any other non-API path serves its index (client routing).
  const webRoot = config.webDistDir;
  const hasWeb = fs.existsSync(path.join(webRoot, 'index.html'));
  // wildcard: files are looked up per request, so a rebuilt interface is served without a restart.
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: true,
      index: ['index.html'],
      // index-xxxx.js.br / .gz written by the build (vite.config.ts) go to browsers that accept them.
      preCompressed: true,
      cacheControl: false,
      // Vite names its assets after their content: they never change under the same name.
      setHeaders: (res, file) => {
        if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0];
    if (url.startsWith('/api/') || url === '/api') {
      return reply.status(404).send(new AppError('route_not_found').toBody());
    }
    // A missing file (an old asset name) is a 404; any other path is a page of the application.
    if (/\.[a-z0-9]{1,8}$/i.test(url)) return reply.status(404).type('text/plain; charset=utf-8').send('Introuvable');
    if (req.method === 'GET' && hasWeb) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
    return reply
      .status(hasWeb ? 404 : 503)
      .type('text/html; charset=utf-8')
      .send('<!doctype html><html lang="fr"><meta charset="utf-8"><title>Vigie</title><p>Interface web non construite : lancez <code>npm run build</code>.</p></html>');
  });

  app.addHook('onClose', async () => {
    await refresher.stop();
    await rooms.stop();
    await hub.stop();
  });
  return { app, services, hub, rooms };
}

const emptyObject = z.strictObject({});

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('validation_failed', zodDetails(r.error));
  return r.data;
}

function parseNoBody(body: unknown): undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return undefined;
  throw new AppError('validation_failed', [{ path: '', code: 'unrecognized_keys', message: 'Cette requête n’attend pas de corps.' }]);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A browser request from another site is refused before anything else (CSRF, cross-site WebSocket). */
function checkSameOrigin(req: FastifyRequest) {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new AppError('csrf_failed');
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new AppError('csrf_failed');
    }
    if (host !== req.headers.host && host !== req.host) throw new AppError('csrf_failed');
  } else if (origin === 'null') {
    throw new AppError('csrf_failed');
  }
}

async function guard(id: RouteId, def: RouteDef, req: FastifyRequest, services: Services) {
  const unsafe = !SAFE_METHODS.has(req.method);
  if (unsafe) checkSameOrigin(req);
  if (def.access.kind === 'public') {
    req.auth = await authenticate(services, req.cookies[SESSION_COOKIE]).catch(() => null);
    return;
  }
  const raw = req.cookies[SESSION_COOKIE];
  const auth = await authenticate(services, raw);
  if (!auth) throw new AppError(raw ? 'session_expired' : 'unauthenticated');
  req.auth = auth;
  if (unsafe) {
    const sent = req.headers['x-csrf-token'];
    const a = Buffer.from(typeof sent === 'string' ? sent : '');
    const b = Buffer.from(auth.csrfToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('csrf_failed');
  }
  if (auth.guest) {
    // A guest reaches only the routes marked for guests, and writes only with a contributor's link.
    if (!def.guest) throw new AppError('guest_forbidden');
    if (def.guest === 'write' && auth.guest.access !== 'write') throw new AppError('guest_read_only');
    return;
  }
  if (auth.user.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(id)) throw new AppError('password_change_required');
  if (def.access.kind === 'permission' && !can(auth.user.role, def.access.permission)) throw new AppError('forbidden');
}

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_json');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return new AppError('validation_failed');
    default:
      break;
  }
  if (err.statusCode === 404) return new AppError('route_not_found');
  if (err.statusCode === 405) return new AppError('method_not_allowed');
  if (err.statusCode === 413) return new AppError('body_too_large');
  if (err.statusCode === 415) return new AppError('unsupported_media_type');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('validation_failed');
  return new AppError('internal_error');
}

export type { FastifyReply };
