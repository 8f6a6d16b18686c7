import { useEffect, useRef } from 'react';
import OlMap from 'ol/Map';
import View from 'ol/View';
import Overlay from 'ol/Overlay';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import GeoJSON from 'ol/format/GeoJSON';
import { Fill, Stroke, Style } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import { defaults as defaultControls } from 'ol/control/defaults';
import { defaults as defaultInteractions } from 'ol/interaction/defaults';
import 'ol/ol.css';
import { routeUrl } from '../../api/client';
import { t } from '../../i18n';
import { NOT_ASKED_COLOR, type CommuneStyle } from './levels';

export const NO_ANSWER_COLOR = '#9ca3af';

/** Grey hatching: "pas de réponse", never mistaken for a 0. */
function hatchPattern(): CanvasPattern | string {
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const ctx = c.getContext('2d');
  if (!ctx) return NO_ANSWER_COLOR;
  ctx.fillStyle = '#e5e7eb';
  ctx.fillRect(0, 0, 8, 8);
  ctx.strokeStyle = '#6b7280';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(0, 8);
  ctx.lineTo(8, 0);
  ctx.moveTo(-2, 2);
  ctx.lineTo(2, -2);
  ctx.moveTo(6, 10);
  ctx.lineTo(10, 6);
  ctx.stroke();
  return ctx.createPattern(c, 'repeat') ?? NO_ANSWER_COLOR;
}

export function Swatch({ color }: { color: string | 'hatch' }) {
  return color === 'hatch' ? <span className="legend__swatch legend__swatch--hatch" aria-hidden="true" /> : <span className="legend__swatch" style={{ background: color }} aria-hidden="true" />;
}

interface Props {
  departmentCode: string;
  /** Style of each asked commune; communes absent from the map are "not asked". */
  styles: Map<string, CommuneStyle>;
  selected?: string | null;
  onSelect?: (inseeCode: string) => void;
  /** Tooltip text of a commune (hover). */
  labelOf?: (inseeCode: string) => string | null;
  /** A still map (printed report): no pan, zoom or click. */
  still?: boolean;
  className?: string;
}

/** Choropleth of the department's communes on the shipped outlines (no tile layer: works offline). */
export function CommuneMap({ departmentCode, styles, selected = null, onSelect, labelOf, still = false, className }: Props) {
  const target = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const layerRef = useRef<VectorLayer | null>(null);
  const state = useRef({ styles, selected, onSelect, labelOf });
  state.current = { styles, selected, onSelect, labelOf };

  useEffect(() => {
    if (!target.current) return;
    const hatch = hatchPattern();
    const stroke = new Stroke({ color: '#475569', width: 0.6 });
    const selectedStroke = new Stroke({ color: '#000091', width: 3 });
    const cache = new Map<string, Style>();
    const styleFor = (fill: string | CanvasPattern, key: string, isSelected: boolean) => {
      const k = `${key}${isSelected ? ':sel' : ''}`;
      let s = cache.get(k);
      if (!s) {
        s = new Style({ fill: new Fill({ color: fill }), stroke: isSelected ? selectedStroke : stroke, zIndex: isSelected ? 2 : 1 });
        cache.set(k, s);
      }
      return s;
    };
    const source = new VectorSource();
    const layer = new VectorLayer({
      source,
      style: (feature: FeatureLike) => {
        const code = String(feature.get('code'));
        const { styles: st, selected: sel } = state.current;
        const isSel = code === sel;
        const s = st.get(code);
        if (!s) return styleFor(NOT_ASKED_COLOR, 'none', isSel);
        return s.fill === 'hatch' ? styleFor(hatch, 'hatch', isSel) : styleFor(s.fill, s.fill, isSel);
      },
    });
    layerRef.current = layer;
    const overlay = tip.current ? new Overlay({ element: tip.current, offset: [12, 0], positioning: 'center-left', stopEvent: false }) : undefined;
    const map = new OlMap({
      target: target.current,
      layers: [layer],
      overlays: overlay ? [overlay] : [],
      view: new View({ center: [0, 0], zoom: 2 }),
      controls: still ? [] : defaultControls({ attribution: false, rotate: false }),
      interactions: still ? [] : defaultInteractions({ altShiftDragRotate: false, pinchRotate: false }),
    });
    if (!still) {
      map.on('singleclick', (e) => {
        map.forEachFeatureAtPixel(e.pixel, (f) => {
          const code = String(f.get('code'));
          if (state.current.styles.has(code)) {
            state.current.onSelect?.(code);
            return true;
          }
          return false;
        });
      });
      map.on('pointermove', (e) => {
        if (e.dragging) return;
        let code: string | null = null;
        map.forEachFeatureAtPixel(e.pixel, (f) => {
          code = String(f.get('code'));
          return true;
        });
        (map.getViewport() as HTMLElement | undefined)?.style.setProperty('cursor', code && state.current.styles.has(code) ? 'pointer' : '');
        const text = code ? (state.current.labelOf?.(code) ?? null) : null;
        if (overlay && tip.current) {
          tip.current.textContent = text ?? '';
          overlay.setPosition(text ? e.coordinate : undefined);
        }
      });
    }
    const controller = new AbortController();
    fetch(routeUrl('getDepartmentOutlines', { code: departmentCode }), { credentials: 'same-origin', signal: controller.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((geo: unknown) => {
        const features = new GeoJSON().readFeatures(geo, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
        source.addFeatures(features);
        // Frame the communes asked (the whole department when there are many).
        const asked = features.filter((f) => state.current.styles.has(String(f.get('code'))));
        const extentSource = asked.length ? new VectorSource({ features: asked }) : source;
        const extent = extentSource.getExtent();
        if (extent) map.getView().fit(extent, { padding: [12, 12, 12, 12], maxZoom: 12 });
        target.current?.setAttribute('data-loaded', String(features.length));
      })
      .catch(() => target.current?.setAttribute('data-loaded', 'error'));
    return () => {
      controller.abort();
      map.setTarget(undefined);
      layerRef.current = null;
    };
  }, [departmentCode, still]);

  useEffect(() => {
    layerRef.current?.changed();
  }, [styles, selected]);

  return (
    <div className={`commune-map-frame ${className ?? ''}`}>
      <div ref={target} className="commune-map" role="img" aria-label={t('collecte.dash.mapLabel')} data-testid="commune-map" />
      <div ref={tip} className="map-tip" aria-hidden="true" />
    </div>
  );
}
