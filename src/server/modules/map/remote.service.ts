import type { AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { MAP_REMOTE_MAX_FEATURES, type MapCrs } from '../../../shared/schemas/map';
import { readLayerFile, reprojectLayer } from './layer-file';
import { requireVisibleLayer } from './layers.service';
import { fromWgs84 } from './projections';

// Remote layers (WFS, WMS) are relayed by the server: the browser asks Vigie, Vigie asks the GIS.
// - the GIS is often on the authority's internal network and rarely sends CORS headers: the
//   browser could not read it directly, and the CSP stays 'self';
// - only the address an administrator stored is ever called (never one sent by the browser), with
//   a fixed list of parameters, no redirect followed, a time limit and a size limit;
// - WFS answers are reprojected to WGS 84 on the server, like uploaded files, so the map has one
//   way to read features; a service error becomes `map_remote_failed` with its reason in French.

const MAX_REMOTE_BYTES = 20 * 1024 * 1024;

const failed = (reason: string, status?: number) => new AppError('map_remote_failed', { reason, ...(status ? { status } : {}) });

async function fetchLimited(url: URL, timeoutMs: number, accept: string): Promise<{ status: number; contentType: string; body: Buffer }> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept, 'user-agent': 'Vigie (relais cartographique)' } });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw failed(`le service n’a pas répondu en ${Math.round(timeoutMs / 1000)} s`);
    throw failed(`service injoignable (${e.cause?.code ?? e.message})`);
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw failed(`le service renvoie ailleurs (redirection ${res.status}) : enregistrez l’adresse finale`, res.status);
  }
  const contentType = res.headers.get('content-type') ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch {
        throw failed(`le service n’a pas répondu en ${Math.round(timeoutMs / 1000)} s`);
      }
      if (r.done) break;
      size += r.value.byteLength;
      if (size > MAX_REMOTE_BYTES) {
        await reader.cancel();
        throw failed('réponse trop volumineuse (plus de 20 Mio) : rapprochez la vue ou publiez une couche plus légère');
      }
      chunks.push(Buffer.from(r.value));
    }
  }
  const body = Buffer.concat(chunks);
  if (res.status !== 200) throw failed(`le service répond ${res.status}${serviceMessage(body) ? ` : ${serviceMessage(body)}` : ''}`, res.status);
  return { status: res.status, contentType, body };
}

const reasonOf = (err: AppError): string | null => {
  const d = err.details as { reason?: unknown } | undefined;
  return typeof d?.reason === 'string' ? d.reason : null;
};

