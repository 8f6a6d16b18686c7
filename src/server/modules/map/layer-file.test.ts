import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { AppError } from '../../http/errors';
import { crsFromGeoJsonMember, crsFromName, crsFromPrj, suggestCrs, toWgs84 } from './projections';
import { readLayerFile, reprojectLayer, resolveCrs } from './layer-file';
import { describeShape, lineLength, polygonArea } from './measure';
import {
  geojsonLambert93,
  LAMBERT93_ORIGIN,
  MONTPELLIER_L93,
  polygonShapefileZip,
  PRJ_LAMBERT2_ETENDU,
  PRJ_LAMBERT93_ESRI,
  PRJ_LAMBERT93_OGC,
  PRJ_WGS84_ESRI,
  shapefileZip,
} from '../../../../tests/fixtures/map';

const MAX = 100 * 1024 * 1024;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('projections', () => {
  it('Lambert-93: the projection origin is 3° E 46.5° N exactly, and Montpellier lands in Montpellier', () => {
    const [lon, lat] = toWgs84('EPSG:2154')(LAMBERT93_ORIGIN.l93);
    expect(lon).toBeCloseTo(3, 9);
    expect(lat).toBeCloseTo(46.5, 9);
    const [tlon, tlat] = toWgs84('EPSG:2154')(MONTPELLIER_L93.townHall.l93);
    expect(tlon).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[0], 3);
    expect(tlat).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[1], 3);
  });

  it('Web Mercator: the equator and the meridian of Greenwich', () => {
    expect(toWgs84('EPSG:3857')([0, 0])).toEqual([0, 0]);
    const [lon] = toWgs84('EPSG:3857')([20_037_508.342789244, 0]);
    expect(lon).toBeCloseTo(180, 6);
  });

  it('reads CRS names as GeoJSON files write them', () => {
    expect(crsFromName('urn:ogc:def:crs:EPSG::2154')).toBe('EPSG:2154');
    expect(crsFromName('EPSG:2154')).toBe('EPSG:2154');
    expect(crsFromName('http://www.opengis.net/def/crs/EPSG/0/3857')).toBe('EPSG:3857');
    expect(crsFromName('urn:ogc:def:crs:EPSG:6.3:900913')).toBe('EPSG:3857');
    expect(crsFromName('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe('EPSG:4326');
    expect(crsFromName('urn:ogc:def:crs:EPSG::27572')).toBeNull();
    expect(crsFromGeoJsonMember({ type: 'EPSG', properties: { code: 2154 } })).toEqual({ crs: 'EPSG:2154', text: 'EPSG:2154' });
    expect(crsFromGeoJsonMember(undefined)).toEqual({ crs: null, text: null });
    expect(crsFromGeoJsonMember({ type: 'link', properties: { href: 'x' } }).crs).toBeNull();
  });

  it('reads .prj files: Esri and OGC Lambert-93, WGS 84, and refuses Lambert II', () => {
    expect(crsFromPrj(PRJ_LAMBERT93_ESRI).crs).toBe('EPSG:2154');
    expect(crsFromPrj(PRJ_LAMBERT93_OGC).crs).toBe('EPSG:2154');
    // Lambert-93 by its parameters alone, under a name that says nothing.
    expect(crsFromPrj(PRJ_LAMBERT93_ESRI.replace('RGF_1993_Lambert_93', 'Projection_locale')).crs).toBe('EPSG:2154');
    expect(crsFromPrj(PRJ_WGS84_ESRI).crs).toBe('EPSG:4326');
    expect(crsFromPrj('PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],UNIT["metre",1]]').crs).toBe('EPSG:3857');
    // A projected CRS never takes the geographic code found inside it.
    expect(crsFromPrj('PROJCS["Inconnue",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],UNIT["metre",1]]').crs).toBeNull();
    expect(crsFromPrj(PRJ_LAMBERT2_ETENDU)).toEqual({ crs: null, text: 'NTF_Paris_Lambert_II_etendu' });
    expect(crsFromPrj('n’importe quoi').crs).toBeNull();
  });

  it('suggests a projection from the extent of raw coordinates', () => {
    expect(suggestCrs([3.8, 43.5, 3.9, 43.7])).toBe('EPSG:4326');
    expect(suggestCrs([770_000, 6_270_000, 775_000, 6_285_000])).toBe('EPSG:2154');
    expect(suggestCrs([430_000, 5_400_000, 435_000, 5_410_000])).toBe('EPSG:3857');
    expect(suggestCrs(null)).toBeNull();
  });
});

