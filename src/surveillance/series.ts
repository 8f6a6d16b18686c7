// Validation and one-time preparation of a series: counts as a Float64Array with NaN for missing
// (R's NA and NaN behave alike in every formula of the SPEC), dates as day numbers.

import { SurveillanceError, type MonitorRange, type Series } from './types';

export interface PreparedSeries {
  n: number;
  y: Float64Array;
  frequency: number;
  /** Set by `seriesDays` on first use: earsC and cusum never need the calendar. */
  day: Int32Array | null;
  /** Spacing of the dates in days (1 daily, 7 weekly); R's Δ = d[2] − d[1]. Set with `day`. */
  spacing: number;
  dates: ReadonlyArray<string> | null;
  population: Float64Array | null;
  start: readonly [number, number];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (the usual civil-from-days arithmetic). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day number of an ISO yyyy-mm-dd date; throws on anything else. Hand-written: 35,000 series × 1,826 dates. */
export function parseIsoDay(s: string): number {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) {
    throw new SurveillanceError('INVALID_SERIES', `Date invalide « ${String(s)} » : format attendu AAAA-MM-JJ.`);
  }
  const c0 = s.charCodeAt(0) - 48;
  const c1 = s.charCodeAt(1) - 48;
  const c2 = s.charCodeAt(2) - 48;
  const c3 = s.charCodeAt(3) - 48;
  const c5 = s.charCodeAt(5) - 48;
  const c6 = s.charCodeAt(6) - 48;
  const c8 = s.charCodeAt(8) - 48;
  const c9 = s.charCodeAt(9) - 48;
  // (x >>> 0) > 9 rejects anything that is not a digit, negative values included
  if ((c0 >>> 0) > 9 || (c1 >>> 0) > 9 || (c2 >>> 0) > 9 || (c3 >>> 0) > 9 || (c5 >>> 0) > 9 || (c6 >>> 0) > 9 || (c8 >>> 0) > 9 || (c9 >>> 0) > 9) {
    throw new SurveillanceError('INVALID_SERIES', `Date invalide « ${s} ».`);
  }
  const y = c0 * 1000 + c1 * 100 + c2 * 10 + c3;
  const m = c5 * 10 + c6;
  const d = c8 * 10 + c9;
  if (m < 1 || m > 12 || d < 1 || d > (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : DAYS_IN_MONTH[m - 1])) {
    throw new SurveillanceError('INVALID_SERIES', `Date invalide « ${s} ».`);
  }
  return daysFromCivil(y, m, d);
}

export function dayToIso(day: number): string {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

export function prepareSeries(series: Series): PreparedSeries {
  const counts = series.counts;
  if (!Array.isArray(counts) && !ArrayBuffer.isView(counts)) {
    throw new SurveillanceError('INVALID_SERIES', 'counts doit être un tableau de comptes.');
  }
  const n = counts.length;
  if (n === 0) throw new SurveillanceError('INVALID_SERIES', 'La série est vide.');
  if (series.frequency !== 365 && series.frequency !== 52 && series.frequency !== 12) {
    throw new SurveillanceError('INVALID_SERIES', `Fréquence ${String(series.frequency)} non prise en charge (365, 52 ou 12).`);
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = counts[i];
    if (v === null || v === undefined || Number.isNaN(v)) {
      y[i] = NaN;
    } else if (typeof v !== 'number' || v < 0 || !Number.isFinite(v)) {
      throw new SurveillanceError('INVALID_SERIES', `Compte invalide à la position ${i} : ${String(v)}.`);
    } else {
      y[i] = v;
    }
  }
  const dates = series.dates ?? null;
  if (dates !== null && dates.length !== n) {
    throw new SurveillanceError('INVALID_SERIES', 'dates et counts n’ont pas la même longueur.');
  }
  let population: Float64Array | null = null;
  if (series.population !== undefined && series.population !== null) {
    if (series.population.length !== n) {
      throw new SurveillanceError('INVALID_SERIES', 'population et counts n’ont pas la même longueur.');
    }
    population = Float64Array.from(series.population);
  }
  return { n, y, frequency: series.frequency, day: null, spacing: 1, dates, population, start: series.start ?? [1, 1] };
}

/**
 * Day numbers of the dates (null without dates), parsed and checked once: increasing, and equally
 * spaced except for monthly series.
 */
export function seriesDays(ps: PreparedSeries): Int32Array | null {
  if (ps.day !== null || ps.dates === null) return ps.day;
  const { dates, n } = ps;
  const day = new Int32Array(n);
  for (let i = 0; i < n; i++) day[i] = parseIsoDay(dates[i]);
  let spacing = 1;
  if (n > 1) {
    spacing = day[1] - day[0];
    if (spacing <= 0) throw new SurveillanceError('INVALID_SERIES', 'Les dates doivent être croissantes.');
    for (let i = 2; i < n; i++) {
      const gap = day[i] - day[i - 1];
      if (gap <= 0) throw new SurveillanceError('INVALID_SERIES', 'Les dates doivent être croissantes.');
      if (ps.frequency !== 12 && gap !== spacing) {
        throw new SurveillanceError('INVALID_SERIES', `Dates non équidistantes entre ${dates[i - 1]} et ${dates[i]}.`);
      }
    }
  }
  ps.day = day;
  ps.spacing = spacing;
  return day;
}

export function checkRange(range: MonitorRange, n: number): void {
  if (!Number.isInteger(range.from) || !Number.isInteger(range.to) || range.from > range.to) {
    throw new SurveillanceError('INVALID_RANGE', `Plage surveillée invalide (${range.from}–${range.to}).`);
  }
  if (range.from < 0 || range.to >= n) {
    throw new SurveillanceError('INVALID_RANGE', `Plage surveillée ${range.from}–${range.to} hors de la série (0–${n - 1}).`);
  }
}
