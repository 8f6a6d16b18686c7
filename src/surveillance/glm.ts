// Poisson / quasi-Poisson GLM with log link, fitted by iteratively reweighted least squares
// exactly as R's `glm.fit` does it (SPEC Appendix A): start μ = y + 0.1, η = log μ (offset not
// used at the start), working weights a·μ, convergence when |dev − dev_old|/(|dev| + 0.1) < 1e-8,
// at most 25 iterations, μ floored at ε after each update, and the working weights, QR factors
// and X'WX kept from the LAST iteration (computed from μ before the final update).
//
// Two solvers live here:
// * `fitPoissonGlm`: a dense design solved by Householder QR with the limited column pivoting
//   of LINPACK `dqrdc2` (a column whose remaining norm falls below tol × its original norm is
//   moved to the end and counted as aliased; R's glm.fit uses tol = min(1e-7, epsilon/1000) = 1e-11).
//   Used by cusum m = "glm" and as the cross-check of the structured solver.
// * `fitSeasonalTrendGlm`: the farringtonFlexible design (a seasonal factor, an optional linear
//   trend, an optional offset). Treatment coding with an intercept spans the same column space as
//   one indicator per level, and a shifted time covariate spans the same space as the raw one, so
//   the IRLS iterates μ are identical in exact arithmetic. In the indicator-plus-centred-trend
//   parametrisation X'WX is an "arrow" matrix (diagonal per level, one dense trend row), solved in
//   O(levels) by a Schur complement, so one IRLS iteration costs O(rows) instead of O(rows·p²).
//   The quadratic form x'(X'WX)⁻¹x of a row at level g and centred time x̃ is
//   1/D_g + (x̃ − u_g/D_g)²/S', which gives hat values and prediction variances in O(1).


export const GLM_MAXIT = 25;
export const GLM_TOL = 1e-8;
/** Rank-detection tolerance of glm.fit's call to dqrdc2: min(1e-7, 1e-8/1000). */
export const QR_TOL = 1e-11;
// Local copies: an imported binding is read through a getter in some module loaders (tsx), which
// costs a call per row in the hot loops below.
const EPS = 2.220446049250313e-16;
const LOG_EPS = Math.log(EPS);

// ---------------------------------------------------------------------------
// Dense Householder QR (dqrdc2-like limited pivoting)

export interface QrDecomposition {
  /** n×p, column-major: R in the upper triangle, Householder vectors below it. */
  qr: Float64Array;
  /** Householder scalars, one per column (LINPACK's qraux role). */
  tau: Float64Array;
  n: number;
  p: number;
  rank: number;
  /** pivot[j] = original column now at position j. */
  pivot: Int32Array;
}

/** Householder QR of a column-major n×p matrix, with dqrdc2's move-to-end pivoting. */
export function householderQr(a: Float64Array, n: number, p: number, tol = QR_TOL): QrDecomposition {
  const qr = Float64Array.from(a);
  const tau = new Float64Array(p);
  const pivot = new Int32Array(p);
  for (let j = 0; j < p; j++) pivot[j] = j;
  const origNorm = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += qr[j * n + i] * qr[j * n + i];
    origNorm[j] = Math.sqrt(s);
  }
  let rank = Math.min(n, p);
  const tmp = new Float64Array(n);
  for (let l = 0; l < rank; l++) {
    // limited pivoting: a negligible column goes to the end and the rank drops (dqrdc2)
    for (;;) {
      let s = 0;
      for (let i = l; i < n; i++) s += qr[l * n + i] * qr[l * n + i];
      const norm = Math.sqrt(s);
      if (l < rank && (norm < tol * origNorm[l] || origNorm[l] === 0) && rank > l) {
        const pv = pivot[l];
        const on = origNorm[l];
        tmp.set(qr.subarray(l * n, l * n + n));
        for (let j = l; j < p - 1; j++) {
          qr.copyWithin(j * n, (j + 1) * n, (j + 2) * n);
          pivot[j] = pivot[j + 1];
          origNorm[j] = origNorm[j + 1];
        }
        qr.set(tmp, (p - 1) * n);
        pivot[p - 1] = pv;
        origNorm[p - 1] = on;
        rank--;
        if (l >= rank) break;
        continue;
      }
      break;
    }
    if (l >= rank) break;
    // Householder reflection of column l, rows l..n-1
    let s = 0;
    for (let i = l; i < n; i++) s += qr[l * n + i] * qr[l * n + i];
    let alpha = Math.sqrt(s);
    const x0 = qr[l * n + l];
    if (x0 > 0) alpha = -alpha;
    const v0 = x0 - alpha;
    // v = x − alpha·e1, normalised so that v[0] = 1; tau = (alpha − x0)/alpha... written as 2/(v'v)
    let vtv = 1;
    for (let i = l + 1; i < n; i++) {
      qr[l * n + i] /= v0;
      vtv += qr[l * n + i] * qr[l * n + i];
    }
    tau[l] = v0 === 0 ? 0 : 2 / vtv;
    qr[l * n + l] = alpha;
    for (let j = l + 1; j < p; j++) {
      let dot = qr[j * n + l];
      for (let i = l + 1; i < n; i++) dot += qr[l * n + i] * qr[j * n + i];
      dot *= tau[l];
      qr[j * n + l] -= dot;
      for (let i = l + 1; i < n; i++) qr[j * n + i] -= dot * qr[l * n + i];
    }
  }
  return { qr, tau, n, p, rank, pivot };
}

