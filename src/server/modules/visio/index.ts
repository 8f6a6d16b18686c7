export { visioHandlers } from './visio.routes';
export { VisioRooms, formatDuration, type VisioTraffic } from './rooms';
