// The event map's server side: layers uploaded (GeoJSON, zipped shapefile, in Lambert-93) or
// remote (WFS, WMS), their visibility, the perimeters drawn for an event (each change an entry of
// the main courante, live), the GeoJSON export, and bad input (nothing stored).
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { startTestApp, type Session, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, buildWorld } from '../fixtures/factories';
import { multipartBody } from '../fixtures/logbook';
import { geojsonLambert93, MONTPELLIER_L93, polygonShapefileZip, PRJ_LAMBERT2_ETENDU, shapefileZip, tileAt } from '../fixtures/map';
import type { DB } from '../../src/server/db/schema';
import { topicOf } from '../../src/shared/realtime';
import type { EventDetail, Entry } from '../../src/shared/schemas/logbook';
import type { MapLayer, Perimeter } from '../../src/shared/schemas/map';
import { countRows, expectError, send, serverErrors, signIn, WsClient } from './support';
import { FAKE_WFS_POINTS, startFakeOgc, type FakeOgc } from '../fixtures/ogc';
import MVT from 'ol/format/MVT';
import { toLonLat } from 'ol/proj';
import { createXYZ } from 'ol/tilegrid';

let t: TestApp;
let db: Kysely<DB>;
let port: number;
let w: Awaited<ReturnType<typeof buildWorld>>;
let admin: Session;
let coord: Session;
let contrib: Session;
let reader: Session;
let event: EventDetail;
/** Montpellier's outline from the shipped commune outlines (through the API, as the map reads it). */
let montpellier: { type: string; coordinates: unknown };

async function json<T>(res: { statusCode: number; body: string; json: () => unknown }, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

function upload(s: Session, data: Buffer, o: { fileName?: string; query?: Record<string, string>; app?: TestApp } = {}) {
  const m = multipartBody('file', o.fileName ?? 'couche.geojson', 'application/octet-stream', data);
  const q = o.query ? `?${new URLSearchParams(o.query).toString()}` : '';
  return send((o.app ?? t).app, s, 'POST', `/api/map-layers/upload${q}`, { raw: m.payload, contentType: m.headers['content-type'] });
}

type Fc = { type: string; features: Array<{ type: string; id?: unknown; geometry: { type: string; coordinates: never }; properties: Record<string, unknown> }> };

async function features(s: Session, id: string): Promise<Fc> {
  const res = await send(t.app, s, 'GET', `/api/map-layers/${id}/features`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
  return res.json() as Fc;
}

/** Even-odd point-in-polygon on every ring of a Polygon or MultiPolygon. */
/** A vector tile read by OpenLayers' MVT format, its features in degrees (rings flattened to their points). */
function readTile(bytes: Buffer, z: number, x: number, y: number) {
  const grid = createXYZ({ maxZoom: 22 });
  const extent = grid.getTileCoordExtent([z, x, y]);
  const format = new MVT({ layers: ['features'] });
  const features = format.readFeatures(new Uint8Array(bytes).buffer, { extent, featureProjection: 'EPSG:3857' });
  return features.map((f) => {
    const flat = f.getFlatCoordinates();
    const coordinates: Array<[number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) coordinates.push(toLonLat([flat[i], flat[i + 1]]) as [number, number]);
    return { type: f.getType(), properties: f.getProperties(), coordinates };
  });
}

function inside(p: [number, number], g: { type: string; coordinates: unknown }): boolean {
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Array<Array<Array<[number, number]>>>;
  let In = false;
  for (const ring of polygons.flat()) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) In = !In;
    }
  }
  return In;
}

beforeAll(async () => {
  t = await startTestApp({ REQUESTS_PER_MINUTE: '1000000' });
  db = t.db.database.db;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
  w = await buildWorld(db);
  admin = await signIn(t.app, w.usersA.administrator.email);
  coord = await signIn(t.app, w.usersA.coordinator.email);
  contrib = await signIn(t.app, w.usersA.contributor.email);
  reader = await signIn(t.app, w.usersA.reader.email);
  const types = await json<{ items: Array<{ id: string; name: string }> }>(await send(t.app, coord, 'GET', '/api/event-types'));
  event = await json(
    await send(t.app, coord, 'POST', '/api/events', {
      json: { typeId: types.items.find((i) => i.name === 'Inondation')!.id, title: 'Crue du Lez', severity: 3, place: { type: 'Point', coordinates: [3.8957, 43.5993] } },
    }),
    201,
  );
  const outlines = await json<Fc & { features: Array<{ properties: { code: string } }> }>(await send(t.app, reader, 'GET', '/api/territory/departments/34/communes.geojson'));
  montpellier = outlines.features.find((f) => f.properties.code === '34172')!.geometry;
});
afterAll(async () => t?.close());

