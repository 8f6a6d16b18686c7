// Reading an uploaded layer file: a GeoJSON document or a zipped shapefile, recognised by its
// content (never by its name), checked, reprojected to WGS 84 and measured. Pure: no database.
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { parseDbf, parseShp } from 'shpjs';
import { AppError } from '../../http/errors';
import { fixCp1252 } from '../../lib/csv';
import { MAP_LAYER_MAX_FEATURES, type CrsOrigin, type MapCrs } from '../../../shared/schemas/map';
import { crsFromGeoJsonMember, crsFromPrj, suggestCrs, toWgs84, type DeclaredCrs, type Position } from './projections';

/** Most coordinates (vertices) in one layer: bounds the work of one upload. */
export const MAP_LAYER_MAX_POSITIONS = 5_000_000;
/** Most attribute names kept for the attribute table and the label field. */
const MAX_ATTRIBUTE_NAMES = 500;
/** Coordinates are stored to 7 decimals of a degree: about 1 cm. */
const ROUND = 1e7;

interface RawFeature {
  type?: unknown;
  id?: unknown;
  geometry: unknown;
  properties: unknown;
}

export interface ParsedLayerFile {
  format: 'geojson' | 'shapefile';
  features: RawFeature[];
  declared: DeclaredCrs;
}

const invalid = (reason: string) => new AppError('map_file_invalid', { reason });

/** Recognises and reads the file; throws `map_file_invalid` (with the reason, in French) or `file_too_large`. */
export function readLayerFile(data: Uint8Array, maxUncompressedBytes: number): ParsedLayerFile {
  if (data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04) return readZippedShapefile(data, maxUncompressedBytes);
  return readGeoJson(data);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readGeoJson(data: Uint8Array): ParsedLayerFile {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw invalid('Ni un zip ni un texte UTF-8 : ce n’est ni un GeoJSON ni un shapefile zippé.');
  }
  text = text.replace(/^\ufeff/, '');
  if (!/^\s*[[{]/.test(text)) throw invalid('Le fichier n’est pas du JSON : ce n’est ni un GeoJSON ni un shapefile zippé.');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`JSON illisible (${(err as Error).message.slice(0, 120)}).`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('Le JSON n’est pas un objet GeoJSON.');
  const o = doc as { type?: unknown; features?: unknown; crs?: unknown };
  const declared = crsFromGeoJsonMember(o.crs);
  if (o.type === 'FeatureCollection') {
    if (!Array.isArray(o.features)) throw invalid('Une FeatureCollection doit avoir un tableau « features ».');
    return { format: 'geojson', features: o.features as RawFeature[], declared };
  }
  if (o.type === 'Feature') return { format: 'geojson', features: [o as RawFeature], declared };
  if (typeof o.type === 'string' && GEOMETRY_TYPES.has(o.type)) return { format: 'geojson', features: [{ type: 'Feature', geometry: o, properties: {} }], declared };
  throw invalid('Le JSON n’est pas un objet GeoJSON (FeatureCollection, Feature ou géométrie).');
}

const WANTED = new Set(['shp', 'dbf', 'prj', 'cpg']);

function readZippedShapefile(data: Uint8Array, maxUncompressedBytes: number): ParsedLayerFile {
  // The sizes announced by the zip are checked before anything is inflated (a "zip bomb" of a few
  // kilobytes would otherwise expand to gigabytes in memory).
  let announced = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, {
      filter: (f) => {
        const ext = f.name.split('.').pop()?.toLowerCase() ?? '';
        if (f.name.includes('__MACOSX') || f.name.endsWith('/') || !WANTED.has(ext)) return false;
        announced += f.originalSize;
        return announced <= maxUncompressedBytes;
      },
    });
  } catch {
    throw invalid('Archive zip illisible ou abîmée.');
  }
  if (announced > maxUncompressedBytes) throw new AppError('file_too_large', { maxUncompressedBytes });
  const byExt = new Map<string, Array<[string, Uint8Array]>>();
  for (const [name, bytes] of Object.entries(files)) {
    const ext = name.split('.').pop()!.toLowerCase();
    byExt.set(ext, [...(byExt.get(ext) ?? []), [name, bytes]]);
  }
  const shps = byExt.get('shp') ?? [];
  if (shps.length === 0) throw invalid('Le zip ne contient pas de fichier .shp : ce n’est pas un shapefile zippé.');
  if (shps.length > 1) throw invalid(`Le zip contient ${shps.length} couches (.shp) : envoyez-en une par fichier.`);
  const [shpName, shp] = shps[0];
  const base = shpName.slice(0, -4).toLowerCase();
  const sibling = (ext: string) => (byExt.get(ext) ?? []).find(([n]) => n.slice(0, -4).toLowerCase() === base)?.[1];
  const dbf = sibling('dbf');
  const prj = sibling('prj');
  const cpg = sibling('cpg');

  let geometries: unknown[];
  try {
    geometries = parseShp(shp) as unknown[];
  } catch {
    throw invalid('Fichier .shp illisible ou abîmé.');
  }
  let rows: Array<Record<string, unknown>> = [];
  if (dbf) {
    checkDbf(dbf);
    const encoding = cpg ? latin1(cpg).trim() : dbfEncoding(dbf);
    try {
      rows = parseDbf(dbf, encoding) as Array<Record<string, unknown>>;
    } catch {
      throw invalid('Fichier .dbf (attributs) illisible ou abîmé.');
    }
    // Node decodes "windows-1252" as Latin-1 (nodejs/node#56542): ’ œ € … come back as control characters.
    if (/^(windows-|cp|ansi ?)?1252$/i.test(encoding)) rows = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [fixCp1252(k), typeof v === 'string' ? fixCp1252(v) : v])));
  }
  const declared: DeclaredCrs = prj ? crsFromPrj(prjText(prj)) : { crs: null, text: null };
  return { format: 'shapefile', features: geometries.map((geometry, i) => ({ geometry, properties: rows[i] ?? {} })), declared };
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b).toString('latin1');
}

