export { collectionHandlers } from './collection.routes';
export { canSubscribeCampaign } from './collection.policy';
export { UNUSUAL_FACTOR, UNUSUAL_FLOOR, UNUSUAL_MIN_HISTORY_DAYS } from './declarations.service';
