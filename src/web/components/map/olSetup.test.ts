import { describe, expect, it } from 'vitest';
import { transform, transformExtent } from 'ol/proj';
import { registerProjections } from './olSetup';
import { LAMBERT93_ORIGIN, MONTPELLIER_L93 } from '../../../../tests/fixtures/map';

describe('Lambert-93 on the map (OpenLayers through proj4)', () => {
  registerProjections();

  it('goes to and from WGS 84, under each of OpenLayers’ names for it', () => {
    for (const code of ['EPSG:4326', 'CRS:84', 'urn:ogc:def:crs:EPSG::4326', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84']) {
      const [lon, lat] = transform(MONTPELLIER_L93.townHall.l93, 'EPSG:2154', code);
      expect(lon, code).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[0], 3);
      expect(lat, code).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[1], 3);
    }
    const [x, y] = transform(LAMBERT93_ORIGIN.lonLat, 'EPSG:4326', 'EPSG:2154');
    expect(x).toBeCloseTo(LAMBERT93_ORIGIN.l93[0], 1);
    expect(y).toBeCloseTo(LAMBERT93_ORIGIN.l93[1], 1);
  });

  it('goes to and from Web Mercator (the view), extents included', () => {
    const merc = transform(MONTPELLIER_L93.comedie.lonLat, 'EPSG:4326', 'EPSG:3857');
    for (const code of ['EPSG:3857', 'EPSG:900913', 'EPSG:102100']) {
      const [x, y] = transform(merc, code, 'EPSG:2154');
      expect(Math.abs(x - MONTPELLIER_L93.comedie.l93[0]), code).toBeLessThan(15);
      expect(Math.abs(y - MONTPELLIER_L93.comedie.l93[1]), code).toBeLessThan(15);
    }
    const [w, s, e, n] = transformExtent([770_000, 6_270_000, 780_000, 6_290_000], 'EPSG:2154', 'EPSG:3857');
    expect(w < e && s < n).toBe(true);
    const back = transformExtent([w, s, e, n], 'EPSG:3857', 'EPSG:2154');
    expect(back[0]).toBeLessThanOrEqual(770_001);
    expect(back[3]).toBeGreaterThanOrEqual(6_289_999);
  });
});
