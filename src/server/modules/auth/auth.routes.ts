import type { FastifyReply, FastifyRequest } from 'fastify';
import { defineHandlers } from '../../http/route';
import type { Services } from '../../http/context';
import * as auth from './auth.service';

export function setSessionCookie(services: Services, req: FastifyRequest, reply: FastifyReply, rawToken: string, maxAgeMs = services.config.sessionTtlMs) {
  reply.setCookie(auth.SESSION_COOKIE, rawToken, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: auth.cookieSecure(services, req),
    maxAge: Math.max(1, Math.floor(Math.min(maxAgeMs, services.config.sessionTtlMs) / 1000)),
  });
}

function clearSessionCookie(services: Services, req: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(auth.SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: auth.cookieSecure(services, req) });
}

export const authHandlers = defineHandlers({
  login: async ({ body, ip, req, reply, services }) => {
    const result = await auth.login(services, body, ip, req.headers['user-agent'] ?? null);
    setSessionCookie(services, req, reply, result.rawToken);
    return auth.presentSession(result.auth);
  },
  session: async ({ auth: a }) => auth.presentSession(a),
  logout: async ({ auth: a, ip, req, reply, services }) => {
    await auth.logout(services, a, ip);
    clearSessionCookie(services, req, reply);
    reply.status(204);
    return null;
  },
  logoutAll: async ({ auth: a, ip, req, reply, services }) => {
    await auth.logoutEverywhere(services, a, ip);
    clearSessionCookie(services, req, reply);
    reply.status(204);
    return null;
  },
  changePassword: async ({ auth: a, body, ip, services }) => auth.presentSession(await auth.changePassword(services, a, body, ip)),
});