function prjText(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    return latin1(b);
  }
}

/** A .dbf whose header announces more records than it holds would make the reader loop on nothing. */
function checkDbf(dbf: Uint8Array) {
  if (dbf.length < 32) throw invalid('Fichier .dbf (attributs) trop court.');
  const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
  const records = view.getUint32(4, true);
  const headerLen = view.getUint16(8, true);
  const recLen = view.getUint16(10, true);
  if (headerLen < 33 || recLen < 1 || headerLen + records * recLen > dbf.length + 1) throw invalid('Fichier .dbf (attributs) abîmé : il annonce plus d’enregistrements qu’il n’en contient.');
}

/** Without a .cpg: UTF-8 when the records decode as UTF-8, otherwise Windows-1252 (older French exports). */
function dbfEncoding(dbf: Uint8Array): string {
  const headerLen = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength).getUint16(8, true);
  try {
    utf8.decode(dbf.subarray(headerLen));
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The projection to read the file in: the uploader's choice, else what the file says, else GeoJSON's WGS 84. */
export function resolveCrs(file: ParsedLayerFile, chosen: MapCrs | undefined): { crs: MapCrs; origin: CrsOrigin } {
  if (chosen) return { crs: chosen, origin: 'chosen' };
  if (file.declared.crs) return { crs: file.declared.crs, origin: 'declared' };
  const extent = rawExtent(file.features);
  // RFC 7946: a GeoJSON without `crs` is in WGS 84 — when its coordinates can be longitudes and latitudes.
  if (file.format === 'geojson' && file.declared.text === null && suggestCrs(extent) === 'EPSG:4326') return { crs: 'EPSG:4326', origin: 'default' };
  throw new AppError('map_crs_unknown', {
    declared: file.declared.text,
    suggested: suggestCrs(extent),
    extent,
    reason:
      file.declared.text === null
        ? file.format === 'shapefile'
          ? 'Le zip ne contient pas de fichier .prj : la projection n’est pas dite.'
          : 'Le GeoJSON ne dit pas sa projection et ses coordonnées ne sont pas des degrés.'
        : `Projection « ${file.declared.text} » non prise en charge (WGS 84, Web Mercator ou Lambert-93).`,
  });
}

/** [minX, minY, maxX, maxY] of the raw coordinates (before reprojection), or null when there are none. */
function rawExtent(features: RawFeature[]): [number, number, number, number] | null {
  const e = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown, depth: number): void => {
    if (!Array.isArray(c) || depth > 4) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      e[0] = Math.min(e[0], c[0]);
      e[1] = Math.min(e[1], c[1]);
      e[2] = Math.max(e[2], c[0]);
      e[3] = Math.max(e[3], c[1]);
      return;
    }
    for (const x of c) visit(x, depth + 1);
  };
  const geom = (g: unknown, depth = 0): void => {
    if (!g || typeof g !== 'object' || depth > 3) return;
    const o = g as { coordinates?: unknown; geometries?: unknown };
    if (Array.isArray(o.geometries)) for (const x of o.geometries) geom(x, depth + 1);
    else visit(o.coordinates, 0);
  };
  for (const f of features.slice(0, 10_000)) if (f && typeof f === 'object') geom(f.geometry);
  return Number.isFinite(e[0]) ? (e as [number, number, number, number]) : null;
}

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

export interface ReprojectedLayer {
  /** The FeatureCollection as stored and served (WGS 84, 7 decimals). */
  geojson: string;
  sha256: string;
  featureCount: number;
  geometryTypes: string[];
  bbox: [number, number, number, number] | null;
  attributeNames: string[];
}

/**
 * Checks every feature, reprojects its coordinates to WGS 84 (altitudes are dropped) and measures
 * the layer. Throws `map_file_invalid` naming the first bad feature, `map_coordinates_invalid` for
 * a point that falls outside longitudes and latitudes once reprojected (a wrong projection), and
 * `map_too_many_features`.
 */
