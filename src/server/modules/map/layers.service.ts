import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { MultipartFile } from '@fastify/multipart';
import type { DB } from '../../db/schema';
import type { Actor, AuthContext, Services } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { readUpload } from '../../lib/csv';
import { can } from '../../../shared/permissions';
import { topicOf } from '../../../shared/realtime';
import {
  DEFAULT_LAYER_STYLE,
  layerStyleSchema,
  type CreateRemoteMapLayerBody,
  type LayerStyle,
  type MapCrs,
  type MapLayer,
  type UpdateMapLayerBody,
} from '../../../shared/schemas/map';
import { recordAudit } from '../audit';
import { canManageEvent, requireVisibleEvent } from '../events';
import { readLayerFile, reprojectLayer, resolveCrs } from './layer-file';
import { findLayer, layerFeatures, layerFeaturesHash, visibleLayersQuery, type LayerListRow } from './map.repository';

/**
 * Who may change a layer: a member holding `mapLayers.manage` (administrators, coordinators) of the
 * layer's organisation; for a layer attached to an event, one who may also manage that event.
 */
function canManageLayer(auth: AuthContext, l: Pick<LayerListRow, 'organisation_id' | 'event_id' | 'event_access'>): boolean {
  if (auth.guest || !can(auth.user.role, 'mapLayers.manage') || l.organisation_id !== auth.user.organisationId) return false;
  return l.event_id === null || l.event_access === 'write';
}

/** A member sees a shared layer of their organisation, or a layer attached to an event they see. */
function layerVisible(auth: AuthContext, l: Pick<LayerListRow, 'organisation_id' | 'event_id' | 'event_access'>): boolean {
  return l.event_id === null ? l.organisation_id === auth.user.organisationId : l.event_access !== null && l.event_access !== 'none';
}

export function presentLayer(auth: AuthContext, r: LayerListRow): MapLayer {
  const uploaded = r.kind === 'geojson' || r.kind === 'shapefile';
  return {
    id: r.id,
    organisationId: r.organisation_id,
    eventId: r.event_id,
    name: r.name,
    kind: r.kind,
    style: layerStyleSchema.parse(r.style),
    source: uploaded ? { fileName: r.file_name ?? '', sha256: r.file_sha256!, sizeBytes: r.file_size ?? 0, crs: r.source_crs!, crsOrigin: r.crs_origin! } : null,
    featureCount: r.feature_count,
    geometryTypes: r.geometry_types,
    bbox: r.bbox && r.bbox.length === 4 ? [r.bbox[0], r.bbox[1], r.bbox[2], r.bbox[3]] : null,
    attributeNames: r.attribute_names,
    remote: uploaded ? null : { url: r.url!, layerName: r.layer_name!, version: r.service_version!, crs: r.remote_crs! },
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    canManage: canManageLayer(auth, r),
  };
}

export async function listLayers(services: Services, auth: AuthContext, eventId?: string): Promise<MapLayer[]> {
  if (eventId) await requireVisibleEvent(services.db, auth, eventId);
  const rows = await visibleLayersQuery(services.db, auth, eventId)
    .orderBy((eb) => eb.case().when('l.event_id', 'is', null).then(0).else(1).end())
    .orderBy('l.name')
    .orderBy('l.id')
    .execute();
  return rows.map((r) => presentLayer(auth, r));
}

export async function requireVisibleLayer(db: Kysely<DB>, auth: AuthContext, id: string, lock = false): Promise<LayerListRow> {
  const l = await findLayer(db, auth, id, lock);
  if (!l || !layerVisible(auth, l)) throw notFound();
  return l;
}

export async function getLayer(services: Services, auth: AuthContext, id: string): Promise<MapLayer> {
  return presentLayer(auth, await requireVisibleLayer(services.db, auth, id));
}

/**
 * An uploaded layer the person may see, with the hash of its stored features (their ETag, the key
 * of its tiles): not found when invisible, `map_layer_remote` for a WFS or WMS layer.
 */
export async function requireUploadedLayer(services: Services, auth: AuthContext, id: string): Promise<{ layer: LayerListRow; sha256: string }> {
  const layer = await requireVisibleLayer(services.db, auth, id);
  if (layer.kind === 'wfs' || layer.kind === 'wms') throw new AppError('map_layer_remote');
  const sha256 = await layerFeaturesHash(services.db, id);
  if (!sha256) throw notFound();
  return { layer, sha256 };
}