describe('layer files', () => {
  it('a GeoJSON in Lambert-93 naming EPSG:2154 is reprojected to WGS 84, measured, and rounded to 7 decimals', () => {
    const file = readLayerFile(geojsonLambert93(), MAX);
    expect(file.format).toBe('geojson');
    expect(resolveCrs(file, undefined)).toEqual({ crs: 'EPSG:2154', origin: 'declared' });
    const layer = reprojectLayer(file, 'EPSG:2154');
    expect(layer.featureCount).toBe(3);
    expect(layer.geometryTypes).toEqual(['Point', 'Polygon']);
    expect(layer.attributeNames).toEqual(['nom', 'type', 'aléa']);
    const fc = JSON.parse(layer.geojson);
    const [lon, lat] = fc.features[0].geometry.coordinates;
    expect(lon).toBeCloseTo(3.8957, 3);
    expect(lat).toBeCloseTo(43.5993, 3);
    expect(String(lon).split('.')[1].length).toBeLessThanOrEqual(7);
    expect(fc.features[0]).toMatchObject({ type: 'Feature', id: 1, properties: { nom: 'Hôtel de ville' } });
    expect(fc.crs).toBeUndefined();
    const [w, s, e, n] = layer.bbox!;
    expect(w).toBeGreaterThan(3.86);
    expect(e).toBeLessThan(3.91);
    expect(s).toBeGreaterThan(43.59);
    expect(n).toBeLessThan(43.62);
  });

  it('a zipped point shapefile with a Lambert-93 .prj, attributes in UTF-8 (.cpg) or Windows-1252 (no .cpg)', () => {
    for (const encoding of ['utf8', 'cp1252'] as const) {
      const file = readLayerFile(shapefileZip({ encoding }), MAX);
      expect(file.format).toBe('shapefile');
      expect(file.declared.crs).toBe('EPSG:2154');
      const layer = reprojectLayer(file, resolveCrs(file, undefined).crs);
      const fc = JSON.parse(layer.geojson);
      expect(fc.features.map((f: { properties: { NOM: string } }) => f.properties.NOM)).toEqual(['Hôtel de ville', 'Gymnase de la Comédie', 'EHPAD L’Oustal']);
      expect(fc.features[2].properties.CATEGORIE).toBe('santé');
      expect(fc.features[0].geometry.coordinates[0]).toBeCloseTo(3.8957, 3);
      expect(layer.attributeNames).toEqual(['NOM', 'CATEGORIE']);
    }
  });

  it('a zipped polygon shapefile keeps its hole', () => {
    const file = readLayerFile(polygonShapefileZip(), MAX);
    const layer = reprojectLayer(file, resolveCrs(file, undefined).crs);
    const fc = JSON.parse(layer.geojson);
    expect(fc.features[0].geometry.type).toBe('Polygon');
    expect(fc.features[0].geometry.coordinates).toHaveLength(2);
    expect(fc.features[0].properties).toEqual({ ALEA: 'fort' });
  });

  it('bad files: neither GeoJSON nor shapefile, broken JSON, a zip without .shp, two layers, a zip bomb', () => {
    expect(codeOf(() => readLayerFile(Buffer.from('%PDF-1.7 pas une carte'), MAX))).toBe('map_file_invalid');
    expect(codeOf(() => readLayerFile(Buffer.from([0xff, 0xfe, 0x00, 0x01]), MAX))).toBe('map_file_invalid');
    expect(codeOf(() => readLayerFile(Buffer.from('{"type": "FeatureCollection", "features": ['), MAX))).toBe('map_file_invalid');
    expect(codeOf(() => readLayerFile(Buffer.from('{"type": "Topology"}'), MAX))).toBe('map_file_invalid');
    expect(codeOf(() => readLayerFile(Buffer.from(zipSync({ 'lisez-moi.txt': Buffer.from('bonjour') })), MAX))).toBe('map_file_invalid');
    const two = zipSync({ 'a.shp': new Uint8Array(100), 'b.shp': new Uint8Array(100) });
    expect(codeOf(() => readLayerFile(Buffer.from(two), MAX))).toBe('map_file_invalid');
    const bomb = zipSync({ 'a.shp': new Uint8Array(3_000_000) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    expect(codeOf(() => readLayerFile(Buffer.from(bomb), 1_000_000))).toBe('file_too_large');
    const truncated = shapefileZip().subarray(0, 200);
    expect(codeOf(() => readLayerFile(truncated, MAX))).toBe('map_file_invalid');
  });

  it('projection: unreadable or absent → map_crs_unknown with a suggestion, unless the uploader chooses', () => {
    const noPrj = readLayerFile(shapefileZip({ prj: null }), MAX);
    expect(codeOf(() => resolveCrs(noPrj, undefined))).toBe('map_crs_unknown');
    try {
      resolveCrs(noPrj, undefined);
    } catch (err) {
      expect((err as AppError).details).toMatchObject({ declared: null, suggested: 'EPSG:2154' });
    }
    expect(resolveCrs(noPrj, 'EPSG:2154')).toEqual({ crs: 'EPSG:2154', origin: 'chosen' });
    const lambert2 = readLayerFile(shapefileZip({ prj: PRJ_LAMBERT2_ETENDU }), MAX);
    expect(codeOf(() => resolveCrs(lambert2, undefined))).toBe('map_crs_unknown');
    const { crs: _crs, ...withoutCrs } = JSON.parse(geojsonLambert93().toString());
    const undeclared = readLayerFile(Buffer.from(JSON.stringify(withoutCrs)), MAX);
    expect(codeOf(() => resolveCrs(undeclared, undefined))).toBe('map_crs_unknown');
    // GeoJSON without `crs` and with degrees: WGS 84, as RFC 7946 says.
    const wgs = readLayerFile(Buffer.from(JSON.stringify({ type: 'Point', coordinates: [3.87, 43.6] })), MAX);
    expect(resolveCrs(wgs, undefined)).toEqual({ crs: 'EPSG:4326', origin: 'default' });
  });

  it('coordinates out of range once reprojected, and malformed features, are refused', () => {
    const file = readLayerFile(geojsonLambert93(), MAX);
    expect(codeOf(() => reprojectLayer(file, 'EPSG:4326'))).toBe('map_coordinates_invalid');
    const bad = (g: unknown) => readLayerFile(Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: g }] })), MAX);
    expect(codeOf(() => reprojectLayer(bad({ type: 'Point', coordinates: ['x', 1] }), 'EPSG:4326'))).toBe('map_file_invalid');
    expect(codeOf(() => reprojectLayer(bad({ type: 'LineString', coordinates: [[1, 2]] }), 'EPSG:4326'))).toBe('map_file_invalid');
    expect(codeOf(() => reprojectLayer(bad({ type: 'Cercle', coordinates: [1, 2] }), 'EPSG:4326'))).toBe('map_file_invalid');
    expect(codeOf(() => reprojectLayer(bad({ type: 'Point', coordinates: [1e20, 1e20] }), 'EPSG:3857'))).toBe('map_coordinates_invalid');
    expect(codeOf(() => reprojectLayer(readLayerFile(Buffer.from('{"type":"FeatureCollection","features":[]}'), MAX), 'EPSG:4326'))).toBe('map_file_invalid');
  });
});

describe('measures of a perimeter', () => {
  it('a square of 0.01° at 45° N: about 87 ha; 1° of meridian: about 111 km', () => {
    const sq: Array<[number, number]> = [
      [3, 45],
      [3.01, 45],
      [3.01, 45.01],
      [3, 45.01],
      [3, 45],
    ];
    expect(polygonArea([sq]) / 10_000).toBeGreaterThan(86);
    expect(polygonArea([sq]) / 10_000).toBeLessThan(89);
    expect(lineLength([
      [3, 45],
      [3, 46],
    ])).toBeCloseTo(111_195, -2);
    expect(describeShape({ type: 'Polygon', coordinates: [sq] })).toMatch(/^zone de 4 sommets, 8\d,\d ha$/);
    expect(describeShape({ type: 'LineString', coordinates: [[3.87, 43.6], [3.875, 43.6]] })).toMatch(/^ligne de 2 points, 40\d m$/);
  });
});