/** Qᵀb in place. */
export function qrApplyQt(d: QrDecomposition, b: Float64Array): void {
  const { qr, tau, n, rank } = d;
  for (let l = 0; l < rank; l++) {
    if (tau[l] === 0) continue;
    let dot = b[l];
    for (let i = l + 1; i < n; i++) dot += qr[l * n + i] * b[i];
    dot *= tau[l];
    b[l] -= dot;
    for (let i = l + 1; i < n; i++) b[i] -= dot * qr[l * n + i];
  }
}

/** Least-squares coefficients in ORIGINAL column order; aliased columns get NaN (R's NA). */
export function qrCoef(d: QrDecomposition, y: Float64Array): Float64Array {
  const { qr, n, p, rank, pivot } = d;
  const b = Float64Array.from(y);
  qrApplyQt(d, b);
  const coefPivoted = new Float64Array(rank);
  for (let j = rank - 1; j >= 0; j--) {
    let s = b[j];
    for (let k = j + 1; k < rank; k++) s -= qr[k * n + j] * coefPivoted[k];
    coefPivoted[j] = s / qr[j * n + j];
  }
  const coef = new Float64Array(p).fill(NaN);
  for (let j = 0; j < rank; j++) coef[pivot[j]] = coefPivoted[j];
  return coef;
}

/** Diagonal of the hat matrix: squared row norms of the thin Q (first `rank` columns). */
export function qrHat(d: QrDecomposition): Float64Array {
  const { n, rank } = d;
  const hat = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < rank; j++) {
    // column j of Q = H_0 … H_{rank-1} e_j, applied right to left
    e.fill(0);
    e[j] = 1;
    for (let l = rank - 1; l >= 0; l--) {
      const { qr, tau } = d;
      if (tau[l] === 0) continue;
      let dot = e[l];
      for (let i = l + 1; i < n; i++) dot += qr[l * n + i] * e[i];
      dot *= tau[l];
      e[l] -= dot;
      for (let i = l + 1; i < n; i++) e[i] -= dot * qr[l * n + i];
    }
    for (let i = 0; i < n; i++) hat[i] += e[i] * e[i];
  }
  for (let i = 0; i < n; i++) if (hat[i] > 1 - 10 * EPS) hat[i] = 1;
  return hat;
}

/** (RᵀR)⁻¹ = (XᵀWX)⁻¹ for the non-aliased columns, in original column order (rank×rank kept, NaN elsewhere). */
export function qrUnscaledCovariance(d: QrDecomposition): Float64Array {
  const { qr, n, p, rank, pivot } = d;
  // Rinv upper triangular, then Rinv Rinvᵀ
  const rinv = new Float64Array(rank * rank);
  for (let j = 0; j < rank; j++) {
    rinv[j * rank + j] = 1 / qr[j * n + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += qr[k * n + i] * rinv[k * rank + j];
      rinv[i * rank + j] = -s / qr[i * n + i];
    }
  }
  const cov = new Float64Array(p * p).fill(NaN);
  for (let i = 0; i < rank; i++) {
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < rank; k++) s += rinv[i * rank + k] * rinv[j * rank + k];
      cov[pivot[i] * p + pivot[j]] = s;
    }
  }
  return cov;
}

