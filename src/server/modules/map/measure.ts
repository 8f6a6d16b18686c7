// Sizes of a perimeter for the main courante ("zone de 6 sommets, 12,4 ha"), on the sphere of
// mean radius 6 371 008.8 m (IUGG): within a fraction of a percent of the ellipsoid at French
// latitudes, the same as OpenLayers' `getArea` / `getLength` in the browser.
import type { PerimeterGeometry } from '../../../shared/schemas/map';

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Length of a line in metres (haversine between successive points). */
export function lineLength(coords: Array<[number, number]>): number {
  let m = 0;
  for (let i = 1; i < coords.length; i++) {
    const [lon1, lat1] = coords[i - 1];
    const [lon2, lat2] = coords[i];
    const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
    m += 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  return m;
}

/** Area of a ring in square metres (spherical excess, Chamberlain & Duquette 2007, as OpenLayers). */
function ringArea(ring: Array<[number, number]>): number {
  let a = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [lon1, lat1] = ring[i];
    const [lon2, lat2] = ring[i + 1];
    a += rad(lon2 - lon1) * (2 + Math.sin(rad(lat1)) + Math.sin(rad(lat2)));
  }
  return Math.abs((a * R * R) / 2);
}

/** Area of a polygon in square metres: its outline less its holes. */
export function polygonArea(rings: Array<Array<[number, number]>>): number {
  return Math.max(0, rings.reduce((sum, r, i) => sum + (i === 0 ? ringArea(r) : -ringArea(r)), 0));
}

const fr = (v: number, digits: number) => v.toLocaleString('fr-FR', { maximumFractionDigits: digits });

export function formatArea(m2: number): string {
  if (m2 < 10_000) return `${fr(Math.round(m2), 0)} m²`;
  if (m2 < 1_000_000) return `${fr(m2 / 10_000, 1)} ha`;
  return `${fr(m2 / 1_000_000, 2)} km²`;
}

export function formatLength(m: number): string {
  return m < 1000 ? `${fr(Math.round(m), 0)} m` : `${fr(m / 1000, 2)} km`;
}

/** "zone de 4 sommets, 2,3 ha" or "ligne de 3 points, 850 m". */
export function describeShape(g: PerimeterGeometry): string {
  if (g.type === 'Polygon') {
    const vertices = g.coordinates[0].length - 1;
    return `zone de ${vertices} sommets, ${formatArea(polygonArea(g.coordinates as Array<Array<[number, number]>>))}`;
  }
  return `ligne de ${g.coordinates.length} points, ${formatLength(lineLength(g.coordinates as Array<[number, number]>))}`;
}
