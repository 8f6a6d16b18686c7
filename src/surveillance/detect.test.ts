import { describe, expect, it } from 'vitest';
import { detect, explainPoint, presets, SurveillanceError, type Series } from './index';
import { buildRuns, fitPoissonGlm, fitSeasonalTrendGlm, qrUnscaledCovariance, SeasonalTrendWorkspace } from './glm';

// small deterministic generator for test data (not a stored result)
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
function poissonSeries(n: number, mean: number, seed: number): number[] {
  const u = lcg(seed);
  return Array.from({ length: n }, () => {
    let k = 0;
    let p = Math.exp(-mean);
    let f = p;
    const v = u();
    while (v > f) {
      k++;
      p *= mean / k;
      f += p;
    }
    return k;
  });
}
function dailyDates(first: string, n: number): string[] {
  const t0 = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86400000).toISOString().slice(0, 10));
}

describe('typed errors and per-point statuses', () => {
  const series: Series = { counts: poissonSeries(60, 3, 1), frequency: 365 };

  it('rejects settings R rejects', () => {
    expect(() => detect(series, { method: 'earsC', variant: 'C1', baseline: 2 })).toThrow(SurveillanceError);
    expect(() => detect(series, { method: 'earsC', variant: 'C1', minSigma: -1 })).toThrow(/minSigma/);
    expect(() => detect({ counts: [1, -2, 3], frequency: 52 }, presets.earsC1())).toThrow(SurveillanceError);
    expect(() => detect(series, { method: 'earsC', variant: 'C1', range: { from: 10, to: 99 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    );
    expect(() => detect({ counts: [1, 2, 3], frequency: 365, dates: ['2020-01-01', '2020-01-02', '2020-01-04'] }, presets.farrington1996())).toThrow(
      SurveillanceError,
    );
  });

  it('marks earsC points without a full reference window instead of failing the call (R errors)', () => {
    const r = detect(series, { method: 'earsC', variant: 'C1', range: { from: 3, to: 10 } });
    expect(r.points.slice(0, 4).map((p) => p.status)).toEqual(['insufficient_history', 'insufficient_history', 'insufficient_history', 'insufficient_history']);
    expect(r.points[4].status).toBe('ok');
    expect(r.points[4].upperbound).not.toBeNull();
  });

  it('computes a one-point C3 range (R 1.20.3 errors on it)', () => {
    const full = detect(series, presets.earsC3());
    const one = detect(series, presets.earsC3({ range: { from: 30, to: 30 } }));
    expect(one.points).toHaveLength(1);
    expect(one.points[0].upperbound).toBe(full.points.find((p) => p.index === 30)?.upperbound);
  });

  it('reports insufficient history for Farrington points without b years of data', () => {
    const s: Series = { counts: poissonSeries(400, 4, 2), frequency: 52 };
    const r = detect(s, presets.farrington1996({ b: 5, range: { from: 200, to: 262 } }));
    expect(r.points.every((p) => p.status === 'insufficient_history')).toBe(true);
    expect(r.points[0].alarm).toBeNull();
    // 5·52 + 3 = 263 weeks of history are needed before the first monitored week
    expect(detect(s, presets.farrington1996({ b: 5, range: { from: 263, to: 263 } })).points[0].status).toBe('ok');
    const ok = detect(s, presets.farrington1996({ b: 3, range: { from: 300, to: 301 } }));
    expect(ok.points.map((p) => p.status)).toEqual(['ok', 'ok']);
  });

  it('reports seasonal blocks that are too short instead of mislabelling them (R errors or misbehaves)', () => {
    const s: Series = { counts: poissonSeries(80, 4, 3), frequency: 12 };
    const r = detect(s, presets.noufaily2013({ b: 3, w: 3, noPeriods: 10, range: { from: 50, to: 51 } }));
    expect(r.points.map((p) => p.status)).toEqual(['seasonal_blocks_too_short', 'seasonal_blocks_too_short']);
  });

  it('never raises a Farrington alarm on a missing count', () => {
    const counts: (number | null)[] = poissonSeries(400, 4, 4);
    counts[399] = null;
    const r = detect({ counts, frequency: 52 }, presets.noufaily2013({ b: 3, range: { from: 399, to: 399 } }));
    expect(r.points[0].observed).toBeNull();
    expect(r.points[0].alarm).toBe(false);
    expect(r.points[0].upperbound).toBeNull();
  });
});

describe('presets', () => {
  it('noufaily2013 and farrington1996 carry the SPEC 2.1 settings', () => {
    const s: Series = { counts: poissonSeries(400, 4, 5), frequency: 52 };
    const n = detect(s, presets.noufaily2013({ b: 3 })).settings;
    expect(n).toMatchObject({ noPeriods: 10, weightsThreshold: 2.58, pastWeeksNotIncluded: 26, pThresholdTrend: 1, thresholdMethod: 'nbPlugin', w: 3, alpha: 0.05 });
    const f = detect(s, presets.farrington1996({ b: 3, w: 2 })).settings;
    expect(f).toMatchObject({ noPeriods: 1, weightsThreshold: 1, pastWeeksNotIncluded: 2, pThresholdTrend: 0.05, thresholdMethod: 'delta', powertrans: '2/3' });
  });
  it('earsC presets use R defaults: alpha 0.001 for C1/C2, 0.025 for C3, baseline 7', () => {
    const s: Series = { counts: poissonSeries(40, 3, 6), frequency: 365 };
    expect(detect(s, presets.earsC1()).settings).toMatchObject({ alpha: 0.001, baseline: 7, range: { from: 7, to: 39 } });
    expect(detect(s, presets.earsC2()).settings).toMatchObject({ alpha: 0.001, range: { from: 9, to: 39 } });
    expect(detect(s, presets.earsC3()).settings).toMatchObject({ alpha: 0.025, range: { from: 11, to: 39 } });
  });
  it('an injected outbreak alarms under Noufaily on daily data with dates', () => {
    const n = 3 * 365 + 40;
    const counts = poissonSeries(n, 2, 7);
    for (let t = n - 3; t < n; t++) counts[t] += 12;
    const r = detect({ counts, frequency: 365, dates: dailyDates('2019-01-01', n) }, presets.noufaily2013({ b: 3, range: { from: n - 10, to: n - 1 } }));
    expect(r.points.slice(-3).every((p) => p.alarm === true)).toBe(true);
    expect(r.points.slice(0, 7).filter((p) => p.alarm === true).length).toBeLessThanOrEqual(1);
  });
});

describe('structured farringtonFlexible GLM equals the dense Householder-QR IRLS', () => {
  it('same μ, weights and covariance on a seasonal-factor + trend design with prior weights', () => {
    const n = 300;
    const levels = 5;
    const u = lcg(11);
    const ws = new SeasonalTrendWorkspace(n, levels);
    const xRaw = new Float64Array(n);
    const dense = new Float64Array(n * (levels + 1));
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const g = Math.min(levels - 1, Math.floor(i / 60));
      const x = i + (i > 150 ? 7 : 0); // one gap in time
      xRaw[i] = x;
      const mu = Math.exp(0.5 + 0.2 * g + 0.002 * x);
      y[i] = Math.floor(mu + 2 * (u() - 0.5) * Math.sqrt(mu) + 0.5);
      ws.y[i] = y[i];
      ws.ylogy[i] = y[i] > 0 ? y[i] * Math.log(y[i]) : 0;
      ws.level[i] = g;
      ws.prior[i] = 0.5 + u();
      dense[g * n + i] = 1;
      dense[levels * n + i] = x;
    }
    let c = 0;
    for (let i = 0; i < n; i++) c += xRaw[i];
    c /= n;
    for (let i = 0; i < n; i++) ws.xt[i] = xRaw[i] - c;
    ws.n = n;
    ws.levels = levels;
    buildRuns(ws, xRaw);
    const fast = fitSeasonalTrendGlm(ws, true, true);
    const ref = fitPoissonGlm(dense, n, levels + 1, y, null, ws.prior.slice(0, n));
    expect(fast.iterations).toBe(ref.iterations);
    expect(Math.abs(fast.trendCoef - ref.coefficients[levels])).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(ws.mu[i] - ref.mu[i]) / ref.mu[i]).toBeLessThan(1e-12);
      expect(Math.abs(ws.wLast[i] - ref.weights[i]) / ref.weights[i]).toBeLessThan(1e-12);
    }
    const cov = qrUnscaledCovariance(ref.qr);
    const p = levels + 1;
    expect(Math.abs(1 / fast.schur - cov[levels * p + levels]) / cov[levels * p + levels]).toBeLessThan(1e-9);
  });
});

