import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import * as orgs from './organisations.service';

export const organisationsHandlers = defineHandlers({
  listOrganisations: async ({ services }) => ({ organisations: await orgs.listOrganisations(services) }),
  listShares: async ({ auth, services }) => ({ shares: await orgs.listShares(services, auth) }),
  createShare: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return orgs.createShare(services, auth, actorOf(auth, ip), body);
  },
  deleteShare: async ({ auth, params, ip, reply, services }) => {
    await orgs.deleteShare(services, auth, actorOf(auth, ip), params.id);
    reply.status(204);
    return null;
  },
});
