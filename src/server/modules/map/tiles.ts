// Vector tiles of the uploaded layers: the map of a large layer asks only for the tiles it shows
// (Mapbox Vector Tile, XYZ in Web Mercator), simplified for their zoom, instead of every feature.
//
// The tiles are cut by @maplibre/geojson-vt from the stored GeoJSON (WGS 84) and encoded by
// @maplibre/vt-pbf. An index is built the first time a tile of a layer is asked for (≈ 0.1 s and
// ≈ 20 MiB for 50,000 points) and kept by this server instance for the most recently drawn
// layers, with the encoded tiles it served (bounded in bytes): layers are keyed by the hash of
// their content, so a replaced file never serves stale tiles and every instance cuts the same
// tiles from the same data.
import { gunzipSync, gzipSync } from 'node:zlib';
import { GeoJSONVT } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { AuthContext, Services } from '../../http/context';
import { notFound } from '../../http/errors';
import { LAYER_TILE_MAX_ZOOM } from '../../../shared/schemas/map';
import { requireUploadedLayer } from './layers.service';
import { layerFeatures, layerFeaturesHash } from './map.repository';

/** The name of the one layer in every tile (what the map's MVT reader finds features under). */
export const TILE_LAYER_NAME = 'features';
/** Units across a tile (the MVT default); the geometry is simplified to about one of them. */
const TILE_EXTENT = 4096;
/** Changes when the way tiles are cut changes, so that browsers do not keep tiles of another cut. */
const TILE_VERSION = 'v1';
/** Layers whose index this instance keeps. */
const MAX_INDEXES = 4;
/** Encoded tiles kept per layer (gzip), in bytes. */
const MAX_TILE_BYTES_PER_LAYER = 32 * 1024 * 1024;

interface LayerTiles {
  index: GeoJSONVT;
  /** Encoded tiles (gzip), null for an empty tile; Map order is the order of last use. */
  tiles: Map<string, Buffer | null>;
  bytes: number;
}

/** Least recently used layers last to go; a layer being indexed is shared by concurrent requests. */
const indexes = new Map<string, Promise<LayerTiles>>();

async function layerTiles(services: Services, layerId: string, sha256: string): Promise<LayerTiles> {
  let entry = indexes.get(sha256);
  if (entry) {
    indexes.delete(sha256);
    indexes.set(sha256, entry);
    return entry;
  }
  entry = (async () => {
    const stored = await layerFeatures(services.db, layerId, true);
    if (!stored) throw notFound();
    const text = stored.gzip ? gunzipSync(stored.gzip).toString('utf8') : (stored.geojson ?? '');
    const index = new GeoJSONVT(JSON.parse(text) as GeoJSON.FeatureCollection, {
      maxZoom: LAYER_TILE_MAX_ZOOM,
      extent: TILE_EXTENT,
      // Features drawn across a tile's edge (symbols, outlines) are not cut off at it.
      buffer: 64,
      tolerance: 3,
    });
    return { index, tiles: new Map(), bytes: 0 };
  })();
  indexes.set(sha256, entry);
  entry.catch(() => indexes.delete(sha256));
  while (indexes.size > MAX_INDEXES) indexes.delete(indexes.keys().next().value as string);
  return entry;
}

function encodedTile(layer: LayerTiles, z: number, x: number, y: number): Buffer | null {
  const key = `${z}/${x}/${y}`;
  const known = layer.tiles.get(key);
  if (known !== undefined) {
    layer.tiles.delete(key);
    layer.tiles.set(key, known);
    return known;
  }
  const tile = layer.index.getTile(z, x, y);
  const body = tile && tile.features.length ? gzipSync(fromGeojsonVt({ [TILE_LAYER_NAME]: tile }, { version: 2, extent: TILE_EXTENT }), { level: 4 }) : null;
  layer.tiles.set(key, body);
  layer.bytes += body?.length ?? 0;
  for (const [k, b] of layer.tiles) {
    if (layer.bytes <= MAX_TILE_BYTES_PER_LAYER) break;
    layer.tiles.delete(k);
    layer.bytes -= b?.length ?? 0;
  }
  return body;
}

/**
 * One vector tile of an uploaded layer the person may see: gzip-compressed MVT bytes, `null` for a
 * tile with nothing in it, or only its ETag when the map already holds it (`ifNoneMatch`).
 */
export async function getLayerTile(
  services: Services,
  auth: AuthContext,
  params: { id: string; z: number; x: number; y: number },
  ifNoneMatch: string | undefined,
): Promise<{ etag: string; gzip: Buffer | null; notModified: boolean }> {
  const { sha256 } = await requireUploadedLayer(services, auth, params.id);
  const etag = `"${sha256}-${TILE_VERSION}-${params.z}-${params.x}-${params.y}"`;
  if (ifNoneMatch === etag) return { etag, gzip: null, notModified: true };
  const layer = await layerTiles(services, params.id, sha256);
  return { etag, gzip: encodedTile(layer, params.z, params.x, params.y), notModified: false };
}

/**
 * Builds a layer's tile index ahead of its first tile (after an upload: the maps of the
 * organisation are about to ask for it). Failures are left to the tile requests to report.
 */
export async function warmLayerTiles(services: Services, layerId: string): Promise<void> {
  try {
    const sha256 = await layerFeaturesHash(services.db, layerId);
    if (sha256) await layerTiles(services, layerId, sha256);
  } catch {
    // The layer was deleted meanwhile, or the server is stopping: nothing to prepare.
  }
}

/** Forgets every index and tile this instance keeps (benches measure a first tile with it). */
export function forgetLayerTiles(): void {
  indexes.clear();
}
