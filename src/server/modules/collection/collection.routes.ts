import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import * as campaigns from './campaigns.service';
import * as declarations from './declarations.service';
import { detection } from './detection.service';

export const collectionHandlers = defineHandlers({
  listCampaigns: async ({ auth, services }) => ({ campaigns: await campaigns.listCampaigns(services, auth) }),
  createCampaign: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return campaigns.createCampaign(services, auth, actorOf(auth, ip), body);
  },
  getCampaign: async ({ auth, params, services }) => campaigns.getCampaign(services, auth, params.id),
  updateCampaign: async ({ auth, params, body, ip, services }) => campaigns.updateCampaign(services, auth, actorOf(auth, ip), params.id, body),
  putDeclaration: async ({ auth, params, body, ip, reply, services }) => {
    const { declaration, created } = await declarations.putDeclaration(services, auth, actorOf(auth, ip), params, body);
    reply.status(created ? 201 : 200);
    return declaration;
  },
  listDeclarations: async ({ auth, params, query, services }) => ({ declarations: await declarations.listDeclarations(services, auth, params.id, query) }),
  getDeclarationHistory: async ({ auth, params, services }) => declarations.declarationHistory(services, auth, params),
  getCompleteness: async ({ auth, params, query, services }) => declarations.completeness(services, auth, params.id, query.date),
  getDetection: async ({ auth, params, query, services }) => detection(services, auth, { id: params.id, ...query }),
});