/**
 * The stored features of an uploaded layer, or only their ETag when the map already holds them
 * (`ifNoneMatch`): the text, megabytes for a large layer, is then not even read.
 */
export async function getLayerFeatures(
  services: Services,
  auth: AuthContext,
  id: string,
  ifNoneMatch: string | undefined,
  acceptsGzip = false,
): Promise<{ etag: string; fileName: string; body: { geojson: string | null; gzip: Uint8Array | null } | null }> {
  const { layer: l, sha256 } = await requireUploadedLayer(services, auth, id);
  const etag = `"${sha256}"`;
  const fileName = `${fileSlug(l.name)}.geojson`;
  if (ifNoneMatch === etag) return { etag, fileName, body: null };
  const body = await layerFeatures(services.db, id, acceptsGzip);
  if (body === undefined) throw notFound();
  return { etag, fileName, body };
}

export function fileSlug(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'couche';
}

/**
 * Where a new layer goes: shared by the organisation's events, or attached to an event the person
 * may manage (not found when they cannot see it; closed events are read only).
 */
async function scopeOf(db: Kysely<DB>, auth: AuthContext, eventId: string | null | undefined): Promise<{ eventId: string | null }> {
  if (!eventId) return { eventId: null };
  const e = await requireVisibleEvent(db, auth, eventId);
  if (!canManageEvent(auth, e, e.access)) throw new AppError('forbidden');
  if (e.status === 'closed') throw new AppError('event_closed');
  return { eventId };
}

function checkLabelField(style: LayerStyle, attributeNames: string[] | null) {
  if (style.labelField !== null && attributeNames !== null && !attributeNames.includes(style.labelField)) {
    throw new AppError('map_label_field_unknown', { labelField: style.labelField, attributeNames: attributeNames.slice(0, 50) });
  }
}

/** Tells open maps to reload their layers: the organisation's for a shared layer, the event's for an attached one. */
async function publishLayersChanged(services: Services, tx: Kysely<DB>, organisationId: string, eventId: string | null) {
  await services.realtime.publish(tx, eventId ? topicOf('event', eventId) : topicOf('organisation', organisationId), { kind: 'mapLayers.changed', eventId });
}

/**
 * An uploaded GeoJSON or zipped shapefile: read whole (the route refuses a body announced too large
 * before reading it), recognised by its content, reprojected to WGS 84 from the projection read in
 * the file or chosen by the uploader, then stored with its audit record and realtime message in one
 * transaction. Any error stores nothing.
 */
