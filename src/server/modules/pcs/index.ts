export { pcsHandlers } from './pcs.routes';
