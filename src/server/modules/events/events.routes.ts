import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import { createItem, presentItem, updateItem } from './catalogue';
import * as events from './events.service';

export const eventsHandlers = defineHandlers({
  listEventTypes: async ({ auth, services }) => ({ items: (await events.listVisibleEventTypes(services.db, auth)).map(presentItem) }),
  createEventType: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return createItem(services, 'event_types', auth.user.organisationId, actorOf(auth, ip), body);
  },
  updateEventType: async ({ auth, params, body, ip, services }) => updateItem(services, 'event_types', auth.user.organisationId, actorOf(auth, ip), params.id, body),

  listEvents: async ({ auth, query, services }) => ({ events: await events.listEvents(services, auth, query) }),
  createEvent: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return events.createEvent(services, auth, actorOf(auth, ip), body);
  },
  getEvent: async ({ auth, params, services }) => events.getEvent(services, auth, params.id),
  updateEvent: async ({ auth, params, body, ip, services }) => events.updateEvent(services, auth, actorOf(auth, ip), params.id, body),
  closeEvent: async ({ auth, params, ip, services }) => events.closeEvent(services, auth, actorOf(auth, ip), params.id),
  reopenEvent: async ({ auth, params, body, ip, services }) => events.reopenEvent(services, auth, actorOf(auth, ip), params.id, body.reason),
});
