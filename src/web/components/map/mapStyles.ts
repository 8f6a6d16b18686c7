// OpenLayers styles of the event map: a layer's style (colour, point symbol, label field), the
// perimeters drawn for the event, the entries placed on the map, the event and its sub-events.
// Styles are cached: a layer of 50,000 points draws with one Style object, not 50,000.
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { LayerStyle, MapIcon, Perimeter } from '../../../shared/schemas/map';

const WHITE = '#ffffff';

/** RGBA from #rrggbb and an opacity. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** A glyph drawn in a disc for the symbols that name a kind of place. */
const GLYPHS: Partial<Record<MapIcon, string>> = { school: 'É', health: '+', shelter: 'H', water: 'E', fire: 'F', warning: '!' };

function pointImage(icon: MapIcon, colour: string, size = 7) {
  const fill = new Fill({ color: colour });
  const stroke = new Stroke({ color: WHITE, width: 1.5 });
  switch (icon) {
    case 'square':
      return new RegularShape({ fill, stroke, points: 4, radius: size + 1, angle: Math.PI / 4 });
    case 'triangle':
      return new RegularShape({ fill, stroke, points: 3, radius: size + 2 });
    case 'star':
      return new RegularShape({ fill, stroke, points: 5, radius: size + 3, radius2: size - 2 });
    case 'cross':
      return new RegularShape({ stroke: new Stroke({ color: colour, width: 3 }), points: 4, radius: size + 2, radius2: 0, angle: Math.PI / 4 });
    case 'warning':
      return new RegularShape({ fill, stroke, points: 3, radius: size + 4 });
    default:
      return new CircleStyle({ fill, stroke, radius: GLYPHS[icon] ? size + 3 : size });
  }
}

/**
 * The style function of a layer. Labels (the `labelField` attribute) are drawn only when zoomed in
 * (resolution below ~20 m/pixel) so a dense layer stays readable and fast.
 */
export function layerStyleFunction(style: LayerStyle) {
  const line = new Stroke({ color: style.colour, width: 2 });
  const base = new Style({
    image: pointImage(style.icon, style.colour),
    stroke: line,
    fill: new Fill({ color: withAlpha(style.colour, 0.18) }),
    text: GLYPHS[style.icon] ? new Text({ text: GLYPHS[style.icon], font: 'bold 11px system-ui, sans-serif', fill: new Fill({ color: WHITE }) }) : undefined,
  });
  if (!style.labelField) return base;
  const field = style.labelField;
  const label = new Style({
    text: new Text({
      font: '12px system-ui, sans-serif',
      offsetY: -16,
      overflow: true,
      fill: new Fill({ color: '#1e1e1e' }),
      stroke: new Stroke({ color: WHITE, width: 3 }),
    }),
  });
  return (feature: FeatureLike, resolution: number) => {
    const v = feature.get(field);
    if (resolution > 20 || v === undefined || v === null || v === '') return base;
    label.getText()!.setText(String(v));
    return [base, label];
  };
}

const dashes: Record<Perimeter['style']['lineDash'], number[] | undefined> = { solid: undefined, dashed: [12, 8], dotted: [2, 7] };

/** A perimeter: its colour, width, dashes and fill; its label along or inside it. */
export function perimeterStyle(p: Perimeter, selected: boolean): Style[] {
  const s = p.style;
  const main = new Style({
    stroke: new Stroke({ color: s.colour, width: s.lineWidth + (selected ? 2 : 0), lineDash: dashes[s.lineDash] }),
    fill: new Fill({ color: withAlpha(s.colour, p.geometry.type === 'Polygon' ? s.fillOpacity : 0) }),
    zIndex: selected ? 20 : 10,
    text: new Text({
      text: p.label,
      font: 'bold 13px system-ui, sans-serif',
      placement: p.geometry.type === 'LineString' ? 'line' : 'point',
      overflow: true,
      fill: new Fill({ color: s.colour }),
      stroke: new Stroke({ color: WHITE, width: 4 }),
    }),
  });
  if (!selected) return [main];
  return [new Style({ stroke: new Stroke({ color: WHITE, width: s.lineWidth + 6 }), zIndex: 19 }), main];
}

/** An entry placed on the map: a pin, red when important. */
export function entryStyle(important: boolean, selected: boolean): Style {
  return new Style({
    image: new CircleStyle({ radius: selected ? 9 : 7, fill: new Fill({ color: important ? '#d4121e' : '#000091' }), stroke: new Stroke({ color: WHITE, width: 2 }) }),
    zIndex: 30,
  });
}

/** The event's own place (large star) or a sub-event's (smaller, with its title). */
export function eventPlaceStyle(kind: 'event' | 'sub_event', title: string): Style {
  const colour = kind === 'event' ? '#b34000' : '#6a6af4';
  return new Style({
    image: new RegularShape({ points: 5, radius: kind === 'event' ? 12 : 9, radius2: kind === 'event' ? 5 : 4, fill: new Fill({ color: colour }), stroke: new Stroke({ color: WHITE, width: 2 }) }),
    stroke: new Stroke({ color: colour, width: 3, lineDash: [6, 4] }),
    fill: new Fill({ color: withAlpha(colour, 0.08) }),
    text: new Text({ text: title, font: 'bold 12px system-ui, sans-serif', offsetY: -20, overflow: true, fill: new Fill({ color: colour }), stroke: new Stroke({ color: WHITE, width: 3 }) }),
    zIndex: 40,
  });
}

/** Commune outlines: the offline base. Names appear when zoomed in. */
export function outlineStyleFunction() {
  const plain = new Style({ stroke: new Stroke({ color: '#8f95a3', width: 0.8 }), fill: new Fill({ color: 'rgba(246, 246, 246, 0.9)' }) });
  const named = new Style({
    stroke: plain.getStroke()!,
    fill: plain.getFill()!,
    text: new Text({ font: '11px system-ui, sans-serif', fill: new Fill({ color: '#5f6470' }), stroke: new Stroke({ color: WHITE, width: 3 }), overflow: false }),
  });
  return (feature: FeatureLike, resolution: number) => {
    if (resolution > 80) return plain;
    named.getText()!.setText(String(feature.get('nom') ?? ''));
    return named;
  };
}
