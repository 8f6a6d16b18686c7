// In-page helpers of the browser part of `npm run bench:map`, installed with `page.addInitScript`
// as `window.__benchMap`. Plain JavaScript in a string: functions with inner named functions
// handed to `page.evaluate` from a file compiled by tsx carry esbuild's `__name` helper, which does
// not exist in the page; and the page's CSP forbids evaluating strings. So the bench calls these
// with one-line arrow functions (`() => window.__benchMap.rows()`).
//
// They drive the OpenLayers map of the event map page through the `olMap` property of its element
// ([data-testid="event-map"]), the hooks the page sets for browser tests and benches.

export interface BenchMapHelpers {
  state(expectedLayers: number): false | string;
  rows(): Array<{ name: string; state: string; count: string }>;
  renderOnce(): Promise<{ at: number; zoom: number; attr: number }>;
  featureFetches(): Array<{ start: number; end: number; bytes: number; decoded: number; tile: boolean }>;
  domContentLoaded(): number;
  fitData(): Promise<{ ms: number; zoom: number; size: number[] }>;
  goTo(lon: number, lat: number, zoom: number): Promise<{ ms: number; zoom: number }>;
  pan(durationMs: number, interacting: boolean): Promise<number[]>;
}

declare global {
  interface Window {
    __benchMap: BenchMapHelpers;
  }
}

export const MAP_PAGE_HELPERS = String.raw`
(() => {
  const R = 6378137;
  const merc = (lon, lat) => [R * (lon * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
  const mapEl = () => document.querySelector('[data-testid="event-map"]');
  const olMap = () => {
    const el = mapEl();
    if (!el || !el.olMap) throw new Error('pas de carte OpenLayers sur la page');
    return el.olMap;
  };
  /**
   * The rendercomplete of a frame rendered after the change (Date.now()). OpenLayers dispatches it
   * in a timeout after a frame: one pending from an earlier frame is skipped by the frame index.
   */
  const nextRenderComplete = (map, change) =>
    new Promise((resolve) => {
      let first = -1;
      const onPost = (e) => {
        if (first < 0) first = e.frameState.index;
      };
      const onComplete = (e) => {
        if (first < 0 || !e.frameState || e.frameState.index < first) return;
        map.un('postrender', onPost);
        map.un('rendercomplete', onComplete);
        resolve(Date.now());
      };
      if (change) change();
      map.on('postrender', onPost);
      map.on('rendercomplete', onComplete);
      map.render();
    });
  const dataExtent = (map) => {
    const ext = [Infinity, Infinity, -Infinity, -Infinity];
    map.getLayers().forEach((l) => {
      if (l.get('vigie') !== 'data') return;
      const src = l.getSource && l.getSource();
      const e = src && src.getExtent && src.getExtent();
      if (!e || !isFinite(e[0])) return;
      ext[0] = Math.min(ext[0], e[0]);
      ext[1] = Math.min(ext[1], e[1]);
      ext[2] = Math.max(ext[2], e[2]);
      ext[3] = Math.max(ext[3], e[3]);
    });
    if (isFinite(ext[0])) return ext;
    // The Hérault, when no data layer has an extent.
    return [...merc(2.53, 43.21), ...merc(4.19, 43.98)];
  };

  window.__benchMap = {
    /** false while loading; 'ready:<Date.now()>' when every layer row is ready; 'error:…' on a failure. */
    state(expectedLayers) {
      const failed = document.querySelector('[data-testid="map-layer-error"]');
      if (failed) return 'error:' + failed.textContent;
      const el = mapEl();
      if (!el || !el.olMap) return false;
      if (el.dataset.layersSettled !== 'true') return false;
      const rows = [...document.querySelectorAll('[data-testid="map-layer"]')];
      if (rows.length < expectedLayers) return false;
      const bad = rows.find((r) => r.dataset.state === 'error');
      if (bad) return 'error:' + bad.dataset.layerName + ' en erreur';
      if (!rows.every((r) => r.dataset.state === 'ready')) return false;
      return 'ready:' + Date.now();
    },
    /** What each layer row of the panel says. */
    rows() {
      return [...document.querySelectorAll('[data-testid="map-layer"]')].map((r) => ({ name: r.dataset.layerName, state: r.dataset.state, count: r.dataset.count }));
    },
    /** The next rendercomplete of the map (Date.now()), and the view then. */
    async renderOnce() {
      const map = olMap();
      const at = await nextRenderComplete(map);
      return { at, zoom: map.getView().getZoom(), attr: Number(mapEl().dataset.rendercomplete) };
    },
    /** The feature fetches of the data layers, as the browser timed them (ms since navigation). */
    featureFetches() {
      return performance
        .getEntriesByType('resource')
        .filter((e) => /\/api\/map-layers\/[^/]+\/(features|tiles\/)/.test(e.name))
        .map((e) => ({ start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize, decoded: e.decodedBodySize, tile: /\/tiles\//.test(e.name) }));
    },
    /** When the document and its scripts were done (ms since navigation). */
    domContentLoaded() {
      const nav = performance.getEntriesByType('navigation')[0];
      return nav ? nav.domContentLoadedEventEnd : NaN;
    },
    /** Fits the view to the extent of all data layers and times the rendercomplete that follows. */
    async fitData() {
      const map = olMap();
      const extent = dataExtent(map);
      const t0 = performance.now();
      await nextRenderComplete(map, () => map.getView().fit(extent));
      return { ms: performance.now() - t0, zoom: map.getView().getZoom(), size: map.getSize() };
    },
    /** Centres the view on lon/lat at a zoom and times the rendercomplete that follows. */
    async goTo(lon, lat, zoom) {
      const map = olMap();
      const view = map.getView();
      const t0 = performance.now();
      await nextRenderComplete(map, () => {
        view.setCenter(merc(lon, lat));
        view.setZoom(zoom);
      });
      return { ms: performance.now() - t0, zoom: view.getZoom() };
    },
    /**
     * Pans for durationMs (and at least 10 frames, 30 s at most): every animation frame moves the
     * centre by 0.5 % of the visible width (60 frames one way, 60 back), so OpenLayers renders on
     * the next frame; returns the intervals between frames (performance.now()). With interacting,
     * the view carries the INTERACTING hint like a drag with the mouse (OpenLayers then keeps its
     * vector instructions and replays them moved, instead of rebuilding them).
     */
    pan(durationMs, interacting) {
      const map = olMap();
      const view = map.getView();
      const c0 = view.getCenter().slice();
      const width = map.getSize()[0] * view.getResolution();
      const step = 0.005 * width;
      return new Promise((resolve) => {
        const deltas = [];
        let last = -1;
        let i = 0;
        const start = performance.now();
        if (interacting) view.beginInteraction();
        const tick = () => {
          const now = performance.now();
          if (last >= 0) deltas.push(now - last);
          last = now;
          if ((now - start >= durationMs && deltas.length >= 10) || now - start >= 30000) {
            if (interacting) view.endInteraction();
            nextRenderComplete(map, () => view.setCenter(c0)).then(() => resolve(deltas));
            return;
          }
          const dir = Math.floor(i / 60) % 2 === 0 ? 1 : -1;
          i += 1;
          const c = view.getCenter();
          view.setCenter([c[0] + dir * step, c[1]]);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    },
  };
})();
`;