describe('French explanations', () => {
  it('explains an alarm with observed, expected, threshold, method and history', () => {
    const n = 3 * 365 + 40;
    const counts = poissonSeries(n, 4, 8);
    counts[n - 1] = 12;
    counts[n - 2] = 5;
    const r = detect({ counts, frequency: 365, dates: dailyDates('2019-01-01', n) }, presets.noufaily2013({ b: 3, range: { from: n - 1, to: n - 1 } }));
    const p = r.points[0];
    expect(p.alarm).toBe(true);
    const text = explainPoint(p, r, { unit: { one: 'décès', other: 'décès' } });
    const expected = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(p.expected as number);
    expect(text).toContain(`12 décès observés, ${expected} attendu`);
    expect(text).toContain(`seuil ${p.upperbound}`);
    expect(text).toContain('(Noufaily, 3 ans d\'historique)');
    expect(text.startsWith('Alerte')).toBe(true);
    expect(expected).toMatch(/^\d+(,\d)?$/);
  });
  it('explains the 5-in-4 rule and insufficient history', () => {
    const n = 3 * 365 + 40;
    const counts = poissonSeries(n, 0.1, 9);
    const r = detect({ counts, frequency: 365, dates: dailyDates('2019-01-01', n) }, presets.farrington1996({ b: 3, range: { from: n - 1, to: n - 1 } }));
    expect(explainPoint(r.points[0], r)).toMatch(/moins de 5 cas sur les 4 derniers jours/);
    const short = detect({ counts: counts.slice(0, 400), frequency: 365 }, presets.farrington1996({ b: 3, range: { from: 399, to: 399 } }));
    expect(explainPoint(short.points[0], short)).toMatch(/historique insuffisant/);
  });
});
