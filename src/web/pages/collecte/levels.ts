// Colours and classes of the collection maps: alert levels, and classes of counts or rates with
// 0 as a class of its own and "no answer" never drawn like a zero.

import { alertLevelColors, type AlertLevel, type OverviewCommune } from '../../../shared';

/** The same colours as the PDF report. */
export const LEVEL_COLORS = alertLevelColors;
/** Text on a level's colour. */
export const LEVEL_INK: Record<AlertLevel, string> = { vert: '#ffffff', jaune: '#1e1e1e', orange: '#1e1e1e', rouge: '#ffffff' };

export const ZERO_COLOR = '#f1f5f9';
/** Sequential palette for counts and rates, light to dark. */
export const RAMP = ['#fde0c5', '#f8a978', '#e4572e', '#8c1c13'] as const;
export const NOT_ASKED_COLOR = '#ffffff';

export type MapMode = 'count' | 'rate7' | 'ratePeriod' | 'level';
export const mapModes: MapMode[] = ['count', 'rate7', 'ratePeriod', 'level'];

export interface ClassDef {
  key: string;
  label: string;
  color: string;
  /** Inclusive bounds; `min` = `max` = 0 for the zero class. */
  min: number;
  max: number;
}

const fmt = (v: number, decimals: number) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: decimals, minimumFractionDigits: 0 }).format(v);

/**
 * Classes for positive values: 0 alone, then up to four classes cut at the quartiles of the
 * positive values (rounded up: to integers for counts, to one decimal for rates), so that a map of
 * small communes and one of large ones both show contrast. No positive value: the zero class only.
 */
export function classesFor(values: number[], decimals: 0 | 1): ClassDef[] {
  const out: ClassDef[] = [{ key: 'zero', label: '0', color: ZERO_COLOR, min: 0, max: 0 }];
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (positive.length === 0) return out;
  const round = (v: number) => (decimals === 0 ? Math.ceil(v) : Math.ceil(v * 10 - 1e-9) / 10);
  const top = positive[positive.length - 1];
  const cuts: number[] = [];
  for (const p of [0.25, 0.5, 0.75]) {
    const u = round(positive[Math.min(positive.length - 1, Math.floor(p * positive.length))]);
    if (u < top && u > (cuts.at(-1) ?? 0)) cuts.push(u);
  }
  const n = cuts.length + 1;
  const colors = n === 4 ? RAMP : n === 3 ? [RAMP[0], RAMP[2], RAMP[3]] : n === 2 ? [RAMP[1], RAMP[3]] : [RAMP[2]];
  for (let i = 0; i < n; i++) {
    const upper = i < cuts.length ? cuts[i] : Infinity;
    let label: string;
    if (decimals === 0) {
      const lo = i === 0 ? 1 : cuts[i - 1] + 1;
      const hi = i < cuts.length ? cuts[i] : top;
      label = lo >= hi ? fmt(hi, 0) : i === n - 1 && n > 1 ? `${fmt(lo, 0)} et plus` : `${fmt(lo, 0)} – ${fmt(hi, 0)}`;
    } else {
      label = n === 1 ? `> 0` : i === 0 ? `≤ ${fmt(cuts[0], 1)}` : i === n - 1 ? `> ${fmt(cuts[i - 1], 1)}` : `${fmt(cuts[i - 1], 1)} – ${fmt(cuts[i], 1)}`;
    }
    out.push({ key: `c${i}`, label, color: colors[i], min: i === 0 ? 0 : cuts[i - 1], max: upper });
  }
  return out;
}

/** The class of a value: the zero class for 0, else the first class whose upper bound holds it. */
export function classOf(value: number, classes: ClassDef[]): ClassDef {
  if (value <= 0) return classes[0];
  return classes.slice(1).find((c) => value <= c.max) ?? classes[classes.length - 1];
}

/** What a commune shows on the map in a mode: a value (null = no answer) or its level. */
export function valueFor(c: OverviewCommune, mode: MapMode): number | null {
  switch (mode) {
    case 'count':
      return c.value;
    case 'rate7':
      return c.window.answered === 0 ? null : c.window.rate;
    case 'ratePeriod':
      return c.period.answered === 0 ? null : c.period.rate;
    default:
      return null;
  }
}

export interface CommuneStyle {
  /** A colour, or 'hatch' for "no answer". */
  fill: string | 'hatch';
  /** data-class attribute for tests and the accessible list. */
  key: string;
}

/** The fill of every commune of the overview in a mode, with the legend. */
export function mapStyles(communes: OverviewCommune[], mode: MapMode): { styles: Map<string, CommuneStyle>; legend: Array<{ key: string; label: string; color: string | 'hatch' }> } {
  const styles = new Map<string, CommuneStyle>();
  if (mode === 'level') {
    for (const c of communes) {
      // A green commune that did not answer that day is drawn as "no answer": green would claim a zero.
      styles.set(c.inseeCode, c.level === 'vert' && c.value === null ? { fill: 'hatch', key: 'no-answer' } : { fill: LEVEL_COLORS[c.level], key: c.level });
    }
    return {
      styles,
      legend: [
        { key: 'rouge', label: 'Rouge', color: LEVEL_COLORS.rouge },
        { key: 'orange', label: 'Orange', color: LEVEL_COLORS.orange },
        { key: 'jaune', label: 'Jaune', color: LEVEL_COLORS.jaune },
        { key: 'vert', label: 'Vert', color: LEVEL_COLORS.vert },
        { key: 'no-answer', label: 'Vert, pas de réponse ce jour', color: 'hatch' },
      ],
    };
  }
  const decimals = mode === 'count' ? 0 : 1;
  const values = communes.map((c) => valueFor(c, mode)).filter((v): v is number => v !== null);
  const classes = classesFor(values, decimals);
  for (const c of communes) {
    const v = valueFor(c, mode);
    if (v === null) styles.set(c.inseeCode, { fill: 'hatch', key: 'no-answer' });
    else {
      const cls = classOf(v, classes);
      styles.set(c.inseeCode, { fill: cls.color, key: cls.label });
    }
  }
  return {
    styles,
    legend: [...classes.map((c) => ({ key: c.label, label: c.label, color: c.color })), { key: 'no-answer', label: 'Pas de réponse', color: 'hatch' }],
  };
}
