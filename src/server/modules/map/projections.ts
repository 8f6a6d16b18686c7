// The three projections Vigie reads, and how a file says which one it is in.
import proj4 from 'proj4';
import { LAMBERT93_PROJ4, mapCrsCodes, type MapCrs } from '../../../shared/schemas/map';

// proj4 knows EPSG:4326 and EPSG:3857; Lambert-93 is defined once, in src/shared (the map uses it too).
proj4.defs('EPSG:2154', LAMBERT93_PROJ4);

export type Position = [number, number];

/** A function from the projection's coordinates to [longitude, latitude] in degrees (WGS 84). */
export function toWgs84(crs: MapCrs): (p: Position) => Position {
  if (crs === 'EPSG:4326') return (p) => p;
  const t = proj4(crs, 'EPSG:4326');
  return (p) => t.forward(p) as Position;
}

/** From [longitude, latitude] to the projection (tests, and a later export in Lambert-93). */
export function fromWgs84(crs: MapCrs): (p: Position) => Position {
  if (crs === 'EPSG:4326') return (p) => p;
  const t = proj4('EPSG:4326', crs);
  return (p) => t.forward(p) as Position;
}

/** EPSG codes (and their common aliases) of the three projections. */
export function crsFromCode(code: number): MapCrs | null {
  if (code === 4326) return 'EPSG:4326';
  // 900913 ("google"), 3785, 102100 and 102113 (Esri) all name Web Mercator.
  if ([3857, 900913, 3785, 102100, 102113].includes(code)) return 'EPSG:3857';
  if (code === 2154) return 'EPSG:2154';
  return null;
}

/** One of the three codes written as Vigie writes them ("EPSG:2154"), or null. */
export function parseCrsCode(text: string): MapCrs | null {
  return (mapCrsCodes as readonly string[]).includes(text) ? (text as MapCrs) : null;
}

/** What a file says about its projection: the projection when Vigie reads it, and the words it used. */
export interface DeclaredCrs {
  crs: MapCrs | null;
  /** What the file says (a CRS name, a .prj's name), null when it says nothing. */
  text: string | null;
}

/** A CRS name as GeoJSON files write it: "EPSG:2154", "urn:ogc:def:crs:EPSG::2154", "…/EPSG/0/2154", "urn:ogc:def:crs:OGC:1.3:CRS84". */
export function crsFromName(name: string): MapCrs | null {
  const n = name.trim();
  if (/(^|:)CRS:?84$/i.test(n)) return 'EPSG:4326';
  if (!/EPSG/i.test(n)) return null;
  const m = /(\d+)\s*$/.exec(n);
  return m ? crsFromCode(Number(m[1])) : null;
}

/**
 * The `crs` member of a GeoJSON document (GeoJSON 2008; RFC 7946 dropped it but GDAL and QGIS
 * still write it for anything but WGS 84): `{ type: "name", properties: { name } }` or the older
 * `{ type: "EPSG", properties: { code } }`. Coordinates are read longitude (or easting) first, as
 * GeoJSON always orders them, whatever the CRS's own axis order.
 */
export function crsFromGeoJsonMember(member: unknown): DeclaredCrs {
  if (member === undefined || member === null) return { crs: null, text: null };
  const m = member as { type?: unknown; properties?: { name?: unknown; code?: unknown } };
  if (m.type === 'name' && typeof m.properties?.name === 'string') return { crs: crsFromName(m.properties.name), text: m.properties.name.slice(0, 200) };
  if (m.type === 'EPSG' && (typeof m.properties?.code === 'number' || typeof m.properties?.code === 'string')) {
    return { crs: crsFromCode(Number(m.properties.code)), text: `EPSG:${String(m.properties.code).slice(0, 20)}` };
  }
  return { crs: null, text: JSON.stringify(member).slice(0, 200) };
}