function poissonDeviance(y: ArrayLike<number>, mu: ArrayLike<number>, a: ArrayLike<number> | null, n: number): number {
  let dev = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    const m = mu[i];
    const term = (yi > 0 ? yi * Math.log(yi / m) : 0) - (yi - m);
    dev += (a === null ? 1 : a[i]) * term;
  }
  return 2 * dev;
}

export interface DenseGlmFit {
  coefficients: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  /** Working weights of the last IRLS iteration (a·μ before the final update). */
  weights: Float64Array;
  qr: QrDecomposition;
  converged: boolean;
  iterations: number;
}

/**
 * Dense Poisson log-link IRLS (R glm.fit). `x` is column-major n×p; `offset` and `prior` may be
 * null. Rows must already exclude missing responses.
 */
export function fitPoissonGlm(
  x: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  offset: Float64Array | null,
  prior: Float64Array | null,
  maxit = GLM_MAXIT,
  tol = GLM_TOL,
): DenseGlmFit {
  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = y[i] + 0.1;
    eta[i] = Math.log(mu[i]);
  }
  let devOld = poissonDeviance(y, mu, prior, n);
  const weights = new Float64Array(n);
  const z = new Float64Array(n);
  const xw = new Float64Array(n * p);
  let coef: Float64Array = new Float64Array(p);
  let qr: QrDecomposition | null = null;
  let converged = false;
  let it = 0;
  for (it = 1; it <= maxit; it++) {
    for (let i = 0; i < n; i++) {
      const w = (prior === null ? 1 : prior[i]) * mu[i];
      weights[i] = w;
      const sw = Math.sqrt(w);
      z[i] = ((eta[i] - (offset === null ? 0 : offset[i])) + (y[i] - mu[i]) / mu[i]) * sw;
      for (let j = 0; j < p; j++) xw[j * n + i] = x[j * n + i] * sw;
    }
    qr = householderQr(xw, n, p);
    coef = qrCoef(qr, z);
    for (let i = 0; i < n; i++) {
      let e = offset === null ? 0 : offset[i];
      for (let j = 0; j < p; j++) if (!Number.isNaN(coef[j])) e += x[j * n + i] * coef[j];
      eta[i] = e;
      const m = Math.exp(e);
      mu[i] = m < EPS ? EPS : m;
    }
    const dev = poissonDeviance(y, mu, prior, n);
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < tol) {
      converged = true;
      break;
    }
    devOld = dev;
  }
  return { coefficients: coef, eta, mu, weights, qr: qr as QrDecomposition, converged, iterations: Math.min(it, maxit) };
}

// ---------------------------------------------------------------------------
// Structured solver for the farringtonFlexible design

/**
 * Reusable buffers for one series' farringtonFlexible fits. Rows are loaded once per monitored
 * point; every fit at that point reuses them without allocating.
 */
export class SeasonalTrendWorkspace {
  capacity: number;
  n = 0;
  levels = 0;
  y: Float64Array;
  /** y·log(y), 0 for y = 0: the constant part of the Poisson deviance. */
  ylogy: Float64Array;
  /** y^(2/3), for Anscombe residuals. */
  y23: Float64Array;
  level: Int32Array;
  /** Centred time covariate x − c. */
  xt: Float64Array;
  offset: Float64Array;
  hasOffset = false;
  prior: Float64Array;
  mu: Float64Array;
  eta: Float64Array;
  /** Working weights of the last iteration (swapped with wSpare by the fit). */
  wLast: Float64Array;
  wSpare: Float64Array;
  // per-level accumulators (sized for the number of levels)
  sumW: Float64Array;
  sumWx: Float64Array;
  sumWz: Float64Array;
  sumW2: Float64Array;
  sumWx2: Float64Array;
  sumWz2: Float64Array;
  beta: Float64Array;
  /** Row ranges [runStart[r], runStart[r+1]) of equal level and unit time steps; see buildRuns. */
  runStart: Int32Array;
  runs = 0;

