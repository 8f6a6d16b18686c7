// CDC EARS C1, C2, C3 as R surveillance 1.20.3 `earsC` computes them (SPEC section 1),
// including R's C3, which is neither the CDC C3 nor the formula on R's help page:
// U(t) = max(0, y[t] + σ₂(t)·(z − L(t))), L(t) = Σ_{j=1,2} max(0, C2(t−j) − 1).
// NaN stands for R's NA/NaN; Math.max propagates NaN exactly as R's max() without na.rm.

import { qnorm } from './distributions';
import type { PreparedSeries } from './series';
import { checkRange } from './series';
import {
  SurveillanceError,
  type DetectionPoint,
  type EarsCSettings,
  type ResolvedEarsC,
} from './types';

/** Largest lag the variant reads: B (C1), B+2 (C2), B+4 (C3, through C2(t−2)). */
export function earsMaxLag(variant: EarsCSettings['variant'], baseline: number): number {
  return variant === 'C1' ? baseline : variant === 'C2' ? baseline + 2 : baseline + 4;
}

export function resolveEarsC(s: EarsCSettings, n: number): ResolvedEarsC {
  if (s.variant !== 'C1' && s.variant !== 'C2' && s.variant !== 'C3') {
    throw new SurveillanceError('INVALID_SETTINGS', `Variante earsC inconnue : ${String(s.variant)}.`);
  }
  const baseline = s.baseline ?? 7;
  if (!Number.isInteger(baseline) || baseline < 3) {
    throw new SurveillanceError('INVALID_SETTINGS', 'earsC : baseline doit être un entier ≥ 3 (minimum requis par R).');
  }
  const minSigma = s.minSigma ?? 0;
  if (!(minSigma >= 0)) throw new SurveillanceError('INVALID_SETTINGS', 'earsC : minSigma doit être ≥ 0.');
  // R: 0.001 unless given, except C3 whose control default is 0.025 (SPEC 1.1)
  const alpha = s.alpha ?? (s.variant === 'C3' ? 0.025 : 0.001);
  if (!(alpha > 0 && alpha < 1)) throw new SurveillanceError('INVALID_SETTINGS', 'earsC : alpha doit être dans ]0, 1[.');
  const range = s.range ?? { from: earsMaxLag(s.variant, baseline), to: n - 1 };
  checkRange(range, n);
  return { method: 'earsC', variant: s.variant, baseline, minSigma, alpha, range };
}

function emptyPoint(index: number, date: string | null, observed: number): DetectionPoint {
  return {
    index,
    date,
    status: 'ok',
    observed: Number.isNaN(observed) ? null : observed,
    expected: null,
    upperbound: null,
    alarm: null,
    score: null,
    pvalue: null,
    phi: null,
    trend: null,
    trendCoef: null,
    mu0: null,
    cusum: null,
  };
}

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Mean and sample SD of y[from..from+len−1]; NaN if any value is missing. */
function windowStats(y: Float64Array, from: number, len: number, out: Float64Array): void {
  let s = 0;
  for (let i = from; i < from + len; i++) s += y[i];
  const m = s / len;
  let ss = 0;
  for (let i = from; i < from + len; i++) {
    const d = y[i] - m;
    ss += d * d;
  }
  out[0] = m;
  out[1] = Math.sqrt(ss / (len - 1));
}

export function runEarsC(ps: PreparedSeries, st: ResolvedEarsC): DetectionPoint[] {
  const { y, dates } = ps;
  const { variant, baseline: B, minSigma, alpha, range } = st;
  const z = qnorm(1 - alpha);
  const maxLag = earsMaxLag(variant, B);
  const points: DetectionPoint[] = new Array(range.to - range.from + 1);
  const stats = new Float64Array(2);

  if (variant !== 'C3') {
    const lag0 = variant === 'C1' ? B : B + 2; // oldest lag of the reference set
    for (let t = range.from; t <= range.to; t++) {
      const p = emptyPoint(t, dates === null ? null : dates[t], y[t]);
      points[t - range.from] = p;
      if (t - maxLag < 0) {
        p.status = 'insufficient_history';
        continue;
      }
      windowStats(y, t - lag0, B, stats);
      const u = stats[0] + z * Math.max(stats[1], minSigma);
      p.expected = num(stats[0]);
      p.upperbound = num(u);
      p.alarm = Number.isNaN(u) || Number.isNaN(y[t]) ? null : y[t] > u;
    }
    return points;
  }

  // C3: C2 statistics for τ in [from − 2, to]; σ(τ) and C2(τ) kept in typed arrays
  const first = range.from - 2;
  const len = range.to - first + 1;
  const sigma = new Float64Array(len);
  const c2 = new Float64Array(len);
  const mean = new Float64Array(len);
  for (let j = 0; j < len; j++) {
    const tau = first + j;
    if (tau - (B + 2) < 0) {
      sigma[j] = NaN;
      c2[j] = NaN;
      mean[j] = NaN;
      continue;
    }
    windowStats(y, tau - B - 2, B, stats);
    const s = Math.max(stats[1], minSigma);
    sigma[j] = s;
    mean[j] = stats[0];
    c2[j] = (y[tau] - stats[0]) / s;
  }
  for (let t = range.from; t <= range.to; t++) {
    const p = emptyPoint(t, dates === null ? null : dates[t], y[t]);
    points[t - range.from] = p;
    if (t - maxLag < 0) {
      p.status = 'insufficient_history';
      continue;
    }
    const j = t - first;
    const l = Math.max(0, c2[j - 2] - 1) + Math.max(0, c2[j - 1] - 1);
    // R's quirk: the observed value of the monitored point, not the baseline mean (SPEC 1.3)
    const u = Math.max(0, y[t] + sigma[j] * (z - l));
    p.expected = num(mean[j]);
    p.upperbound = num(u);
    p.alarm = Number.isNaN(u) || Number.isNaN(y[t]) ? null : y[t] > u;
  }
  return points;
}
