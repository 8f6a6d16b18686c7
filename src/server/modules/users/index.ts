export { usersHandlers } from './users.routes';
export { presentUser } from './users.presenter';