export function reprojectLayer(file: ParsedLayerFile, crs: MapCrs): ReprojectedLayer {
  if (file.features.length === 0) throw invalid('La couche ne contient aucun objet.');
  if (file.features.length > MAP_LAYER_MAX_FEATURES) throw new AppError('map_too_many_features', { features: file.features.length, maxFeatures: MAP_LAYER_MAX_FEATURES });
  const project = toWgs84(crs);
  const bbox = [Infinity, Infinity, -Infinity, -Infinity];
  let positions = 0;
  let where = '';
  const types = new Set<string>();
  const names = new Set<string>();

  const position = (p: unknown): Position => {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw invalid(`${where} : coordonnée invalide (deux nombres attendus).`);
    }
    if (++positions > MAP_LAYER_MAX_POSITIONS) throw new AppError('map_too_many_features', { maxPositions: MAP_LAYER_MAX_POSITIONS });
    let out: Position;
    try {
      out = project([p[0], p[1]]);
    } catch {
      throw new AppError('map_coordinates_invalid', { where, coordinates: [p[0], p[1]], crs });
    }
    const [lon, lat] = out;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new AppError('map_coordinates_invalid', { where, coordinates: [p[0], p[1]], crs });
    }
    const r: Position = [Math.round(lon * ROUND) / ROUND, Math.round(lat * ROUND) / ROUND];
    if (r[0] < bbox[0]) bbox[0] = r[0];
    if (r[1] < bbox[1]) bbox[1] = r[1];
    if (r[0] > bbox[2]) bbox[2] = r[0];
    if (r[1] > bbox[3]) bbox[3] = r[1];
    return r;
  };
  const list = (c: unknown, min: number, what: string): unknown[] => {
    if (!Array.isArray(c) || c.length < min) throw invalid(`${where} : ${what}.`);
    return c;
  };
  const line = (c: unknown) => list(c, 2, 'une ligne a au moins 2 points').map(position);
  const ring = (c: unknown) => list(c, 4, 'un contour a au moins 4 points').map(position);
  const polygon = (c: unknown) => list(c, 1, 'un polygone a au moins un contour').map(ring);
  const geometry = (g: unknown, depth = 0): unknown => {
    if (g === null) return null;
    if (!g || typeof g !== 'object' || Array.isArray(g)) throw invalid(`${where} : géométrie invalide.`);
    const o = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    if (typeof o.type !== 'string' || !GEOMETRY_TYPES.has(o.type)) throw invalid(`${where} : type de géométrie inconnu (${String(o.type).slice(0, 40)}).`);
    types.add(o.type);
    switch (o.type) {
      case 'Point':
        return { type: 'Point', coordinates: position(o.coordinates) };
      case 'MultiPoint':
        return { type: 'MultiPoint', coordinates: list(o.coordinates, 0, 'liste de points attendue').map(position) };
      case 'LineString':
        return { type: 'LineString', coordinates: line(o.coordinates) };
      case 'MultiLineString':
        return { type: 'MultiLineString', coordinates: list(o.coordinates, 0, 'liste de lignes attendue').map(line) };
      case 'Polygon':
        return { type: 'Polygon', coordinates: polygon(o.coordinates) };
      case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: list(o.coordinates, 0, 'liste de polygones attendue').map(polygon) };
      default:
        if (depth >= 3) throw invalid(`${where} : collections de géométries trop imbriquées.`);
        return { type: 'GeometryCollection', geometries: list(o.geometries, 0, 'liste de géométries attendue').map((x) => geometry(x, depth + 1)) };
    }
  };

  const features = file.features.map((f, i) => {
    where = `Objet n° ${i + 1}`;
    if (!f || typeof f !== 'object' || Array.isArray(f)) throw invalid(`${where} : ce n’est pas un objet GeoJSON (Feature).`);
    if (file.format === 'geojson' && f.type !== 'Feature') throw invalid(`${where} : « type » doit valoir « Feature ».`);
    const props = f.properties && typeof f.properties === 'object' && !Array.isArray(f.properties) ? (f.properties as Record<string, unknown>) : {};
    for (const k of Object.keys(props)) if (names.size < MAX_ATTRIBUTE_NAMES) names.add(k);
    const out: { type: 'Feature'; id?: string | number; geometry: unknown; properties: Record<string, unknown> } = { type: 'Feature', geometry: geometry(f.geometry), properties: props };
    if (typeof f.id === 'string' || typeof f.id === 'number') out.id = f.id;
    return out;
  });
  const geojson = JSON.stringify({ type: 'FeatureCollection', features });
  return {
    geojson,
    sha256: createHash('sha256').update(geojson).digest('hex'),
    featureCount: features.length,
    geometryTypes: [...types].sort(),
    bbox: Number.isFinite(bbox[0]) ? (bbox as [number, number, number, number]) : null,
    attributeNames: [...names],
  };
}
