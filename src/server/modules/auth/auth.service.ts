import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors';
import { NO_ORGANISATION, type Actor, type AuthContext, type Services } from '../../http/context';
import { GUEST_SUFFIX } from '../../../shared/schemas/rights';
import { permissionsOf } from '../../../shared/permissions';
import type { LoginBody, ChangePasswordBody, SessionInfo } from '../../../shared/schemas/auth';
import { recordAudit } from '../audit/audit.repository';
import { hashPassword, verifyPassword } from './password';
import * as repo from './auth.repository';

export const SESSION_COOKIE = 'vigie_session';
/** Guest session tokens start with this (a character base64url never uses): one lookup, in the right table. */
const GUEST_TOKEN_PREFIX = 'g.';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = () => randomBytes(32).toString('base64url');

// Verifying against a fixed hash when the e-mail is unknown keeps the answer time the same,
// so timing does not tell which addresses have an account.
let dummyHash: Promise<string> | undefined;

export function presentSession(auth: AuthContext): SessionInfo {
  return {
    user: {
      id: auth.user.id,
      email: auth.user.email,
      displayName: auth.user.displayName,
      role: auth.user.role,
      mustChangePassword: auth.user.mustChangePassword,
    },
    organisation: {
      id: auth.organisation.id,
      name: auth.organisation.name,
      kind: auth.organisation.kind,
      inseeCode: auth.organisation.insee_code,
      departmentCode: auth.organisation.department_code,
    },
    permissions: auth.guest ? (auth.guest.access === 'write' ? ['events.read', 'realtime.subscribe', 'logbook.write'] : ['events.read', 'realtime.subscribe']) : permissionsOf(auth.user.role),
    csrfToken: auth.csrfToken,
    expiresAt: auth.expiresAt.toISOString(),
    guest: auth.guest
      ? {
          eventId: auth.guest.eventId,
          eventTitle: auth.guest.eventTitle,
          hostOrganisation: auth.guest.hostOrganisationName,
          access: auth.guest.access,
          includeChildren: auth.guest.includeChildren,
          name: auth.guest.name,
        }
      : null,
    functionIds: auth.user.functionIds,
  };
}

/** Resolves the session from its raw token (cookie), or null. Touches its idle clock once a minute. */
export async function authenticate(services: Services, rawToken: string | undefined): Promise<AuthContext | null> {
  if (!rawToken || rawToken.length > 100) return null;
  if (rawToken.startsWith(GUEST_TOKEN_PREFIX)) return authenticateGuest(services, rawToken);
  const id = sha256(rawToken);
  const row = await repo.findLiveSession(services.db, id, services.config.sessionIdleMs);
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > 60_000) await repo.touchSession(services.db, id);
  return {
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    user: {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      organisationId: row.org_id,
      mustChangePassword: row.must_change_password,
      functionIds: row.function_ids,
    },
    guest: null,
    organisation: {
      id: row.org_id,
      kind: row.org_kind,
      name: row.org_name,
      insee_code: row.org_insee_code,
      department_code: row.org_department_code,
      created_at: row.org_created_at,
    },
  };
}

export async function isSessionLive(services: Services, sessionId: string): Promise<boolean> {
  return (
    (await repo.findLiveSession(services.db, sessionId, services.config.sessionIdleMs)) !== undefined ||
    (await repo.findLiveGuestSession(services.db, sessionId, services.config.sessionIdleMs)) !== undefined
  );
}

async function authenticateGuest(services: Services, rawToken: string): Promise<AuthContext | null> {
  const id = sha256(rawToken);
  const row = await repo.findLiveGuestSession(services.db, id, services.config.sessionIdleMs);
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await services.db.updateTable('guest_sessions').set({ last_seen_at: sql`now()` }).where('id', '=', id).execute();
  }
  return {
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
    user: {
      id: row.guest_id,
      email: '',
      displayName: `${row.name}${GUEST_SUFFIX}`,
      role: row.access === 'write' ? 'contributor' : 'reader',
      organisationId: NO_ORGANISATION,
      mustChangePassword: false,
      functionIds: [],
    },
    // Member of no organisation: the host is named in `guest`, never used for a right.
    organisation: { id: NO_ORGANISATION, kind: 'partner', name: row.org_name, insee_code: null, department_code: null, created_at: new Date(0) },
    guest: {
      linkId: row.link_id,
      eventId: row.event_id,
      includeChildren: row.include_children,
      access: row.access,
      name: row.name,
      eventTitle: row.event_title,
      hostOrganisationId: row.org_id,
      hostOrganisationName: row.org_name,
    },
  };
}

/**
 * Opens a guest's session on a link the caller checked and locked in `tx` (guests module). The
 * session lives as long as the link: revoking or expiring the link ends it.
 */
export async function insertGuestSession(
  tx: Kysely<DB>,
  link: { id: string },
  name: string,
  ip: string,
  userAgent: string | null,
): Promise<{ rawToken: string; guestId: string }> {
  const rawToken = GUEST_TOKEN_PREFIX + token();
  const row = await tx
    .insertInto('guest_sessions')
    .values({ id: sha256(rawToken), link_id: link.id, name, csrf_token: token(), ip, user_agent: userAgent?.slice(0, 300) ?? null })
    .returning('guest_id')
    .executeTakeFirstOrThrow();
  return { rawToken, guestId: row.guest_id };
}

export interface LoginResult {
  rawToken: string;
  auth: AuthContext;
}

/**
 * Local login with throttling per account and per client address (stored in the database, so
 * every server instance counts the same failures).
 */
