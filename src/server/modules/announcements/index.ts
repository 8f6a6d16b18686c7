export { announcementsHandlers } from './announcements.routes';
export { canReadAnnouncementsOf } from './announcements.service';
