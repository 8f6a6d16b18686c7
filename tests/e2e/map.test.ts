// The event map in the browser. A coordinator uploads a GeoJSON in Lambert-93 that does not say its
// projection (the page asks, proposes Lambert-93, the file is sent again) and a zipped shapefile;
// their features land where they should over the shipped commune outlines (coordinates read back
// from the map, after reprojection). A WFS and a WMS served by a fake GIS on loopback show; one
// answering 500 says so in French while the rest of the map keeps working. The coordinator draws
// an evacuation zone: a reader on a phone sees it appear live, and its entry in the main courante;
// the GeoJSON export holds it. Screenshots at phone and desktop size.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, EventDetail } from '../../src/shared';
import type { MapLayer } from '../../src/shared/schemas/map';
import { catalogue } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, ROOT, startServer, type RunningServer } from './support';
import { USER_PASSWORD } from './fixtures';
import { communeOutline34, geojsonLambert93, gridPointsLambert93, LAMBERT93_ORIGIN, MONTPELLIER_L93, pointInGeometry, shapefileZip } from '../fixtures/map';
import { FAKE_WFS_POINTS, startFakeOgc, type FakeOgc } from '../fixtures/ogc';

const OUT = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'screenshots');

let server: RunningServer;
let browser: Browser;
let ogc: FakeOgc;
let coordApi: ApiClient;
let event: EventDetail;
let files: string;

beforeAll(async () => {
  [server, browser, ogc] = await Promise.all([startServer(), launchBrowser(), startFakeOgc()]);
  const admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
  await createReadyUser(admin, 'lecteur@e2e.test', 'Louis Lecteur', 'reader');
  coordApi = await ApiClient.login(server.url, 'coordination@e2e.test', USER_PASSWORD);
  const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Inondation')!.id;
  event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Crue du Lez — carte', severity: 3, place: { type: 'Point', coordinates: MONTPELLIER_L93.townHall.lonLat } });
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-map-e2e-'));
  // A GeoJSON in Lambert-93 WITHOUT its crs member: the page must ask for the projection.
  const doc = JSON.parse(geojsonLambert93().toString('utf8')) as { crs?: unknown };
  delete doc.crs;
  fs.writeFileSync(path.join(files, 'lieux_sensibles.geojson'), JSON.stringify(doc));
  fs.writeFileSync(path.join(files, 'etablissements_sensibles.zip'), shapefileZip());
  fs.mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await ogc?.close();
  if (files) fs.rmSync(files, { recursive: true, force: true });
});

async function signIn(page: Page, email: string, name: string) {
  await loginUi(page, email, USER_PASSWORD);
  await page.getByRole('heading', { name: `Bonjour ${name}` }).waitFor();
}

const layerRow = (page: Page, name: string) => page.locator(`[data-testid="map-layer"][data-layer-name="${name}"]`);

/** [name or id, lon, lat] of every point feature of a layer, read back from the OpenLayers map (EPSG:3857 → degrees). */
async function pointsOf(page: Page, layerId: string): Promise<Array<[string, number, number]>> {
  return page.getByTestId('event-map').evaluate((el, id) => {
    // Layers hold RenderFeatures (flat coordinates) or Features (geometries).
    type OlLike = { getLayers: () => { getArray: () => Array<{ get: (k: string) => unknown; getSource: () => { getFeatures: () => Array<{ get: (k: string) => unknown; getGeometry: () => { getType: () => string; getCoordinates?: () => number[]; getFlatCoordinates?: () => number[] } }> } }> } };
    const map = (el as unknown as { olMap: OlLike }).olMap;
    const layer = map.getLayers().getArray().find((l) => l.get('layerId') === id);
    if (!layer) return [];
    const R = 6378137;
    return layer
      .getSource()
      .getFeatures()
      .filter((f) => f.getGeometry().getType() === 'Point')
      .map((f) => {
        const g = f.getGeometry();
        const [x, y] = g.getFlatCoordinates ? g.getFlatCoordinates() : g.getCoordinates!();
        const lon = (x / R) * (180 / Math.PI);
        const lat = (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI);
        return [String(f.get('nom') ?? f.get('NOM') ?? ''), lon, lat] as [string, number, number];
      });
  }, layerId);
}