export async function login(services: Services, body: LoginBody, ip: string, userAgent: string | null): Promise<LoginResult> {
  const { db, config } = services;
  const aKey = repo.accountKey(body.email);
  const ipKey = repo.addressKey(ip);
  const blocked = await repo.blockedKeys(db, [aKey, ipKey]);
  if (blocked.has(ipKey)) throw new AppError('too_many_attempts');
  if (blocked.has(aKey)) throw new AppError('account_locked');

  const user = await repo.findUserByEmail(db, body.email);
  dummyHash ??= hashPassword('not-a-password-of-anyone', config.scryptCost);
  const ok = await verifyPassword(body.password, user?.password_hash ?? (await dummyHash));
  if (!user || !ok) {
    const actor: Actor = { userId: null, organisationId: null, ip };
    const lockedNow = await db.transaction().execute(async (tx) => {
      const accountLocked = await repo.countFailure(tx, aKey, config.loginMaxFailuresPerAccount, config.loginLockMs);
      await repo.countFailure(tx, ipKey, config.loginMaxFailuresPerAddress, config.loginLockMs);
      if (user) {
        await recordAudit(tx, actor, {
          action: accountLocked ? 'auth.account_locked' : 'auth.login_failed',
          entityType: 'user',
          entityId: user.id,
          organisationId: user.organisation_id,
        });
      }
      return accountLocked;
    });
    throw new AppError(lockedNow ? 'account_locked' : 'invalid_credentials');
  }
  if (user.status !== 'active') throw new AppError('account_disabled');

  return openSession(services, user, ip, userAgent);
}

/**
 * Opens a session for a user whose identity was just proven (password, activation link): new
 * token, throttling cleared, last login, audit; one transaction.
 */
export async function openSession(
  services: Services,
  user: { id: string; email: string; organisation_id: string },
  ip: string,
  userAgent: string | null,
  audit: { action: string; changes?: Record<string, unknown> } = { action: 'auth.login' },
  inTransaction?: (tx: Kysely<DB>) => Promise<void>,
): Promise<LoginResult> {
  const { db, config } = services;
  const rawToken = token();
  const id = sha256(rawToken);
  const csrfToken = token();
  const expiresAt = new Date(Date.now() + config.sessionTtlMs);
  await db.transaction().execute(async (tx) => {
    if (inTransaction) await inTransaction(tx);
    await repo.clearThrottle(tx, repo.accountKey(user.email));
    await repo.insertSession(tx, { id, userId: user.id, csrfToken, expiresAt, ip, userAgent: userAgent?.slice(0, 300) ?? null });
    await tx.updateTable('users').set({ last_login_at: sql`now()` }).where('id', '=', user.id).execute();
    await recordAudit(tx, { userId: user.id, organisationId: user.organisation_id, ip }, {
      action: audit.action,
      entityType: 'user',
      entityId: user.id,
      organisationId: user.organisation_id,
      ...(audit.changes ? { changes: audit.changes } : {}),
    });
  });
  const auth = await authenticate(services, rawToken);
  if (!auth) throw new AppError('internal_error');
  return { rawToken, auth };
}

export async function logout(services: Services, auth: AuthContext, ip: string): Promise<void> {
  if (auth.guest) {
    await services.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('guest_sessions').where('id', '=', auth.sessionId).execute();
      await services.realtime.endSessions(tx, { sessionIds: [auth.sessionId] }, 'logout');
    });
    return;
  }
  await services.db.transaction().execute(async (tx) => {
    await repo.deleteSession(tx, auth.sessionId);
    await services.realtime.endSessions(tx, { sessionIds: [auth.sessionId] }, 'logout');
    await recordAudit(tx, { userId: auth.user.id, organisationId: auth.user.organisationId, ip }, {
      action: 'auth.logout',
      entityType: 'user',
      entityId: auth.user.id,
      organisationId: auth.user.organisationId,
    });
  });
}

export async function logoutEverywhere(services: Services, auth: AuthContext, ip: string): Promise<void> {
  await services.db.transaction().execute(async (tx) => {
    const ended = await repo.deleteUserSessions(tx, auth.user.id);
    await services.realtime.endSessions(tx, { userIds: [auth.user.id] }, 'logout_all');
    await recordAudit(tx, { userId: auth.user.id, organisationId: auth.user.organisationId, ip }, {
      action: 'auth.logout_all',
      entityType: 'user',
      entityId: auth.user.id,
      organisationId: auth.user.organisationId,
      changes: { sessionsEnded: ended.length },
    });
  });
}

/** Changes the password and ends every other session of the user; this one stays open. */
export async function changePassword(services: Services, auth: AuthContext, body: ChangePasswordBody, ip: string): Promise<AuthContext> {
  const { db, config } = services;
  const user = await db.selectFrom('users').select(['password_hash']).where('id', '=', auth.user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(body.currentPassword, user.password_hash))) throw new AppError('wrong_current_password');
  if (body.currentPassword === body.newPassword) throw new AppError('password_reused');
  const hash = await hashPassword(body.newPassword, config.scryptCost);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: false, password_changed_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', auth.user.id)
      .execute();
    const ended = await repo.deleteUserSessions(tx, auth.user.id, auth.sessionId);
    if (ended.length > 0) await services.realtime.endSessions(tx, { sessionIds: ended }, 'password_changed');
    await recordAudit(tx, { userId: auth.user.id, organisationId: auth.user.organisationId, ip }, {
      action: 'auth.password_changed',
      entityType: 'user',
      entityId: auth.user.id,
      organisationId: auth.user.organisationId,
      changes: { otherSessionsEnded: ended.length },
    });
  });
  return { ...auth, user: { ...auth.user, mustChangePassword: false } };
}

export function cookieSecure(services: Services, req: FastifyRequest): boolean {
  const mode = services.config.cookieSecure;
  return mode === 'true' || (mode === 'auto' && req.protocol === 'https');
}