  constructor(capacity: number, maxLevels: number) {
    this.capacity = capacity;
    this.y = new Float64Array(capacity);
    this.ylogy = new Float64Array(capacity);
    this.y23 = new Float64Array(capacity);
    this.level = new Int32Array(capacity);
    this.xt = new Float64Array(capacity);
    this.offset = new Float64Array(capacity);
    this.prior = new Float64Array(capacity);
    this.mu = new Float64Array(capacity);
    this.eta = new Float64Array(capacity);
    this.wLast = new Float64Array(capacity);
    this.wSpare = new Float64Array(capacity);
    this.sumW = new Float64Array(maxLevels);
    this.sumWx = new Float64Array(maxLevels);
    this.sumWz = new Float64Array(maxLevels);
    this.sumW2 = new Float64Array(maxLevels);
    this.sumWx2 = new Float64Array(maxLevels);
    this.sumWz2 = new Float64Array(maxLevels);
    this.beta = new Float64Array(maxLevels);
    this.runStart = new Int32Array(capacity + 1);
  }
}

/** What a structured fit leaves behind (the arrays stay in the workspace). */
export interface SeasonalTrendFit {
  converged: boolean;
  iterations: number;
  withTrend: boolean;
  /** Coefficient per level (indicator coding), copied. */
  levelCoef: Float64Array;
  trendCoef: number;
  /** X'WX of the last iteration, in arrow form: D_g, u_g, and the Schur complement S'. */
  sumW: Float64Array;
  sumWx: Float64Array;
  schur: number;
  /** Σ wLast·r² and Σ prior·r² with r = (y − μ)/μ at the final μ. */
  sumWorkingR2: number;
  sumPriorR2: number;
}

/** x'(X'WX)⁻¹x for a row at `level` and centred time `xt` (see file header). */
export function arrowQuadForm(fit: SeasonalTrendFit, level: number, xt: number): number {
  const d = fit.sumW[level];
  if (!fit.withTrend) return 1 / d;
  const dx = xt - fit.sumWx[level] / d;
  return 1 / d + (dx * dx) / fit.schur;
}

/**
 * Splits the loaded rows into runs of consecutive rows with the same level and time steps of
 * exactly one unit (`xRaw` are the uncentred, integer-valued times). Within a run μ follows a
 * geometric progression, which replaces most exp() calls by one multiplication.
 */
export function buildRuns(ws: SeasonalTrendWorkspace, xRaw: Float64Array): void {
  const { n, level, runStart } = ws;
  let runs = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || level[i] !== level[i - 1] || xRaw[i] - xRaw[i - 1] !== 1) runStart[runs++] = i;
  }
  runStart[runs] = n;
  ws.runs = runs;
}

/** Rows between two exact exp() evaluations in a run: bounds the drift of the product to ~1e-15. */
const REANCHOR = 32;

/**
 * IRLS on the rows loaded in `ws` (y, ylogy, level, xt, offset, runs). `usePrior` switches the
 * prior weights `ws.prior` on. Leaves μ, η and the last working weights (`ws.wLast`) in the
 * workspace.
 *
 * Arithmetic identities used in the hot loops (exact in real arithmetic):
 * w·z = a·μ·((η − o) + (y − μ)/μ) = w·(η − o − 1) + a·y, so no division per row;
 * log μ = η unless μ was floored at ε. The pass that updates μ also accumulates X'WX and X'Wz
 * of the next iteration, so each iteration reads the rows once; if the fit has converged those
 * next-iteration sums are simply dropped and the last iteration's weights are kept, as R does.
 */
