export { organisationsHandlers } from './organisations.routes';
export { hasShare } from './shares.repository';
export { presentOrganisation } from './organisations.service';