describe('layers uploaded from files', () => {
  it('a GeoJSON in Lambert-93 with a crs member naming EPSG:2154 lands in Montpellier once reprojected', async () => {
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('organisation', w.a.id))).type).toBe('subscribed');
    const layer = await json<MapLayer>(await upload(admin, geojsonLambert93(), { fileName: 'lieux_sensibles.geojson' }), 201);
    expect(layer).toMatchObject({
      name: 'lieux_sensibles',
      kind: 'geojson',
      eventId: null,
      featureCount: 3,
      geometryTypes: ['Point', 'Polygon'],
      attributeNames: ['nom', 'type', 'aléa'],
      source: { fileName: 'lieux_sensibles.geojson', crs: 'EPSG:2154', crsOrigin: 'declared' },
      remote: null,
      canManage: true,
    });
    const fc = await features(reader, layer.id);
    expect(fc.type).toBe('FeatureCollection');
    const townHall = fc.features.find((f) => f.properties.nom === 'Hôtel de ville')!;
    const [lon, lat] = townHall.geometry.coordinates as [number, number];
    // Near lon 3.87–3.90, lat 43.60: the town hall of Montpellier, inside the commune's shipped outline.
    expect(lon).toBeGreaterThan(3.85);
    expect(lon).toBeLessThan(3.92);
    expect(lat).toBeGreaterThan(43.58);
    expect(lat).toBeLessThan(43.62);
    expect(lon).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[0], 3);
    expect(lat).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[1], 3);
    for (const f of fc.features.filter((f) => f.geometry.type === 'Point')) expect(inside(f.geometry.coordinates, montpellier), String(f.properties.nom)).toBe(true);
    const [west, south, east, north] = layer.bbox!;
    expect(inside([west, south], montpellier) && inside([east, north], montpellier)).toBe(true);
    // Live: open maps of the organisation reload their layers.
    const [note] = await ws.messages(topicOf('organisation', w.a.id), 1);
    expect(note.event).toEqual({ kind: 'mapLayers.changed', eventId: null });
    await ws.close();
    // The features are served with an ETag: a map that has them gets 304.
    const first = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/features`);
    const again = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/features`, { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    // A browser that accepts gzip gets the copy compressed at upload: the same text.
    const zipped = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/features`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('accept-encoding');
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(first.body);
    // Audited, with the file's fingerprint and the projection it was read in.
    const audit = await db.selectFrom('audit_log').selectAll().where('entity_id', '=', layer.id).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'map_layer.created', organisation_id: w.a.id });
    expect(audit.changes).toMatchObject({ crs: 'EPSG:2154', crsOrigin: 'declared', featureCount: 3, sha256: layer.source!.sha256 });
  });

  it('vector tiles: the map of a large layer asks only for what it shows; the features land at the right place, empty tiles are 204, bad tiles are refused', async () => {
    const layer = await json<MapLayer>(await upload(admin, geojsonLambert93(), { fileName: 'tuiles.geojson' }), 201);
    const [lon, lat] = MONTPELLIER_L93.townHall.lonLat;
    const { z, x, y } = tileAt(lon, lat, 14);
    const res = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/${z}/${x}/${y}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['content-encoding']).toBe('gzip');
    // Read as the map reads it (OpenLayers' MVT format), back in degrees.
    const decoded = readTile(gunzipSync(res.rawPayload), z, x, y);
    const townHall = decoded.find((f) => f.properties.nom === 'Hôtel de ville')!;
    expect(townHall.type).toBe('Point');
    // One tile unit at zoom 14 is ≈ 0.6 m: the point is where the file put it, to ≈ 1 m.
    expect(townHall.coordinates[0][0]).toBeCloseTo(lon, 4);
    expect(townHall.coordinates[0][1]).toBeCloseTo(lat, 4);
    expect(inside(townHall.coordinates[0], montpellier)).toBe(true);
    // The flood zone crosses the tile: its outline is there, with its attributes.
    expect(decoded.find((f) => f.properties.nom === 'Zone inondable du Lez (extrait)')).toMatchObject({ type: 'Polygon', properties: { aléa: 'fort' } });
    // The same tile without gzip; again with its ETag: 304.
    const plain = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/${z}/${x}/${y}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Buffer.compare(plain.rawPayload, gunzipSync(res.rawPayload))).toBe(0);
    const again = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/${z}/${x}/${y}`, { headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    // The whole world in one tile: both points, but not the flood zone, smaller than a pixel at
    // that scale (simplified away); a tile of Brittany holds nothing.
    const world = readTile(gunzipSync((await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/0/0/0`, { headers: { 'accept-encoding': 'gzip' } })).rawPayload), 0, 0, 0);
    expect(world.map((f) => f.properties.nom).sort()).toEqual(['Hôtel de ville', 'Place de la Comédie']);
    const brittany = tileAt(-2.76, 47.66, 14);
    const empty = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/${brittany.z}/${brittany.x}/${brittany.y}`);
    expect(empty.statusCode).toBe(204);
    expect(empty.body).toBe('');
    // Tiles that do not exist: clear errors naming the coordinate.
    for (const [bad, path] of [['15/0/0', 'z'], [`14/${2 ** 14}/0`, 'x'], ['3/1.5/2', 'x'], ['3/2/-1', 'y'], ['a/0/0', 'z']] as const) {
      const err = expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/${bad}`), 'validation_failed');
      expect((err.details as Array<{ path: string }>).map((d) => d.path), bad).toContain(path);
    }
    // Deleted: its tiles are gone too.
    expect((await send(t.app, admin, 'DELETE', `/api/map-layers/${layer.id}`)).statusCode).toBe(204);
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/${z}/${x}/${y}`), 'not_found');
  });

  it('a zipped shapefile with a Lambert-93 .prj (attributes in Windows-1252, no .cpg), attached to one event', async () => {
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('event', event.id))).type).toBe('subscribed');
    const layer = await json<MapLayer>(
      await upload(coord, shapefileZip({ encoding: 'cp1252', cpg: false }), { fileName: 'etablissements.zip', query: { eventId: event.id, name: 'Établissements sensibles' } }),
      201,
    );
    expect(layer).toMatchObject({ name: 'Établissements sensibles', kind: 'shapefile', eventId: event.id, featureCount: 3, source: { crs: 'EPSG:2154', crsOrigin: 'declared' }, attributeNames: ['NOM', 'CATEGORIE'] });
    const fc = await features(reader, layer.id);
    expect(fc.features.map((f) => f.properties.NOM)).toEqual(['Hôtel de ville', 'Gymnase de la Comédie', 'EHPAD L’Oustal']);
    for (const f of fc.features) expect(inside(f.geometry.coordinates, montpellier), String(f.properties.NOM)).toBe(true);
    expect((await ws.messages(topicOf('event', event.id), 1))[0].event).toEqual({ kind: 'mapLayers.changed', eventId: event.id });
    await ws.close();
    // The event's layers come with the organisation's shared ones.
    const list = await json<{ layers: MapLayer[] }>(await send(t.app, reader, 'GET', `/api/map-layers?eventId=${event.id}`));
    expect(list.layers.map((l) => l.name)).toContain('Établissements sensibles');
    expect(list.layers.map((l) => l.name)).toContain('lieux_sensibles');
    expect(list.layers.every((l) => l.canManage === false)).toBe(true);
    // A polygon shapefile (OGC .prj with its EPSG code) keeps its hole.
    const zone = await json<MapLayer>(await upload(coord, polygonShapefileZip(), { fileName: 'zone_inondable.zip' }), 201);
    const poly = (await features(reader, zone.id)).features[0].geometry;
    expect(poly.type).toBe('Polygon');
    expect(poly.coordinates).toHaveLength(2);
  });

  it('an unreadable projection asks to choose one (with a suggestion); the choice is then used', async () => {
    const before = await countRows(db);
    const noPrj = expectError(await upload(admin, shapefileZip({ prj: null }), { fileName: 'sans_prj.zip' }), 'map_crs_unknown');
    expect(noPrj.details).toMatchObject({ declared: null, suggested: 'EPSG:2154' });
    const lambert2 = expectError(await upload(admin, shapefileZip({ prj: PRJ_LAMBERT2_ETENDU }), { fileName: 'lambert2.zip' }), 'map_crs_unknown');
    expect(lambert2.details).toMatchObject({ declared: 'NTF_Paris_Lambert_II_etendu' });
    const unknownName = geojsonLambert93('urn:ogc:def:crs:EPSG::27572');
    expectError(await upload(admin, unknownName), 'map_crs_unknown');
    expect(await countRows(db)).toEqual(before);
    const chosen = await json<MapLayer>(await upload(admin, shapefileZip({ prj: null }), { fileName: 'sans_prj.zip', query: { crs: 'EPSG:2154' } }), 201);
    expect(chosen.source).toMatchObject({ crs: 'EPSG:2154', crsOrigin: 'chosen' });
    const fc = await features(admin, chosen.id);
    expect(inside(fc.features[0].geometry.coordinates, montpellier)).toBe(true);
  });

  it('bad files: neither GeoJSON nor shapefile, out-of-range coordinates, no file: clear errors, nothing stored', async () => {
    const before = await countRows(db);
    for (const [name, data] of [
      ['rapport.pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj')],
      ['notes.txt', Buffer.from('Zone à évacuer : rue de la Loge')],
      ['vide.geojson', Buffer.alloc(0)],
      ['topo.json', Buffer.from('{"type":"Topology","objects":{}}')],
      ['casse.geojson', Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature"')],
      ['archive.zip', shapefileZip().subarray(0, 300)],
    ] as const) {
      const err = expectError(await upload(admin, data, { fileName: name }), 'map_file_invalid');
      expect((err.details as { reason: string }).reason.length, name).toBeGreaterThan(10);
    }
    // Lambert-93 metres read as degrees: out of range once "reprojected".
    const err = expectError(await upload(admin, geojsonLambert93(), { query: { crs: 'EPSG:4326' } }), 'map_coordinates_invalid');
    expect(err.details).toMatchObject({ crs: 'EPSG:4326' });
    expectError(await upload(admin, Buffer.from(JSON.stringify({ type: 'Point', coordinates: [1e20, 5] })), { query: { crs: 'EPSG:3857' } }), 'map_coordinates_invalid');
    // A multipart body without its file part, a JSON body.
    const noFile = Buffer.from('--x\r\nContent-Disposition: form-data; name="note"\r\n\r\nbonjour\r\n--x--\r\n');
    expectError(await send(t.app, admin, 'POST', '/api/map-layers/upload', { raw: noFile, contentType: 'multipart/form-data; boundary=x' }), 'file_required');
    expectError(await send(t.app, admin, 'POST', '/api/map-layers/upload', { json: { file: 'x' } }), 'unsupported_media_type');
    // Not a manager of layers; an unknown or hidden event.
    expectError(await upload(contrib, geojsonLambert93()), 'forbidden');
    expectError(await upload(admin, geojsonLambert93(), { query: { eventId: crypto.randomUUID() } }), 'not_found');
    expect(await countRows(db)).toEqual(before);
  });

  it('a 100 MB upload is refused with file_too_large before it is read; a body without length stops at the limit', async () => {
    const before = await countRows(db);
    const boundary = 'vigie-grand-fichier';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="enorme.geojson"\r\nContent-Type: application/geo+json\r\n\r\n`);
    const total = 100 * 1024 * 1024;
    const started = Date.now();
    const res = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/map-layers/upload',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(total) },
      });
      req.on('response', (r) => {
        answered = true;
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => {
          req.destroy();
          resolve({ status: r.statusCode ?? 0, body, sent });
        });
      });
      req.on('error', (e) => (answered ? undefined : reject(e)));
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = () => {
        if (answered) return;
        if (sent === 0) {
          req.write(head);
          sent += head.length;
        }
        while (!answered && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (sent >= total) req.end();
      };
      pump();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('file_too_large');
    // The answer came before even the limit (20 MiB) was sent: the 100 MB were never read.
    expect(res.sent).toBeLessThan(20 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await countRows(db)).toEqual(before);

    // 12 MiB (beyond the 10 MiB of attachments, within the 20 MiB of map layers) is accepted.
    const padded = Buffer.concat([geojsonLambert93(), Buffer.alloc(12 * 1024 * 1024, 0x20)]);
    expect((await json<MapLayer>(await upload(admin, padded, { fileName: 'grand.geojson' }), 201)).source!.sizeBytes).toBe(padded.length);
    const { id: paddedId } = await db.selectFrom('map_layers').select('id').where('file_name', '=', 'grand.geojson').executeTakeFirstOrThrow();
    expect((await send(t.app, admin, 'DELETE', `/api/map-layers/${paddedId}`)).statusCode).toBe(204);

    // Within the announced size, the limit still holds while reading (here 2 KiB).
    const small = await startTestApp({ REQUESTS_PER_MINUTE: '1000000', MAP_LAYER_MAX_BYTES: '2048' }, t.db);
    try {
      const s = await signIn(small.app, w.usersA.administrator.email);
      const beforeSmall = await countRows(db);
      const big = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: 60 }, (_, i) => ({ type: 'Feature', properties: { i }, geometry: { type: 'Point', coordinates: [3.87, 43.6] } })) }));
      expect(big.length).toBeGreaterThan(2048);
      expectError(await upload(s, big, { app: small }), 'file_too_large');
      expect(await countRows(db)).toEqual(beforeSmall);
    } finally {
      await small.close();
    }
  });
});

describe('remote layers, styles, deletion, visibility', () => {
  it('WFS and WMS layers: http(s) addresses only, versions of their service; their features are not stored', async () => {
    const wfs = await json<MapLayer>(
      await send(t.app, coord, 'POST', '/api/map-layers', {
        json: { kind: 'wfs', name: 'Bornes incendie', url: 'https://sig.montpellier.example/qgis/wfs', layerName: 'bornes_incendie', version: '2.0.0', crs: 'EPSG:2154', style: { colour: '#D4121E', icon: 'water', labelField: 'numero' } },
      }),
      201,
    );
    expect(wfs).toMatchObject({ kind: 'wfs', source: null, featureCount: null, remote: { url: 'https://sig.montpellier.example/qgis/wfs', layerName: 'bornes_incendie', version: '2.0.0', crs: 'EPSG:2154' }, style: { colour: '#d4121e', icon: 'water' } });
    const wms = await json<MapLayer>(
      await send(t.app, coord, 'POST', '/api/map-layers', { json: { kind: 'wms', name: 'PPRI', url: 'http://geoserver.local:8080/geoserver/wms', layerName: 'ppri:zonage', version: '1.3.0' } }),
      201,
    );
    expect(wms.remote).toMatchObject({ crs: 'EPSG:4326', version: '1.3.0' });
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${wfs.id}/features`), 'map_layer_remote');
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${wfs.id}/tiles/0/0/0`), 'map_layer_remote');
    const before = await countRows(db);
    for (const url of ['ftp://sig.example/wfs', 'javascript:alert(1)', 'https://agent:secret@sig.example/wfs', 'pas une adresse', `https://sig.example/${'x'.repeat(2100)}`]) {
      const err = expectError(await send(t.app, coord, 'POST', '/api/map-layers', { json: { kind: 'wms', name: 'X', url, layerName: 'x', version: '1.3.0' } }), 'validation_failed');
      expect((err.details as Array<{ path: string }>).map((d) => d.path)).toContain('url');
    }
    const mismatch = expectError(await send(t.app, coord, 'POST', '/api/map-layers', { json: { kind: 'wfs', name: 'X', url: 'https://sig.example/wfs', layerName: 'x', version: '1.3.0' } }), 'validation_failed');
    expect((mismatch.details as Array<{ path: string; message: string }>).find((d) => d.path === 'version')!.message).toBe('Version WFS : 2.0.0, 1.1.0 ou 1.0.0.');
    expect(await countRows(db)).toEqual(before);
  });

  it('rename and restyle (the label field must exist), then delete: audited, and the features are gone', async () => {
    const layer = await json<MapLayer>(await upload(coord, geojsonLambert93(), { fileName: 'a_renommer.geojson' }), 201);
    const before = await countRows(db);
    expectError(await send(t.app, coord, 'PATCH', `/api/map-layers/${layer.id}`, { json: { style: { colour: '#00ff00', labelField: 'inexistant' } } }), 'map_label_field_unknown');
    expectError(await send(t.app, contrib, 'PATCH', `/api/map-layers/${layer.id}`, { json: { name: 'Non' } }), 'forbidden');
    expect(await countRows(db)).toEqual(before);
    const updated = await json<MapLayer>(await send(t.app, coord, 'PATCH', `/api/map-layers/${layer.id}`, { json: { name: 'Lieux sensibles', style: { colour: '#7B2D8E', icon: 'health', labelField: 'nom' } } }));
    expect(updated).toMatchObject({ name: 'Lieux sensibles', style: { colour: '#7b2d8e', icon: 'health', labelField: 'nom' } });
    const res = await send(t.app, admin, 'DELETE', `/api/map-layers/${layer.id}`);
    expect(res.statusCode).toBe(204);
    expectError(await send(t.app, admin, 'GET', `/api/map-layers/${layer.id}/features`), 'not_found');
    expect(await db.selectFrom('map_layer_data').select('layer_id').where('layer_id', '=', layer.id).executeTakeFirst()).toBeUndefined();
    const actions = (await db.selectFrom('audit_log').select('action').where('entity_id', '=', layer.id).orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['map_layer.created', 'map_layer.updated', 'map_layer.deleted']);
  });

  it('a layer attached to a restricted event is invisible (404) to whoever does not see the event; shared layers stay within the organisation', async () => {
    const types = await json<{ items: Array<{ id: string; name: string }> }>(await send(t.app, coord, 'GET', '/api/event-types'));
    const hidden = await json<EventDetail>(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: types.items[0].id, title: 'Menace sur le réseau d’eau' } }), 201);
    await json(await send(t.app, coord, 'PUT', `/api/events/${hidden.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] } }));
    const layer = await json<MapLayer>(await upload(coord, geojsonLambert93(), { fileName: 'captages.geojson', query: { eventId: hidden.id } }), 201);
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}`), 'not_found');
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/features`), 'not_found');
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/tiles/0/0/0`), 'not_found');
    expectError(await send(t.app, reader, 'GET', `/api/map-layers?eventId=${hidden.id}`), 'not_found');
    const list = await json<{ layers: MapLayer[] }>(await send(t.app, reader, 'GET', '/api/map-layers'));
    expect(list.layers.map((l) => l.id)).not.toContain(layer.id);
    expect(list.layers.map((l) => l.name)).toContain('lieux_sensibles');
    expect((await json<{ layers: MapLayer[] }>(await send(t.app, coord, 'GET', '/api/map-layers'))).layers.map((l) => l.id)).toContain(layer.id);
    // A partner organisation sees none of A's layers.
    const partner = await buildOrganisation(db, { kind: 'partner' });
    const p = await signIn(t.app, (await buildUser(db, { organisationId: partner.id, role: 'administrator' })).email);
    expect((await json<{ layers: MapLayer[] }>(await send(t.app, p, 'GET', '/api/map-layers'))).layers).toEqual([]);
  });
});

