import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import * as visio from './visio.service';

export const visioHandlers = defineHandlers({
  getVisioRoom: async ({ auth, params, services }) => visio.getRoom(services, auth, params.id),
  postVisioMessage: async ({ auth, params, body, ip, reply, services }) => {
    reply.status(201);
    return visio.postMessage(services, auth, actorOf(auth, ip), params.id, body.body);
  },
  copyVisioMessage: async ({ auth, params, ip, reply, services }) => {
    reply.status(201);
    return visio.copyToLogbook(services, auth, actorOf(auth, ip), params.id, params.messageId);
  },
});