/** The pixel of a place given in degrees, on the map as it is drawn (EPSG:3857). */
async function pixelOf(page: Page, lon: number, lat: number): Promise<number[]> {
  // Not while the view is still moving (a fit or a zoom animates for a quarter of a second).
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="event-map"]') as unknown as { olMap?: { getView: () => { getAnimating: () => boolean; getInteracting: () => boolean } } } | null;
    const view = el?.olMap?.getView();
    return view !== undefined && !view.getAnimating() && !view.getInteracting();
  });
  return page.getByTestId('event-map').evaluate(
    (el, [lo, la]) => {
      const R = 6378137;
      const x = R * ((lo * Math.PI) / 180);
      const y = R * Math.log(Math.tan(Math.PI / 4 + (la * Math.PI) / 360));
      return (el as unknown as { olMap: { getPixelFromCoordinate: (c: number[]) => number[] } }).olMap.getPixelFromCoordinate([x, y]);
    },
    [lon, lat],
  );
}

/** Clicks the map at a place given in degrees. */
async function clickAt(page: Page, lon: number, lat: number) {
  const canvas = page.getByTestId('event-map');
  await canvas.scrollIntoViewIfNeeded();
  const pixel = await pixelOf(page, lon, lat);
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + pixel[0], box.y + pixel[1]);
  // Apart enough not to make a double click.
  await page.waitForTimeout(400);
}

/** Centres the map on a place in degrees at a zoom, and waits until it is drawn with all it asked for. */
async function viewAt(page: Page, lon: number, lat: number, zoom: number) {
  const before = Number((await page.getByTestId('event-map').getAttribute('data-rendercomplete')) ?? 0);
  await page.getByTestId('event-map').evaluate(
    (el, [lo, la, z]) => {
      const R = 6378137;
      const view = (el as unknown as { olMap: { getView: () => { setCenter: (c: number[]) => void; setZoom: (z: number) => void } } }).olMap.getView();
      view.setCenter([R * ((lo * Math.PI) / 180), R * Math.log(Math.tan(Math.PI / 4 + (la * Math.PI) / 360))]);
      view.setZoom(z);
    },
    [lon, lat, zoom],
  );
  await page.waitForFunction((t0) => Number(document.querySelector('[data-testid="event-map"]')?.getAttribute('data-rendercomplete') ?? 0) > t0, before);
}

/**
 * The parts of an uploaded layer on the map: [name, lon, lat] of the point features its vector
 * tiles hold in the current view, and how many features its whole copy (drawn zoomed out) holds.
 */
async function largeLayerOnMap(page: Page, layerId: string): Promise<{ tiled: Array<[string, number, number]>; whole: number }> {
  return page.getByTestId('event-map').evaluate((el, id) => {
    type Feat = { get: (k: string) => unknown; getType: () => string; getFlatCoordinates: () => number[] };
    type Src = { getTileGrid?: () => unknown; getFeatures: () => Feat[] };
    type Lyr = { get: (k: string) => unknown; getSource: () => Src; getLayers?: () => { getArray: () => Lyr[] }; getFeaturesInExtent?: (e: number[]) => Feat[] };
    const map = (el as unknown as { olMap: { getLayers: () => { getArray: () => Lyr[] }; getView: () => { calculateExtent: () => number[] } } }).olMap;
    const group = map.getLayers().getArray().find((l) => l.get('layerId') === id);
    const parts = group?.getLayers?.().getArray() ?? [];
    const tiles = parts.find((l) => typeof l.getSource().getTileGrid === 'function');
    const whole = parts.find((l) => typeof l.getSource().getTileGrid !== 'function');
    const R = 6378137;
    const tiled = (tiles?.getFeaturesInExtent?.(map.getView().calculateExtent()) ?? [])
      .filter((f) => f.getType() === 'Point')
      .map((f) => {
        const [x, y] = f.getFlatCoordinates();
        return [String(f.get('nom')), (x / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI)] as [string, number, number];
      });
    return { tiled, whole: whole ? whole.getSource().getFeatures().length : -1 };
  }, layerId);
}

