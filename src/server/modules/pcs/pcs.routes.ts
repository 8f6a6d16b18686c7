import { actorOf } from '../../http/context';
import { AppError } from '../../http/errors';
import { defineHandlers } from '../../http/route';
import * as plan from './plan.service';
import * as resources from './resources.service';
import * as reflex from './reflex.service';
import * as transfer from './transfer.service';
import * as vulnerable from './vulnerable.service';
import * as editing from './editing.service';

const attachment = (name: string) => `attachment; filename="${name}"`;

export const pcsHandlers = defineHandlers({
  getPlan: async ({ auth, services }) => plan.planOverview(services, auth),
  updatePlanUpkeep: async ({ auth, body, ip, services }) => plan.updateUpkeep(services, auth, actorOf(auth, ip), body),
  listRisks: async ({ auth, services }) => ({ risks: await plan.listRisks(services, auth) }),
  getDirectory: async ({ auth, services }) => plan.getDirectory(services, auth),
  listSites: async ({ auth, services }) => ({ sites: await plan.listSites(services, auth.user.organisationId) }),
  exportPlan: async ({ auth, reply, services }) => {
    const doc = await transfer.exportPlan(services, auth);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', attachment('plan-communal-de-sauvegarde.json'));
    return reply.send(JSON.stringify(doc, null, 2));
  },
  importPlan: async ({ auth, body, ip, services }) => transfer.importPlan(services, auth, actorOf(auth, ip), body),
  exportPlanCsv: async ({ auth, query, reply, services }) => {
    const csv = await transfer.exportCsv(services, auth, query.kind);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', attachment(query.kind === 'contacts' ? 'annuaire-de-crise.csv' : 'moyens.csv'));
    return reply.send(csv);
  },
  importPlanCsv: async ({ auth, query, ip, req, services }) => {
    if (!req.isMultipart()) throw new AppError('unsupported_media_type');
    const file = await req.file({ limits: { files: 1, fields: 5 } });
    return transfer.importCsv(services, auth, actorOf(auth, ip), query.kind, file);
  },
  createRisk: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return editing.createNamed(services, auth, actorOf(auth, ip), 'pcs_risks', body);
  },
  updateRisk: async ({ auth, params, body, ip, services }) => editing.updateNamed(services, auth, actorOf(auth, ip), 'pcs_risks', params.id, body),
  createReflexSheet: async ({ auth, params, body, ip, reply, services }) => {
    reply.status(201);
    return editing.createSheet(services, auth, actorOf(auth, ip), params.id, body);
  },
  updateReflexSheet: async ({ auth, params, body, ip, services }) => editing.updateSheet(services, auth, actorOf(auth, ip), params.id, body),
  createContact: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return editing.createNamed(services, auth, actorOf(auth, ip), 'pcs_contacts', body);
  },
  updateContact: async ({ auth, params, body, ip, services }) => editing.updateNamed(services, auth, actorOf(auth, ip), 'pcs_contacts', params.id, body),
  createOncallShift: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return editing.createShift(services, auth, actorOf(auth, ip), body);
  },
  deleteOncallShift: async ({ auth, params, ip, reply, services }) => {
    await editing.deleteShift(services, auth, actorOf(auth, ip), params.id);
    reply.status(204);
  },
  createAlertMean: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return editing.createNamed(services, auth, actorOf(auth, ip), 'pcs_alert_means', body);
  },
  updateAlertMean: async ({ auth, params, body, ip, services }) => editing.updateNamed(services, auth, actorOf(auth, ip), 'pcs_alert_means', params.id, body),
  createSite: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return editing.createNamed(services, auth, actorOf(auth, ip), 'pcs_sites', body);
  },
  updateSite: async ({ auth, params, body, ip, services }) => editing.updateNamed(services, auth, actorOf(auth, ip), 'pcs_sites', params.id, body),
  listVulnerablePeople: async ({ auth, ip, reply, services }) => {
    reply.header('cache-control', 'no-store');
    return { people: await vulnerable.listVulnerablePeople(services, auth, actorOf(auth, ip)) };
  },
  createVulnerablePerson: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return vulnerable.createVulnerablePerson(services, auth, actorOf(auth, ip), body);
  },
  updateVulnerablePerson: async ({ auth, params, body, ip, services }) => vulnerable.updateVulnerablePerson(services, auth, actorOf(auth, ip), params.id, body),
  deleteVulnerablePerson: async ({ auth, params, ip, reply, services }) => {
    await vulnerable.deleteVulnerablePerson(services, auth, actorOf(auth, ip), params.id);
    reply.status(204);
  },
  exportVulnerablePeople: async ({ auth, ip, reply, services }) => {
    const csv = await vulnerable.exportVulnerablePeople(services, auth, actorOf(auth, ip));
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('cache-control', 'no-store');
    reply.header('content-disposition', attachment('registre-personnes-vulnerables.csv'));
    return reply.send(csv);
  },

  listResources: async ({ auth, query, services }) => ({ resources: await resources.listResources(services, auth, query) }),
  createResource: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return resources.createResource(services, auth, actorOf(auth, ip), body);
  },
  updateResource: async ({ auth, params, body, ip, services }) => resources.updateResource(services, auth, actorOf(auth, ip), params.id, body),
  engageResource: async ({ auth, params, body, ip, services }) => resources.engageResource(services, auth, actorOf(auth, ip), params.id, body),
  releaseResource: async ({ auth, params, body, ip, services }) => resources.releaseResource(services, auth, actorOf(auth, ip), params.id, body.note),
  setResourceOccupancy: async ({ auth, params, body, ip, services }) => resources.setOccupancy(services, auth, actorOf(auth, ip), params.id, body),

  getEventReflexSheets: async ({ auth, params, services }) => reflex.eventReflexSheets(services, auth, params.id),
  startReflexSheet: async ({ auth, params, ip, reply, services }) => {
    reply.status(201);
    return reflex.startReflexSheet(services, auth, actorOf(auth, ip), params.id, params.sheetId);
  },
});
