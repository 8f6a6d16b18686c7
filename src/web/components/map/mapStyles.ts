// OpenLayers styles of the event map: a layer's style (colour, point symbol, label field), the
// perimeters drawn for the event, the entries placed on the map, the event and its sub-events.
// Styles are cached: a layer of 50,000 points draws with one Style object, not 50,000.
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { LayerStyle, MapIcon, Perimeter } from '../../../shared/schemas/map';
import type { ResourceKind, SiteKind } from '../../../shared/schemas/pcs';

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

// ---- plan communal de sauvegarde: resources engaged on the event, sensitive sites ----

/** One symbol per kind of resource (shape, colour, letter), the same in the event page's list. */
export const RESOURCE_SYMBOLS: Record<ResourceKind, { colour: string; glyph: string; points: number; angle: number; radius: number }> = {
  vehicle: { colour: '#0063cb', glyph: 'V', points: 4, angle: Math.PI / 4, radius: 13 },
  equipment: { colour: '#716043', glyph: 'M', points: 4, angle: 0, radius: 14 },
  room: { colour: '#6a6af4', glyph: 'S', points: 6, angle: 0, radius: 12 },
  shelter: { colour: '#18753c', glyph: 'H', points: 0, angle: 0, radius: 11 },
  team: { colour: '#a558a0', glyph: 'É', points: 5, angle: 0, radius: 13 },
};
const OVER_CAPACITY = '#ce0500';
const SITE_COLOUR = '#7a1f5c';
const SITE_GLYPHS: Record<SiteKind, string> = { school: 'É', daycare: 'C', nursing_home: 'R', hospital: '+', public_building: 'P', industrial: 'I', other: '!' };

const resourceCache = new Map<string, Style>();

function resourceSymbol(kind: ResourceKind, over: boolean, selected: boolean): Style {
  const key = `${kind}:${over}:${selected}`;
  let style = resourceCache.get(key);
  if (style) return style;
  const s = RESOURCE_SYMBOLS[kind];
  const fill = new Fill({ color: over ? OVER_CAPACITY : s.colour });
  const stroke = new Stroke({ color: selected ? '#161616' : WHITE, width: selected ? 3 : 2 });
  const radius = s.radius + (selected ? 2 : 0);
  // Layers of the plan are decluttered together: symbols and occupancies always show, names give way.
  style = new Style({
    image:
      s.points === 0
        ? new CircleStyle({ radius, fill, stroke, declutterMode: 'obstacle' })
        : new RegularShape({ points: s.points, radius, angle: s.angle, fill, stroke, declutterMode: 'obstacle' }),
    text: new Text({ text: s.glyph, font: 'bold 12px system-ui, sans-serif', fill: new Fill({ color: WHITE }), offsetY: 1, declutterMode: 'none' }),
    zIndex: selected ? 60 : 50,
  });
  resourceCache.set(key, style);
  return style;
}

/**
 * A resource engaged on the event: its kind's symbol; a shelter carries « occupancy/capacity » in a
 * label under it (red over capacity); the name shows when zoomed in.
 */
export function resourceStyle(f: FeatureLike, resolution: number, selected: boolean): Style[] {
  const kind = f.get('kind') as ResourceKind;
  const over = Boolean(f.get('overCapacity'));
  const styles = [resourceSymbol(kind, over, selected)];
  const occupancy = f.get('occupancyLabel') as string | null;
  if (occupancy) {
    styles.push(
      new Style({
        text: new Text({
          text: occupancy,
          font: 'bold 12px system-ui, sans-serif',
          offsetY: 25,
          fill: new Fill({ color: over ? WHITE : '#18753c' }),
          backgroundFill: new Fill({ color: over ? OVER_CAPACITY : WHITE }),
          backgroundStroke: new Stroke({ color: over ? OVER_CAPACITY : '#18753c', width: 1.5 }),
          padding: [2, 4, 1, 4],
          overflow: true,
          declutterMode: 'obstacle',
        }),
        zIndex: 55,
      }),
    );
  }
  if (resolution < 20 || selected) {
    styles.push(
      new Style({
        text: new Text({
          text: String(f.get('nom') ?? ''),
          font: '600 12px system-ui, sans-serif',
          offsetY: -24,
          overflow: true,
          fill: new Fill({ color: '#161616' }),
          stroke: new Stroke({ color: WHITE, width: 3 }),
        }),
        zIndex: 54,
      }),
    );
  }
  return styles;
}

const siteCache = new Map<string, Style>();

/** A sensitive site (school, nursing home…): a white disc ringed in plum with its letter; its name when zoomed in. */
export function siteStyle(f: FeatureLike, resolution: number, selected: boolean): Style[] {
  const kind = f.get('kind') as SiteKind;
  const key = `${kind}:${selected}`;
  let symbol = siteCache.get(key);
  if (!symbol) {
    symbol = new Style({
      image: new CircleStyle({ radius: selected ? 12 : 10, fill: new Fill({ color: WHITE }), stroke: new Stroke({ color: SITE_COLOUR, width: selected ? 4 : 2.5 }), declutterMode: 'obstacle' }),
      text: new Text({ text: SITE_GLYPHS[kind] ?? '!', font: 'bold 12px system-ui, sans-serif', fill: new Fill({ color: SITE_COLOUR }), offsetY: 1, declutterMode: 'none' }),
      zIndex: selected ? 45 : 35,
    });
    siteCache.set(key, symbol);
  }
  if (resolution >= 5 && !selected) return [symbol];
  return [
    symbol,
    new Style({
      text: new Text({
        text: String(f.get('nom') ?? ''),
        font: '12px system-ui, sans-serif',
        offsetY: -20,
        overflow: true,
        fill: new Fill({ color: SITE_COLOUR }),
        stroke: new Stroke({ color: WHITE, width: 3 }),
      }),
      zIndex: 36,
    }),
  ];
}
