export { territoryHandlers } from './territory.routes';
export { insee, loadDepartment, type InseeCommune, type LoadDepartmentReport } from './territory.loader';
