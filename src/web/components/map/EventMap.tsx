import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import OlMap from 'ol/Map';
import View from 'ol/View';
import Feature from 'ol/Feature';
import Geolocation from 'ol/Geolocation';
import VectorLayer from 'ol/layer/Vector';
import VectorImageLayer from 'ol/layer/VectorImage';
import VectorTileLayer from 'ol/layer/VectorTile';
import ImageLayer from 'ol/layer/Image';
import LayerGroup from 'ol/layer/Group';
import TileLayer from 'ol/layer/Tile';
import VectorSource from 'ol/source/Vector';
import ImageWMS from 'ol/source/ImageWMS';
import VectorTileSource from 'ol/source/VectorTile';
import MVT from 'ol/format/MVT';
import type { TileSourceEvent } from 'ol/source/Tile';
import XYZ from 'ol/source/XYZ';
import GeoJSON from 'ol/format/GeoJSON';
import RenderFeature from 'ol/render/Feature';
import Draw from 'ol/interaction/Draw';
import Modify from 'ol/interaction/Modify';
import Collection from 'ol/Collection';
import Point from 'ol/geom/Point';
import CircleGeom from 'ol/geom/Circle';
import { bbox as bboxStrategy } from 'ol/loadingstrategy';
import { fromLonLat, get as getProjection, toLonLat, transformExtent } from 'ol/proj';
import { createEmpty, extend, isEmpty } from 'ol/extent';
import { defaults as defaultControls } from 'ol/control/defaults';
import ScaleLine from 'ol/control/ScaleLine';
import { defaults as defaultInteractions } from 'ol/interaction/defaults';
import { Circle as CircleStyle, Fill, Stroke, Style } from 'ol/style';
import type ImageWrapper from 'ol/Image';
import type { Geometry, LineString, Polygon } from 'ol/geom';
import type { FeatureLike } from 'ol/Feature';
import type BaseLayer from 'ol/layer/Base';
import 'ol/ol.css';
import '../pcs/pcs.css';
import { can, topicOf, type EventDetail, type Entry } from '../../../shared';
import {
  DEFAULT_LAYER_STYLE,
  LAYER_TILE_MAX_ZOOM,
  mapLayerKindLabels,
  TILED_LAYER_FEATURES,
  perimeterCategoryLabels,
  type EventMapSettings,
  type MapLayer,
  type Perimeter,
  type PerimeterGeometry,
} from '../../../shared/schemas/map';
import type { Resource, Site } from '../../../shared/schemas/pcs';
import { api, errorMessage, routeUrl } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { formatDateTime, t } from '../../i18n';
import { useSession } from '../../session';
import { RetryAlert } from '../Alert';
import { Icon } from '../Icon';
import { AttributeTable } from './AttributeTable';
import { AddLayerDialog } from './LayerDialogs';
import { entryStyle, eventPlaceStyle, layerStyleFunction, outlineStyleFunction, perimeterStyle, RESOURCE_SYMBOLS, resourceStyle, siteStyle } from './mapStyles';
import { mergeEngaged, occupancyLabel, overCapacity, resourceKindLabel, siteKindLabel, sortResources } from '../pcs/pcsUtils';
import { registerProjections } from './olSetup';
import { PerimeterDialog, PlaceEntryDialog } from './MapDialogs';

registerProjections();

const VIEW = 'EPSG:3857';
const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: VIEW });
/**
 * The organisation's layers are read only on the map: read as light RenderFeatures (no geometry
 * objects, no change events), about five times faster to read than full Features for 50,000 points.
 */
const geojsonLight = new GeoJSON<RenderFeature>({ featureClass: RenderFeature, dataProjection: 'EPSG:4326', featureProjection: VIEW });
export type DataSource = VectorSource<RenderFeature>;
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
/**
 * Beyond TILED_LAYER_FEATURES features, an uploaded layer is drawn from its vector tiles (only what
 * the view shows, simplified for its zoom); a WFS layer that large is drawn as an image
 * (ol/layer/VectorImage).
 */
const LARGE_LAYER_FEATURES = TILED_LAYER_FEATURES;
/** What the server names the one layer of every vector tile (TILE_LAYER_NAME). */
const TILE_LAYER_NAME = 'features';
/** The property OpenLayers' MVT reader adds to a tile's features (their tile layer's name): not an attribute. */
const TILE_LAYER_PROPERTY = 'vigie:tileLayer';

/** The URL template of a layer's vector tiles ({z}/{x}/{y} filled in by OpenLayers). */
const tileUrl = (id: string) => routeUrl('getMapLayerTile', { id, z: '0', x: '0', y: '0' }).replace(/0\/0\/0$/, '{z}/{x}/{y}');

/**
 * An image or a tile the map failed to load, asked for again to show the API's reason in French
 * (an image or tile loader only knows that it failed).
 */
function reportFailure(url: string, setState: (st: LayerStatus) => void) {
  void fetch(url, { credentials: 'include' }).then(async (r) => {
    if (!r.ok) setState({ status: 'error', message: await failureMessage(r) });
  });
}

/**
 * All the features of an uploaded layer, read in one request: at once, or (`lazy`) the first time
 * the map draws the layer or `loadWhole` is called (its attribute table lists them).
 */
function featureSource(id: string, done: (count: number) => void, failed: (message: string) => void, lazy = false): DataSource {
  const load = (vs: DataSource, success?: (f: RenderFeature[]) => void, failure?: () => void) =>
    fetch(routeUrl('getMapLayerFeatures', { id }), { credentials: 'include' })
      .then(async (r) => {
        if (!r.ok) throw new Error(await failureMessage(r));
        const features = geojsonLight.readFeatures(await r.json());
        vs.addFeatures(features);
        success?.(features);
        done(features.length);
      })
      .catch((err: Error) => {
        failure?.();
        failed(err.message || t('map.layer.failed'));
      });
  if (!lazy) {
    const vs = new VectorSource<RenderFeature>();
    void load(vs);
    return vs;
  }
  const vs: DataSource = new VectorSource<RenderFeature>({ loader: (_extent, _resolution, _projection, success, failure) => void load(vs, success, failure) });
  return vs;
}

/** Loads a lazy feature source now (once), whatever the map shows. */
function loadWhole(source: DataSource) {
  source.loadFeatures([-Infinity, -Infinity, Infinity, Infinity], 1, getProjection(VIEW)!);
}

/** The card of a feature of one of the organisation's layers. */
function dataSelection(f: FeatureLike, layer: BaseLayer): MapSelection {
  const props = { ...f.getProperties() };
  delete props.geometry;
  delete props[TILE_LAYER_PROPERTY];
  const labelField = layer.get('labelField') as string | null;
  const title = labelField && props[labelField] !== undefined ? String(props[labelField]) : String(layer.get('layerName'));
  return { kind: 'feature', layerId: String(layer.get('layerId')), featureId: f.getId() ?? (f as Feature).get('ol_uid') ?? '', properties: props, title };
}

/** Offsets tried around a tapped pixel, nearest first, up to the hit tolerance of the other layers (8 px). */
const TAP_OFFSETS: Array<[number, number]> = [[0, 0], ...[4, 8].flatMap((r) => [0, 1, 2, 3, 4, 5, 6, 7].map((k): [number, number] => [Math.round(r * Math.cos((k * Math.PI) / 4)), Math.round(r * Math.sin((k * Math.PI) / 4))]))];

/**
 * The feature of a layer drawn from vector tiles under a pixel (topmost layer first), through the
 * layers' own hit detection (asynchronous; the map's synchronous one does not see tiled layers).
 */
async function featureOfTiles(map: OlMap, pixel: number[]): Promise<{ feature: FeatureLike; layer: BaseLayer } | null> {
  const view = map.getView();
  // Visible: not unticked (its group), and at a zoom where it is the one drawn.
  const tiled = map.getAllLayers().filter((l): l is VectorTileLayer => l instanceof VectorTileLayer && l.get('vigie') === 'data' && l.isVisible(view));
  if (!tiled.length) return null;
  tiled.sort((a, b) => (b.getZIndex() ?? 0) - (a.getZIndex() ?? 0));
  for (const [dx, dy] of TAP_OFFSETS) {
    for (const layer of tiled) {
      const [feature] = await layer.getFeatures([pixel[0] + dx, pixel[1] + dy]);
      if (feature) return { feature, layer };
    }
  }
  return null;
}