/** The text of an OGC ServiceException / ExceptionReport, when the answer is one. */
function serviceMessage(body: Buffer): string | null {
  const text = body.subarray(0, 8192).toString('utf8');
  const m = /<(?:\w+:)?(?:ServiceException|ExceptionText)[^>]*>([\s\S]*?)<\/(?:\w+:)?(?:ServiceException|ExceptionText)>/.exec(text);
  return m ? m[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim().slice(0, 200) : null;
}

/** An extent in degrees projected to the service's projection (corners and edge midpoints). */
function projectBbox(bbox: number[], crs: MapCrs): [number, number, number, number] {
  const [w, s, e, n] = bbox;
  if (crs === 'EPSG:4326') return [w, s, e, n];
  // Web Mercator stops at ±85.05°.
  const lat = (v: number) => (crs === 'EPSG:3857' ? Math.max(-85.05, Math.min(85.05, v)) : v);
  const f = fromWgs84(crs);
  const pts = [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [(w + e) / 2, s],
    [(w + e) / 2, n],
    [w, (s + n) / 2],
    [e, (s + n) / 2],
  ].map(([x, y]) => f([x, lat(y)]));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function serviceUrl(stored: string, params: Record<string, string>): URL {
  const url = new URL(stored);
  // The stored address may carry its own parameters (MAP=… of QGIS Server); ours replace any of the same name.
  const ours = new Set(Object.keys(params).map((k) => k.toLowerCase()));
  for (const k of [...url.searchParams.keys()]) if (ours.has(k.toLowerCase())) url.searchParams.delete(k);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

/**
 * Features of a WFS layer within an extent (degrees), asked of the service in the layer's projection
 * as GeoJSON, then checked and reprojected to WGS 84 like an uploaded file.
 */
export async function remoteFeatures(services: Services, auth: AuthContext, id: string, bbox: number[]): Promise<string> {
  const l = await requireVisibleLayer(services.db, auth, id);
  if (l.kind !== 'wfs') throw notFound();
  const crs = l.remote_crs!;
  const version = l.service_version!;
  const b = projectBbox(bbox, crs);
  const url = serviceUrl(l.url!, {
    SERVICE: 'WFS',
    VERSION: version,
    REQUEST: 'GetFeature',
    [version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME']: l.layer_name!,
    OUTPUTFORMAT: 'application/json',
    SRSNAME: crs,
    BBOX: `${b.join(',')},${crs}`,
    [version === '2.0.0' ? 'COUNT' : 'MAXFEATURES']: String(MAP_REMOTE_MAX_FEATURES),
  });
  const res = await fetchLimited(url, services.config.mapRemoteTimeoutMs, 'application/geo+json, application/json');
  const exception = /xml/i.test(res.contentType) ? serviceMessage(res.body) : null;
  if (exception) throw failed(`erreur du service : ${exception}`);
  let parsed;
  try {
    parsed = readLayerFile(res.body, MAX_REMOTE_BYTES);
  } catch (err) {
    if (err instanceof AppError) throw failed(`réponse illisible : le service doit savoir répondre en GeoJSON (outputFormat=application/json)${reasonOf(err) ? ` ; ${reasonOf(err)}` : ''}`);
    throw err;
  }
  if (parsed.format !== 'geojson') throw failed('réponse illisible : un GeoJSON était attendu');
  if (parsed.features.length === 0) return JSON.stringify({ type: 'FeatureCollection', features: [] });
  try {
    return reprojectLayer(parsed, crs).geojson;
  } catch (err) {
    if (err instanceof AppError) {
      const reason = reasonOf(err) ?? err.code === 'map_coordinates_invalid' ? `coordonnées hors limites en ${crs} : la projection de la couche est-elle la bonne ?` : err.message;
      throw failed(`réponse refusée : ${reason}`);
    }
    throw err;
  }
}

/** One GetMap image of a WMS layer; the map's extent and size, the layer and version are the stored ones. */
export async function remoteImage(
  services: Services,
  auth: AuthContext,
  id: string,
  q: { bbox: number[]; width: number; height: number; crs: MapCrs },
): Promise<{ contentType: string; body: Buffer }> {
  const l = await requireVisibleLayer(services.db, auth, id);
  if (l.kind !== 'wms') throw notFound();
  const version = l.service_version!;
  // WMS 1.3.0 takes EPSG:4326 in latitude, longitude order.
  const [a, b, c, d] = q.bbox;
  const bbox = version === '1.3.0' && q.crs === 'EPSG:4326' ? [b, a, d, c] : [a, b, c, d];
  const url = serviceUrl(l.url!, {
    SERVICE: 'WMS',
    VERSION: version,
    REQUEST: 'GetMap',
    LAYERS: l.layer_name!,
    STYLES: '',
    [version === '1.3.0' ? 'CRS' : 'SRS']: q.crs,
    BBOX: bbox.join(','),
    WIDTH: String(q.width),
    HEIGHT: String(q.height),
    FORMAT: 'image/png',
    TRANSPARENT: 'TRUE',
  });
  const res = await fetchLimited(url, services.config.mapRemoteTimeoutMs, 'image/png, image/*');
  const type = res.contentType.split(';')[0].trim().toLowerCase();
  if (!/^image\/(png|jpeg|gif|webp)$/.test(type)) {
    const exception = serviceMessage(res.body);
    throw failed(exception ? `erreur du service : ${exception}` : `le service n’a pas renvoyé une image (${type || 'type inconnu'})`);
  }
  return { contentType: type, body: res.body };
}
