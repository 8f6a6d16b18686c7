export { situationHandlers } from './situation.routes';
