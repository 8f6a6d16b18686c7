export { eventsHandlers } from './events.routes';
export { requireVisibleEvent, presentSummary } from './events.service';
export { canReadEvent, canWriteEvent, canManageEvent, visibleEventIdsSql } from './events.policy';
export { lockEvent, findEvent } from './events.repository';
export { requireActiveItems, listCatalogue, createItem, updateItem } from './catalogue';
