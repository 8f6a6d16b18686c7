// Projections the map reads besides WGS 84 and Web Mercator (built into OpenLayers): Lambert-93,
// as the server defines it (src/server/modules/map/projections.ts), for WMS services asked in
// EPSG:2154 (OpenLayers reprojects their images).
//
// Only Lambert-93 is registered, with its transforms to and from every OpenLayers code of WGS 84
// and of Web Mercator, computed by proj4. Not `register(proj4)` of ol/proj/proj4: it pairs all of
// proj4's ≈ 130 built-in definitions (≈ 0.3 s of the page's main thread when the map opens).
import proj4 from 'proj4';
import Projection from 'ol/proj/Projection';
import { addCoordinateTransforms, addProjection, get as getProjection } from 'ol/proj';
import { PROJECTIONS as WGS84_PROJECTIONS } from 'ol/proj/epsg4326';
import { PROJECTIONS as MERCATOR_PROJECTIONS } from 'ol/proj/epsg3857';
import type { Coordinate } from 'ol/coordinate';
import { LAMBERT93_PROJ4 } from '../../../shared/schemas/map';

export const LAMBERT93 = 'EPSG:2154';
/** Where Lambert-93 is defined (metropolitan France and Corsica, IGN), in metres. */
const LAMBERT93_EXTENT = [-378_305.81, 6_093_283.21, 1_212_610.74, 7_186_901.68];

let done = false;

export function registerProjections(): void {
  if (done) return;
  proj4.defs(LAMBERT93, LAMBERT93_PROJ4);
  addProjection(new Projection({ code: LAMBERT93, units: 'm', extent: LAMBERT93_EXTENT, worldExtent: [-9.86, 41.15, 10.38, 51.56] }));
  const pairs: Array<[string, string[]]> = [
    ['EPSG:4326', WGS84_PROJECTIONS.map((p) => p.getCode())],
    ['EPSG:3857', MERCATOR_PROJECTIONS.map((p) => p.getCode())],
  ];
  for (const [proj4Code, olCodes] of pairs) {
    const converter = proj4(proj4Code, LAMBERT93);
    const forward = (c: Coordinate) => converter.forward([c[0], c[1]]);
    const inverse = (c: Coordinate) => converter.inverse([c[0], c[1]]);
    for (const code of new Set(olCodes)) addCoordinateTransforms(getProjection(code)!, LAMBERT93, forward, inverse);
  }
  done = true;
}
