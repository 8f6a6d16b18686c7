import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import * as users from './users.service';

export const usersHandlers = defineHandlers({
  listUsers: async ({ auth, services }) => ({ users: await users.listUsers(services, auth) }),
  getUser: async ({ auth, params, services }) => users.getUser(services, auth, params.id),
  createUser: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return users.createUser(services, auth, actorOf(auth, ip), body);
  },
  updateUser: async ({ auth, params, body, ip, services }) => users.updateUser(services, auth, actorOf(auth, ip), params.id, body),
  resetUserPassword: async ({ auth, params, ip, services }) => users.resetPassword(services, auth, actorOf(auth, ip), params.id),
  unlockUser: async ({ auth, params, ip, services }) => users.unlockUser(services, auth, actorOf(auth, ip), params.id),
});
