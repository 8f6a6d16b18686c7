export { collectionHandlers } from './collection.routes';
export { canSubscribeCampaign } from './collection.policy';
export { UNUSUAL_FACTOR, UNUSUAL_FLOOR, UNUSUAL_MIN_HISTORY_DAYS } from './declarations.service';
export { DetectionRefresher, DEPARTMENT_AREA, queueDetection } from './detection.refresher';
export { OverviewCache } from './overview.cache';
