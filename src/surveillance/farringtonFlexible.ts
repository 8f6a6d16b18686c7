// farringtonFlexible as R surveillance 1.20.3 computes it (SPEC section 2): Farrington et al.
// (1996) and the improved method of Noufaily et al. (2013), Stat. Med. 32:1206–1222.
// Every monitored point is processed independently with a full refit, as in R; what is shared
// across points is only preparation (log y terms, y^(2/3), date lookups) and buffers.

import { pnbinom, pnorm, ppois, pt, qnbinom, qnorm, qpois } from './distributions';
import { arrowQuadForm, buildRuns, fitSeasonalTrendGlm, SeasonalTrendWorkspace, type SeasonalTrendFit } from './glm';
import type { PreparedSeries } from './series';
import { checkRange, seriesDays } from './series';
import {
  SurveillanceError,
  type DetectionPoint,
  type FarringtonFlexibleSettings,
  type PointStatus,
  type ResolvedFarrington,
} from './types';

export function resolveFarrington(s: FarringtonFlexibleSettings, ps: PreparedSeries): ResolvedFarrington {
  const b = s.b ?? 5;
  const w = s.w ?? 3;
  const noPeriods = s.noPeriods ?? 1;
  const limit54 = s.limit54 ?? [5, 4];
  const pastWeeksNotIncluded = s.pastWeeksNotIncluded ?? w;
  const bad = (msg: string): never => {
    throw new SurveillanceError('INVALID_SETTINGS', `farringtonFlexible : ${msg}`);
  };
  if (!Number.isInteger(b) || b < 1) bad('b doit être un entier ≥ 1.');
  if (!Number.isInteger(w) || w < 0) bad('w doit être un entier ≥ 0.');
  if (!Number.isInteger(noPeriods) || noPeriods < 1) bad('noPeriods doit être un entier ≥ 1.');
  if (!Number.isInteger(pastWeeksNotIncluded) || pastWeeksNotIncluded < 0) bad('pastWeeksNotIncluded doit être un entier ≥ 0.');
  if (!Number.isInteger(limit54[1]) || limit54[1] < 1 || !(limit54[0] >= 0)) bad('limit54 doit valoir (c ≥ 0, P4 ≥ 1).');
  const alpha = s.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) bad('alpha doit être dans ]0, 1[.');
  const thresholdMethod = s.thresholdMethod ?? 'delta';
  if (thresholdMethod !== 'delta' && thresholdMethod !== 'nbPlugin' && thresholdMethod !== 'muan') bad('thresholdMethod inconnu.');
  const powertrans = s.powertrans ?? '2/3';
  if (powertrans !== '2/3' && powertrans !== '1/2' && powertrans !== 'none') bad('powertrans inconnu.');
  const populationOffset = s.populationOffset ?? false;
  if (populationOffset) {
    if (ps.population === null) bad('populationOffset demande une population.');
    else if (ps.population.some((v) => !(v > 0 && Number.isFinite(v)))) bad('la population doit être > 0 partout (offset log N).');
  }
  const range = s.range ?? { from: ps.frequency * b + w, to: ps.n - 1 };
  if (s.range === undefined && range.from > range.to) {
    throw new SurveillanceError('INVALID_RANGE', `farringtonFlexible : il faut au moins ${b} an(s) et ${w} unité(s) d’historique.`);
  }
  checkRange(range, ps.n);
  return {
    method: 'farringtonFlexible',
    b,
    w,
    reweight: s.reweight ?? true,
    weightsThreshold: s.weightsThreshold ?? 2.58,
    alpha,
    trend: s.trend ?? true,
    pThresholdTrend: s.pThresholdTrend ?? 0.05,
    limit54: [limit54[0], limit54[1]],
    powertrans,
    populationOffset,
    noPeriods,
    pastWeeksNotIncluded,
    thresholdMethod,
    range,
  };
}

// Local copy: imported bindings can be getters under some loaders, and this one is read per row.
const DBL_EPSILON = 2.220446049250313e-16;

