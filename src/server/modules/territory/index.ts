export { territoryHandlers } from './territory.routes';
export { loadDepartment, type LoadDepartmentReport } from './territory.loader';
