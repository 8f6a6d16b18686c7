import { useEffect, useRef } from 'react';
import OlMap from 'ol/Map';
import View from 'ol/View';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import GeoJSON from 'ol/format/GeoJSON';
import { Fill, Stroke, Style } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import { defaults as defaultControls } from 'ol/control/defaults';
import 'ol/ol.css';
import { routeUrl } from '../../api/client';
import { t } from '../../i18n';

/** Classes of the day's total per commune; 0 is a class of its own, distinct from "no answer". */
export const CLASSES = [
  { min: 0, max: 0, label: '0', color: '#f1f5f9' },
  { min: 1, max: 2, label: '1 – 2', color: '#fde0c5' },
  { min: 3, max: 5, label: '3 – 5', color: '#f8a978' },
  { min: 6, max: 10, label: '6 – 10', color: '#e4572e' },
  { min: 11, max: Infinity, label: '> 10', color: '#8c1c13' },
] as const;

export const NO_ANSWER_COLOR = '#9ca3af';
export const NOT_ASKED_COLOR = '#ffffff';

export function classOf(total: number | null | undefined): (typeof CLASSES)[number] | null {
  if (total === null || total === undefined) return null;
  return CLASSES.find((c) => total >= c.min && total <= c.max) ?? null;
}

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

export function HatchSwatch() {
  return <span className="legend__swatch legend__swatch--hatch" aria-hidden="true" />;
}

interface Props {
  departmentCode: string;
  /** Asked communes: total of the date, or null when not answered. */
  totals: Map<string, number | null>;
  selected: string | null;
  onSelect: (inseeCode: string) => void;
}

/** Choropleth of the department's communes on the shipped outlines (no tile layer). */
export function CommuneMap({ departmentCode, totals, selected, onSelect }: Props) {
  const target = useRef<HTMLDivElement>(null);
  const layerRef = useRef<VectorLayer | null>(null);
  const state = useRef({ totals, selected, onSelect });
  state.current = { totals, selected, onSelect };

  useEffect(() => {
    if (!target.current) return;
    const hatch = hatchPattern();
    const stroke = new Stroke({ color: '#475569', width: 0.6 });
    const selectedStroke = new Stroke({ color: '#1e3a8a', width: 3 });
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
        const { totals: tot, selected: sel } = state.current;
        const isSel = code === sel;
        if (!tot.has(code)) return styleFor(NOT_ASKED_COLOR, 'none', isSel);
        const cls = classOf(tot.get(code));
        return cls ? styleFor(cls.color, cls.label, isSel) : styleFor(hatch, 'hatch', isSel);
      },
    });
    layerRef.current = layer;
    const map = new OlMap({
      target: target.current,
      layers: [layer],
      view: new View({ center: [0, 0], zoom: 2 }),
      controls: defaultControls({ attribution: false, rotate: false }),
    });
    map.on('singleclick', (e) => {
      map.forEachFeatureAtPixel(e.pixel, (f) => {
        const code = String(f.get('code'));
        if (state.current.totals.has(code)) {
          state.current.onSelect(code);
          return true;
        }
        return false;
      });
    });
    map.on('pointermove', (e) => {
      const hit = map.hasFeatureAtPixel(e.pixel);
      (map.getViewport() as HTMLElement | undefined)?.style.setProperty('cursor', hit ? 'pointer' : '');
    });
    const controller = new AbortController();
    fetch(routeUrl('getDepartmentOutlines', { code: departmentCode }), { credentials: 'same-origin', signal: controller.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((geo: unknown) => {
        const features = new GeoJSON().readFeatures(geo, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
        source.addFeatures(features);
        // Frame the communes asked (the whole department when there are many).
        const asked = features.filter((f) => state.current.totals.has(String(f.get('code'))));
        const extentSource = asked.length ? new VectorSource({ features: asked }) : source;
        const extent = extentSource.getExtent();
        if (extent) map.getView().fit(extent, { padding: [16, 16, 16, 16], maxZoom: 12 });
      })
      .catch(() => {});
    return () => {
      controller.abort();
      map.setTarget(undefined);
      layerRef.current = null;
    };
  }, [departmentCode]);

  useEffect(() => {
    layerRef.current?.changed();
  }, [totals, selected]);

  return <div ref={target} className="commune-map" role="img" aria-label={t('collecte.dash.map')} data-testid="commune-map" />;
}
