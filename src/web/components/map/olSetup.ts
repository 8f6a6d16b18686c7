// Projections the map reads besides WGS 84 and Web Mercator (built into OpenLayers): Lambert-93,
// as the server defines it (src/server/modules/map/projections.ts), for WMS services asked in
// EPSG:2154 (OpenLayers reprojects their images).
import proj4 from 'proj4';
import { register } from 'ol/proj/proj4';

let done = false;

export function registerProjections(): void {
  if (done) return;
  proj4.defs('EPSG:2154', '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs');
  register(proj4);
  done = true;
}
