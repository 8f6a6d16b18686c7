// The statistical detection of one collected series (a commune, or the department), as
// docs/surveillance.md recommends for short daily or weekly counts: Noufaily et al. (2013)
// (farringtonFlexible, b = 3 years) once the series has enough history, EARS C3 (minSigma 0.5)
// before. Shared by the detection route (a commune's chart) and the refresher (stored results).

import { describeMethod, detect, explainPoint, presets, type DetectionMethod, type DetectionResult } from '../../../surveillance';
import type { CampaignPeriod } from '../../../shared/schemas/collection';
import { addDays, daysBetween, firstPeriodFrom, isoWeekday, periodStep } from './paris-time';

/** noufaily2013 needs b = 3 years of history plus its window (w = 3 periods); below, earsC3. */
export const NOUFAILY_YEARS = 3;
export const NOUFAILY_WINDOW = 3;
/** Periods of history from which Noufaily replaces EARS C3 (b years and the window). */
export const NOUFAILY_MIN_PERIODS = (period: CampaignPeriod): number => NOUFAILY_YEARS * (period === 'weekly' ? 52 : 365) + NOUFAILY_WINDOW + 1;
/** Periods before a point that EARS C3 reads (baseline 7, lag 2, two earlier C2 statistics: earsMaxLag), with margin. */
export const EARS_LOOKBACK = 14;
/** EARS C3's floor on the baseline standard deviation: a flat run of zeros does not alarm on a single 1. */
export const EARS_MIN_SIGMA = 0.5;

export type DetectionMethodName = 'noufaily2013' | 'earsC3';

/** The period dates of a campaign, from its first period to the one holding `today`. */
export function periodDates(startDate: string, period: CampaignPeriod, today: string): string[] {
  const first = firstPeriodFrom(startDate, period);
  const last = period === 'weekly' ? addDays(today, 1 - isoWeekday(today)) : today;
  const step = periodStep(period);
  const dates: string[] = [];
  for (let d = first; d <= last; d = addDays(d, step)) dates.push(d);
  return dates;
}

export interface ComputedPoint {
  date: string;
  observed: number | null;
  expected: number | null;
  upperbound: number | null;
  alarm: boolean | null;
  explanation: string;
}

export interface ComputedDetection {
  method: DetectionMethodName;
  methodDescription: string;
  /** Periods from the first declared value to the last date of the series. */
  historyLength: number;
  points: ComputedPoint[];
}

/**
 * Detection over `counts` (one per date of `dates`, null = not declared, never zero) for the
 * positions `from`..end. The method depends on the history: periods since the first declared value.
 */
export function computeDetection(dates: string[], counts: Array<number | null>, period: CampaignPeriod, from: number): ComputedDetection {
  const weekly = period === 'weekly';
  const step = weekly ? 7 : 1;
  const frequency = weekly ? 52 : 365;
  const n = dates.length;
  const firstDeclared = counts.findIndex((c) => c !== null);
  const historyLength = firstDeclared < 0 ? 0 : Math.floor(daysBetween(dates[firstDeclared], dates[n - 1]) / step) + 1;
  const useNoufaily = historyLength >= NOUFAILY_MIN_PERIODS(period);
  const method: DetectionMethodName = useNoufaily ? 'noufaily2013' : 'earsC3';
  if (n === 0 || from > n - 1) return { method, methodDescription: '', historyLength, points: [] };
  const range = { from: Math.max(0, from), to: n - 1 };
  // docs/surveillance.md: α = 0.05 for sparse series (the 5-in-4 rule filters), 0.01 from about one a period.
  const declared = counts.filter((c): c is number => c !== null);
  const mean = declared.length ? declared.reduce((a, b) => a + b, 0) / declared.length : 0;
  const alpha = mean >= 1 ? 0.01 : 0.05;
  const settings: DetectionMethod = useNoufaily ? presets.noufaily2013({ b: NOUFAILY_YEARS, w: NOUFAILY_WINDOW, alpha, range }) : presets.earsC3({ minSigma: EARS_MIN_SIGMA, range });
  const result: DetectionResult = detect({ counts, frequency, dates }, settings);
  return {
    method,
    methodDescription: describeMethod(result),
    historyLength,
    points: result.points.map((pt) => ({
      date: pt.date ?? dates[pt.index],
      observed: pt.observed,
      expected: pt.expected,
      upperbound: pt.upperbound,
      alarm: pt.alarm,
      explanation: explainPoint(pt, result),
    })),
  };
}
