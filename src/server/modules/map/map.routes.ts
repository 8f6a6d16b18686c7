import { gunzipSync } from 'node:zlib';
import { actorOf } from '../../http/context';
import { AppError } from '../../http/errors';
import { defineHandlers } from '../../http/route';
import * as layers from './layers.service';
import * as perimeters from './perimeters.service';
import { exportEventGeojson } from './export.service';
import { remoteFeatures, remoteImage } from './remote.service';
import { requireVisibleEvent } from '../events';
import { getLayerTile, warmLayerTiles } from './tiles';
import { TILED_LAYER_FEATURES } from '../../../shared/schemas/map';

/** Whether the client takes a gzip-compressed body (features and tiles are kept compressed). */
const acceptsGzip = (headers: Record<string, unknown>) => /\bgzip\b/.test(String(headers['accept-encoding'] ?? ''));

const disposition = (kind: 'attachment' | 'inline', name: string) =>
  `${kind}; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Room for the multipart envelope around the file (boundaries, part headers). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export const mapHandlers = defineHandlers({
  listMapLayers: async ({ auth, query, services }) => ({ layers: await layers.listLayers(services, auth, query.eventId) }),
  getMapLayer: async ({ auth, params, services }) => layers.getLayer(services, auth, params.id),
  getMapLayerFeatures: async ({ auth, params, req, reply, services }) => {
    const inm = req.headers['if-none-match'];
    const out = await layers.getLayerFeatures(services, auth, params.id, typeof inm === 'string' ? inm : undefined, acceptsGzip(req.headers));
    reply.header('etag', out.etag);
    reply.header('cache-control', 'private, no-cache');
    reply.header('vary', 'accept-encoding');
    if (out.body === null) return reply.status(304).send();
    reply.header('content-type', 'application/geo+json; charset=utf-8');
    reply.header('content-disposition', disposition('inline', out.fileName));
    // Compressed once at upload: sent as stored.
    if (out.body.gzip) return reply.header('content-encoding', 'gzip').send(Buffer.from(out.body.gzip));
    return reply.send(out.body.geojson);
  },
  getMapLayerTile: async ({ auth, params, req, reply, services }) => {
    const inm = req.headers['if-none-match'];
    const out = await getLayerTile(services, auth, params, typeof inm === 'string' ? inm : undefined);
    reply.header('etag', out.etag);
    reply.header('cache-control', 'private, no-cache');
    reply.header('vary', 'accept-encoding');
    if (out.notModified) return reply.status(304).send();
    if (!out.gzip) return reply.status(204).send();
    reply.header('content-type', 'application/vnd.mapbox-vector-tile');
    // Compressed once when cut: sent as kept, or inflated for a client that does not take gzip.
    if (acceptsGzip(req.headers)) return reply.header('content-encoding', 'gzip').send(out.gzip);
    return reply.send(gunzipSync(out.gzip));
  },
  uploadMapLayer: async ({ auth, query, ip, req, reply, services }) => {
    if (!req.isMultipart()) throw new AppError('unsupported_media_type');
    // A body announced larger than the limit is refused before a byte of it is read; the
    // connection is then closed rather than drained.
    const announced = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(announced) && announced > services.config.mapLayerMaxBytes + MULTIPART_OVERHEAD_BYTES) {
      reply.header('connection', 'close');
      throw new AppError('file_too_large', { maxBytes: services.config.mapLayerMaxBytes });
    }
    const file = await req.file({ limits: { fileSize: services.config.mapLayerMaxBytes + 1, files: 1, fields: 5 } });
    const result = await layers.uploadLayer(services, auth, actorOf(auth, ip), query, file);
    // A layer the maps draw from tiles: its index is cut once the answer is sent.
    if ((result.featureCount ?? 0) > TILED_LAYER_FEATURES) setImmediate(() => void warmLayerTiles(services, result.id));
    reply.status(201);
    return result;
  },
  createRemoteMapLayer: async ({ auth, body, ip, reply, services }) => {
    reply.status(201);
    return layers.createRemoteLayer(services, auth, actorOf(auth, ip), body);
  },
  updateMapLayer: async ({ auth, params, body, ip, services }) => layers.updateLayer(services, auth, actorOf(auth, ip), params.id, body),
  getRemoteLayerFeatures: async ({ auth, params, query, reply, services }) => {
    const body = await remoteFeatures(services, auth, params.id, query.bbox);
    reply.header('content-type', 'application/geo+json; charset=utf-8');
    reply.header('cache-control', 'private, no-cache');
    return reply.send(body);
  },
  getRemoteLayerImage: async ({ auth, params, query, reply, services }) => {
    const out = await remoteImage(services, auth, params.id, query);
    reply.header('content-type', out.contentType);
    reply.header('cache-control', 'private, max-age=60');
    return reply.send(out.body);
  },
  getEventMapSettings: async ({ auth, params, services }) => {
    const e = await requireVisibleEvent(services.db, auth, params.id);
    const org = await services.db.selectFrom('organisations').select('department_code').where('id', '=', e.organisation_id).executeTakeFirst();
    const { mapBackgroundUrl: url, mapBackgroundAttribution: attribution } = services.config;
    return { departmentCode: org?.department_code ?? null, background: url ? { url, attribution: attribution ?? null } : null };
  },
  deleteMapLayer: async ({ auth, params, ip, reply, services }) => {
    await layers.deleteLayer(services, auth, actorOf(auth, ip), params.id);
    reply.status(204);
  },

  listPerimeters: async ({ auth, params, services }) => ({ perimeters: await perimeters.listPerimeters(services, auth, params.id) }),
  createPerimeter: async ({ auth, params, body, ip, reply, services }) => {
    reply.status(201);
    return perimeters.createPerimeter(services, auth, actorOf(auth, ip), params.id, body);
  },
  updatePerimeter: async ({ auth, params, body, ip, services }) => perimeters.updatePerimeter(services, auth, actorOf(auth, ip), params.id, body),
  deletePerimeter: async ({ auth, params, ip, reply, services }) => {
    await perimeters.deletePerimeter(services, auth, actorOf(auth, ip), params.id);
    reply.status(204);
  },
  exportEventGeojson: async ({ auth, params, reply, services }) => {
    const out = await exportEventGeojson(services, auth, params.id);
    reply.header('content-type', 'application/geo+json; charset=utf-8');
    reply.header('content-disposition', disposition('attachment', out.fileName));
    reply.header('cache-control', 'no-store');
    return reply.send(out.body);
  },
});