describe('carte d’un événement', () => {
  test('couches Lambert-93 (GeoJSON, shapefile), WFS/WMS, service en panne, zone d’évacuation en direct, export', async () => {
    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');

    // 1. Administration → Couches cartographiques: the GeoJSON without projection.
    await coord.goto('/administration/couches');
    await coord.getByRole('heading', { name: 'Couches cartographiques', level: 1 }).waitFor();
    await coord.getByRole('button', { name: 'Ajouter une couche' }).click();
    let dialog = coord.getByRole('dialog', { name: 'Ajouter une couche' });
    await dialog.getByLabel('Fichier', { exact: true }).setInputFiles(path.join(files, 'lieux_sensibles.geojson'));
    await dialog.getByRole('button', { name: 'Déposer la couche' }).click();
    await dialog.getByText('Le GeoJSON ne dit pas sa projection et ses coordonnées ne sont pas des degrés.').waitFor();
    await dialog.getByText(/Ses coordonnées font penser à : .*Lambert-93/).waitFor();
    expect(await dialog.getByLabel('Projection à utiliser').inputValue()).toBe('EPSG:2154');
    await dialog.getByRole('button', { name: 'Renvoyer le fichier avec cette projection' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await coord.locator('[data-testid="map-layer-row"][data-layer-name="lieux_sensibles"]').first().waitFor();

    // The zipped shapefile, its projection read in its .prj.
    await coord.getByRole('button', { name: 'Ajouter une couche' }).click();
    dialog = coord.getByRole('dialog', { name: 'Ajouter une couche' });
    await dialog.getByLabel('Fichier', { exact: true }).setInputFiles(path.join(files, 'etablissements_sensibles.zip'));
    await dialog.getByLabel('Nom de la couche').fill('Établissements sensibles');
    await dialog.getByRole('button', { name: 'Déposer la couche' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await coord.locator('[data-testid="map-layer-row"][data-layer-name="Établissements sensibles"]').first().waitFor();

    // A WFS layer of the GIS, through the form.
    await coord.getByRole('button', { name: 'Ajouter une couche' }).click();
    dialog = coord.getByRole('dialog', { name: 'Ajouter une couche' });
    await dialog.getByLabel('Service du SIG (WFS ou WMS)').check();
    await dialog.getByLabel('Nom de la couche').fill('Postes de secours (WFS)');
    await dialog.getByLabel('Adresse du service').fill(`${ogc.url}/ows`);
    await dialog.getByLabel('Couche du service (typeName)').fill('sig:postes');
    await dialog.getByLabel('Projection demandée au service').selectOption('EPSG:2154');
    await dialog.getByRole('button', { name: 'Ajouter la couche' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // A WMS that works and one whose server answers 500 (added through the API).
    await coordApi.call<MapLayer>('POST', '/api/map-layers', { kind: 'wms', name: 'Zonage PPRI (WMS)', url: `${ogc.url}/ows`, layerName: 'ppri:zonage', version: '1.3.0', crs: 'EPSG:3857' });
    await coordApi.call<MapLayer>('POST', '/api/map-layers', { kind: 'wms', name: 'Réseau pluvial (WMS en panne)', url: `${ogc.url}/broken`, layerName: 'pluvial', version: '1.3.0', crs: 'EPSG:3857' });
    if (process.env.SCREENSHOTS !== '0') {
      await coord.locator('[data-testid="map-layer-row"]').nth(4).waitFor();
      await coord.screenshot({ path: path.join(OUT, 'map-layers-admin-desktop.png'), fullPage: true });
    }
    const layers = (await coordApi.call<{ layers: MapLayer[] }>('GET', `/api/map-layers?eventId=${event.id}`)).layers;
    const byName = (n: string) => layers.find((l) => l.name === n)!;
    expect(byName('lieux_sensibles').source).toMatchObject({ crs: 'EPSG:2154', crsOrigin: 'chosen' });
    expect(byName('Établissements sensibles').source).toMatchObject({ crs: 'EPSG:2154', crsOrigin: 'declared' });

    // 2. The event's map: every layer settles; the broken one says so in French.
    await coord.goto(`/evenements/${event.id}`);
    await coord.getByRole('tab', { name: 'Carte' }).click();
    await coord.waitForURL(/vue=carte/);
    const map = coord.getByTestId('event-map');
    await coord.locator('[data-testid="event-map"][data-layers-settled="true"]').waitFor({ timeout: 30_000 });
    await coord.locator('[data-testid="event-map"][data-outlines]').waitFor();
    expect(Number(await map.getAttribute('data-outlines'))).toBeGreaterThan(300);
    await layerRow(coord, 'lieux_sensibles').and(coord.locator('[data-state="ready"]')).waitFor();
    expect(await layerRow(coord, 'lieux_sensibles').getAttribute('data-count')).toBe('3');
    expect(await layerRow(coord, 'Établissements sensibles').getAttribute('data-count')).toBe('3');
    const broken = layerRow(coord, 'Réseau pluvial (WMS en panne)');
    await broken.and(coord.locator('[data-state="error"]')).waitFor();
    const brokenText = await broken.getByTestId('map-layer-error').innerText();
    expect(brokenText).toContain('Couche non affichée (le reste de la carte fonctionne).');
    expect(brokenText).toContain('Le service répond 500 : Erreur interne du serveur cartographique.');
    expect(await coord.getByTestId('map-layer-failures').innerText()).toContain('Non affichée : « Réseau pluvial (WMS en panne) »');
    await layerRow(coord, 'Zonage PPRI (WMS)').and(coord.locator('[data-state="ready"]')).waitFor();
    expect(ogc.requests.some((u) => u.pathname === '/ows' && u.searchParams.get('REQUEST') === 'GetMap' && u.searchParams.get('LAYERS') === 'ppri:zonage')).toBe(true);
    // The browser itself never called the GIS: only the server did (all requests came to /api).

    // Features at the right place after reprojection (Lambert-93 → WGS 84), inside Montpellier's outline.
    const montpellier = communeOutline34('34172');
    const uploaded = await pointsOf(coord, byName('lieux_sensibles').id);
    const shp = await pointsOf(coord, byName('Établissements sensibles').id);
    for (const [points, name] of [[uploaded, 'Hôtel de ville'], [shp, 'Hôtel de ville']] as const) {
      const p = points.find((x) => x[0] === name)!;
      expect(p[1]).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[0], 3);
      expect(p[2]).toBeCloseTo(MONTPELLIER_L93.townHall.lonLat[1], 3);
    }
    const comedie = uploaded.find((x) => x[0] === 'Place de la Comédie')!;
    expect(comedie[1]).toBeCloseTo(MONTPELLIER_L93.comedie.lonLat[0], 3);
    expect(comedie[2]).toBeCloseTo(MONTPELLIER_L93.comedie.lonLat[1], 3);
    for (const p of [...uploaded, ...shp]) expect(pointInGeometry([p[1], p[2]], montpellier), p[0]).toBe(true);
    const wfs = await pointsOf(coord, byName('Postes de secours (WFS)').id);
    expect(wfs.map((p) => p[0]).sort()).toEqual(FAKE_WFS_POINTS.map((p) => p.nom).sort());
    for (const p of wfs) {
      const want = FAKE_WFS_POINTS.find((x) => x.nom === p[0])!;
      expect(p[1]).toBeCloseTo(want.lon, 5);
      expect(p[2]).toBeCloseTo(want.lat, 5);
    }

    // Attribute table and the card of a clicked feature.
    await layerRow(coord, 'Établissements sensibles').getByRole('button', { name: 'Table attributaire' }).click();
    const table = coord.getByTestId('attribute-table');
    await table.getByRole('cell', { name: 'EHPAD L’Oustal' }).waitFor();
    await table.getByRole('cell', { name: 'EHPAD L’Oustal' }).click();
    await coord.getByTestId('map-card').getByText('santé').waitFor();

    // 3. A reader follows on a phone.
    const readerContext = await newContext(browser, server.url, PHONE);
    const reader = await readerContext.newPage();
    await signIn(reader, 'lecteur@e2e.test', 'Louis Lecteur');
    await reader.goto(`/evenements/${event.id}?vue=carte`);
    await reader.locator('[data-testid="event-map"][data-layers-settled="true"]').waitFor({ timeout: 30_000 });
    expect(await reader.getByRole('button', { name: 'Tracer une zone' }).count()).toBe(0);
    await reader.getByRole('button', { name: 'Couches et périmètres' }).click();
    await reader.getByText('Aucun périmètre tracé.').waitFor();

    // 4. The coordinator draws an evacuation zone around the town hall (the map still works beside the broken layer).
    await coord.getByTestId('map-card').getByRole('button', { name: 'Fermer' }).click();
    await coord.getByRole('button', { name: 'Tout voir' }).click();
    await coord.waitForTimeout(500);
    await coord.getByRole('button', { name: 'Tracer une zone' }).click();
    const [lon0, lat0] = MONTPELLIER_L93.townHall.lonLat;
    const ring: Array<[number, number]> = [
      [lon0 - 0.004, lat0 - 0.003],
      [lon0 + 0.004, lat0 - 0.003],
      [lon0 + 0.004, lat0 + 0.003],
      [lon0 - 0.004, lat0 + 0.003],
    ];
    for (const [lo, la] of ring) await clickAt(coord, lo, la);
    await coord.getByRole('button', { name: 'Terminer' }).click();
    const perimeterDialog = coord.getByRole('dialog', { name: 'Nouvelle zone' });
    expect(await perimeterDialog.getByLabel('Catégorie').inputValue()).toBe('evacuation');
    await perimeterDialog.getByLabel('Libellé').fill('Quartier Port-Marianne');
    await perimeterDialog.getByRole('button', { name: 'Enregistrer' }).click();
    await perimeterDialog.waitFor({ state: 'hidden' });
    await coord.getByTestId('map-perimeter').filter({ hasText: 'Quartier Port-Marianne' }).waitFor();

    // Live on the reader's phone, without reloading.
    await reader.getByTestId('map-perimeter').filter({ hasText: 'Quartier Port-Marianne' }).waitFor();
    await reader.getByTestId('map-perimeter').filter({ hasText: 'Zone d’évacuation' }).waitFor();
    // The zone is widened: its north-east corner dragged 0.003° east; one logged change.
    await coord.getByTestId('map-perimeter').first().click();
    await coord.getByTestId('map-card').getByRole('button', { name: 'Déplacer les sommets' }).click();
    const corner = ring[2];
    await coord.getByTestId('event-map').scrollIntoViewIfNeeded();
    const box = (await coord.getByTestId('event-map').boundingBox())!;
    const px = await pixelOf(coord, corner[0] + 0.003, corner[1]);
    const from = await pixelOf(coord, corner[0], corner[1]);
    await coord.mouse.move(box.x + from[0], box.y + from[1]);
    await coord.mouse.down();
    await coord.mouse.move(box.x + (from[0] + px[0]) / 2, box.y + from[1], { steps: 5 });
    await coord.mouse.move(box.x + px[0], box.y + px[1], { steps: 5 });
    await coord.mouse.up();
    await coord.getByRole('button', { name: 'Enregistrer le tracé' }).click();
    await coord.getByText('Nouveau tracé de « Quartier Port-Marianne » enregistré (écrit dans la main courante).').waitFor();
    ring[2] = [corner[0] + 0.003, corner[1]];

    if (process.env.SCREENSHOTS !== '0') {
      await coord.getByTestId('map-perimeter').first().click();
      await coord.getByTestId('map-card').getByText('Quartier Port-Marianne').waitFor();
      await coord.getByRole('button', { name: 'Tout voir' }).click();
      await coord.getByTestId('event-map-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await coord.waitForTimeout(600);
      await coord.screenshot({ path: path.join(OUT, 'map-desktop.png') });
      await reader.getByTestId('map-perimeter').first().click();
      await reader.waitForTimeout(400);
      await reader.screenshot({ path: path.join(OUT, 'map-phone.png') });
    }
    // …and in the main courante.
    await reader.getByRole('tab', { name: 'Main courante' }).click();
    await reader.getByTestId('entries').getByText(/Carte : périmètre « Quartier Port-Marianne » tracé par Camille Coordination \(zone d’évacuation/).waitFor();
    await reader.getByTestId('entries').getByText(/Carte : périmètre « Quartier Port-Marianne » modifié par Camille Coordination \(nouveau tracé/).waitFor();

    // An entry placed by a click on the map: in the main courante, with its way back to the map.
    await coord.getByTestId('map-card').getByRole('button', { name: 'Fermer' }).click();
    await coord.getByRole('button', { name: 'Placer une entrée' }).click();
    await clickAt(coord, MONTPELLIER_L93.comedie.lonLat[0], MONTPELLIER_L93.comedie.lonLat[1]);
    const placeDialog = coord.getByRole('dialog', { name: 'Entrée placée sur la carte' });
    await placeDialog.getByText(/Position choisie sur la carte : 43,61\d+ N, 3,87\d+ E\./).waitFor();
    await placeDialog.getByLabel('Ce qui se passe à cet endroit').fill('Embâcle sous le pont, place de la Comédie');
    await placeDialog.getByRole('button', { name: 'Écrire dans la main courante' }).click();
    await placeDialog.waitFor({ state: 'hidden' });
    await coord.getByTestId('map-card').getByText('Embâcle sous le pont, place de la Comédie').waitFor();
    const placed = reader.getByTestId('entries').locator('li.entry').filter({ hasText: 'Embâcle sous le pont' });
    await placed.getByRole('button', { name: 'Voir sur la carte' }).click();
    await reader.waitForURL(/vue=carte/);
    await reader.getByTestId('map-card').getByText('Embâcle sous le pont, place de la Comédie').waitFor();

    // 5. Export: the zone, where it was drawn.
    const [download] = await Promise.all([coord.waitForEvent('download'), coord.getByTestId('map-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^carte-crue-du-lez-carte-\d{4}-\d{2}-\d{2}\.geojson$/);
    const chunks: Buffer[] = [];
    for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
    const fc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; features: Array<{ geometry: { type: string; coordinates: number[][][] }; properties: Record<string, unknown> }> };
    expect(fc.type).toBe('FeatureCollection');
    const zone = fc.features.find((f) => f.properties.kind === 'perimeter')!;
    expect(zone.properties).toMatchObject({ label: 'Quartier Port-Marianne', category: 'evacuation', createdByName: 'Camille Coordination' });
    expect(zone.geometry.type).toBe('Polygon');
    const exported = zone.geometry.coordinates[0];
    expect(exported).toHaveLength(5);
    expect(exported[0]).toEqual(exported[4]);
    // Clicked at whole pixels (about 7 m at this zoom): within two pixels of where the test aimed.
    for (const [lo, la] of ring) expect(exported.some(([x, y]) => Math.abs(x - lo) < 2e-4 && Math.abs(y - la) < 2e-4), `${lo},${la}`).toBe(true);
    expect(fc.features.some((f) => f.properties.kind === 'event')).toBe(true);
    const entry = fc.features.find((f) => f.properties.kind === 'entry')!;
    expect(entry.properties).toMatchObject({ text: 'Embâcle sous le pont, place de la Comédie', positionSource: 'map' });
    const [elon, elat] = entry.geometry.coordinates as unknown as [number, number];
    expect(Math.abs(elon - MONTPELLIER_L93.comedie.lonLat[0])).toBeLessThan(2e-4);
    expect(Math.abs(elat - MONTPELLIER_L93.comedie.lonLat[1])).toBeLessThan(2e-4);

    // "Joindre ma position" in the main courante: the phone's location (Chromium's, set by the test).
    await coordContext.grantPermissions(['geolocation']);
    await coordContext.setGeolocation({ latitude: 43.6071, longitude: 3.8929, accuracy: 8 });
    await coord.getByRole('tab', { name: 'Main courante' }).click();
    await coord.getByLabel('Texte de l’entrée').fill('Reconnaissance : digue intacte au pont Juvénal');
    await coord.getByLabel('Joindre ma position').check();
    await coord.getByTestId('entry-position-status').getByText('Position jointe (à 8 m près)', { exact: false }).waitFor();
    await coord.getByRole('button', { name: 'Enregistrer l’entrée' }).click();
    const located = coord.getByTestId('entries').locator('li.entry').filter({ hasText: 'digue intacte au pont Juvénal' });
    await located.getByRole('button', { name: 'Voir sur la carte (position de l’appareil, à 8 m près)' }).click();
    await coord.getByTestId('map-card').getByText('position de l’appareil, à 8 m près').waitFor();
    const stored = (await coordApi.call<{ entries: Array<{ text: string; position: unknown }> }>('GET', `/api/events/${event.id}/entries?located=true`)).entries;
    expect(stored.find((e) => e.text.includes('pont Juvénal'))!.position).toEqual({ lon: 3.8929, lat: 43.6071, accuracy: 8, source: 'device' });

    await readerContext.close();
    await coordContext.close();
  });
  test('grande couche (2 500 points) : tuiles vectorielles autour du lieu, fiche d’un point, vue du département, table attributaire', async () => {
    const big = await coordApi.upload<MapLayer>('/api/map-layers/upload?name=Poteaux%20incendie', 'poteaux.geojson', 'application/geo+json', gridPointsLambert93(2500));
    expect(big.featureCount).toBe(2500);
    const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Inondation')!.id;
    const flood = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Crue de la Mosson — poteaux', severity: 2, place: { type: 'Point', coordinates: MONTPELLIER_L93.townHall.lonLat } });
    const [lon, lat] = LAMBERT93_ORIGIN.lonLat;
    for (const [size, who, name] of [[DESKTOP, 'coordination@e2e.test', 'Camille Coordination'], [PHONE, 'lecteur@e2e.test', 'Louis Lecteur']] as const) {
      const context = await newContext(browser, server.url, size);
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes(`/api/map-layers/${big.id}/`)) asked.push(new URL(r.url()).pathname);
      });
      await signIn(page, who, name);
      await page.goto(`/evenements/${flood.id}?vue=carte`);
      await page.locator('[data-testid="event-map"][data-layers-settled="true"]').waitFor({ timeout: 30_000 });
      const row = layerRow(page, 'Poteaux incendie');
      // (On a phone the list of layers is folded under « Couches et périmètres ».)
      await row.and(page.locator('[data-state="ready"]')).waitFor({ state: 'attached' });
      expect(await row.getAttribute('data-count')).toBe('2500');
      // Around the event's place only tiles were asked for, never the whole layer.
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((p) => /\/tiles\/1[1-4]\/\d+\/\d+$/.test(p)), asked.join(' ')).toBe(true);

      // The landmark (the origin of Lambert-93: 3° E, 46.5° N), read from its tile where the file put it, and its card.
      await viewAt(page, lon, lat, 15);
      const seen = await largeLayerOnMap(page, big.id);
      const landmark = seen.tiled.find((f) => f[0] === 'Borne géodésique')!;
      expect(landmark[1]).toBeCloseTo(lon, 4);
      expect(landmark[2]).toBeCloseTo(lat, 4);
      await clickAt(page, lon, lat);
      const card = page.getByTestId('map-card');
      await card.getByText('repère', { exact: true }).waitFor();
      expect(await card.innerText()).toContain('Borne géodésique');
      expect(await card.innerText()).toContain('Poteaux incendie');
      expect(await card.innerText()).not.toContain('vigie:tileLayer');
      if (process.env.SCREENSHOTS !== '0') {
        // The fake WMS of the first test paints everything blue: unticked for the picture.
        const ppri = page.getByRole('checkbox', { name: 'Zonage PPRI (WMS)' });
        if (await ppri.isVisible()) await ppri.uncheck();
        await page.getByTestId('event-map-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.waitForTimeout(300);
        if (size === PHONE) await page.screenshot({ path: path.join(OUT, 'map-large-layer-phone.png') });
      }
      await card.getByRole('button', { name: 'Fermer' }).click();
      if (size === DESKTOP && process.env.SCREENSHOTS !== '0') {
        // The layer over Montpellier and its neighbours, from its tiles.
        await viewAt(page, 3.88, 43.61, 11);
        await page.screenshot({ path: path.join(OUT, 'map-large-layer-desktop.png') });
      }
      if (size === PHONE) {
        await context.close();
        continue;
      }

      // Zoomed out over the department: the layer is read whole, once, and drawn from that copy.
      expect(asked.some((p) => p.endsWith('/features'))).toBe(false);
      await viewAt(page, 3.5, 44.5, 7.5);
      await page.waitForFunction((id) => {
        const el = document.querySelector('[data-testid="event-map"]') as unknown as { olMap: { getLayers: () => { getArray: () => Array<{ get: (k: string) => unknown; getLayers?: () => { getArray: () => Array<{ getSource: () => { getTileGrid?: unknown; getFeatures?: () => unknown[] } }> } }> } } };
        const group = el.olMap.getLayers().getArray().find((l) => l.get('layerId') === id);
        const whole = group?.getLayers?.().getArray().find((l) => typeof l.getSource().getTileGrid !== 'function');
        return (whole?.getSource().getFeatures?.().length ?? 0) === 2500;
      }, big.id);
      expect(asked.filter((p) => p.endsWith('/features'))).toHaveLength(1);
      expect((await largeLayerOnMap(page, big.id)).whole).toBe(2500);

      // Its attribute table lists every feature (filtered here on the landmark).
      await row.getByRole('button', { name: 'Table attributaire' }).click();
      const table = page.getByTestId('attribute-table');
      await table.getByRole('searchbox').or(table.getByRole('textbox')).first().fill('géodésique');
      await table.getByRole('cell', { name: 'Borne géodésique' }).waitFor();
      expect(asked.filter((p) => p.endsWith('/features'))).toHaveLength(1);
      await context.close();
    }
  });
});
