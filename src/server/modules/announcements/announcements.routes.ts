import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import * as svc from './announcements.service';

export const announcementsHandlers = defineHandlers({
  listAnnouncements: async ({ auth, query, services }) => ({ announcements: await svc.listAnnouncements(services, auth, query) }),
  createAnnouncement: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return svc.createAnnouncement(services, auth, actorOf(auth, ip), body);
  },
});
