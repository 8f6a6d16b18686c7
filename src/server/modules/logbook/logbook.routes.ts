import { actorOf } from '../../http/context';
import { AppError } from '../../http/errors';
import { defineHandlers } from '../../http/route';
import { catalogueOrganisation, createItem, listCatalogue, updateItem } from '../events';
import * as entries from './entries.service';
import { readAttachment, uploadAttachment } from './attachments.service';
import { exportCsv, exportPdf } from './export.service';
import * as actions from './actions.service';

const disposition = (kind: 'attachment' | 'inline', name: string) =>
  `${kind}; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export const logbookHandlers = defineHandlers({
  listFunctions: async ({ auth, services }) => ({ items: await listCatalogue(services.db, 'crisis_functions', catalogueOrganisation(auth)) }),
  createFunction: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return createItem(services, 'crisis_functions', auth.user.organisationId, actorOf(auth, ip), body);
  },
  updateFunction: async ({ auth, params, body, ip, services }) => updateItem(services, 'crisis_functions', auth.user.organisationId, actorOf(auth, ip), params.id, body),
  listTags: async ({ auth, services }) => ({ items: await listCatalogue(services.db, 'action_tags', catalogueOrganisation(auth)) }),
  createTag: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return createItem(services, 'action_tags', auth.user.organisationId, actorOf(auth, ip), body);
  },
  updateTag: async ({ auth, params, body, ip, services }) => updateItem(services, 'action_tags', auth.user.organisationId, actorOf(auth, ip), params.id, body),

  listEntries: async ({ auth, params, query, services }) => entries.listEntries(services, auth, params.id, query),
  createEntry: async ({ auth, params, body, ip, reply, services }) => {
    reply.status(201);
    return entries.createEntry(services, auth, actorOf(auth, ip), params.id, body);
  },
  getEntry: async ({ auth, params, services }) => entries.getEntry(services, auth, params.id),
  verifyEvent: async ({ auth, params, services }) => entries.verifyEvent(services, auth, params.id),
  searchEntries: async ({ auth, query, services }) => entries.searchEntries(services, auth, query),

  uploadAttachment: async ({ auth, params, ip, req, reply, services }) => {
    if (!req.isMultipart()) throw new AppError('unsupported_media_type');
    const file = await req.file({ limits: { fileSize: services.config.attachmentMaxBytes + 1, files: 1, fields: 5 } });
    const result = await uploadAttachment(services, auth, actorOf(auth, ip), params.id, file);
    reply.status(201);
    return result;
  },
  getAttachment: async ({ auth, params, reply, services }) => {
    const a = await readAttachment(services, auth, params.id);
    reply.header('content-type', a.content_type);
    reply.header('content-disposition', disposition(a.content_type.startsWith('image/') ? 'inline' : 'attachment', a.file_name));
    reply.header('cache-control', 'private, max-age=86400, immutable');
    reply.header('content-security-policy', "default-src 'none'; sandbox");
    return reply.send(Buffer.from(a.data));
  },
  listAssignees: async ({ auth, params, services }) => actions.listAssignees(services, auth, params.id),
  listEventActions: async ({ auth, params, query, services }) => ({ actions: await actions.listEventActions(services, auth, params.id, query) }),
  listActions: async ({ auth, query, services }) => ({ actions: await actions.listActions(services, auth, query) }),
  changeActionStatus: async ({ auth, params, body, ip, services }) => actions.changeActionStatus(services, auth, actorOf(auth, ip), params.id, body),
  exportEventCsv: async ({ auth, params, query, reply, services }) => {
    const out = await exportCsv(services, auth, params.id, query.includeChildren === 'true');
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', disposition('attachment', out.fileName));
    return reply.send(out.body);
  },
  exportEventPdf: async ({ auth, params, query, reply, services }) => {
    const out = await exportPdf(services, auth, params.id, query.includeChildren === 'true');
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', disposition('attachment', out.fileName));
    return reply.send(out.body);
  },
});
