// Seeded GIS layers at the scale of a department, for `npm run bench:map` (server and browser
// parts): points and polygons in Lambert-93 over the Hérault, as a GeoJSON
// with a `crs` member and as a zipped shapefile with a Lambert-93 .prj.
import { zipSync } from 'fflate';
import { PRJ_LAMBERT93_ESRI, writeDbf, writeShp } from '../../tests/fixtures/map';
import { Rng } from './random';

/** The Hérault in Lambert-93 (metres), roughly: where the features are drawn. */
const HERAULT = { minX: 680_000, maxX: 800_000, minY: 6_230_000, maxY: 6_330_000 };
const CATEGORIES = ['école', 'EHPAD', 'gymnase', 'point d’eau', 'poteau incendie', 'crèche', 'mairie', 'pharmacie'];

/** `n` points as a GeoJSON FeatureCollection in Lambert-93 (`crs` EPSG:2154), with three attributes. */
export function pointsGeojsonL93(n: number, seed: number): Buffer {
  const r = new Rng(seed);
  const features = Array.from({ length: n }, (_, i) => ({
    type: 'Feature',
    properties: { id: i + 1, nom: `Lieu ${i + 1}`, categorie: CATEGORIES[Math.floor(r.uniform() * CATEGORIES.length)] },
    geometry: {
      type: 'Point',
      coordinates: [Math.round(HERAULT.minX + r.uniform() * (HERAULT.maxX - HERAULT.minX)), Math.round(HERAULT.minY + r.uniform() * (HERAULT.maxY - HERAULT.minY))],
    },
  }));
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2154' } }, features }));
}

/** `n` polygons (8 to 24 vertices, 50 to 400 m across, clockwise) as a zipped shapefile in Lambert-93. */
export function polygonsShapefileL93(n: number, seed: number): Buffer {
  const r = new Rng(seed);
  const shapes = Array.from({ length: n }, () => {
    const cx = HERAULT.minX + r.uniform() * (HERAULT.maxX - HERAULT.minX);
    const cy = HERAULT.minY + r.uniform() * (HERAULT.maxY - HERAULT.minY);
    const k = 8 + Math.floor(r.uniform() * 17);
    const radius = 25 + r.uniform() * 175;
    const ring: Array<[number, number]> = [];
    // Clockwise: decreasing angle.
    for (let j = 0; j < k; j++) {
      const a = -((2 * Math.PI * j) / k);
      const d = radius * (0.7 + 0.3 * r.uniform());
      ring.push([Math.round((cx + d * Math.cos(a)) * 100) / 100, Math.round((cy + d * Math.sin(a)) * 100) / 100]);
    }
    ring.push(ring[0]);
    return { type: 'Polygon' as const, coordinates: [ring] };
  });
  const { shp, shx } = writeShp(shapes);
  const dbf = writeDbf(
    ['ID', 'ALEA'],
    shapes.map((_, i) => ({ ID: String(i + 1), ALEA: ['faible', 'moyen', 'fort'][i % 3] })),
    'utf8',
  );
  return Buffer.from(zipSync({ 'zones.shp': shp, 'zones.shx': shx, 'zones.dbf': dbf, 'zones.prj': Buffer.from(PRJ_LAMBERT93_ESRI), 'zones.cpg': Buffer.from('UTF-8') }));
}