describe('remote layers relayed by the server (fake WFS / WMS on loopback)', () => {
  let ogc: FakeOgc;
  beforeAll(async () => {
    ogc = await startFakeOgc();
  });
  afterAll(async () => ogc.close());
  const remote = async (o: { kind: 'wfs' | 'wms'; path: string; version: string; crs: string }) =>
    json<MapLayer>(
      await send(t.app, coord, 'POST', '/api/map-layers', { json: { kind: o.kind, name: `${o.kind} ${o.path} ${o.crs}`, url: `${ogc.url}${o.path}?MAP=/srv/qgis/ville.qgs&request=GetCapabilities`, layerName: 'ville:postes', version: o.version, crs: o.crs } }),
      201,
    );

  it('WFS in Lambert-93: the server asks the stored address in the layer’s projection and answers WGS 84 features at the right place', async () => {
    const layer = await remote({ kind: 'wfs', path: '/ows', version: '2.0.0', crs: 'EPSG:2154' });
    ogc.requests.length = 0;
    const res = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/wfs?bbox=3.80,43.56,3.95,43.65`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = res.json() as Fc;
    expect(fc.features.map((f) => f.properties.nom)).toEqual(FAKE_WFS_POINTS.map((p) => p.nom));
    fc.features.forEach((f, i) => {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      expect(lon).toBeCloseTo(FAKE_WFS_POINTS[i].lon, 5);
      expect(lat).toBeCloseTo(FAKE_WFS_POINTS[i].lat, 5);
    });
    expect(inside(fc.features[0].geometry.coordinates as [number, number], montpellier)).toBe(true);
    // One request, to the stored address, with its own parameters kept and ours replacing theirs.
    expect(ogc.requests).toHaveLength(1);
    const q = ogc.requests[0];
    expect(q.pathname).toBe('/ows');
    expect(q.searchParams.get('MAP')).toBe('/srv/qgis/ville.qgs');
    expect(q.searchParams.get('request')).toBeNull();
    expect(Object.fromEntries(['SERVICE', 'VERSION', 'REQUEST', 'TYPENAMES', 'SRSNAME', 'OUTPUTFORMAT', 'COUNT'].map((k) => [k, q.searchParams.get(k)]))).toEqual({
      SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: 'GetFeature', TYPENAMES: 'ville:postes', SRSNAME: 'EPSG:2154', OUTPUTFORMAT: 'application/json', COUNT: '20000',
    });
    // The bbox was projected to Lambert-93 (metres around Montpellier) and names its projection.
    const [minx, miny, maxx, maxy, crs] = q.searchParams.get('BBOX')!.split(',');
    expect(crs).toBe('EPSG:2154');
    expect(Number(minx)).toBeGreaterThan(760_000);
    expect(Number(maxx)).toBeLessThan(780_000);
    expect(Number(miny)).toBeGreaterThan(6_270_000);
    expect(Number(maxy)).toBeLessThan(6_290_000);
    // WFS 1.1.0 in WGS 84: TYPENAME and MAXFEATURES.
    const old = await remote({ kind: 'wfs', path: '/ows', version: '1.1.0', crs: 'EPSG:4326' });
    const res2 = await send(t.app, reader, 'GET', `/api/map-layers/${old.id}/wfs?bbox=3.80,43.56,3.95,43.65`);
    expect((res2.json() as Fc).features[1].geometry.coordinates).toEqual([FAKE_WFS_POINTS[1].lon, FAKE_WFS_POINTS[1].lat]);
    expect(ogc.requests[1].searchParams.get('TYPENAME')).toBe('ville:postes');
    expect(ogc.requests[1].searchParams.get('MAXFEATURES')).toBe('20000');
  });

  it('WMS: GetMap images through the server (axis order of WMS 1.3.0 in EPSG:4326); the browser never calls the GIS', async () => {
    const layer = await remote({ kind: 'wms', path: '/ows', version: '1.3.0', crs: 'EPSG:3857' });
    ogc.requests.length = 0;
    const res = await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/wms?bbox=422000,5400000,440000,5412000&width=300&height=200&crs=EPSG:3857`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    expect(res.rawPayload.readUInt32BE(16)).toBe(300);
    let q = ogc.requests[0];
    expect(Object.fromEntries(['SERVICE', 'VERSION', 'REQUEST', 'LAYERS', 'CRS', 'BBOX', 'WIDTH', 'HEIGHT', 'FORMAT'].map((k) => [k, q.searchParams.get(k)]))).toEqual({
      SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', LAYERS: 'ville:postes', CRS: 'EPSG:3857', BBOX: '422000,5400000,440000,5412000', WIDTH: '300', HEIGHT: '200', FORMAT: 'image/png',
    });
    await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/wms?bbox=3.8,43.5,3.9,43.7&width=10&height=10&crs=EPSG:4326`);
    expect(ogc.requests[1].searchParams.get('BBOX')).toBe('43.5,3.8,43.7,3.9');
    const v111 = await remote({ kind: 'wms', path: '/ows', version: '1.1.1', crs: 'EPSG:4326' });
    await send(t.app, reader, 'GET', `/api/map-layers/${v111.id}/wms?bbox=3.8,43.5,3.9,43.7&width=10&height=10&crs=EPSG:4326`);
    q = ogc.requests[2];
    expect([q.searchParams.get('SRS'), q.searchParams.get('BBOX')]).toEqual(['EPSG:4326', '3.8,43.5,3.9,43.7']);
    // Bad sizes and extents are refused before the service is asked.
    const asked = ogc.requests.length;
    for (const qs of ['bbox=1,2,3&width=10&height=10&crs=EPSG:3857', 'bbox=3,2,1,4&width=10&height=10&crs=EPSG:3857', 'bbox=1,2,3,4&width=99999&height=10&crs=EPSG:3857', 'bbox=1,2,3,4&width=10&height=10&crs=EPSG:27572']) {
      expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/wms?${qs}`), 'validation_failed');
    }
    expectError(await send(t.app, reader, 'GET', `/api/map-layers/${layer.id}/wfs?bbox=3.8,43.5,3.9,43.7`), 'not_found');
    expect(ogc.requests.length).toBe(asked);
  });

  it('a service answering 500, an OGC exception, or nothing at all: map_remote_failed with the reason in French, nothing stored', async () => {
    const before = await countRows(db);
    const broken = await remote({ kind: 'wfs', path: '/broken', version: '2.0.0', crs: 'EPSG:2154' });
    const brokenWms = await remote({ kind: 'wms', path: '/broken', version: '1.3.0', crs: 'EPSG:3857' });
    const xml = await remote({ kind: 'wms', path: '/xml', version: '1.3.0', crs: 'EPSG:3857' });
    const xmlWfs = await remote({ kind: 'wfs', path: '/xml', version: '2.0.0', crs: 'EPSG:3857' });
    const after = await countRows(db);
    let err = expectError(await send(t.app, reader, 'GET', `/api/map-layers/${broken.id}/wfs?bbox=3.8,43.5,3.9,43.7`), 'map_remote_failed');
    expect(err.details).toEqual({ status: 500, reason: 'le service répond 500 : Erreur interne du serveur cartographique' });
    err = expectError(await send(t.app, reader, 'GET', `/api/map-layers/${brokenWms.id}/wms?bbox=1,2,3,4&width=10&height=10&crs=EPSG:3857`), 'map_remote_failed');
    expect(err.details).toMatchObject({ status: 500 });
    err = expectError(await send(t.app, reader, 'GET', `/api/map-layers/${xml.id}/wms?bbox=1,2,3,4&width=10&height=10&crs=EPSG:3857`), 'map_remote_failed');
    expect(err.details).toEqual({ reason: 'erreur du service : Couche inconnue' });
    err = expectError(await send(t.app, reader, 'GET', `/api/map-layers/${xmlWfs.id}/wfs?bbox=3.8,43.5,3.9,43.7`), 'map_remote_failed');
    expect(err.details).toEqual({ reason: 'erreur du service : Couche inconnue' });
    // Nobody listening on that port.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const dead = await json<MapLayer>(await send(t.app, coord, 'POST', '/api/map-layers', { json: { kind: 'wfs', name: 'Éteint', url: `http://127.0.0.1:${deadPort}/wfs`, layerName: 'x', version: '2.0.0' } }), 201);
    err = expectError(await send(t.app, reader, 'GET', `/api/map-layers/${dead.id}/wfs?bbox=3.8,43.5,3.9,43.7`), 'map_remote_failed');
    expect((err.details as { reason: string }).reason).toMatch(/^service injoignable \(ECONNREFUSED\)$/);
    // The failures stored nothing (the five layers were the only writes).
    expect((await countRows(db)).map_layers).toBe(after.map_layers + 1);
    expect(after.map_layers).toBe(before.map_layers + 4);
  });

  it('the event map’s settings: the department of the event’s organisation for the outlines, no background unless configured; guests read them and the outlines', async () => {
    expect(await json(await send(t.app, reader, 'GET', `/api/events/${event.id}/map`))).toEqual({ departmentCode: '34', background: null });
    const link = await json<{ token: string }>(await send(t.app, coord, 'POST', `/api/events/${event.id}/guest-links`, { json: { label: 'SDIS', access: 'read', expiresAt: new Date(Date.now() + 3600_000).toISOString() } }), 201);
    const joined = await send(t.app, null, 'POST', '/api/guest/join', { json: { token: link.token, name: 'Lieutenant Brun' } });
    const guest: Session = { cookie: `vigie_session=${joined.cookies.find((k) => k.name === 'vigie_session')!.value}`, csrf: joined.json().csrfToken, info: joined.json() };
    expect((await json<{ departmentCode: string }>(await send(t.app, guest, 'GET', `/api/events/${event.id}/map`))).departmentCode).toBe('34');
    expect((await send(t.app, guest, 'GET', '/api/territory/departments/34/communes.geojson')).statusCode).toBe(200);
    const other = await startTestApp({ MAP_BACKGROUND_URL: 'https://tuiles.sig.example/plan/{z}/{x}/{y}.png', MAP_BACKGROUND_ATTRIBUTION: '© Ville' });
    try {
      const ow = await buildWorld(other.db.database.db);
      const c2 = await signIn(other.app, ow.usersA.coordinator.email);
      const types = await json<{ items: Array<{ id: string }> }>(await send(other.app, c2, 'GET', '/api/event-types'));
      const e2 = await json<EventDetail>(await send(other.app, c2, 'POST', '/api/events', { json: { typeId: types.items[0].id, title: 'Essai' } }), 201);
      const res = await send(other.app, c2, 'GET', `/api/events/${e2.id}/map`);
      expect(res.json().background).toEqual({ url: 'https://tuiles.sig.example/plan/{z}/{x}/{y}.png', attribution: '© Ville' });
      expect(res.headers['content-security-policy']).toContain("img-src 'self' data: blob: https://tuiles.sig.example;");
    } finally {
      await other.close();
    }
  });
});

