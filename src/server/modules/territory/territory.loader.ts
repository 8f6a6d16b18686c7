import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

const require = createRequire(import.meta.url);

export interface InseeCommune {
  code: string;
  nom: string;
  departement?: string;
  type: string;
  population?: number;
  anciensCodes?: string[];
}
export interface InseeDepartment {
  code: string;
  nom: string;
}

/** INSEE's current list (npm `@etalab/decoupage-administratif`), read once. */
let inseeCache: { communes: InseeCommune[]; departments: InseeDepartment[] } | undefined;
export function insee(): { communes: InseeCommune[]; departments: InseeDepartment[] } {
  inseeCache ??= {
    communes: require('@etalab/decoupage-administratif/data/communes.json') as InseeCommune[],
    departments: require('@etalab/decoupage-administratif/data/departements.json') as InseeDepartment[],
  };
  return inseeCache;
}

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
interface Feature {
  type: 'Feature';
  properties: Record<string, unknown> | null;
  geometry: Geometry | null;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

export interface LoadDepartmentReport {
  department: string;
  communes: number;
  withOutline: number;
  /** Outline codes of communes merged since the outline was drawn, mapped to their new commune. */
  merged: Array<{ oldCode: string; newCode: string; newName: string }>;
  /** Current communes with no outline in the file. */
  withoutOutline: string[];
  /** Codes in the file that are neither a current commune nor a former code of one. */
  unknown: string[];
}

function polygonsOf(g: Geometry): number[][][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * Loads (or refreshes) a department and its current communes: names and populations from INSEE,
 * outlines from a GeoJSON file whose features carry the commune code in `code` (or `insee`,
 * `INSEE_COM`). Outlines of communes merged since the file was drawn join their new commune
 * through INSEE's `anciensCodes`; none is dropped silently: the report lists every case.
 */
export async function loadDepartment(
  db: Kysely<DB>,
  code: string,
  communesGeo: FeatureCollection | null,
  departmentOutline: Geometry | null,
): Promise<LoadDepartmentReport> {
  const { communes, departments } = insee();
  const dep = departments.find((d) => d.code === code);
  if (!dep) throw new Error(`Département inconnu de l’INSEE : ${code}`);
  const current = communes.filter((c) => c.departement === code && c.type === 'commune-actuelle');
  const byCode = new Map(current.map((c) => [c.code, c]));
  const byFormer = new Map<string, InseeCommune>();
  for (const c of current) for (const old of c.anciensCodes ?? []) if (!byCode.has(old)) byFormer.set(old, c);

  const polygons = new Map<string, number[][][][]>();
  const report: LoadDepartmentReport = { department: code, communes: current.length, withOutline: 0, merged: [], withoutOutline: [], unknown: [] };
  for (const f of communesGeo?.features ?? []) {
    const p = f.properties ?? {};
    const fcode = String(p.code ?? p.insee ?? p.INSEE_COM ?? p.codgeo ?? '');
    if (!f.geometry || (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon')) continue;
    let target = byCode.get(fcode);
    if (!target) {
      target = byFormer.get(fcode);
      if (target) report.merged.push({ oldCode: fcode, newCode: target.code, newName: target.nom });
    }
    if (!target) {
      report.unknown.push(fcode);
      continue;
    }
    const list = polygons.get(target.code) ?? [];
    list.push(...polygonsOf(f.geometry));
    polygons.set(target.code, list);
  }

  const rows = current.map((c) => {
    const polys = polygons.get(c.code);
    if (polys) report.withOutline++;
    else report.withoutOutline.push(c.code);
    const outline: Geometry | null = polys ? (polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys }) : null;
    return {
      insee_code: c.code,
      name: c.nom,
      department_code: code,
      population: c.population ?? null,
      former_codes: (c.anciensCodes ?? []).filter((o) => o !== c.code),
      outline: outline ? JSON.stringify(outline) : null,
    };
  });

  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('departments')
      .values({ code, name: dep.nom, outline: departmentOutline ? JSON.stringify(departmentOutline) : null })
      .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), outline: eb.ref('excluded.outline') })))
      .execute();
    // One statement per 100 communes: PGlite pays per statement.
    for (let i = 0; i < rows.length; i += 100) {
      await tx
        .insertInto('communes')
        .values(rows.slice(i, i + 100))
        .onConflict((oc) =>
          oc.column('insee_code').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            population: eb.ref('excluded.population'),
            former_codes: eb.ref('excluded.former_codes'),
            outline: eb.ref('excluded.outline'),
          })),
        )
        .execute();
    }
  });
  return report;
}
