import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import { presentSession, setSessionCookie } from '../auth';
import * as audience from './audience.service';
import * as guests from './guests.service';

export const rightsHandlers = defineHandlers({
  getTypeAudience: async ({ auth, params, services }) => audience.getTypeAudience(services, auth, params.id),
  putTypeAudience: async ({ auth, params, body, ip, services }) => audience.putTypeAudience(services, auth, actorOf(auth, ip), params.id, body),
  getEventAudience: async ({ auth, params, services }) => audience.getEventAudience(services, auth, params.id),
  putEventAudience: async ({ auth, params, body, ip, services }) => audience.putEventAudience(services, auth, actorOf(auth, ip), params.id, body),

  listGuestLinks: async ({ auth, params, services }) => ({ links: await guests.listGuestLinks(services, auth, params.id) }),
  createGuestLink: async ({ auth, params, body, ip, reply, services }) => {
    reply.status(201);
    return guests.createGuestLink(services, auth, actorOf(auth, ip), params.id, body);
  },
  revokeGuestLink: async ({ auth, params, ip, services }) => guests.revokeGuestLink(services, auth, actorOf(auth, ip), params.id),
  guestCheck: async ({ body, services }) => guests.checkGuestLink(services, body.token),
  guestJoin: async ({ body, ip, req, reply, services }) => {
    const r = await guests.joinAsGuest(services, body, ip, req.headers['user-agent'] ?? null);
    setSessionCookie(services, req, reply, r.rawToken, r.expiresAt.getTime() - Date.now());
    return presentSession(r.auth);
  },
});
