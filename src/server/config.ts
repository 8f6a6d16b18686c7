import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAP_LAYER_MAX_BYTES } from '../shared/schemas/map';
import { iceServerSchema, type IceServer } from '../shared/schemas/visio';

const bool = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: `${name} attend true ou false` })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every setting of the server, read once at start from the environment. A wrong value stops the
 * start with a message naming the variable and what it expects (see `loadConfig`).
 */
const envSchema = z.object({
  PORT: z.coerce.number({ message: 'PORT attend un numéro de port' }).int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL attend une adresse postgres://utilisateur:motdepasse@hôte:port/base' })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DEMO_DATA: bool('DEMO_DATA').default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  SESSION_TTL_HOURS: z.coerce.number().min(1).max(24 * 90).default(12),
  SESSION_IDLE_MINUTES: z.coerce.number().min(5).max(24 * 60 * 30).default(8 * 60),
  /** "auto": Secure cookies when the request came over HTTPS (directly or per X-Forwarded-Proto behind a trusted proxy). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  TRUST_PROXY: bool('TRUST_PROXY').default(false),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10000).default(30),
  LOGIN_LOCK_MINUTES: z.coerce.number().min(1).max(24 * 60).default(15),
  REQUESTS_PER_MINUTE: z.coerce.number().int().min(10).max(1_000_000).default(1200),
  REALTIME_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  SCRYPT_COST: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, { message: 'SCRYPT_COST attend une puissance de 2 ≥ 1024' })
    .default(32768),
  WEB_DIST_DIR: z.string().default('dist/web'),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  MAP_LAYER_MAX_BYTES: z.coerce.number().int().min(1024).max(200 * 1024 * 1024).default(DEFAULT_MAP_LAYER_MAX_BYTES),
  /** Wait after a declaration before the detection refresh, to take the declarations of the same moment together; 0 = never by itself (tests). */
  DETECTION_REFRESH_DELAY_MS: z.coerce.number({ message: 'DETECTION_REFRESH_DELAY_MS attend un nombre de millisecondes' }).int().min(0).max(600_000).default(200),
  /** Validity of a commune contact's activation link. */
  ACTIVATION_LINK_DAYS: z.coerce.number({ message: 'ACTIVATION_LINK_DAYS attend un nombre de jours' }).int().min(1).max(90).default(14),
  /** Public address of the application, for the links it hands out (activation); by default the address the request came to. */
  PUBLIC_URL: z.string().url({ message: 'PUBLIC_URL attend une adresse complète, par exemple https://vigie.prefecture.gouv.fr' }).optional(),
  /** Optional background of the maps: tile address with {z}, {x} and {y} (XYZ); none by default (offline outlines only). */
  MAP_BACKGROUND_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s@]+\/\S*\{z\}\S*\{x\}\S*\{y\}/, { message: 'MAP_BACKGROUND_URL attend une adresse de tuiles http(s) avec {z}, {x} et {y}, par exemple https://tuiles.exemple.fr/{z}/{x}/{y}.png' })
    .optional(),
  MAP_BACKGROUND_ATTRIBUTION: z.string().max(300).optional(),
  /** Wait for a remote WFS or WMS service, relayed by the server. */
  MAP_REMOTE_TIMEOUT_MS: z.coerce.number({ message: 'MAP_REMOTE_TIMEOUT_MS attend un nombre de millisecondes' }).int().min(500).max(120_000).default(10_000),
  /** ICE servers of the virtual rooms (STUN, TURN with fixed credentials), as JSON; none: works on one network. */
  VISIO_ICE_SERVERS: z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'VISIO_ICE_SERVERS attend du JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(iceServerSchema, { message: 'VISIO_ICE_SERVERS attend une liste JSON de serveurs ICE, par exemple [{"urls":"stun:stun.exemple.fr:3478"}]' }))
    .default([]),
  /** TURN with time-limited credentials (coturn's use-auth-secret): the shared secret and the turn: addresses. */
  VISIO_TURN_SECRET: z.string().min(16, { message: 'VISIO_TURN_SECRET attend au moins 16 caractères' }).optional(),
  VISIO_TURN_URLS: z
    .string()
    .regex(/^(turns?:[^,\s]+)(,\s*turns?:[^,\s]+)*$/, { message: 'VISIO_TURN_URLS attend des adresses turn: ou turns: séparées par des virgules' })
    .optional(),
  VISIO_TURN_TTL_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  VISIO_MAX_PARTICIPANTS: z.coerce.number({ message: 'VISIO_MAX_PARTICIPANTS attend un nombre' }).int().min(2).max(50).default(8),
  /** How long a participant whose connection dropped keeps its place before it is counted out. */
  VISIO_RECONNECT_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  demoData: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  sessionTtlMs: number;
  sessionIdleMs: number;
  cookieSecure: 'auto' | 'true' | 'false';
  trustProxy: boolean;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginLockMs: number;
  requestsPerMinute: number;
  realtimeRetentionDays: number;
  scryptCost: number;
  webDistDir: string;
  attachmentMaxBytes: number;
  /** Largest uploaded map layer file (GeoJSON or zipped shapefile). */
  mapLayerMaxBytes: number;
  detectionRefreshDelayMs: number;
  activationLinkDays: number;
  publicUrl: string | undefined;
  /** XYZ tile address of the optional map background (its origin is allowed in the CSP's img-src). */
  mapBackgroundUrl: string | undefined;
  mapBackgroundAttribution: string | undefined;
  mapRemoteTimeoutMs: number;
  visio: Readonly<{
    iceServers: IceServer[];
    turnSecret: string | undefined;
    turnUrls: string[];
    turnTtlSeconds: number;
    maxParticipants: number;
    reconnectGraceMs: number;
  }>;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as shells and .env files produce them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '?');
        return `${name}=${JSON.stringify(cleaned[name] ?? '')} : ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  if (!e.VISIO_TURN_SECRET !== !e.VISIO_TURN_URLS) {
    throw new ConfigError(['VISIO_TURN_SECRET et VISIO_TURN_URLS vont ensemble : le secret partagé du serveur TURN et ses adresses turn:']);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    demoData: e.DEMO_DATA,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
    loginLockMs: e.LOGIN_LOCK_MINUTES * 60_000,
    requestsPerMinute: e.REQUESTS_PER_MINUTE,
    realtimeRetentionDays: e.REALTIME_RETENTION_DAYS,
    scryptCost: e.SCRYPT_COST,
    webDistDir: path.resolve(e.WEB_DIST_DIR),
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    mapLayerMaxBytes: e.MAP_LAYER_MAX_BYTES,
    detectionRefreshDelayMs: e.DETECTION_REFRESH_DELAY_MS,
    activationLinkDays: e.ACTIVATION_LINK_DAYS,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    mapBackgroundUrl: e.MAP_BACKGROUND_URL,
    mapBackgroundAttribution: e.MAP_BACKGROUND_ATTRIBUTION,
    mapRemoteTimeoutMs: e.MAP_REMOTE_TIMEOUT_MS,
    visio: Object.freeze({
      iceServers: e.VISIO_ICE_SERVERS,
      turnSecret: e.VISIO_TURN_SECRET,
      turnUrls: e.VISIO_TURN_URLS ? e.VISIO_TURN_URLS.split(',').map((u) => u.trim()) : [],
      turnTtlSeconds: e.VISIO_TURN_TTL_HOURS * 3600,
      maxParticipants: e.VISIO_MAX_PARTICIPANTS,
      reconnectGraceMs: e.VISIO_RECONNECT_GRACE_SECONDS * 1000,
    }),
  });
}
