export { mapHandlers } from './map.routes';