// y·log(y) and y^(2/3) for the small counts that make up nearly all series, computed once.
const TABLE_SIZE = 1024;
const YLOGY_TABLE = new Float64Array(TABLE_SIZE);
const Y23_TABLE = new Float64Array(TABLE_SIZE);
for (let v = 0; v < TABLE_SIZE; v++) {
  YLOGY_TABLE[v] = v > 0 ? v * Math.log(v) : 0;
  Y23_TABLE[v] = Math.pow(v, 2 / 3);
}

// Buffers shared by all calls: the module is synchronous, so one set is enough and a department
// of 35,000 series does not allocate 35,000 times.
let sharedWs: SeasonalTrendWorkspace | null = null;
let sharedLabels: Int32Array | null = null;
let sharedX: Float64Array | null = null;

function workspace(capacity: number, levels: number): SeasonalTrendWorkspace {
  if (sharedWs === null || sharedWs.capacity < capacity || sharedWs.sumW.length < levels) {
    sharedWs = new SeasonalTrendWorkspace(
      Math.max(capacity, sharedWs?.capacity ?? 0),
      Math.max(levels, sharedWs?.sumW.length ?? 0),
    );
  }
  return sharedWs;
}

function xBuffer(n: number): Float64Array {
  if (sharedX === null || sharedX.length < n) sharedX = new Float64Array(n);
  return sharedX;
}

function labelBuffer(n: number): Int32Array {
  if (sharedLabels === null || sharedLabels.length < n) sharedLabels = new Int32Array(n);
  return sharedLabels;
}

/** Day number of the same month/day `years` earlier; 29 Feb → 1 Mar in a non-leap year (SPEC 2.2). */
function shiftYears(day: number, years: number): number {
  const d = new Date(day * 86400000);
  const y = d.getUTCFullYear() - years;
  const m = d.getUTCMonth();
  const dd = d.getUTCDate();
  // Date.UTC rolls 29 Feb over to 1 Mar in a non-leap year, which is R's seq(…, by = "-1 year")
  return Math.round(Date.UTC(y, m, dd) / 86400000);
}

interface ReferenceLookup {
  /** Position of reference point i for monitored position k, or −1 if it is not in the series. */
  (k: number, i: number): number;
}

function referenceLookup(ps: PreparedSeries): ReferenceLookup {
  const { frequency, n } = ps;
  const day = seriesDays(ps);
  if (day === null) return (k, i) => k - i * frequency;
  let byDay: Map<number, number> | null = null;
  if (frequency === 12) {
    byDay = new Map();
    for (let t = 0; t < n; t++) byDay.set(day[t], t);
  }
  const day0 = day[0];
  const spacing = ps.spacing;
  const position = (d: number): number => {
    if (byDay !== null) return byDay.get(d) ?? -1;
    const off = d - day0;
    if (off % spacing !== 0) return -1;
    const t = off / spacing;
    return t >= 0 && t < n ? t : -1;
  };
  return (k, i) => {
    if (i === 0) return k;
    let target = shiftYears(day[k], i);
    if (frequency === 52) {
      // nearest date with the weekday of d[k], at most 3 days away
      let s = (((day[k] - target) % 7) + 7) % 7;
      if (s > 3) s -= 7;
      target += s;
    }
    return position(target);
  };
}

/** Intermediate quantities of one monitored point, for tests and debugging. */
export interface FarringtonDiagnostics {
  referenceIndex: number[];
  baselineIndex: number[];
  baselineLevel: number[];
  xNow: number;
  doTrend: boolean;
  phi: number;
  psi: number;
  eta0: number;
  seEta: number;
  upperRaw: number;
  iterations: number;
}

interface FitOutcome {
  fit: SeasonalTrendFit;
  phi: number;
  psi: number;
  trendDropped: boolean;
  df: number;
}

const EMPTY = (index: number, date: string | null, observed: number, status: PointStatus): DetectionPoint => ({
  index,
  date,
  status,
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
});

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