describe('perimeters', () => {
  const zone = {
    type: 'Polygon',
    coordinates: [
      [
        [3.89, 43.598],
        [3.9, 43.598],
        [3.9, 43.604],
        [3.89, 43.604],
        [3.89, 43.598],
      ],
    ],
  };

  it('drawn, changed and removed: each change is an entry of the main courante, audited and live', async () => {
    const ws = await WsClient.connect(port, reader);
    const topic = topicOf('event', event.id);
    expect((await ws.subscribe(topic)).type).toBe('subscribed');

    const created = await json<Perimeter>(await send(t.app, contrib, 'POST', `/api/events/${event.id}/perimeters`, { json: { category: 'evacuation', label: 'Quartier Port-Marianne', geometry: zone } }), 201);
    expect(created).toMatchObject({ eventId: event.id, category: 'evacuation', label: 'Quartier Port-Marianne', version: 1, style: { colour: '#d4121e', fillOpacity: 0.2 }, geometry: zone });
    let [entry, changed] = await ws.messages(topic, 2);
    expect(entry.event.kind).toBe('entry.created');
    const e1 = (entry.event as { entry: Entry }).entry;
    expect(e1).toMatchObject({ kind: 'system', important: true, authorName: w.usersA.contributor.display_name });
    expect(e1.text).toMatch(/^Carte : périmètre « Quartier Port-Marianne » tracé par .+ \(zone d’évacuation, zone de 4 sommets, \d+,\d ha\)\.$/);
    expect(changed.event).toMatchObject({ kind: 'perimeter.changed', change: 'created', perimeterId: created.id, perimeter: { label: 'Quartier Port-Marianne', version: 1 } });
    expect(changed.seq).toBe(entry.seq + 1);

    const line = { type: 'LineString', coordinates: [[3.889, 43.6], [3.901, 43.6]] };
    const updated = await json<Perimeter>(await send(t.app, coord, 'PATCH', `/api/perimeters/${created.id}`, { json: { label: 'Avenue de la Mer', category: 'traffic_closure', geometry: line } }));
    expect(updated).toMatchObject({ version: 2, category: 'traffic_closure', geometry: line, createdByName: w.usersA.contributor.display_name, updatedByName: w.usersA.coordinator.display_name });
    [entry, changed] = await ws.messages(topic, 2);
    expect((entry.event as { entry: Entry }).entry.text).toMatch(
      /^Carte : périmètre « Avenue de la Mer » modifié par .+ \(libellé : « Quartier Port-Marianne » → « Avenue de la Mer » ; zone d’évacuation → fermeture de voirie ; nouveau tracé : ligne de 2 points, 96\d m\)\.$/,
    );
    expect(changed.event).toMatchObject({ kind: 'perimeter.changed', change: 'updated', perimeter: { version: 2 } });

    // A change that changes nothing writes nothing.
    const before = await countRows(db);
    await json(await send(t.app, coord, 'PATCH', `/api/perimeters/${created.id}`, { json: { label: 'Avenue de la Mer' } }));
    expect(await countRows(db)).toEqual(before);

    expect((await send(t.app, contrib, 'DELETE', `/api/perimeters/${created.id}`)).statusCode).toBe(204);
    [entry, changed] = await ws.messages(topic, 2);
    expect((entry.event as { entry: Entry }).entry.text).toMatch(/^Carte : périmètre « Avenue de la Mer » retiré par .+ \(fermeture de voirie\)\.$/);
    expect(changed.event).toEqual({ kind: 'perimeter.changed', eventId: event.id, change: 'deleted', perimeterId: created.id, perimeter: null });
    await ws.close();

    expect((await json<{ perimeters: Perimeter[] }>(await send(t.app, reader, 'GET', `/api/events/${event.id}/perimeters`))).perimeters).toEqual([]);
    const audit = await db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', created.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['event.perimeter_created', 'event.perimeter_updated', 'event.perimeter_deleted']);
    // The audit record of the removal keeps the last drawing.
    expect(audit[2].changes).toMatchObject({ label: 'Avenue de la Mer', geometry: line, version: 2 });
    // The chain of the main courante still verifies.
    expect((await json<{ valid: boolean }>(await send(t.app, reader, 'GET', `/api/events/${event.id}/verify`))).valid).toBe(true);
  });

  it('bad drawings and bad callers: clear errors, nothing stored', async () => {
    const before = await countRows(db);
    const post = (s: Session, body: unknown, id = event.id) => send(t.app, s, 'POST', `/api/events/${id}/perimeters`, { json: body });
    const open = { ...zone, coordinates: [zone.coordinates[0].slice(0, 4)] };
    expectError(await post(contrib, { label: 'Ouverte', geometry: open }), 'validation_failed');
    expectError(await post(contrib, { label: 'Hors limites', geometry: { type: 'LineString', coordinates: [[3.8, 43.6], [700000, 6600000]] } }), 'validation_failed');
    expectError(await post(contrib, { label: 'Point', geometry: { type: 'Point', coordinates: [3.8, 43.6] } }), 'validation_failed');
    expectError(await post(contrib, { label: ' ', geometry: zone }), 'validation_failed');
    expectError(await post(contrib, { label: 'Trop', geometry: { type: 'LineString', coordinates: Array.from({ length: 5001 }, (_, i) => [3.8 + i / 1e5, 43.6]) } }), 'validation_failed');
    expectError(await post(reader, { label: 'Lecteur', geometry: zone }), 'forbidden');
    expectError(await post(contrib, { label: 'Nulle part', geometry: zone }, crypto.randomUUID()), 'not_found');
    expectError(await send(t.app, contrib, 'PATCH', `/api/perimeters/${crypto.randomUUID()}`, { json: { label: 'x' } }), 'not_found');
    expect(await countRows(db)).toEqual(before);
  });

  it('a restricted event’s perimeters are 404 for an outsider; a guest reads them and the export but does not draw; a closed event is read only', async () => {
    const types = await json<{ items: Array<{ id: string; name: string }> }>(await send(t.app, coord, 'GET', '/api/event-types'));
    const secret = await json<EventDetail>(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: types.items[0].id, title: 'Alerte attentat — périmètre confidentiel' } }), 201);
    const p = await json<Perimeter>(await send(t.app, coord, 'POST', `/api/events/${secret.id}/perimeters`, { json: { category: 'confinement', label: 'Lycée Joffre', geometry: zone } }), 201);
    await json(await send(t.app, coord, 'PUT', `/api/events/${secret.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] } }));
    const before = await countRows(db);
    for (const s of [reader, contrib]) {
      for (const res of [
        await send(t.app, s, 'GET', `/api/events/${secret.id}/perimeters`),
        await send(t.app, s, 'GET', `/api/events/${secret.id}/export.geojson`),
        await send(t.app, s, 'POST', `/api/events/${secret.id}/perimeters`, { json: { label: 'Intrus', geometry: zone } }),
        await send(t.app, s, 'PATCH', `/api/perimeters/${p.id}`, { json: { label: 'Intrus' } }),
        await send(t.app, s, 'DELETE', `/api/perimeters/${p.id}`),
      ]) {
        if (res.statusCode === 403) expectError(res, 'forbidden'); // the reader's role, refused before the event is looked at
        else expectError(res, 'not_found');
        expect(res.body).not.toContain('Lycée Joffre');
      }
    }
    expect(await countRows(db)).toEqual(before);
    const ws = await WsClient.connect(port, reader);
    expect((await ws.subscribe(topicOf('event', secret.id))).type).toBe('error');
    await ws.close();

    // A guest invited to the event (contribution link) reads its map, draws nothing.
    const link = await json<{ token: string }>(await send(t.app, coord, 'POST', `/api/events/${secret.id}/guest-links`, { json: { label: 'Préfecture', access: 'write', expiresAt: new Date(Date.now() + 3600_000).toISOString() } }), 201);
    const joined = await send(t.app, null, 'POST', '/api/guest/join', { json: { token: link.token, name: 'Commandant Roux' } });
    const guest: Session = { cookie: `vigie_session=${joined.cookies.find((k) => k.name === 'vigie_session')!.value}`, csrf: joined.json().csrfToken, info: joined.json() };
    expect((await json<{ perimeters: Perimeter[] }>(await send(t.app, guest, 'GET', `/api/events/${secret.id}/perimeters`))).perimeters.map((x) => x.label)).toEqual(['Lycée Joffre']);
    expect((await send(t.app, guest, 'GET', `/api/events/${secret.id}/export.geojson`)).statusCode).toBe(200);
    expectError(await send(t.app, guest, 'POST', `/api/events/${secret.id}/perimeters`, { json: { label: 'Invité', geometry: zone } }), 'guest_forbidden');
    expectError(await send(t.app, guest, 'GET', '/api/map-layers'), 'guest_forbidden');

    await json(await send(t.app, coord, 'POST', `/api/events/${secret.id}/close`));
    const closedBefore = await countRows(db);
    expectError(await send(t.app, coord, 'POST', `/api/events/${secret.id}/perimeters`, { json: { label: 'Après clôture', geometry: zone } }), 'event_closed');
    expectError(await send(t.app, coord, 'DELETE', `/api/perimeters/${p.id}`), 'event_closed');
    expectError(await upload(coord, geojsonLambert93(), { query: { eventId: secret.id } }), 'event_closed');
    expect(await countRows(db)).toEqual(closedBefore);
  });

  it('export: the event’s place, its perimeters and its visible sub-events’ places, as GeoJSON', async () => {
    const types = await json<{ items: Array<{ id: string; name: string }> }>(await send(t.app, coord, 'GET', '/api/event-types'));
    const root = await json<EventDetail>(
      await send(t.app, coord, 'POST', '/api/events', { json: { typeId: types.items[0].id, title: 'Tempête sur le littoral', place: { type: 'Point', coordinates: [3.95, 43.55] } } }),
      201,
    );
    const gym = await json<EventDetail>(
      await send(t.app, coord, 'POST', '/api/events', { json: { typeId: types.items[0].id, parentId: root.id, title: 'Gymnase Grammont (hébergement)', place: { type: 'Point', coordinates: [3.91, 43.61] } } }),
      201,
    );
    const narrow = await json<EventDetail>(
      await send(t.app, coord, 'POST', '/api/events', { json: { typeId: types.items[0].id, parentId: root.id, title: 'Cellule restreinte', place: { type: 'Point', coordinates: [3.92, 43.62] } } }),
      201,
    );
    await json(await send(t.app, coord, 'PUT', `/api/events/${narrow.id}/audience`, { json: { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] } }));
    await json(await send(t.app, contrib, 'POST', `/api/events/${root.id}/perimeters`, { json: { category: 'evacuation', label: 'Front de mer', geometry: zone } }), 201);
    const res = await send(t.app, reader, 'GET', `/api/events/${root.id}/export.geojson`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="carte-tempete-sur-le-littoral-\d{4}-\d{2}-\d{2}\.geojson"/);
    const fc = res.json() as Fc & { name: string };
    expect(fc).toMatchObject({ type: 'FeatureCollection', name: 'Tempête sur le littoral' });
    expect(fc.features.map((f) => [f.properties.kind, f.properties.title ?? f.properties.label])).toEqual([
      ['event', 'Tempête sur le littoral'],
      ['perimeter', 'Front de mer'],
      ['sub_event', 'Gymnase Grammont (hébergement)'],
    ]);
    expect(fc.features[1]).toMatchObject({ geometry: zone, properties: { category: 'evacuation', categoryLabel: 'Zone d’évacuation', colour: '#d4121e' } });
    expect(fc.features[2].properties).toMatchObject({ eventId: gym.id, parentId: root.id });
    // The coordinator, who sees the restricted sub-event, gets its place too.
    const forCoord = (await send(t.app, coord, 'GET', `/api/events/${root.id}/export.geojson`)).json() as Fc;
    expect(forCoord.features.map((f) => f.properties.title).filter(Boolean)).toContain('Cellule restreinte');
  });
});

describe('entries that carry a position', () => {
  it('an author places an entry (phone location or map click): kept in the hash, listed for the map, exported; a moved point breaks the chain', async () => {
    const ev = await json<EventDetail>(await send(t.app, coord, 'POST', '/api/events', { json: { typeId: event.typeId, title: 'Feu de garrigue' } }), 201);
    const placed = await json<Entry>(
      await send(t.app, contrib, 'POST', `/api/events/${ev.id}/entries`, { json: { text: 'Départ de feu route de Mende', position: { lon: 3.8701234567, lat: 43.6356, accuracy: 15, source: 'device' } } }),
      201,
    );
    expect(placed.position).toEqual({ lon: 3.8701235, lat: 43.6356, accuracy: 15, source: 'device' });
    const clicked = await json<Entry>(await send(t.app, contrib, 'POST', `/api/events/${ev.id}/entries`, { json: { text: 'Point de regroupement', position: { lon: 3.86, lat: 43.63 } } }), 201);
    expect(clicked.position).toEqual({ lon: 3.86, lat: 43.63, accuracy: null, source: 'map' });
    await json(await send(t.app, contrib, 'POST', `/api/events/${ev.id}/entries`, { json: { text: 'Sans position' } }), 201);
    const located = await json<{ entries: Entry[] }>(await send(t.app, reader, 'GET', `/api/events/${ev.id}/entries?located=true&limit=50`));
    expect(located.entries.map((e) => e.text)).toEqual(['Point de regroupement', 'Départ de feu route de Mende']);
    expect((await json<{ valid: boolean }>(await send(t.app, reader, 'GET', `/api/events/${ev.id}/verify`))).valid).toBe(true);
    const fc = (await send(t.app, reader, 'GET', `/api/events/${ev.id}/export.geojson`)).json() as Fc;
    const points = fc.features.filter((f) => f.properties.kind === 'entry');
    expect(points.map((f) => [f.geometry.coordinates, f.properties.text, f.properties.positionSource])).toEqual([
      [[3.8701235, 43.6356], 'Départ de feu route de Mende', 'device'],
      [[3.86, 43.63], 'Point de regroupement', 'map'],
    ]);
    // Bad positions are refused, nothing stored.
    const before = await countRows(db);
    for (const position of [{ lon: 200, lat: 43 }, { lon: 3.8, lat: 95 }, { lon: 3.8 }, { lon: 3.8, lat: 43.6, accuracy: -1 }, { lon: 3.8, lat: 43.6, source: 'gps' }, [3.8, 43.6]]) {
      expectError(await send(t.app, contrib, 'POST', `/api/events/${ev.id}/entries`, { json: { text: 'Mauvaise position', position } }), 'validation_failed');
    }
    expect(await countRows(db)).toEqual(before);
    // Moving the point behind the application's back breaks the chain at that entry.
    await db.transaction().execute(async (tx) => {
      await sql`ALTER TABLE log_entries DISABLE TRIGGER log_entries_no_change`.execute(tx);
      await sql`UPDATE log_entries SET position = jsonb_set(position, '{lon}', '3.9') WHERE id = ${placed.id}`.execute(tx);
      await sql`ALTER TABLE log_entries ENABLE TRIGGER log_entries_no_change`.execute(tx);
    });
    const broken = await json<{ valid: boolean; firstInvalid: { id: string } }>(await send(t.app, reader, 'GET', `/api/events/${ev.id}/verify`));
    expect(broken).toMatchObject({ valid: false, firstInvalid: { id: placed.id } });
  });
});

describe('after the walk', () => {
  it('no request of this file got a 5xx answer', () => {
    expect(serverErrors).toEqual([]);
  });
});
