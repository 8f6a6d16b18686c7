export { openDatabase, openPglite, openPostgres, type Database, type Engine } from './client';
export { migrate, migrationStatus, readMigrations, MigrationError } from './migrate';
export type * from './schema';