export function fitSeasonalTrendGlm(
  ws: SeasonalTrendWorkspace,
  withTrend: boolean,
  usePrior: boolean,
  maxit = GLM_MAXIT,
  tol = GLM_TOL,
): SeasonalTrendFit {
  const { n, levels, y, ylogy, level, xt, offset, prior, mu, eta, beta, runStart } = ws;
  const runs = ws.runs;
  const hasOffset = ws.hasOffset;
  // two sets of weights and sums: "cur" feeds this iteration's solve, "next" is being filled
  let wCur = ws.wLast;
  let wNext = ws.wSpare;
  let sW = ws.sumW;
  let sWx = ws.sumWx;
  let sWz = ws.sumWz;
  let nW = ws.sumW2;
  let nWx = ws.sumWx2;
  let nWz = ws.sumWz2;
  let sWxx = 0;
  let sWxz = 0;

  // start μ = y + 0.1, η = log μ (offset ignored at the start, as glm.fit's mustart)
  let devOld = 0;
  sW.fill(0, 0, levels);
  sWx.fill(0, 0, levels);
  sWz.fill(0, 0, levels);
  for (let i = 0; i < n; i++) {
    const m = y[i] + 0.1;
    const e = Math.log(m);
    mu[i] = m;
    eta[i] = e;
    const a = usePrior ? prior[i] : 1;
    devOld += a * (ylogy[i] - y[i] * e - y[i] + m);
    const w = a * m;
    wCur[i] = w;
    const wz = w * ((hasOffset ? e - offset[i] : e) - 1) + a * y[i];
    const g = level[i];
    sW[g] += w;
    sWz[g] += wz;
    if (withTrend) {
      const x = xt[i];
      sWx[g] += w * x;
      sWxx += w * x * x;
      sWxz += x * wz;
    }
  }
  devOld *= 2;

  let converged = false;
  let it = 0;
  let schur = 0;
  let betaT = 0;
  for (it = 1; it <= maxit; it++) {
    if (withTrend) {
      // Schur complement of the diagonal level block: S' = Σw x̃² − Σ_g u_g²/D_g
      let sc = sWxx;
      let rhs = sWxz;
      for (let g = 0; g < levels; g++) {
        const d = sW[g];
        sc -= (sWx[g] * sWx[g]) / d;
        rhs -= (sWx[g] * sWz[g]) / d;
      }
      schur = sc;
      betaT = rhs / sc;
      for (let g = 0; g < levels; g++) beta[g] = (sWz[g] - sWx[g] * betaT) / sW[g];
    } else {
      for (let g = 0; g < levels; g++) beta[g] = sWz[g] / sW[g];
    }
    const stepFactor = withTrend ? Math.exp(betaT) : 1;
    nW.fill(0, 0, levels);
    nWx.fill(0, 0, levels);
    nWz.fill(0, 0, levels);
    let nWxx = 0;
    let nWxz = 0;
    let dev = 0;
    for (let r = 0; r < runs; r++) {
      const from = runStart[r];
      const to = runStart[r + 1];
      const g = level[from];
      const bg = beta[g];
      let chain = 0;
      let rw = 0;
      let rwx = 0;
      let rwz = 0;
      for (let i = from; i < to; i++) {
        const x = xt[i];
        const lin = withTrend ? bg + betaT * x : bg; // η − o
        const e = hasOffset ? lin + offset[i] : lin;
        if (hasOffset || (i - from) % REANCHOR === 0) chain = Math.exp(e);
        else chain *= stepFactor;
        eta[i] = e;
        let m = chain;
        let logm = e;
        if (m < EPS) {
          m = EPS;
          logm = LOG_EPS;
        }
        mu[i] = m;
        const a = usePrior ? prior[i] : 1;
        const yi = y[i];
        dev += a * (ylogy[i] - yi * logm - yi + m);
        const w = a * m;
        wNext[i] = w;
        const wz = w * (lin - 1) + a * yi;
        rw += w;
        rwz += wz;
        if (withTrend) {
          const wx = w * x;
          rwx += wx;
          nWxx += wx * x;
          nWxz += x * wz;
        }
      }
      nW[g] += rw;
      nWx[g] += rwx;
      nWz[g] += rwz;
    }
    dev *= 2;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < tol) {
      converged = true;
      break;
    }
    devOld = dev;
    if (it === maxit) break; // keep the weights and sums of the last solve
    const tw = wCur;
    wCur = wNext;
    wNext = tw;
    let ta = sW;
    sW = nW;
    nW = ta;
    ta = sWx;
    sWx = nWx;
    nWx = ta;
    ta = sWz;
    sWz = nWz;
    nWz = ta;
    sWxx = nWxx;
    sWxz = nWxz;
  }
  // expose the weights of the last solve as wLast, the other buffer as spare
  ws.wLast = wCur;
  ws.wSpare = wNext;
  let sumWorkingR2 = 0;
  let sumPriorR2 = 0;
  for (let i = 0; i < n; i++) {
    const r = (y[i] - mu[i]) / mu[i];
    const r2 = r * r;
    sumWorkingR2 += wCur[i] * r2;
    sumPriorR2 += (usePrior ? prior[i] : 1) * r2;
  }
  return {
    converged,
    iterations: Math.min(it, maxit),
    withTrend,
    levelCoef: beta.slice(0, levels),
    trendCoef: withTrend ? betaT : NaN,
    sumW: sW.slice(0, levels),
    sumWx: sWx.slice(0, levels),
    schur,
    sumWorkingR2,
    sumPriorR2,
  };
}