/**
 * The zoom beyond which a large uploaded layer is drawn from its vector tiles: where a view of the
 * map's size shows fewer than TILED_LAYER_FEATURES of its features (taken as spread evenly over
 * its extent). Below it, the layer is read whole once and drawn as an image, fluid to pan.
 */
function tiledFromZoom(l: MapLayer, size: number[]): number {
  if (!l.bbox || !l.featureCount) return 0;
  const [w, s, e, n] = transformExtent(l.bbox, 'EPSG:4326', VIEW);
  const area = Math.max((e - w) * (n - s), 1);
  const resolution = Math.sqrt((area * TILED_LAYER_FEATURES) / l.featureCount / Math.max(size[0] * size[1], 1));
  // Web Mercator: 156,543 m per pixel at zoom 0, halved at every zoom.
  return Math.max(0, Math.log2(156_543.033928 / resolution));
}
/**
 * Ids of the safeguard plan's layers (resources engaged on the event, sensitive sites): their
 * OpenLayers layers carry them as `layerId` (as the organisation's layers carry theirs), their
 * features the name as `nom`, and their rows in the layer list as `data-layer-id`.
 */
export const PCS_RESOURCES_LAYER = 'pcs-resources';
export const PCS_SITES_LAYER = 'pcs-sites';

type LayerStatus = { status: 'loading' | 'ready' | 'error'; message?: string; count?: number };
type Mode = 'browse' | 'Polygon' | 'LineString' | 'place' | 'reshape';
export type MapSelection =
  | { kind: 'feature'; layerId: string; featureId: string | number; properties: Record<string, unknown>; title: string }
  | { kind: 'perimeter'; id: string }
  | { kind: 'entry'; id: string }
  | { kind: 'place'; eventId: string; title: string; main: boolean }
  | { kind: 'resource'; id: string }
  | { kind: 'site'; id: string };

interface Props {
  event: EventDetail;
  /** Opens an entry in the main courante tab. */
  onJump: (seq: number) => void;
  /** An entry to show (chosen in the main courante): centred and selected once the entries are loaded. */
  focus?: { entryId: string; nonce: number } | null;
}

/** The error message of a failed fetch of a map resource (JSON error body of the API, or the status). */
async function failureMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string; details?: { reason?: string } } };
    // A failing GIS gives its own reason ("le service répond 500 : …"): that is what helps.
    const reason = body.error?.details?.reason;
    if (reason) return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON
  }
  return t('map.layer.httpError', { status: String(res.status) });
}

/**
 * The map of an event (OpenLayers): the shipped commune outlines as an offline base (an XYZ
 * background when the operator set one), the organisation's layers (uploaded, WFS and WMS through
 * the server), the event's place and its sub-events', its perimeters (drawn here, each change an
 * entry of the main courante, live for everyone) and the entries placed on the map. A layer that
 * fails says so in the layer list; the rest of the map keeps working.
 */