export function runFarrington(
  ps: PreparedSeries,
  st: ResolvedFarrington,
  onDiagnostics?: (index: number, d: FarringtonDiagnostics) => void,
): DetectionPoint[] {
  const { y, n, dates } = ps;
  const day = seriesDays(ps);
  const spacing = ps.spacing;
  const { b, w, noPeriods: P, reweight, weightsThreshold: theta, alpha, range } = st;
  const E = st.pastWeeksNotIncluded;
  const [limitC, limitP] = st.limit54;
  const z = qnorm(1 - alpha);
  const ref = referenceLookup(ps);
  const logPop = st.populationOffset && ps.population !== null ? ps.population.map(Math.log) : null;

  const ws = workspace(n, P);
  const labels = labelBuffer(n);
  const xRaw = xBuffer(n);
  const levelColumn = new Int32Array(P + 1);
  const refs = new Int32Array(b + 1);
  const points: DetectionPoint[] = [];

  const fitF = (withTrend: boolean): FitOutcome | null => {
    let fit = fitSeasonalTrendGlm(ws, withTrend, false);
    let trendDropped = false;
    if (!fit.converged) {
      if (!withTrend) return null;
      fit = fitSeasonalTrendGlm(ws, false, false);
      trendDropped = true;
      if (!fit.converged) return null;
    }
    const nRows = ws.n;
    const withT = fit.withTrend;
    const schur = fit.schur;
    const fitSumW = fit.sumW;
    const fitSumWx = fit.sumWx;
    const df = nRows - (ws.levels + (fit.withTrend ? 1 : 0));
    const pearson = fit.sumWorkingR2 / df;
    const phi0 = Math.max(1, pearson);
    if (!reweight) return { fit, phi: phi0, psi: pearson, trendDropped, df };
    // Anscombe residuals of the unweighted fit and Farrington's reweighting (SPEC 2.6 step 3)
    const { mu, wLast, level, xt, y23, prior } = ws;
    let sumC = 0;
    for (let i = 0; i < nRows; i++) {
      // hat value w_i·x_i'(X'WX)⁻¹x_i, the arrow form of arrowQuadForm inlined
      const g = level[i];
      const d = fitSumW[g];
      let quad = 1 / d;
      if (withT) {
        const dx = xt[i] - fitSumWx[g] / d;
        quad += (dx * dx) / schur;
      }
      let h = wLast[i] * quad;
      if (h > 1 - 10 * DBL_EPSILON) h = 1;
      const m = mu[i];
      const sm = Math.sqrt(m); // μ^(1/2); μ^(1/6) = cbrt(μ^(1/2))
      const s = (1.5 * (y23[i] / Math.cbrt(sm) - sm)) / Math.sqrt(phi0 * (1 - h));
      // prior[] temporarily holds s^-2 for s > θ, and −1 otherwise
      if (s > theta) {
        const c = 1 / (s * s);
        prior[i] = c;
        sumC += c;
      } else {
        prior[i] = -1;
        sumC += 1;
      }
    }
    const gamma = nRows / sumC;
    for (let i = 0; i < nRows; i++) prior[i] = prior[i] < 0 ? gamma : gamma * prior[i];
    const refit = fitSeasonalTrendGlm(ws, fit.withTrend, true);
    return {
      fit: refit,
      phi: Math.max(1, refit.sumWorkingR2 / df),
      // R's quirk: summary() reads the prior weights ω as if they were the working weights
      psi: refit.sumPriorR2 / df,
      trendDropped,
      df,
    };
  };

  for (let k = range.from; k <= range.to; k++) {
    const date = dates === null ? null : dates[k];
    // Step 1: reference points r_0..r_b
    let ok = true;
    for (let i = 0; i <= b; i++) {
      const r = ref(k, i);
      if (r < 0) ok = false;
      refs[i] = r;
    }
    const lo = refs[b] - w;
    if (!ok || lo < 0 || k - limitP + 1 < 0) {
      points.push(EMPTY(k, date, y[k], 'insufficient_history'));
      continue;
    }
    // Step 2: labels (0 = not in the baseline)
    labels.fill(0, lo, k + 1);
    for (let t = k - w; t <= k; t++) labels[t] = P;
    let blocksOk = true;
    for (let i = 1; i <= b; i++) {
      const r = refs[i];
      const nxt = refs[i - 1];
      for (let t = Math.max(0, r - w); t <= r + w && t <= k; t++) labels[t] = P;
      if (P > 1) {
        const G = nxt - r - 2 * w - 1;
        if (G < P - 1) {
          blocksOk = false;
          break;
        }
        const base = Math.floor(G / (P - 1));
        const extra = G % (P - 1);
        let t = r + w + 1;
        for (let g = 1; g < P; g++) {
          const len = base + (g <= extra ? 1 : 0);
          for (let j = 0; j < len; j++) labels[t++] = g;
        }
      }
    }
    if (!blocksOk) {
      points.push(EMPTY(k, date, y[k], 'seasonal_blocks_too_short'));
      continue;
    }
    for (let t = Math.max(lo, k - E); t <= k; t++) labels[t] = 0;

    // Steps 3–4: baseline rows, covariates, present levels
    levelColumn.fill(-1);
    let nRows = 0;
    let firstLabelled = -1;
    let firstRow = -1;
    let maxY = -Infinity;
    for (let t = lo; t <= k; t++) {
      const g = labels[t];
      if (g === 0) continue;
      if (firstLabelled < 0) firstLabelled = t;
      const v = y[t];
      if (Number.isNaN(v)) continue;
      if (firstRow < 0) firstRow = t;
      levelColumn[g] = 0;
      ws.y[nRows] = v;
      ws.level[nRows] = g; // label for now, column below
      ws.xt[nRows] = t; // position for now, covariate below
      if (v > maxY) maxY = v;
      nRows++;
    }
    let nLevels = 0;
    for (let g = 1; g <= P; g++) if (levelColumn[g] === 0) levelColumn[g] = nLevels++;
    const colP = levelColumn[P];
    if (nRows - nLevels - (st.trend ? 1 : 0) <= 0 || colP < 0) {
      points.push(EMPTY(k, date, y[k], 'insufficient_history'));
      continue;
    }
    // time covariate: index mode x = t (1-based); date mode x = (d[t] − d[I₁])/Δ, and the
    // prediction x_now = (d[k] − d[J₁])/Δ from the first NON-MISSING row (R quirk, SPEC 2.4)
    const origin = day === null ? 0 : day[firstLabelled];
    const xNow = day === null ? k + 1 : (day[k] - day[firstRow]) / spacing;
    let centre = 0;
    for (let i = 0; i < nRows; i++) {
      const t = ws.xt[i];
      const x = day === null ? t + 1 : (day[t] - origin) / spacing;
      xRaw[i] = x;
      ws.xt[i] = x;
      centre += x;
    }
    // centring leaves μ, β_trend, V_trend and the prediction unchanged (see glm.ts header)
    centre /= nRows;
    for (let i = 0; i < nRows; i++) {
      const v = ws.y[i];
      const small = v < TABLE_SIZE && Number.isInteger(v);
      ws.ylogy[i] = small ? YLOGY_TABLE[v] : v > 0 ? v * Math.log(v) : 0;
      ws.y23[i] = small ? Y23_TABLE[v] : Math.pow(v, 2 / 3);
      ws.level[i] = levelColumn[ws.level[i]];
      ws.xt[i] -= centre;
    }
    if (logPop !== null) {
      // positions were overwritten by x; recover them from the labels pass
      let i = 0;
      for (let t = lo; t <= k; t++) if (labels[t] !== 0 && !Number.isNaN(y[t])) ws.offset[i++] = logPop[t];
    }
    ws.n = nRows;
    ws.levels = nLevels;
    ws.hasOffset = logPop !== null;
    buildRuns(ws, xRaw);
    const xtNow = xNow - centre;
    const offNow = logPop === null ? 0 : logPop[k];

    // Steps 5–6: fit, trend decision
    let model: FitOutcome | null;
    let doTrend = false;
    if (!st.trend) {
      model = fitF(false);
    } else {
      const m1 = fitF(true);
      if (m1 === null) {
        model = null;
      } else if (m1.trendDropped) {
        model = m1;
      } else {
        const f = m1.fit;
        const tStat = f.trendCoef / Math.sqrt(m1.psi / f.schur);
        const pval = 2 * pt(-Math.abs(tStat), m1.df);
        const eta1 = f.levelCoef[colP] + f.trendCoef * xtNow + offNow;
        const mu1 = Math.max(Math.exp(eta1), DBL_EPSILON);
        doTrend = b >= 3 && pval < st.pThresholdTrend && mu1 <= maxY;
        model = doTrend ? m1 : fitF(false);
      }
    }
    if (model === null) {
      points.push(EMPTY(k, date, y[k], 'fit_failed'));
      continue;
    }

    // Step 7: prediction
    const f = model.fit;
    const eta0 = f.levelCoef[colP] + (f.withTrend ? f.trendCoef * xtNow : 0) + offNow;
    const seEta = Math.sqrt(model.psi * arrowQuadForm(f, colP, xtNow));
    const phi = model.phi;
    const yk = y[k];

    // Step 8: threshold
    let upper: number;
    let score: number;
    let pvalue: number;
    let expected: number;
    let mu0: number;
    if (st.thresholdMethod === 'delta') {
      const mu = Math.max(Math.exp(eta0), DBL_EPSILON);
      const seMu = seEta * mu;
      const tau = phi + (seMu * seMu) / mu;
      let e: number;
      let sigma: number;
      if (st.powertrans === 'none') {
        e = 1;
        sigma = Math.sqrt(mu * tau);
      } else if (st.powertrans === '1/2') {
        e = 1 / 2;
        sigma = Math.sqrt(tau / 4);
      } else {
        e = 2 / 3;
        sigma = Math.sqrt((4 / 9) * Math.pow(mu, 1 / 3) * tau);
      }
      const muE = Math.pow(mu, e);
      upper = Math.pow(muE + z * sigma, 1 / e);
      score = (yk - mu) / (upper - mu);
      // upper tail computed directly: R reports p-values down to 1e-38 here (salmNewport)
      pvalue = pnorm((Math.pow(yk, e) - muE) / sigma, false);
      expected = mu;
      mu0 = Math.exp(mu + z * seMu); // R quirk (SPEC 2.10): a response-scale value exponentiated
    } else {
      const muQ = st.thresholdMethod === 'nbPlugin' ? Math.exp(eta0) : Math.exp(eta0 + z * seEta);
      mu0 = muQ;
      expected = Math.exp(eta0);
      if (muQ === Infinity || Number.isNaN(muQ)) {
        upper = NaN;
        score = NaN;
        pvalue = NaN;
      } else {
        if (phi > 1) {
          const size = muQ / (phi - 1);
          const prob = 1 / phi;
          const q = (phi - 1) / phi;
          upper = qnbinom(1 - alpha, size, prob, q);
          pvalue = Number.isNaN(yk) ? NaN : pnbinom(yk - 1, size, prob, false, q);
        } else {
          upper = qpois(1 - alpha, muQ);
          pvalue = Number.isNaN(yk) ? NaN : ppois(yk - 1, muQ, false);
        }
        // R quirk: the score is on the link scale (SPEC 2.9)
        score = (yk - eta0) / (upper - eta0);
      }
    }

    // Step 9: limit54 rule
    let sum = 0;
    for (let t = k - limitP + 1; t <= k; t++) sum += y[t];
    const enough = !Number.isNaN(sum) && sum >= limitC;
    const alarm = enough && !Number.isNaN(score) && score > 1 && yk !== 0;

    if (onDiagnostics !== undefined) {
      const baselineIndex: number[] = [];
      const baselineLevel: number[] = [];
      for (let t = lo; t <= k; t++) {
        if (labels[t] !== 0 && !Number.isNaN(y[t])) {
          baselineIndex.push(t);
          baselineLevel.push(labels[t]);
        }
      }
      onDiagnostics(k, {
        referenceIndex: Array.from(refs),
        baselineIndex,
        baselineLevel,
        xNow,
        doTrend,
        phi,
        psi: model.psi,
        eta0,
        seEta,
        upperRaw: upper,
        iterations: f.iterations,
      });
    }

    points.push({
      index: k,
      date,
      status: 'ok',
      observed: Number.isNaN(yk) ? null : yk,
      expected: enough && !Number.isNaN(upper) ? expected : null,
      upperbound: enough ? num(upper) : null,
      alarm,
      score: num(score),
      pvalue: num(pvalue),
      phi: num(phi),
      trend: doTrend,
      trendCoef: doTrend ? f.trendCoef : null,
      mu0: num(mu0),
      cusum: null,
    });
  }
  return points;
}
