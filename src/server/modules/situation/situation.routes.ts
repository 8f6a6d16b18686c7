import { actorOf } from '../../http/context';
import { defineHandlers } from '../../http/route';
import * as situation from './situation.service';

export const situationHandlers = defineHandlers({
  getSituationForm: async ({ auth, params, services }) => situation.getSituationForm(services, auth, params.id),
  putSituationForm: async ({ auth, params, body, ip, services }) => situation.putSituationForm(services, auth, actorOf(auth, ip), params.id, body.fields),
  getSituation: async ({ auth, params, services }) => situation.getSituation(services, auth, params.id),
  putSituation: async ({ auth, params, body, ip, services }) => situation.putSituation(services, auth, actorOf(auth, ip), params.id, body),
});
