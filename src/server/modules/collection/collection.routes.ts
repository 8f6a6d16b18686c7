import { actorOf } from '../../http/context';
import { AppError } from '../../http/errors';
import { defineHandlers } from '../../http/route';
import * as campaigns from './campaigns.service';
import * as declarations from './declarations.service';
import { detection } from './detection.service';
import { overviewJson, totals } from './overview.service';
import { reportPdf } from './report.service';
import { exportCsv, exportDhis2, IMPORT_MAX_BYTES, importDeclarations } from './transfer.service';
import { attachmentDisposition } from '../../lib/csv';

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
  getOverview: async ({ auth, params, query, reply, services }) => {
    const body = await overviewJson(services, auth, params.id, query);
    reply.header('content-type', 'application/json; charset=utf-8');
    return reply.send(body);
  },
  getTotals: async ({ auth, params, query, services }) => totals(services, auth, params.id, query),
  getReportPdf: async ({ auth, params, query, reply, services }) => {
    const { fileName, body } = await reportPdf(services, auth, params.id, query.date);
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', attachmentDisposition(fileName).replace(/^attachment/, 'inline'));
    reply.header('cache-control', 'no-store');
    return reply.send(body);
  },
  exportDeclarationsCsv: async ({ auth, params, query, reply, services }) => {
    const { fileName, body } = await exportCsv(services, auth, params.id, query);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', attachmentDisposition(fileName));
    reply.header('cache-control', 'no-store');
    return reply.send(body);
  },
  exportDeclarationsDhis2: async ({ auth, params, query, reply, services }) => {
    const { fileName, body } = await exportDhis2(services, auth, params.id, query);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', attachmentDisposition(fileName));
    reply.header('cache-control', 'no-store');
    return reply.send(body);
  },
  importDeclarations: async ({ auth, params, query, ip, req, reply, services }) => {
    if (!req.isMultipart()) throw new AppError('unsupported_media_type');
    const file = await req.file({ limits: { fileSize: IMPORT_MAX_BYTES + 1, files: 1, fields: 5 } });
    const result = await importDeclarations(services, auth, actorOf(auth, ip), params.id, query, file);
    reply.status(result.dryRun ? 200 : 201);
    return result;
  },
});