/**
 * A shapefile's .prj (WKT 1, as Esri, QGIS and GDAL write it, or WKT 2). Read from, in order: the
 * EPSG authority of the root (the last AUTHORITY/ID in the text; a projected CRS never takes a
 * geographic code found inside it), then the name, then — for Lambert-93 written without name or
 * code — the parameters of the conic projection.
 */
export function crsFromPrj(wkt: string): DeclaredCrs {
  const text = wkt.replace(/\s+/g, ' ').trim();
  const root = /^([A-Z_]+)\s*\[\s*"([^"]*)"/i.exec(text);
  if (!root) return { crs: null, text: text ? text.slice(0, 200) : null };
  const kind = root[1].toUpperCase();
  const name = root[2];
  const projected = kind === 'PROJCS' || kind === 'PROJCRS' || kind === 'PROJECTEDCRS';
  const geographic = kind === 'GEOGCS' || kind === 'GEOGCRS' || kind === 'GEOGRAPHICCRS' || kind === 'GEODCRS';
  if (!projected && !geographic) return { crs: null, text: name.slice(0, 200) };

  const codes = [...text.matchAll(/(?:AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)].map((m) => Number(m[1]));
  const rootCode = codes.length ? crsFromCode(codes[codes.length - 1]) : null;
  if (rootCode && (rootCode === 'EPSG:4326') === geographic) return { crs: rootCode, text: name };

  if (geographic) {
    // WGS 84 under its usual names ("WGS 84", "GCS_WGS_1984"), and nothing else (no datum shift is applied).
    return { crs: /WGS[ _]?(19)?84/i.test(name) || /DATUM\s*\[\s*"(D_)?WGS[ _]?(19)?84"/i.test(text) ? 'EPSG:4326' : null, text: name };
  }
  if (/lambert[ _-]?93/i.test(name)) return { crs: 'EPSG:2154', text: name };
  if (/mercator/i.test(name) && /(pseudo|web|auxiliary|popular)/i.test(name)) return { crs: 'EPSG:3857', text: name };
  const params = new Map<string, number>();
  for (const m of text.matchAll(/PARAMETER\s*\[\s*"([^"]+)"\s*,\s*(-?[\d.eE+-]+)/gi)) params.set(m[1].toLowerCase().replace(/[^a-z0-9]/g, ''), Number(m[2]));
  const p = (...names: string[]) => names.map((n) => params.get(n)).find((v) => v !== undefined);
  const near = (v: number | undefined, x: number) => v !== undefined && Math.abs(v - x) < 1e-6;
  if (
    /lambert_?conformal_?conic/i.test(text) &&
    near(p('falseeasting'), 700000) &&
    near(p('falsenorthing'), 6600000) &&
    near(p('centralmeridian', 'longitudeoforigin', 'longitudeoffalseorigin'), 3) &&
    near(p('latitudeoforigin', 'latitudeoffalseorigin'), 46.5) &&
    [p('standardparallel1', 'latitudeof1ststandardparallel'), p('standardparallel2', 'latitudeof2ndstandardparallel')].sort().join() === '44,49'
  ) {
    return { crs: 'EPSG:2154', text: name };
  }
  return { crs: null, text: name.slice(0, 200) };
}

/**
 * Which of the three projections raw coordinates could be in, from their extent (a hint offered
 * when the file does not say: never applied without the uploader's choice).
 */
export function suggestCrs(extent: [number, number, number, number] | null): MapCrs | null {
  if (!extent) return null;
  const [minX, minY, maxX, maxY] = extent;
  if (minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90) return 'EPSG:4326';
  // Lambert-93 covers metropolitan France: eastings ~100–1 250 km, northings ~6 040–7 120 km.
  if (minX >= -500_000 && maxX <= 2_000_000 && minY >= 5_500_000 && maxY <= 7_700_000) return 'EPSG:2154';
  const W = 20_037_508.35;
  if (minX >= -W && maxX <= W && minY >= -W && maxY <= W) return 'EPSG:3857';
  return null;
}
