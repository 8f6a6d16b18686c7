import type { FastifyRequest } from 'fastify';
import { actorOf, type Services } from '../../http/context';
import { AppError } from '../../http/errors';
import { defineHandlers } from '../../http/route';
import { presentSession, setSessionCookie } from '../auth';
import * as onboarding from './onboarding.service';

/** Where the links point: PUBLIC_URL, or the address this request came to. */
function originOf(services: Services, req: FastifyRequest): string {
  return services.config.publicUrl ?? `${req.protocol}://${req.host}`;
}

export const onboardingHandlers = defineHandlers({
  importContacts: async ({ auth, ip, req, reply, services }) => {
    if (!req.isMultipart()) throw new AppError('unsupported_media_type');
    const file = await req.file({ limits: { fileSize: onboarding.CONTACTS_MAX_BYTES + 1, files: 1, fields: 5 } });
    const result = await onboarding.importContacts(services, auth, actorOf(auth, ip), file, originOf(services, req));
    reply.status(201);
    return result;
  },
  listContacts: async ({ auth, services }) => onboarding.listContacts(services, auth),
  renewContactLink: async ({ auth, params, ip, req, services }) => onboarding.renewLink(services, auth, actorOf(auth, ip), params.id, originOf(services, req)),
  checkActivation: async ({ body, services }) => onboarding.checkActivation(services, body.token),
  activateAccount: async ({ body, ip, req, reply, services }) => {
    const result = await onboarding.activate(services, body.token, body.password, ip, req.headers['user-agent'] ?? null);
    setSessionCookie(services, req, reply, result.rawToken);
    return presentSession(result.auth);
  },
});
