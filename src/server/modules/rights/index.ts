export { rightsHandlers } from './rights.routes';
export { describeGrants } from './audience.service';
