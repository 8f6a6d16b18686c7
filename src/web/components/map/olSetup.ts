// Projections the map reads besides WGS 84 and Web Mercator (built into OpenLayers): Lambert-93,
// as the server defines it (src/server/modules/map/projections.ts), for WMS services asked in
// EPSG:2154 (OpenLayers reprojects their images).
import proj4 from 'proj4';
import { register } from 'ol/proj/proj4';
import { LAMBERT93_PROJ4 } from '../../../shared/schemas/map';

let done = false;

export function registerProjections(): void {
  if (done) return;
  proj4.defs('EPSG:2154', LAMBERT93_PROJ4);
  register(proj4);
  done = true;
}
