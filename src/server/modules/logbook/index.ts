export { logbookHandlers } from './logbook.routes';
export { verifyChain, entryHash, appendEntry } from './chain';
export { presentEntries } from './entries.presenter';
