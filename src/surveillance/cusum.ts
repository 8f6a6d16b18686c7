// CUSUM for count data as R surveillance 1.20.3 `algo.cusum` (through `cusum(sts, control)`)
// computes it (SPEC section 3): C_t = max(0, C_{t−1} + s_t − k), alarm when C_t ≥ h, no reset,
// and the "upper bound" is the smallest count that would signal given C_{t−1}; a missing or
// negative bound is reported as 0, as R does.

import { fitPoissonGlm } from './glm';
import type { PreparedSeries } from './series';
import { checkRange } from './series';
import { SurveillanceError, type CusumSettings, type DetectionPoint, type ResolvedCusum } from './types';

export function resolveCusum(s: CusumSettings, n: number): ResolvedCusum {
  if (s.range === undefined) throw new SurveillanceError('INVALID_SETTINGS', 'cusum : range est obligatoire.');
  checkRange(s.range, n);
  const k = s.k ?? 1.04;
  const h = s.h ?? 2.26;
  const trans = s.trans ?? 'standard';
  const allowed = ['standard', 'rossi', 'anscombe', 'anscombe2nd', 'pearsonNegBin', 'none'];
  if (!allowed.includes(trans)) throw new SurveillanceError('INVALID_SETTINGS', `cusum : transformation inconnue ${String(trans)}.`);
  const m = s.m ?? null;
  if (m !== null && m !== 'glm' && !(typeof m === 'number' && m > 0)) {
    throw new SurveillanceError('INVALID_SETTINGS', 'cusum : m doit être null, un nombre > 0 ou "glm".');
  }
  if (!(h > 0) || !Number.isFinite(k)) throw new SurveillanceError('INVALID_SETTINGS', 'cusum : k et h invalides.');
  return { method: 'cusum', k, h, m, trans, alpha: s.alpha ?? 0.1, range: s.range };
}

/** Expected count m(t) at each monitored position. */
function expectedCounts(ps: PreparedSeries, st: ResolvedCusum): { m: Float64Array; glmCoefficients: Float64Array | null } {
  const { y } = ps;
  const { range } = st;
  const len = range.to - range.from + 1;
  const out = new Float64Array(len);
  if (typeof st.m === 'number') {
    out.fill(st.m);
    return { m: out, glmCoefficients: null };
  }
  if (st.m === null) {
    // R: mean(observed[1:(range[1]−1)]) without na.rm, so one NA blanks everything
    let s = 0;
    for (let i = 0; i < range.from; i++) s += y[i];
    out.fill(range.from > 0 ? s / range.from : NaN);
    return { m: out, glmCoefficients: null };
  }
  // m = "glm": log m(t) = β0 + β1 cos(2π t′/freq) + β2 sin(2π t′/freq), t′ = start period + t − 1
  const freq = ps.frequency;
  const period0 = ps.start[1];
  const rows: number[] = [];
  for (let i = 0; i < range.from; i++) if (!Number.isNaN(y[i])) rows.push(i);
  const n = rows.length;
  if (n < 3) throw new SurveillanceError('INVALID_RANGE', 'cusum m = "glm" : trop peu d’historique avant la plage.');
  const x = new Float64Array(3 * n);
  const yy = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const tp = period0 + rows[r]; // t′ with t = rows[r] + 1 (1-based)
    x[r] = 1;
    x[n + r] = Math.cos((2 * Math.PI / freq) * tp);
    x[2 * n + r] = Math.sin((2 * Math.PI / freq) * tp);
    yy[r] = y[rows[r]];
  }
  const fit = fitPoissonGlm(x, n, 3, yy, null, null);
  const b = fit.coefficients;
  for (let t = range.from; t <= range.to; t++) {
    const tp = period0 + t;
    out[t - range.from] = Math.exp(b[0] + b[1] * Math.cos((2 * Math.PI / freq) * tp) + b[2] * Math.sin((2 * Math.PI / freq) * tp));
  }
  return { m: out, glmCoefficients: b };
}

function standardise(trans: ResolvedCusum['trans'], x: number, m: number, alpha: number): number {
  switch (trans) {
    case 'standard':
      return (x - m) / Math.sqrt(m);
    case 'rossi':
      return (x - 3 * m + 2 * Math.sqrt(x * m)) / (2 * Math.sqrt(m));
    case 'anscombe':
      return (1.5 * (Math.pow(x, 2 / 3) - Math.pow(m, 2 / 3))) / Math.pow(m, 1 / 6);
    case 'anscombe2nd':
      return (Math.pow(x, 2 / 3) - (Math.pow(m, 2 / 3) - Math.pow(m, -1 / 3) / 9)) / ((2 / 3) * Math.pow(m, 1 / 6));
    case 'pearsonNegBin':
      return (x - m) / Math.sqrt(m + alpha * m * m);
    case 'none':
      return x;
  }
}

/** Smallest count that would make C_t ≥ h, given C_{t−1} = c (SPEC 3.4 table). */
function bound(trans: ResolvedCusum['trans'], m: number, c: number, h: number, k: number, alpha: number): number {
  switch (trans) {
    case 'standard':
      return Math.ceil(Math.sqrt(m) * (h + k - c) + m);
    case 'rossi': {
      const sm = Math.sqrt(m);
      const m32 = Math.pow(m, 1.5);
      return 2 * h * sm + 2 * k * sm - 2 * c * sm + 5 * m - 2 * Math.sqrt(4 * m * m + 2 * m32 * h + 2 * m32 * k - 2 * m32 * c);
    }
    case 'anscombe': {
      const v = (2 / 3) * Math.pow(m, 1 / 6) * (h + k - c) + Math.pow(m, 2 / 3);
      return v < 0 ? 0 : Math.pow(v, 1.5);
    }
    case 'anscombe2nd': {
      // not in R 1.20.3 (R reports 0): the exact inverse of the anscombe2nd standardisation
      const v = (2 / 3) * Math.pow(m, 1 / 6) * (h + k - c) + Math.pow(m, 2 / 3) - Math.pow(m, -1 / 3) / 9;
      return v < 0 ? 0 : Math.pow(v, 1.5);
    }
    case 'pearsonNegBin':
      return Math.sqrt(m + alpha * m * m) * (h + k - c) + m;
    case 'none':
      // not in R 1.20.3 (R reports 0): s_t = x, so the bound is h + k − C_{t−1}
      return h + k - c;
  }
}

export function runCusum(ps: PreparedSeries, st: ResolvedCusum): DetectionPoint[] {
  const { y, dates } = ps;
  const { range, k, h, trans, alpha } = st;
  const { m } = expectedCounts(ps, st);
  const points: DetectionPoint[] = [];
  let cPrev = 0;
  for (let t = range.from; t <= range.to; t++) {
    const mt = m[t - range.from];
    const s = standardise(trans, y[t], mt, alpha);
    // NaN propagates to every later C_t, as in R's cumulative recursion
    const c = Math.max(0, cPrev + s - k);
    let u = bound(trans, mt, cPrev, h, k, alpha);
    if (Number.isNaN(u) || u < 0) u = 0;
    points.push({
      index: t,
      date: dates === null ? null : dates[t],
      status: 'ok',
      observed: Number.isNaN(y[t]) ? null : y[t],
      expected: Number.isNaN(mt) ? null : mt,
      upperbound: u,
      alarm: Number.isNaN(c) ? null : c >= h,
      score: null,
      pvalue: null,
      phi: null,
      trend: null,
      trendCoef: null,
      mu0: null,
      cusum: Number.isNaN(c) ? null : c,
    });
    cPrev = c;
  }
  return points;
}
