import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config';
import { openDatabase, type Database } from './db/client';
import { migrate } from './db/migrate';
import { loadDepartment, type LoadDepartmentReport } from './modules/territory';
import type { FeatureCollection } from './modules/territory/territory.loader';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GEO_DIR = path.join(ROOT, 'assets/geo');

/** Departments whose commune outlines ship with Vigie (assets/geo, Licence Ouverte). */
export const SHIPPED_DEPARTMENTS: Record<string, string> = { '34': 'communes-34-herault.geojson', '56': 'communes-56-morbihan.geojson' };

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Loads the shipped departments into an empty territory (reference data, loaded whatever DEMO_DATA says). */
export async function ensureReferenceData(database: Database): Promise<LoadDepartmentReport[]> {
  const existing = await database.db.selectFrom('departments').select('code').execute();
  const have = new Set(existing.map((d) => d.code));
  const reports: LoadDepartmentReport[] = [];
  let departments: FeatureCollection | undefined;
  for (const [code, file] of Object.entries(SHIPPED_DEPARTMENTS)) {
    if (have.has(code)) continue;
    departments ??= readJson<FeatureCollection>(path.join(GEO_DIR, 'departements-version-simplifiee.geojson'));
    const outline = departments.features.find((f) => String(f.properties?.code) === code)?.geometry ?? null;
    reports.push(await loadDepartment(database.db, code, readJson<FeatureCollection>(path.join(GEO_DIR, file)), outline));
  }
  return reports;
}

/** Opens the configured database, applies pending migrations and loads reference data. */
export async function prepareDatabase(config: Config): Promise<{ database: Database; applied: string[]; territory: LoadDepartmentReport[] }> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  try {
    const applied = await migrate(database);
    const territory = await ensureReferenceData(database);
    return { database, applied, territory };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}
