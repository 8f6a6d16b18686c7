import type { z } from 'zod';
import type { Permission, RouteAccess } from './permissions';
import { changePasswordBodySchema, loginBodySchema, sessionSchema } from './schemas/auth';
import { idParamsSchema } from './schemas/common';
import {
  createUserBodySchema,
  updateUserBodySchema,
  userSchema,
  usersListSchema,
  userWithTemporaryPasswordSchema,
} from './schemas/users';
import { createShareBodySchema, organisationsListSchema, shareSchema, sharesListSchema } from './schemas/organisations';
import {
  announcementSchema,
  announcementsListSchema,
  announcementsQuerySchema,
  createAnnouncementBodySchema,
} from './schemas/announcements';
import { auditListSchema, auditQuerySchema } from './schemas/audit';
import { departmentCodeParamsSchema, departmentSchema } from './schemas/territory';
import { healthSchema } from './schemas/health';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One entry per HTTP route of the API. The server registers routes only through this table
 * (an unknown /api route fails at start), the web client builds its typed calls from it, and
 * the integration suite walks it: access, cross-organisation isolation and bad input.
 */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  access: RouteAccess;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Rate limit per client address, requests per minute (on top of the global limit). */
  rateLimitPerMinute?: number;
}

const perm = (permission: Permission): RouteAccess => ({ kind: 'permission', permission });
const authenticated: RouteAccess = { kind: 'authenticated' };
const publicAccess: RouteAccess = { kind: 'public' };

export const routes = {
  health: { method: 'GET', path: '/api/health', access: publicAccess, summary: 'État du service', response: healthSchema },

  login: {
    method: 'POST',
    path: '/api/auth/login',
    access: publicAccess,
    summary: 'Connexion',
    body: loginBodySchema,
    response: sessionSchema,
    rateLimitPerMinute: 30,
  },
  session: { method: 'GET', path: '/api/auth/session', access: authenticated, summary: 'Session courante', response: sessionSchema },
  logout: { method: 'POST', path: '/api/auth/logout', access: authenticated, summary: 'Déconnexion' },
  logoutAll: { method: 'POST', path: '/api/auth/logout-all', access: authenticated, summary: 'Déconnexion de toutes les sessions' },
  changePassword: {
    method: 'POST',
    path: '/api/auth/password',
    access: authenticated,
    summary: 'Changement de mot de passe',
    body: changePasswordBodySchema,
    response: sessionSchema,
    rateLimitPerMinute: 10,
  },

  listOrganisations: {
    method: 'GET',
    path: '/api/organisations',
    access: perm('organisation.read'),
    summary: 'Annuaire des organisations (nom, type, code INSEE ou de département ; aucune donnée interne)',
    response: organisationsListSchema,
  },

  listUsers: { method: 'GET', path: '/api/users', access: perm('users.read'), summary: 'Comptes de l’organisation', response: usersListSchema },
  getUser: { method: 'GET', path: '/api/users/:id', access: perm('users.read'), summary: 'Un compte', params: idParamsSchema, response: userSchema },
  createUser: {
    method: 'POST',
    path: '/api/users',
    access: perm('users.manage'),
    summary: 'Créer un compte',
    body: createUserBodySchema,
    response: userWithTemporaryPasswordSchema,
  },
  updateUser: {
    method: 'PATCH',
    path: '/api/users/:id',
    access: perm('users.manage'),
    summary: 'Modifier un compte (nom, rôle, statut)',
    params: idParamsSchema,
    body: updateUserBodySchema,
    response: userSchema,
  },
  resetUserPassword: {
    method: 'POST',
    path: '/api/users/:id/reset-password',
    access: perm('users.manage'),
    summary: 'Réinitialiser le mot de passe d’un compte',
    params: idParamsSchema,
    response: userWithTemporaryPasswordSchema,
  },
  unlockUser: {
    method: 'POST',
    path: '/api/users/:id/unlock',
    access: perm('users.manage'),
    summary: 'Déverrouiller un compte',
    params: idParamsSchema,
    response: userSchema,
  },

  listAudit: { method: 'GET', path: '/api/audit', access: perm('audit.read'), summary: 'Journal d’audit', query: auditQuerySchema, response: auditListSchema },

  listShares: { method: 'GET', path: '/api/shares', access: perm('shares.read'), summary: 'Partages émis et reçus', response: sharesListSchema },
  createShare: {
    method: 'POST',
    path: '/api/shares',
    access: perm('shares.manage'),
    summary: 'Partager une ressource avec une autre organisation',
    body: createShareBodySchema,
    response: shareSchema,
  },
  deleteShare: { method: 'DELETE', path: '/api/shares/:id', access: perm('shares.manage'), summary: 'Retirer un partage', params: idParamsSchema },

  listAnnouncements: {
    method: 'GET',
    path: '/api/announcements',
    access: perm('announcements.read'),
    summary: 'Messages à l’organisation',
    query: announcementsQuerySchema,
    response: announcementsListSchema,
  },
  createAnnouncement: {
    method: 'POST',
    path: '/api/announcements',
    access: perm('announcements.publish'),
    summary: 'Publier un message à toute l’organisation',
    body: createAnnouncementBodySchema,
    response: announcementSchema,
  },

  getDepartment: {
    method: 'GET',
    path: '/api/territory/departments/:code',
    access: perm('territory.read'),
    summary: 'Un département et ses communes (codes INSEE, populations)',
    params: departmentCodeParamsSchema,
    response: departmentSchema,
  },
  getDepartmentOutlines: {
    method: 'GET',
    path: '/api/territory/departments/:code/communes.geojson',
    access: perm('territory.read'),
    summary: 'Contours des communes d’un département (GeoJSON, WGS 84)',
    params: departmentCodeParamsSchema,
  },
} as const satisfies Record<string, RouteDef>;

export type RouteId = keyof typeof routes;
export const routeIds = Object.keys(routes) as RouteId[];

/** The WebSocket endpoint; its subscriptions are checked per topic (see ./realtime.ts). */
export const REALTIME_PATH = '/api/realtime';

export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
}
