export { eventsHandlers } from './events.routes';
export { requireVisibleEvent, lockVisibleEvent, lockManagedEvent, requireManagedEvent, presentSummary, typeVisible, afterAudienceChange, publishUpdated, systemEntry } from './events.service';
export { canReadEvent, canWriteEvent, canManageEvent, eventAccess, visibleEventIdsSql, sharedEventIdsSql, hiddenOwnEventIdsSql, type EventAccess } from './events.policy';
export { lockEvent, findEvent, ancestorsOf, eventSummaryQuery } from './events.repository';
export { requireActiveItems, listCatalogue, createItem, updateItem } from './catalogue';

import type { AuthContext } from '../../http/context';
/** Whose catalogues (tags, functions) a person writes with: their organisation's, or the host's for a guest. */
export function catalogueOrganisation(auth: AuthContext): string {
  return auth.guest ? auth.guest.hostOrganisationId : auth.user.organisationId;
}