export function EventMap({ event, onJump, focus = null }: Props) {
  const session = useSession();
  const target = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OlMap | null>(null);
  const sources = useRef<{
    outlines: VectorSource;
    perimeters: VectorSource;
    entries: VectorSource;
    places: VectorSource;
    pending: VectorSource;
    position: VectorSource;
    outlinesLayer: VectorLayer;
    resources: VectorSource;
    sites: VectorSource;
    resourcesLayer: VectorLayer;
    sitesLayer: VectorLayer;
  } | null>(null);
  /** The organisation's layers on the map; `source` holds the features the attribute table lists. */
  const dataLayers = useRef(new Map<string, { layer: BaseLayer; signature: string; source: DataSource | null }>());
  const [settings, setSettings] = useState<EventMapSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [layers, setLayers] = useState<MapLayer[]>([]);
  const [layersError, setLayersError] = useState<string | null>(null);
  const [layersLoaded, setLayersLoaded] = useState(false);
  const [status, setStatus] = useState<Record<string, LayerStatus>>({});
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [outlinesVisible, setOutlinesVisible] = useState(true);
  const [perimeters, setPerimeters] = useState<Perimeter[]>([]);
  const [entries, setEntries] = useState<Entry[]>([]);
  /** Plan communal de sauvegarde: resources engaged on the event and sensitive sites (members of the organisation only). */
  const [resources, setResources] = useState<Resource[]>([]);
  const [sites, setSites] = useState<Site[]>([]);
  const [pcsStatus, setPcsStatus] = useState<Record<string, LayerStatus>>({});
  const [selection, setSelection] = useState<MapSelection | null>(null);
  const [mode, setMode] = useState<Mode>('browse');
  const [pending, setPending] = useState<PerimeterGeometry | null>(null);
  const [editing, setEditing] = useState<Perimeter | null>(null);
  /** The perimeter whose outline is being moved (vertices dragged), and the saving state. */
  const [reshaping, setReshaping] = useState<Perimeter | null>(null);
  const [reshapeBusy, setReshapeBusy] = useState(false);
  const reshapeFeature = useRef<Feature | null>(null);
  const [placeAt, setPlaceAt] = useState<{ lon: number; lat: number } | null>(null);
  const [tableLayer, setTableLayer] = useState<string | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  const [addOpen, setAddOpen] = useState(false);
  const [tracking, setTracking] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [ready, setReady] = useState(false);
  const geolocation = useRef<Geolocation | null>(null);
  const drawRef = useRef<Draw | null>(null);
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const selectionRef = useRef(selection);
  selectionRef.current = selection;

  const closed = event.status === 'closed';
  const canDraw = !closed && event.myAccess.write && !session.guest;
  const canPlace = !closed && event.myAccess.write && (!session.guest || session.guest.access === 'write');
  const canAddLayer = !session.guest && !closed && event.myAccess.manage && can(session.user.role, 'mapLayers.manage') && event.organisationId === session.organisation.id;
  // The plan's resources and sites are the organisation's: shown to its members, never to guests.
  const planMember = !session.guest && event.organisationId === session.organisation.id;

  // ---- the OpenLayers map, built once ----
  useEffect(() => {
    if (!target.current) return;
    const outlines = new VectorSource();
    const perimetersSource = new VectorSource();
    const entriesSource = new VectorSource();
    const places = new VectorSource();
    const pendingSource = new VectorSource();
    const position = new VectorSource();
    const outlinesLayer = new VectorLayer({ source: outlines, style: outlineStyleFunction(), zIndex: 0 });
    outlinesLayer.set('vigie', 'outlines');
    const perimeterLayer = new VectorLayer({
      source: perimetersSource,
      zIndex: 500,
      style: (f) => perimeterStyle(f.get('perimeter') as Perimeter, selectionRef.current?.kind === 'perimeter' && selectionRef.current.id === f.getId()),
    });
    perimeterLayer.set('vigie', 'perimeter');
    const entriesLayer = new VectorLayer({
      source: entriesSource,
      zIndex: 600,
      style: (f) => entryStyle(Boolean(f.get('important')), selectionRef.current?.kind === 'entry' && selectionRef.current.id === f.getId()),
    });
    entriesLayer.set('vigie', 'entry');
    const placesLayer = new VectorLayer({ source: places, zIndex: 700, style: (f) => eventPlaceStyle(f.get('main') ? 'event' : 'sub_event', String(f.get('title') ?? '')) });
    placesLayer.set('vigie', 'place');
    const sitesSource = new VectorSource();
    const sitesLayer = new VectorLayer({
      source: sitesSource,
      zIndex: 550,
      declutter: 'pcs',
      style: (f, resolution) => siteStyle(f, resolution, selectionRef.current?.kind === 'site' && selectionRef.current.id === f.getId()),
    });
    sitesLayer.setProperties({ vigie: 'site', layerId: PCS_SITES_LAYER });
    const resourcesSource = new VectorSource();
    const resourcesLayer = new VectorLayer({
      source: resourcesSource,
      zIndex: 650,
      declutter: 'pcs',
      style: (f, resolution) => resourceStyle(f, resolution, selectionRef.current?.kind === 'resource' && selectionRef.current.id === f.getId()),
    });
    resourcesLayer.setProperties({ vigie: 'resource', layerId: PCS_RESOURCES_LAYER });
    const pendingLayer = new VectorLayer({
      source: pendingSource,
      zIndex: 800,
      style: new Style({ stroke: new Stroke({ color: '#000091', width: 3, lineDash: [8, 6] }), fill: new Fill({ color: 'rgba(0, 0, 145, 0.12)' }) }),
    });
    const positionLayer = new VectorLayer({
      source: position,
      zIndex: 900,
      style: new Style({
        image: new CircleStyle({ radius: 8, fill: new Fill({ color: '#1d70b8' }), stroke: new Stroke({ color: '#ffffff', width: 3 }) }),
        fill: new Fill({ color: 'rgba(29, 112, 184, 0.12)' }),
        stroke: new Stroke({ color: 'rgba(29, 112, 184, 0.5)', width: 1 }),
      }),
    });
    const map = new OlMap({
      target: target.current,
      layers: [outlinesLayer, perimeterLayer, sitesLayer, entriesLayer, resourcesLayer, placesLayer, pendingLayer, positionLayer],
      view: new View({ center: fromLonLat([2.6, 46.6]), zoom: 5, maxZoom: 20, constrainResolution: false }),
      controls: defaultControls({ attribution: true, rotate: false, attributionOptions: { collapsible: true } }).extend([new ScaleLine({ units: 'metric' })]),
      interactions: defaultInteractions({ altShiftDragRotate: false, pinchRotate: false }),
    });
    mapRef.current = map;
    // Until the event's geometries are loaded and framed, the view starts on its place, so that
    // large layers ask only for the tiles around it rather than for all of France.
    const placeGeometry = event.place ? geojson.readGeometry(event.place) : null;
    if (placeGeometry) map.getView().fit(placeGeometry.getExtent(), { size: map.getSize() ?? [1024, 768], maxZoom: 14, padding: [70, 70, 70, 70] });
    sources.current = {
      outlines,
      perimeters: perimetersSource,
      entries: entriesSource,
      places,
      pending: pendingSource,
      position,
      outlinesLayer,
      resources: resourcesSource,
      sites: sitesSource,
      resourcesLayer,
      sitesLayer,
    };
    // For browser tests and benches: the OpenLayers map of this element.
    Object.defineProperty(target.current, 'olMap', { value: map, configurable: true });

    map.on('singleclick', (e) => {
      if (modeRef.current === 'place') {
        const [lon, lat] = toLonLat(e.coordinate);
        setPlaceAt({ lon: round7(lon), lat: round7(lat) });
        return;
      }
      if (modeRef.current !== 'browse') return;
      let found: MapSelection | null = null;
      map.forEachFeatureAtPixel(
        e.pixel,
        (f, layer) => {
          const kind = layer?.get('vigie') as string | undefined;
          const id = f.getId();
          if (kind === 'perimeter' && typeof id === 'string') found = { kind: 'perimeter', id };
          else if (kind === 'entry' && typeof id === 'string') found = { kind: 'entry', id };
          else if (kind === 'place') found = { kind: 'place', eventId: String(f.get('eventId')), title: String(f.get('title')), main: Boolean(f.get('main')) };
          else if (kind === 'resource' && typeof id === 'string') found = { kind: 'resource', id };
          else if (kind === 'site' && typeof id === 'string') found = { kind: 'site', id };
          else if (kind === 'data') found = dataSelection(f, layer!);
          else return false;
          return true;
        },
        { hitTolerance: 8, layerFilter: (l) => l.get('vigie') !== 'outlines' && !(l instanceof VectorTileLayer) },
      );
      if (found) return setSelection(found);
      // Layers drawn from vector tiles answer asynchronously: the pixel, then around it (a finger).
      void featureOfTiles(map, e.pixel).then((hit) => {
        if (modeRef.current === 'browse') setSelection(hit ? dataSelection(hit.feature, hit.layer) : null);
      });
    });
    map.on('pointermove', (e) => {
      if (e.dragging || modeRef.current !== 'browse') return;
      const hit = map.hasFeatureAtPixel(e.pixel, { hitTolerance: 8, layerFilter: (l) => l.get('vigie') !== 'outlines' && l.get('vigie') !== undefined });
      const el = map.getTargetElement();
      if (el) el.style.cursor = hit ? 'pointer' : '';
    });
    map.on('rendercomplete', () => target.current?.setAttribute('data-rendercomplete', String(Date.now())));
    setReady(true);
    return () => {
      geolocation.current?.setTracking(false);
      map.setTarget(undefined);
      mapRef.current = null;
      sources.current = null;
      dataLayers.current.clear();
    };
  }, []);

  // ---- loading ----
  const loadLayers = useCallback(async () => {
    if (session.guest) {
      setLayersLoaded(true); // the organisation's internal data: not for guests
      return;
    }
    try {
      setLayers((await api('listMapLayers', { query: { eventId: event.id } })).layers);
      setLayersLoaded(true);
      setLayersError(null);
    } catch (err) {
      setLayersError(errorMessage(err));
    }
  }, [event.id, session.guest]);

  const loadPerimeters = useCallback(async () => {
    const res = await api('listPerimeters', { params: { id: event.id } });
    setPerimeters(res.perimeters);
  }, [event.id]);

  const loadEntries = useCallback(async () => {
    const all: Entry[] = [];
    let before: number | undefined;
    // Up to 1,000 placed entries (newest first); the export holds them all.
    for (let page = 0; page < 5; page++) {
      const res = await api('listEntries', { params: { id: event.id }, query: { located: 'true', limit: 200, ...(before ? { before } : {}) } });
      all.push(...res.entries);
      if (res.nextBefore === null) break;
      before = res.nextBefore;
    }
    setEntries(all);
  }, [event.id]);

  const setPcsState = useCallback((id: string, st: LayerStatus) => setPcsStatus((prev) => ({ ...prev, [id]: st })), []);

  const loadResources = useCallback(async () => {
    if (!planMember) return;
    try {
      setResources(sortResources((await api('listResources', { query: { eventId: event.id } })).resources));
      setPcsState(PCS_RESOURCES_LAYER, { status: 'ready' });
    } catch (err) {
      setPcsState(PCS_RESOURCES_LAYER, { status: 'error', message: errorMessage(err) });
    }
  }, [event.id, planMember, setPcsState]);

  const loadSites = useCallback(async () => {
    if (!planMember) return;
    try {
      setSites((await api('listSites')).sites);
      setPcsState(PCS_SITES_LAYER, { status: 'ready' });
    } catch (err) {
      setPcsState(PCS_SITES_LAYER, { status: 'error', message: errorMessage(err) });
    }
  }, [planMember, setPcsState]);

  // Apart from the rest: a plan that cannot be read says so in its row, the map keeps working.
  useEffect(() => {
    if (!ready) return;
    void loadResources();
    void loadSites();
  }, [ready, loadResources, loadSites]);

  // The event's place and its sub-events' (from the event as the page has it, kept live by the page).
  useEffect(() => {
    const s = sources.current;
    if (!s || !ready) return;
    s.places.clear();
    const items = [{ id: event.id, title: event.title, place: event.place, main: true }, ...event.children.map((c) => ({ id: c.id, title: c.title, place: c.place, main: false }))];
    for (const it of items) {
      if (!it.place) continue;
      const feature = new Feature(geojson.readGeometry(it.place) as Geometry);
      feature.setProperties({ eventId: it.id, title: it.title, main: it.main });
      s.places.addFeature(feature);
    }
  }, [event, ready]);

  const loadAll = useCallback(async () => {
    try {
      // The layers first: their features are the long download.
      const layersLoaded = loadLayers();
      const [st] = await Promise.all([api('getEventMapSettings', { params: { id: event.id } }), loadPerimeters(), loadEntries(), layersLoaded]);
      setSettings(st);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [event.id, loadEntries, loadLayers, loadPerimeters]);

  useEffect(() => {
    if (ready) void loadAll();
  }, [ready, loadAll]);

  // Base: commune outlines of the department (offline), optional tile background.
  const framed = useRef(false);
  useEffect(() => {
    const s = sources.current;
    const map = mapRef.current;
    if (!settings || !s || !map) return;
    let background: TileLayer | null = null;
    if (settings.background) {
      background = new TileLayer({
        source: new XYZ({ url: settings.background.url, attributions: settings.background.attribution ?? undefined, maxZoom: 19 }),
        zIndex: -1,
      });
      map.addLayer(background);
      s.outlinesLayer.setOpacity(0.35);
    }
    const controller = new AbortController();
    if (settings.departmentCode) {
      fetch(routeUrl('getDepartmentOutlines', { code: settings.departmentCode }), { credentials: 'include', signal: controller.signal })
        .then(async (r) => (r.ok ? r.json() : Promise.reject(new Error(await failureMessage(r)))))
        .then((fc: unknown) => {
          s.outlines.clear();
          s.outlines.addFeatures(geojson.readFeatures(fc));
          target.current?.setAttribute('data-outlines', String(s.outlines.getFeatures().length));
          frame();
        })
        .catch((err: Error) => {
          if (err.name !== 'AbortError') setNotice(t('map.outlinesFailed', { reason: err.message }));
        });
    }
    return () => {
      controller.abort();
      if (background) map.removeLayer(background);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings]);

  /** Fits the view to the event's geometries, else its places, else the department. */
  const frame = useCallback((force = false) => {
    const s = sources.current;
    const map = mapRef.current;
    if (!s || !map || (framed.current && !force)) return;
    const extent = createEmpty();
    for (const src of [s.perimeters, s.places, s.entries]) if (src.getFeatures().length) extend(extent, src.getExtent() ?? createEmpty());
    if (isEmpty(extent) && s.outlines.getFeatures().length) extend(extent, s.outlines.getExtent() ?? createEmpty());
    if (isEmpty(extent)) return;
    framed.current = true;
    map.getView().fit(extent, { padding: [70, 70, 70, 70], maxZoom: 14, duration: force ? 250 : 0 });
  }, []);

  // ---- perimeters, entries into their sources ----
  useEffect(() => {
    const s = sources.current;
    if (!s) return;
    s.perimeters.clear();
    s.perimeters.addFeatures(
      perimeters.map((p) => {
        const f = new Feature(geojson.readGeometry(p.geometry) as Geometry);
        f.setId(p.id);
        f.set('perimeter', p);
        return f;
      }),
    );
    if (perimeters.length) frame();
  }, [perimeters, frame]);

  useEffect(() => {
    const s = sources.current;
    if (!s) return;
    s.entries.clear();
    s.entries.addFeatures(
      entries
        .filter((e) => e.position)
        .map((e) => {
          const f = new Feature(new Point(fromLonLat([e.position!.lon, e.position!.lat])));
          f.setId(e.id);
          f.set('important', e.important);
          return f;
        }),
    );
  }, [entries]);

  // Resources engaged on the event (those with a place), sensitive sites.
  useEffect(() => {
    const s = sources.current;
    if (!s) return;
    s.resources.clear();
    s.resources.addFeatures(
      resources
        .filter((r) => r.position)
        .map((r) => {
          const f = new Feature(new Point(fromLonLat([r.position!.lon, r.position!.lat])));
          f.setId(r.id);
          f.setProperties({ nom: r.name, name: r.name, kind: r.kind, occupancy: r.occupancy, capacity: r.capacity, occupancyLabel: occupancyLabel(r), overCapacity: overCapacity(r) });
          return f;
        }),
    );
    // For browser tests: how many resources the layer holds right now.
    target.current?.setAttribute('data-resources', String(s.resources.getFeatures().length));
  }, [resources, ready]);

  useEffect(() => {
    const s = sources.current;
    if (!s) return;
    s.sites.clear();
    s.sites.addFeatures(
      sites.map((site) => {
        const f = new Feature(new Point(fromLonLat([site.position.lon, site.position.lat])));
        f.setId(site.id);
        f.setProperties({ nom: site.name, name: site.name, kind: site.kind });
        return f;
      }),
    );
  }, [sites, ready]);

  // An entry chosen in the main courante: centre on it.
  const focused = useRef<number | null>(null);
  useEffect(() => {
    if (!focus || focused.current === focus.nonce) return;
    const e = entries.find((x) => x.id === focus.entryId);
    if (!e?.position) return;
    focused.current = focus.nonce;
    framed.current = true;
    setSelection({ kind: 'entry', id: e.id });
    mapRef.current?.getView().setCenter(fromLonLat([e.position.lon, e.position.lat]));
    mapRef.current?.getView().setZoom(16);
  }, [focus, entries]);

  // Selection restyles its feature.
  useEffect(() => {
    sources.current?.perimeters.changed();
    sources.current?.entries.changed();
    sources.current?.resources.changed();
    sources.current?.sites.changed();
  }, [selection]);

  // ---- the organisation's layers ----
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const known = dataLayers.current;
    const ids = new Set(layers.map((l) => l.id));
    for (const [id, entry] of known) {
      if (!ids.has(id)) {
        map.removeLayer(entry.layer);
        known.delete(id);
      }
    }
    layers.forEach((l, index) => {
      const signature = JSON.stringify([l.kind, l.updatedAt, l.remote, l.source?.sha256]);
      const current = known.get(l.id);
      if (current && current.signature === signature) return;
      if (current) map.removeLayer(current.layer);
      const setState = (st: LayerStatus) => setStatus((prev) => ({ ...prev, [l.id]: st }));
      setState({ status: 'loading' });
      let layer: BaseLayer;
      let source: DataSource | null = null;
      if (l.kind === 'wms') {
        const remote = l.remote!;
        const wmsUrl = routeUrl('getRemoteLayerImage', { id: l.id });
        const imageSource = new ImageWMS({
          url: wmsUrl,
          params: { LAYERS: remote.layerName },
          projection: remote.crs,
          ratio: 1,
          imageLoadFunction: (image: ImageWrapper, src: string) => {
            const u = new URL(src, window.location.origin);
            const extent = image.getExtent();
            const q = new URLSearchParams({ bbox: extent.join(','), width: u.searchParams.get('WIDTH') ?? '256', height: u.searchParams.get('HEIGHT') ?? '256', crs: remote.crs });
            (image.getImage() as HTMLImageElement).src = `${wmsUrl}?${q.toString()}`;
            (image as ImageWrapper & { vigieUrl?: string }).vigieUrl = `${wmsUrl}?${q.toString()}`;
          },
        });
        imageSource.on('imageloadend', () => setState({ status: 'ready' }));
        imageSource.on('imageloaderror', (e) => {
          const url = (e.image as ImageWrapper & { vigieUrl?: string }).vigieUrl;
          setState({ status: 'error', message: t('map.layer.failed') });
          if (url) reportFailure(url, setState);
        });
        layer = new ImageLayer({ source: imageSource, zIndex: 100 + index, opacity: 0.85 });
      } else {
        const style = l.style ?? DEFAULT_LAYER_STYLE;
        const large = (l.featureCount ?? 0) > LARGE_LAYER_FEATURES;
        if (l.kind === 'wfs') {
          const vs: DataSource = new VectorSource<RenderFeature>({
            strategy: bboxStrategy,
            loader: (extent, _resolution, projection, success, failure) => {
              const [w, s, e, n] = transformExtent(extent, projection, 'EPSG:4326');
              const box = [Math.max(-180, w), Math.max(-90, s), Math.min(180, e), Math.min(90, n)].map((v) => round7(v));
              setState({ status: 'loading' });
              fetch(routeUrl('getRemoteLayerFeatures', { id: l.id }, { bbox: box.join(',') }), { credentials: 'include' })
                .then(async (r) => {
                  if (!r.ok) throw new Error(await failureMessage(r));
                  const features = geojsonLight.readFeatures(await r.json());
                  vs.addFeatures(features);
                  success?.(features);
                  setState({ status: 'ready', count: vs.getFeatures().length });
                })
                .catch((err: Error) => {
                  vs.removeLoadedExtent(extent);
                  failure?.();
                  setState({ status: 'error', message: err.message });
                });
            },
          });
          source = vs;
        } else {
          // A large layer is read whole only when drawn zoomed out, or for its table (below).
          source = featureSource(
            l.id,
            (count) => setState({ status: 'ready', count }),
            (message) => setState({ status: 'error', message }),
            large,
          );
        }
        if (l.kind !== 'wfs' && large) {
          // A large uploaded layer: zoomed in, only the vector tiles the view shows are loaded and
          // drawn; zoomed out, the layer is read whole (once, when first needed) and drawn as an image.
          const fromZoom = tiledFromZoom(l, map.getSize() ?? [1024, 768]);
          const tiles = new VectorTileSource({ format: new MVT({ layers: [TILE_LAYER_NAME], layerName: TILE_LAYER_PROPERTY }), url: tileUrl(l.id), maxZoom: LAYER_TILE_MAX_ZOOM });
          let pending = 0;
          tiles.on('tileloadstart', () => void pending++);
          tiles.on('tileloadend', () => {
            if (--pending > 0) return;
            setStatus((prev) => (prev[l.id]?.status === 'loading' ? { ...prev, [l.id]: { status: 'ready', count: l.featureCount ?? undefined } } : prev));
          });
          tiles.on('tileloaderror', (e: TileSourceEvent) => {
            pending--;
            setState({ status: 'error', message: t('map.layer.failed') });
            const [z, x, y] = e.tile.getTileCoord();
            reportFailure(routeUrl('getMapLayerTile', { id: l.id, z: String(z), x: String(x), y: String(y) }), setState);
          });
          const tiled = new VectorTileLayer({ source: tiles, style: layerStyleFunction(style), zIndex: 100 + index, renderMode: 'hybrid', minZoom: fromZoom });
          const whole = new VectorImageLayer({ source: source!, style: layerStyleFunction(style), zIndex: 100 + index, imageRatio: 1.5, maxZoom: fromZoom });
          for (const part of [tiled, whole]) part.setProperties({ vigie: 'data', layerId: l.id, layerName: l.name, labelField: l.style.labelField });
          layer = new LayerGroup({ layers: [whole, tiled], zIndex: 100 + index });
        } else {
          // A small layer is drawn as vectors; a large WFS layer as an image: panning and zooming
          // move the image, and the features are drawn again once the gesture ends.
          layer = large
            ? new VectorImageLayer({ source: source!, style: layerStyleFunction(style), zIndex: 100 + index, imageRatio: 1.5 })
            : new VectorLayer({ source: source!, style: layerStyleFunction(style), zIndex: 100 + index });
        }
      }
      layer.setProperties({ vigie: 'data', layerId: l.id, layerName: l.name, labelField: l.style.labelField });
      map.addLayer(layer);
      known.set(l.id, { layer, signature, source });
    });
  }, [layers]);

  useEffect(() => {
    for (const [id, entry] of dataLayers.current) entry.layer.setVisible(!hidden.has(id));
  }, [hidden, layers]);
  useEffect(() => {
    sources.current?.outlinesLayer.setVisible(outlinesVisible);
  }, [outlinesVisible]);
  useEffect(() => {
    sources.current?.resourcesLayer.setVisible(!hidden.has(PCS_RESOURCES_LAYER));
    sources.current?.sitesLayer.setVisible(!hidden.has(PCS_SITES_LAYER));
  }, [hidden]);

  // All layers settled: the map says so (browser tests and bench:map wait on it).
  const settled =
    layersLoaded &&
    layers.every((l) => status[l.id] && status[l.id].status !== 'loading') &&
    (!planMember || [PCS_RESOURCES_LAYER, PCS_SITES_LAYER].every((id) => pcsStatus[id] && pcsStatus[id].status !== 'loading'));
  useEffect(() => {
    target.current?.setAttribute('data-layers-settled', String(settled));
  }, [settled]);

  // ---- live ----
  const applyPerimeter = useCallback((id: string, p: Perimeter | null) => {
    setPerimeters((prev) => {
      const rest = prev.filter((x) => x.id !== id);
      if (!p) return rest;
      const old = prev.find((x) => x.id === id);
      if (old && old.version > p.version) return prev;
      return [...rest, p];
    });
    if (!p) setSelection((s) => (s?.kind === 'perimeter' && s.id === id ? null : s));
  }, []);

  useRealtimeTopic(topicOf('event', event.id), {
    onEvent: (ev) => {
      if (ev.kind === 'perimeter.changed' && ev.eventId === event.id) applyPerimeter(ev.perimeterId, ev.perimeter);
      else if (ev.kind === 'entry.created' && ev.entry.position) setEntries((prev) => (prev.some((e) => e.id === ev.entry.id) ? prev : [ev.entry, ...prev]));
      else if (ev.kind === 'mapLayers.changed') void loadLayers();
      else if (ev.kind === 'resource.updated' && ev.eventId === event.id && planMember) setResources((prev) => mergeEngaged(prev, ev.resource, event.id));
    },
    onResync: () => {
      void loadAll();
      void loadResources();
    },
  });
  useRealtimeTopic(session.guest ? null : topicOf('organisation', session.organisation.id), {
    onEvent: (ev) => {
      if (ev.kind === 'mapLayers.changed') void loadLayers();
      else if (ev.kind === 'plan.changed' && ev.part === 'sites') void loadSites();
    },
    onResync: () => void loadSites(),
  });

  // ---- drawing ----
  useEffect(() => {
    const map = mapRef.current;
    const s = sources.current;
    if (!map || !s) return;
    if (mode !== 'Polygon' && mode !== 'LineString') return;
    const draw = new Draw({ type: mode, stopClick: true });
    draw.on('drawend', (e) => {
      const geometry = e.feature.getGeometry() as Polygon | LineString;
      const g = geometry.clone().transform(VIEW, 'EPSG:4326') as Polygon | LineString;
      const coords = g.getCoordinates();
      const pendingGeometry: PerimeterGeometry =
        mode === 'Polygon'
          ? { type: 'Polygon', coordinates: (coords as number[][][]).map((ring) => ring.map(([x, y]) => [round7(x), round7(y)] as [number, number])) }
          : { type: 'LineString', coordinates: (coords as number[][]).map(([x, y]) => [round7(x), round7(y)] as [number, number]) };
      s.pending.clear();
      s.pending.addFeature(new Feature(geometry.clone()));
      setPending(pendingGeometry);
      setMode('browse');
    });
    map.addInteraction(draw);
    drawRef.current = draw;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMode('browse');
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      map.removeInteraction(draw);
      drawRef.current = null;
    };
  }, [mode]);

  // Reshaping: the perimeter's vertices can be dragged (a copy; saved as one logged change).
  useEffect(() => {
    const map = mapRef.current;
    const s = sources.current;
    if (!map || !s || mode !== 'reshape' || !reshaping) return;
    const copy = new Feature(geojson.readGeometry(reshaping.geometry) as Geometry);
    reshapeFeature.current = copy;
    s.pending.clear();
    s.pending.addFeature(copy);
    const modify = new Modify({ features: new Collection([copy]), pixelTolerance: 14 });
    map.addInteraction(modify);
    return () => {
      map.removeInteraction(modify);
      s.pending.clear();
      reshapeFeature.current = null;
    };
  }, [mode, reshaping]);

  async function saveReshape() {
    const f = reshapeFeature.current;
    const p = reshaping;
    if (!f || !p) return;
    const g = (f.getGeometry() as Polygon | LineString).clone().transform(VIEW, 'EPSG:4326') as Polygon | LineString;
    const geometry: PerimeterGeometry =
      p.geometry.type === 'Polygon'
        ? { type: 'Polygon', coordinates: (g.getCoordinates() as number[][][]).map((ring) => ring.map(([x, y]) => [round7(x), round7(y)] as [number, number])) }
        : { type: 'LineString', coordinates: (g.getCoordinates() as number[][]).map(([x, y]) => [round7(x), round7(y)] as [number, number]) };
    setReshapeBusy(true);
    try {
      const saved = await api('updatePerimeter', { params: { id: p.id }, body: { geometry } });
      applyPerimeter(saved.id, saved);
      setNotice(t('map.perimeter.reshaped', { label: saved.label }));
      setReshaping(null);
      setMode('browse');
    } catch (err) {
      setNotice(errorMessage(err));
    } finally {
      setReshapeBusy(false);
    }
  }

  useEffect(() => {
    if (mode !== 'place' && mode !== 'reshape') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setReshaping(null);
      setMode('browse');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [mode]);

  const clearPending = () => {
    sources.current?.pending.clear();
    setPending(null);
  };

  // ---- phone position ----
  useEffect(() => {
    const map = mapRef.current;
    const s = sources.current;
    if (!map || !s) return;
    if (!tracking) {
      geolocation.current?.setTracking(false);
      s.position.clear();
      return;
    }
    const geo = geolocation.current ?? new Geolocation({ projection: map.getView().getProjection(), trackingOptions: { enableHighAccuracy: true, timeout: 15_000 } });
    geolocation.current = geo;
    let first = true;
    const update = () => {
      const c = geo.getPosition();
      if (!c) return;
      s.position.clear();
      const acc = geo.getAccuracy();
      if (acc) s.position.addFeature(new Feature(new CircleGeom(c, acc)));
      s.position.addFeature(new Feature(new Point(c)));
      setGeoError(null);
      if (first) {
        first = false;
        map.getView().animate({ center: c, zoom: Math.max(map.getView().getZoom() ?? 14, 15), duration: 300 });
      }
    };
    const keyChange = geo.on('change:position', update);
    const keyError = geo.on('error', () => {
      setGeoError(t('map.position.error'));
      setTracking(false);
    });
    geo.setTracking(true);
    return () => {
      geo.un('change:position', keyChange.listener);
      geo.un('error', keyError.listener);
    };
  }, [tracking]);

  // ---- selection details ----
  const selectedPerimeter = selection?.kind === 'perimeter' ? perimeters.find((p) => p.id === selection.id) : undefined;
  const selectedEntry = selection?.kind === 'entry' ? entries.find((e) => e.id === selection.id) : undefined;
  const selectedResource = selection?.kind === 'resource' ? resources.find((r) => r.id === selection.id) : undefined;
  const selectedSite = selection?.kind === 'site' ? sites.find((x) => x.id === selection.id) : undefined;
  const placedResources = resources.filter((r) => r.position).length;
  const layerById = useMemo(() => new Map(layers.map((l) => [l.id, l])), [layers]);

  async function deletePerimeter(p: Perimeter) {
    if (!window.confirm(t('map.perimeter.deleteConfirm', { label: p.label }))) return;
    setDeleteBusy(true);
    try {
      await api('deletePerimeter', { params: { id: p.id } });
      applyPerimeter(p.id, null);
      setNotice(t('map.perimeter.deleted', { label: p.label }));
    } catch (err) {
      setNotice(errorMessage(err));
    } finally {
      setDeleteBusy(false);
    }
  }

  function toggleHidden(id: string, visible: boolean) {
    setHidden((prev) => {
      const next = new Set(prev);
      if (visible) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  /** On a phone the list is under the map: bring the map back into view. */
  function showMap() {
    if (window.matchMedia('(max-width: 900px)').matches) target.current?.scrollIntoView({ block: 'start' });
  }

  function zoomToPerimeter(p: Perimeter) {
    showMap();
    const f = sources.current?.perimeters.getFeatureById(p.id);
    const g = f?.getGeometry();
    if (g) mapRef.current?.getView().fit(g.getExtent(), { padding: [60, 60, 60, 60], maxZoom: 17, duration: 250 });
    setSelection({ kind: 'perimeter', id: p.id });
  }

  const tableSource = tableLayer ? (dataLayers.current.get(tableLayer)?.source ?? null) : null;
  useEffect(() => {
    // A large layer drawn from its tiles is read whole for its table.
    if (tableSource) loadWhole(tableSource);
  }, [tableSource]);

  return (
    <section className="event-map" aria-labelledby="event-map-title" data-testid="event-map-panel">
      <h2 id="event-map-title" className="visually-hidden">
        {t('map.title')}
      </h2>
      <div className="event-map__toolbar" role="toolbar" aria-label={t('map.toolbar')}>
        {canDraw ? (
          <>
            <button type="button" className={`button button--small${mode === 'Polygon' ? ' button--primary' : ''}`} aria-pressed={mode === 'Polygon'} onClick={() => setMode(mode === 'Polygon' ? 'browse' : 'Polygon')}>
              <Icon name="edit" size={16} />
              {t('map.draw.zone')}
            </button>
            <button type="button" className={`button button--small${mode === 'LineString' ? ' button--primary' : ''}`} aria-pressed={mode === 'LineString'} onClick={() => setMode(mode === 'LineString' ? 'browse' : 'LineString')}>
              <Icon name="arrow" size={16} />
              {t('map.draw.line')}
            </button>
          </>
        ) : null}
        {canPlace ? (
          <button type="button" className={`button button--small${mode === 'place' ? ' button--primary' : ''}`} aria-pressed={mode === 'place'} onClick={() => setMode(mode === 'place' ? 'browse' : 'place')}>
            <Icon name="flag" size={16} />
            {t('map.place.button')}
          </button>
        ) : null}
        <button type="button" className={`button button--small${tracking ? ' button--primary' : ''}`} aria-pressed={tracking} onClick={() => setTracking((v) => !v)}>
          <Icon name="account" size={16} />
          {t('map.position.button')}
        </button>
        <button type="button" className="button button--small" onClick={() => frame(true)}>
          <Icon name="search" size={16} />
          {t('map.fit')}
        </button>
        <a className="button button--small" href={routeUrl('exportEventGeojson', { id: event.id })} download data-testid="map-export">
          <Icon name="download" size={16} />
          {t('map.export')}
        </a>
        <button type="button" className="button button--small event-map__panel-toggle" aria-expanded={panelOpen} aria-controls="event-map-panel" onClick={() => setPanelOpen((v) => !v)}>
          <Icon name="list" size={16} />
          {t('map.panel.toggle')}
        </button>
      </div>

      {mode === 'Polygon' || mode === 'LineString' ? (
        <div className="event-map__hint" role="status">
          <span>{t(mode === 'Polygon' ? 'map.draw.hintZone' : 'map.draw.hintLine')}</span>
          <button type="button" className="button button--small button--primary" onClick={() => drawRef.current?.finishDrawing()}>
            {t('map.draw.finish')}
          </button>
          <button type="button" className="button button--small" onClick={() => setMode('browse')}>
            {t('action.cancel')}
          </button>
        </div>
      ) : mode === 'reshape' && reshaping ? (
        <div className="event-map__hint" role="status">
          <span>{t('map.reshape.hint', { label: reshaping.label })}</span>
          <button type="button" className="button button--small button--primary" disabled={reshapeBusy} onClick={() => void saveReshape()}>
            {reshapeBusy ? t('map.saving') : t('map.reshape.save')}
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={reshapeBusy}
            onClick={() => {
              setReshaping(null);
              setMode('browse');
            }}
          >
            {t('action.cancel')}
          </button>
        </div>
      ) : mode === 'place' ? (
        <div className="event-map__hint" role="status">
          <span>{t('map.place.hint')}</span>
          <button type="button" className="button button--small" onClick={() => setMode('browse')}>
            {t('action.cancel')}
          </button>
        </div>
      ) : null}
      {notice ? (
        <p className="event-map__notice" role="status">
          {notice}{' '}
          <button type="button" className="link-button" onClick={() => setNotice(null)}>
            {t('action.close')}
          </button>
        </p>
      ) : null}
      {geoError ? (
        <p className="event-map__notice event-map__notice--error" role="alert">
          {geoError}
        </p>
      ) : null}
      <RetryAlert message={loadError} onRetry={() => void loadAll()} />
      {/* A layer that could not be loaded says so above the map too (on a phone the list is folded). */}
      {layers.some((l) => status[l.id]?.status === 'error') ? (
        <p className="event-map__notice event-map__notice--error" role="status" data-testid="map-layer-failures">
          <Icon name="alert" size={16} />{' '}
          {t('map.layer.failedSummary', {
            names: layers
              .filter((l) => status[l.id]?.status === 'error')
              .map((l) => `« ${l.name} »`)
              .join(', '),
          })}
        </p>
      ) : null}

      <div className="event-map__body">
        <div className="event-map__frame">
          <div ref={target} className={`event-map__canvas${mode !== 'browse' ? ' event-map__canvas--drawing' : ''}`} data-testid="event-map" role="application" aria-label={t('map.label', { title: event.title })} />
          {selection ? (
            <div className="map-card" data-testid="map-card" role="dialog" aria-label={t('map.card.label')}>
              <button type="button" className="map-card__close icon-button" aria-label={t('action.close')} onClick={() => setSelection(null)}>
                <Icon name="close" size={18} />
              </button>
              {selection.kind === 'feature' ? (
                <>
                  <p className="map-card__kicker">{layerById.get(selection.layerId)?.name}</p>
                  <h3 className="map-card__title">{selection.title}</h3>
                  <dl className="map-card__attributes">
                    {Object.entries(selection.properties)
                      .slice(0, 40)
                      .map(([k, v]) => (
                        <div key={k}>
                          <dt>{k}</dt>
                          <dd>{v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                        </div>
                      ))}
                  </dl>
                </>
              ) : selection.kind === 'perimeter' && selectedPerimeter ? (
                <>
                  <p className="map-card__kicker">{perimeterCategoryLabels[selectedPerimeter.category]}</p>
                  <h3 className="map-card__title">{selectedPerimeter.label}</h3>
                  <p className="map-card__meta">
                    {t('map.perimeter.by', { name: selectedPerimeter.updatedByName, date: formatDateTime(selectedPerimeter.updatedAt) })}
                  </p>
                  {canDraw ? (
                    <div className="map-card__actions">
                      <button type="button" className="button button--small" onClick={() => setEditing(selectedPerimeter)}>
                        <Icon name="edit" size={16} />
                        {t('map.perimeter.edit')}
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setReshaping(selectedPerimeter);
                          setSelection(null);
                          setMode('reshape');
                        }}
                      >
                        {t('map.perimeter.reshape')}
                      </button>
                      <button type="button" className="button button--small button--danger" disabled={deleteBusy} onClick={() => void deletePerimeter(selectedPerimeter)}>
                        {t('map.perimeter.delete')}
                      </button>
                    </div>
                  ) : null}
                </>
              ) : selection.kind === 'entry' && selectedEntry ? (
                <>
                  <p className="map-card__kicker">
                    {t('map.entry.kicker', { seq: String(selectedEntry.seq), date: formatDateTime(selectedEntry.occurredAt) })}
                  </p>
                  <p className="map-card__text">{selectedEntry.text}</p>
                  <p className="map-card__meta">
                    {selectedEntry.authorName}
                    {selectedEntry.position?.source === 'device' ? ` · ${t('map.entry.fromDevice', { accuracy: String(Math.round(selectedEntry.position.accuracy ?? 0)) })}` : ''}
                  </p>
                  <div className="map-card__actions">
                    <button type="button" className="button button--small" onClick={() => onJump(selectedEntry.seq)}>
                      {t('map.entry.open')}
                    </button>
                  </div>
                </>
              ) : selection.kind === 'resource' && selectedResource ? (
                <>
                  <p className="map-card__kicker">{resourceKindLabel(selectedResource.kind)}</p>
                  <h3 className="map-card__title">{selectedResource.name}</h3>
                  {selectedResource.engagedAt ? (
                    <p className="map-card__meta">{t('pcsEvent.map.engagedSince', { date: formatDateTime(selectedResource.engagedAt), name: selectedResource.engagedByName ?? '—' })}</p>
                  ) : null}
                  <dl className="map-card__attributes">
                    {selectedResource.kind === 'shelter' ? (
                      <div>
                        <dt>{t('pcsEvent.map.occupancy')}</dt>
                        <dd className={overCapacity(selectedResource) ? 'map-card__over' : undefined}>
                          {selectedResource.capacity !== null
                            ? t('pcsEvent.resources.occupancy', { occupancy: selectedResource.occupancy, capacity: selectedResource.capacity })
                            : t('pcsEvent.resources.occupancyNoCapacity', { occupancy: selectedResource.occupancy })}
                        </dd>
                      </div>
                    ) : null}
                    <div>
                      <dt>{t('pcsEvent.map.address')}</dt>
                      <dd>{selectedResource.address || t('pcsEvent.map.none')}</dd>
                    </div>
                  </dl>
                </>
              ) : selection.kind === 'site' && selectedSite ? (
                <>
                  <p className="map-card__kicker">{siteKindLabel(selectedSite.kind)}</p>
                  <h3 className="map-card__title">{selectedSite.name}</h3>
                  <dl className="map-card__attributes">
                    <div>
                      <dt>{t('pcsEvent.map.address')}</dt>
                      <dd>{selectedSite.address || t('pcsEvent.map.none')}</dd>
                    </div>
                    <div>
                      <dt>{t('pcsEvent.map.capacity')}</dt>
                      <dd>{selectedSite.capacity !== null ? t('pcsEvent.map.capacityValue', { capacity: selectedSite.capacity }) : t('pcsEvent.map.none')}</dd>
                    </div>
                    {selectedSite.phone ? (
                      <div>
                        <dt>{t('pcsEvent.map.phone')}</dt>
                        <dd>
                          <a href={`tel:${selectedSite.phone.replace(/\s+/g, '')}`}>{selectedSite.phone}</a>
                        </dd>
                      </div>
                    ) : null}
                  </dl>
                  {selectedSite.notes ? <p className="map-card__text">{selectedSite.notes}</p> : null}
                </>
              ) : selection.kind === 'place' ? (
                <>
                  <p className="map-card__kicker">{t(selection.main ? 'map.place.event' : 'map.place.subEvent')}</p>
                  <h3 className="map-card__title">{selection.title}</h3>
                  {!selection.main ? (
                    <a className="button button--small" href={`/evenements/${selection.eventId}`}>
                      {t('map.place.openSubEvent')}
                    </a>
                  ) : null}
                </>
              ) : (
                <p>{t('map.card.gone')}</p>
              )}
            </div>
          ) : null}
        </div>

        <aside id="event-map-panel" className={`event-map__panel${panelOpen ? ' event-map__panel--open' : ''}`} aria-label={t('map.panel.label')}>
          <h3 className="event-map__panel-title">{t('map.panel.layers')}</h3>
          <ul className="map-layers">
            <li className="map-layers__item">
              <label className="map-check">
                <input type="checkbox" checked={outlinesVisible} onChange={(e) => setOutlinesVisible(e.target.checked)} />
                <span>{t('map.layer.outlines')}</span>
              </label>
            </li>
            {planMember ? (
              <>
                <PcsLayerRow
                  id={PCS_RESOURCES_LAYER}
                  name={t('pcsEvent.map.resources')}
                  meta={t('pcsEvent.map.resourcesMeta')}
                  swatch={RESOURCE_SYMBOLS.shelter.colour}
                  status={pcsStatus[PCS_RESOURCES_LAYER]}
                  count={placedResources}
                  extra={resources.length > placedResources ? t(resources.length - placedResources === 1 ? 'pcsEvent.map.withoutPosition.one' : 'pcsEvent.map.withoutPosition.many', { count: resources.length - placedResources }) : null}
                  visible={!hidden.has(PCS_RESOURCES_LAYER)}
                  onVisible={(v) => toggleHidden(PCS_RESOURCES_LAYER, v)}
                  onRetry={() => void loadResources()}
                >
                  {resources.length > 0 ? (
                    <ul className="map-pcs-legend" aria-label={t('pcsEvent.map.legendLabel')}>
                      {[...new Set(resources.map((r) => r.kind))].map((k) => (
                        <li key={k}>
                          <span className={`pcs-glyph pcs-glyph--${k}`} aria-hidden="true" />
                          {resourceKindLabel(k)}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </PcsLayerRow>
                <PcsLayerRow
                  id={PCS_SITES_LAYER}
                  name={t('pcsEvent.map.sites')}
                  meta={t('pcsEvent.map.sitesMeta')}
                  swatch="#7a1f5c"
                  status={pcsStatus[PCS_SITES_LAYER]}
                  count={sites.length}
                  extra={null}
                  visible={!hidden.has(PCS_SITES_LAYER)}
                  onVisible={(v) => toggleHidden(PCS_SITES_LAYER, v)}
                  onRetry={() => void loadSites()}
                />
              </>
            ) : null}
            {layers.map((l) => {
              const st = status[l.id];
              return (
                <li key={l.id} className="map-layers__item" data-testid="map-layer" data-layer-id={l.id} data-layer-name={l.name} data-state={st?.status ?? 'loading'} data-count={st?.count ?? ''}>
                  <label className="map-check">
                    <input
                      type="checkbox"
                      checked={!hidden.has(l.id)}
                      onChange={(e) =>
                        setHidden((prev) => {
                          const next = new Set(prev);
                          if (e.target.checked) next.delete(l.id);
                          else next.add(l.id);
                          return next;
                        })
                      }
                    />
                    <span className="map-layers__swatch" style={{ background: l.style.colour }} aria-hidden="true" />
                    <span>{l.name}</span>
                  </label>
                  <span className="map-layers__meta">
                    {mapLayerKindLabels[l.kind]}
                    {l.eventId ? ` · ${t('map.layer.attached')}` : ''}
                    {st?.status === 'loading' ? ` · ${t('map.layer.loading')}` : st?.count !== undefined ? ` · ${t(st.count === 1 ? 'map.layer.count.one' : 'map.layer.count.many', { count: st.count.toLocaleString('fr-FR') })}` : ''}
                  </span>
                  {st?.status === 'error' ? (
                    <p className="map-layers__error" role="alert" data-testid="map-layer-error">
                      <Icon name="alert" size={14} />
                      {t('map.layer.errorPrefix', { name: l.name })} {st.message}
                    </p>
                  ) : null}
                  {l.kind !== 'wms' && st?.status === 'ready' ? (
                    <button type="button" className="link-button" aria-pressed={tableLayer === l.id} onClick={() => setTableLayer(tableLayer === l.id ? null : l.id)}>
                      {t(tableLayer === l.id ? 'map.table.hide' : 'map.table.show')}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
          {layersError ? <RetryAlert message={layersError} onRetry={() => void loadLayers()} /> : null}
          {session.guest ? <p className="muted small">{t('map.layer.guestNote')}</p> : null}
          {canAddLayer ? (
            <button type="button" className="button button--small" onClick={() => setAddOpen(true)}>
              <Icon name="plus" size={16} />
              {t('map.layer.add')}
            </button>
          ) : null}

          <h3 className="event-map__panel-title">{t('map.panel.perimeters')}</h3>
          {perimeters.length === 0 ? (
            <p className="muted small">{t('map.perimeter.none')}</p>
          ) : (
            <ul className="map-perimeters">
              {[...perimeters]
                .sort((a, b) => a.label.localeCompare(b.label, 'fr'))
                .map((p) => (
                  <li key={p.id} data-testid="map-perimeter" data-perimeter-id={p.id}>
                    <button type="button" className="map-perimeters__item" onClick={() => zoomToPerimeter(p)}>
                      <span className="map-layers__swatch" style={{ background: p.style.colour }} aria-hidden="true" />
                      <span>
                        <strong>{p.label}</strong>
                        <span className="map-layers__meta">{perimeterCategoryLabels[p.category]}</span>
                      </span>
                    </button>
                  </li>
                ))}
            </ul>
          )}
          <p className="muted small">{t(entries.length === 0 ? 'map.entry.count.none' : entries.length === 1 ? 'map.entry.count.one' : 'map.entry.count.many', { count: String(entries.length) })}</p>
        </aside>
      </div>

      {tableLayer && tableSource ? (
        <AttributeTable
          layer={layerById.get(tableLayer)!}
          source={tableSource}
          onClose={() => setTableLayer(null)}
          onPick={(f) => {
            showMap();
            const g = f.getGeometry();
            if (g) mapRef.current?.getView().fit(g.getExtent(), { padding: [80, 80, 80, 80], maxZoom: 17, duration: 250 });
            const l = layerById.get(tableLayer)!;
            const props = { ...f.getProperties() };
            delete props.geometry;
            const title = l.style.labelField && props[l.style.labelField] !== undefined ? String(props[l.style.labelField]) : l.name;
            setSelection({ kind: 'feature', layerId: l.id, featureId: f.getId() ?? '', properties: props, title });
          }}
        />
      ) : null}

      {pending ? (
        <PerimeterDialog
          eventId={event.id}
          geometry={pending}
          onClose={clearPending}
          onSaved={(p) => {
            clearPending();
            applyPerimeter(p.id, p);
            setSelection({ kind: 'perimeter', id: p.id });
          }}
        />
      ) : null}
      {editing ? (
        <PerimeterDialog
          eventId={event.id}
          perimeter={editing}
          onClose={() => setEditing(null)}
          onSaved={(p) => {
            setEditing(null);
            applyPerimeter(p.id, p);
          }}
        />
      ) : null}
      {placeAt ? (
        <PlaceEntryDialog
          eventId={event.id}
          at={placeAt}
          onClose={() => setPlaceAt(null)}
          onCreated={(entry) => {
            setPlaceAt(null);
            setMode('browse');
            setEntries((prev) => (prev.some((e) => e.id === entry.id) ? prev : [entry, ...prev]));
            setSelection({ kind: 'entry', id: entry.id });
          }}
        />
      ) : null}
      {addOpen ? (
        <AddLayerDialog
          eventId={event.id}
          onClose={() => setAddOpen(false)}
          onAdded={() => {
            setAddOpen(false);
            void loadLayers();
          }}
        />
      ) : null}
    </section>
  );
}

interface PcsLayerRowProps {
  id: string;
  name: string;
  meta: string;
  swatch: string;
  status: LayerStatus | undefined;
  count: number;
  extra: string | null;
  visible: boolean;
  onVisible: (visible: boolean) => void;
  onRetry: () => void;
  children?: ReactNode;
}

/** A row of the layer list for a layer of the safeguard plan (same markup as the organisation's layers). */
function PcsLayerRow({ id, name, meta, swatch, status, count, extra, visible, onVisible, onRetry, children }: PcsLayerRowProps) {
  const state = status?.status ?? 'loading';
  return (
    <li className="map-layers__item" data-testid="map-layer" data-layer-id={id} data-layer-name={name} data-state={state} data-count={state === 'ready' ? count : ''}>
      <label className="map-check">
        <input type="checkbox" checked={visible} onChange={(e) => onVisible(e.target.checked)} />
        <span className="map-layers__swatch" style={{ background: swatch }} aria-hidden="true" />
        <span>{name}</span>
      </label>
      <span className="map-layers__meta">
        {meta}
        {state === 'loading' ? ` · ${t('map.layer.loading')}` : state === 'ready' ? ` · ${t(count === 1 ? 'map.layer.count.one' : 'map.layer.count.many', { count: count.toLocaleString('fr-FR') })}` : ''}
        {extra ? ` · ${extra}` : ''}
      </span>
      {state === 'error' ? (
        <p className="map-layers__error" role="alert" data-testid="map-layer-error">
          <Icon name="alert" size={14} />
          <span>
            {t('map.layer.errorPrefix')} {status?.message}{' '}
            <button type="button" className="link-button" onClick={onRetry}>
              {t('action.retry')}
            </button>
          </span>
        </p>
      ) : null}
      {children}
    </li>
  );
}