export async function uploadLayer(
  services: Services,
  auth: AuthContext,
  actor: Actor,
  query: { eventId?: string; crs?: MapCrs; name?: string },
  file: MultipartFile | undefined,
): Promise<MapLayer> {
  const me = auth.user.organisationId;
  await scopeOf(services.db, auth, query.eventId);
  const maxBytes = services.config.mapLayerMaxBytes;
  const upload = await readUpload(file, maxBytes);
  // A zip may expand: its content is allowed five times the file limit.
  const parsed = readLayerFile(upload.data, maxBytes * 5);
  const { crs, origin } = resolveCrs(parsed, query.crs);
  const layer = reprojectLayer(parsed, crs);
  const fileName = cleanFileName(upload.name);
  const name = query.name ?? (fileName.replace(/\.(geo)?json$|\.zip$/i, '').slice(0, 120) || 'Couche');
  const fileSha256 = createHash('sha256').update(upload.data).digest('hex');
  const gzipped = gzipSync(layer.geojson, { level: 6 });
  const id = await services.db.transaction().execute(async (tx) => {
    // The event is checked again inside the transaction (it may have been closed meanwhile).
    const scope = await scopeOf(tx, auth, query.eventId);
    const row = await tx
      .insertInto('map_layers')
      .values({
        organisation_id: me,
        event_id: scope.eventId,
        name,
        kind: parsed.format,
        file_name: fileName,
        file_sha256: fileSha256,
        file_size: upload.data.length,
        source_crs: crs,
        crs_origin: origin,
        feature_count: layer.featureCount,
        geometry_types: layer.geometryTypes,
        bbox: layer.bbox,
        attribute_names: layer.attributeNames,
        style: JSON.stringify(DEFAULT_LAYER_STYLE),
        created_by: auth.user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('map_layer_data').values({ layer_id: row.id, geojson: layer.geojson, geojson_gzip: gzipped, sha256: layer.sha256 }).execute();
    await recordAudit(tx, actor, {
      action: 'map_layer.created',
      entityType: 'map_layer',
      entityId: row.id,
      organisationId: me,
      changes: { name, kind: parsed.format, eventId: scope.eventId, fileName, sha256: fileSha256, sizeBytes: upload.data.length, crs, crsOrigin: origin, featureCount: layer.featureCount },
    });
    await publishLayersChanged(services, tx, me, scope.eventId);
    return row.id;
  });
  return getLayer(services, auth, id);
}

function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim().slice(0, 200) || 'couche';
}

/** A layer served by the organisation's GIS (QGIS Server, GeoServer...): Vigie keeps where to fetch it. */
export async function createRemoteLayer(services: Services, auth: AuthContext, actor: Actor, body: CreateRemoteMapLayerBody): Promise<MapLayer> {
  const me = auth.user.organisationId;
  const id = await services.db.transaction().execute(async (tx) => {
    const scope = await scopeOf(tx, auth, body.eventId);
    const row = await tx
      .insertInto('map_layers')
      .values({
        organisation_id: me,
        event_id: scope.eventId,
        name: body.name,
        kind: body.kind,
        url: body.url,
        layer_name: body.layerName,
        service_version: body.version,
        remote_crs: body.crs,
        style: JSON.stringify(body.style),
        created_by: auth.user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: 'map_layer.created',
      entityType: 'map_layer',
      entityId: row.id,
      organisationId: me,
      changes: { name: body.name, kind: body.kind, eventId: scope.eventId, url: body.url, layerName: body.layerName, version: body.version, crs: body.crs },
    });
    await publishLayersChanged(services, tx, me, scope.eventId);
    return row.id;
  });
  return getLayer(services, auth, id);
}

async function requireManageableLayer(tx: Kysely<DB>, auth: AuthContext, id: string): Promise<LayerListRow> {
  const l = await requireVisibleLayer(tx, auth, id, true);
  if (!canManageLayer(auth, l)) throw new AppError('forbidden');
  return l;
}

export async function updateLayer(services: Services, auth: AuthContext, actor: Actor, id: string, body: UpdateMapLayerBody): Promise<MapLayer> {
  await services.db.transaction().execute(async (tx) => {
    const l = await requireManageableLayer(tx, auth, id);
    const before = { name: l.name, style: layerStyleSchema.parse(l.style) };
    const uploaded = l.kind === 'geojson' || l.kind === 'shapefile';
    if (body.style) checkLabelField(body.style, uploaded ? l.attribute_names : null);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (body.name !== undefined && body.name !== before.name) changes.name = { from: before.name, to: body.name };
    if (body.style && JSON.stringify(body.style) !== JSON.stringify(before.style)) changes.style = { from: before.style, to: body.style };
    if (Object.keys(changes).length === 0) return;
    await tx
      .updateTable('map_layers')
      .set({ ...(changes.name ? { name: body.name } : {}), ...(changes.style ? { style: JSON.stringify(body.style) } : {}), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, actor, { action: 'map_layer.updated', entityType: 'map_layer', entityId: id, organisationId: l.organisation_id, changes });
    await publishLayersChanged(services, tx, l.organisation_id, l.event_id);
  });
  return getLayer(services, auth, id);
}

export async function deleteLayer(services: Services, auth: AuthContext, actor: Actor, id: string): Promise<void> {
  await services.db.transaction().execute(async (tx) => {
    const l = await requireManageableLayer(tx, auth, id);
    await tx.deleteFrom('map_layer_data').where('layer_id', '=', id).execute();
    await tx.deleteFrom('map_layers').where('id', '=', id).execute();
    await recordAudit(tx, actor, {
      action: 'map_layer.deleted',
      entityType: 'map_layer',
      entityId: id,
      organisationId: l.organisation_id,
      changes: { name: l.name, kind: l.kind, eventId: l.event_id, fileName: l.file_name, sha256: l.file_sha256, url: l.url, layerName: l.layer_name },
    });
    await publishLayersChanged(services, tx, l.organisation_id, l.event_id);
  });
}
