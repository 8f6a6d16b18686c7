// Reader and comparator for the R reference files (schema_version 1, see
// tests/fixtures/surveillance/README.md). Takes parsed JSON, does no I/O: shared by
// scripts/parity.ts (command line) and the unit test over the 75 fixtures.
//
// Tolerances are the README's suggested ones: alarms exact; earsC and cusum values 1e-9
// relative; farringtonFlexible bound, expected and phi 1e-6 relative; score and p-value 1e-5
// relative (or 1e-12 absolute, see below); integer quantiles (nbPlugin/muan bounds) exact;
// missing exactly where R is missing.

import { detect } from './detect';
import type { DetectionMethod, DetectionPoint, Series } from './types';

type RNum = number | null | 'Inf' | '-Inf';

export interface ReferenceFile {
  schema_version: number;
  id: string;
  algorithm: 'earsC' | 'farringtonFlexible' | 'cusum';
  series: {
    length: number;
    frequency: 52 | 365 | 12;
    epoch_as_date: boolean;
    start: [number, number];
    date: string[] | null;
    observed: (number | null)[];
    population?: number[];
  };
  control: Record<string, unknown> & { range: { from: number; to: number } };
  output: Record<string, RNum[] | Record<string, number> | undefined> & { index: number[] };
}

export interface FieldReport {
  field: string;
  compared: number;
  mismatches: number;
  /** Largest relative difference among values present on both sides. */
  maxRelDiff: number;
  /** First mismatch, for the report. */
  first: { index: number; expected: RNum; actual: number | null } | null;
}

export interface ParityReport {
  id: string;
  algorithm: string;
  pass: boolean;
  fields: FieldReport[];
  error?: string;
}

export const TOLERANCES = {
  earsCusum: 1e-9,
  farringtonValue: 1e-6,
  farringtonScore: 1e-5,
  scoreAbsolute: 1e-12,
} as const;

function toNumber(v: RNum): number {
  if (v === null) return NaN;
  if (v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return v;
}

/** Translates a reference file into our API: 1-based R positions become 0-based. */
export function referenceToRequest(ref: ReferenceFile): { series: Series; method: DetectionMethod } {
  const s = ref.series;
  const series: Series = {
    counts: s.observed,
    frequency: s.frequency,
    dates: s.epoch_as_date ? s.date : null,
    population: s.population ?? null,
    start: s.start,
  };
  const c = ref.control;
  const range = { from: c.range.from - 1, to: c.range.to - 1 };
  let method: DetectionMethod;
  if (ref.algorithm === 'earsC') {
    method = {
      method: 'earsC',
      variant: c.method as 'C1' | 'C2' | 'C3',
      baseline: c.baseline as number,
      minSigma: c.minSigma as number,
      alpha: c.alpha as number,
      range,
    };
  } else if (ref.algorithm === 'farringtonFlexible') {
    method = {
      method: 'farringtonFlexible',
      b: c.b as number,
      w: c.w as number,
      reweight: c.reweight as boolean,
      weightsThreshold: c.weightsThreshold as number,
      alpha: c.alpha as number,
      trend: c.trend as boolean,
      pThresholdTrend: c.pThresholdTrend as number,
      limit54: c.limit54 as [number, number],
      powertrans: c.powertrans as '2/3' | '1/2' | 'none',
      populationOffset: c.populationOffset as boolean,
      noPeriods: c.noPeriods as number,
      pastWeeksNotIncluded: c.pastWeeksNotIncluded as number | null,
      thresholdMethod: c.thresholdMethod as 'delta' | 'nbPlugin' | 'muan',
      range,
    };
  } else {
    method = {
      method: 'cusum',
      k: c.k as number,
      h: c.h as number,
      m: c.m as null | number | 'glm',
      trans: c.trans as 'standard' | 'rossi' | 'anscombe',
      alpha: (c.alpha as number | null) ?? null,
      range,
    };
  }
  return { series, method };
}

type Rule = { kind: 'exact' } | { kind: 'relative'; tol: number; abs?: number };

function compareField(
  field: string,
  expected: RNum[],
  actual: (number | null)[],
  index: number[],
  rule: Rule,
): FieldReport {
  const rep: FieldReport = { field, compared: 0, mismatches: 0, maxRelDiff: 0, first: null };
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = toNumber(expected[i] ?? null);
    const a = actual[i] === null || actual[i] === undefined ? NaN : (actual[i] as number);
    rep.compared++;
    let ok: boolean;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      ok = Number.isNaN(e) && Number.isNaN(a);
    } else if (!Number.isFinite(e) || !Number.isFinite(a)) {
      ok = e === a;
    } else if (rule.kind === 'exact') {
      ok = e === a;
      if (!ok) rep.maxRelDiff = Math.max(rep.maxRelDiff, Math.abs(e - a) / Math.max(Math.abs(e), Math.abs(a)));
    } else {
      const scale = Math.max(Math.abs(e), Math.abs(a));
      const rel = scale === 0 ? 0 : Math.abs(e - a) / scale;
      rep.maxRelDiff = Math.max(rep.maxRelDiff, rel);
      ok = rel <= rule.tol || Math.abs(e - a) <= (rule.abs ?? 0);
    }
    if (!ok) {
      rep.mismatches++;
      if (rep.first === null) rep.first = { index: index[i], expected: expected[i] ?? null, actual: Number.isNaN(a) ? null : a };
    }
  }
  return rep;
}

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

function column(points: DetectionPoint[], pick: (p: DetectionPoint) => number | null): (number | null)[] {
  return points.map(pick);
}

/** Runs our implementation on one reference file and compares every output R gives. */
export function checkReference(ref: ReferenceFile): ParityReport {
  const report: ParityReport = { id: ref.id, algorithm: ref.algorithm, pass: false, fields: [] };
  try {
    if (ref.schema_version !== 1) throw new Error(`schema_version ${ref.schema_version} non pris en charge`);
    const { series, method } = referenceToRequest(ref);
    const result = detect(series, method);
    const pts = result.points;
    const out = ref.output;
    const idx = out.index;
    const ourIdx = pts.map((p) => p.index + 1);
    report.fields.push(compareField('index', idx, ourIdx, idx, { kind: 'exact' }));
    report.fields.push(compareField('alarm', out.alarm as RNum[], column(pts, (p) => bool(p.alarm)), idx, { kind: 'exact' }));
    if (ref.algorithm === 'earsC') {
      const tol: Rule = { kind: 'relative', tol: TOLERANCES.earsCusum };
      report.fields.push(compareField('upperbound', out.upperbound as RNum[], column(pts, (p) => p.upperbound), idx, tol));
    } else if (ref.algorithm === 'cusum') {
      const tol: Rule = { kind: 'relative', tol: TOLERANCES.earsCusum };
      report.fields.push(compareField('upperbound', out.upperbound as RNum[], column(pts, (p) => p.upperbound), idx, tol));
      if (out.m !== undefined) report.fields.push(compareField('m', out.m as RNum[], column(pts, (p) => p.expected), idx, tol));
      if (out.cusum !== undefined) report.fields.push(compareField('cusum', out.cusum as RNum[], column(pts, (p) => p.cusum), idx, tol));
    } else {
      if (method.method !== 'farringtonFlexible') throw new Error('unreachable');
      const discrete = method.thresholdMethod !== 'delta';
      const value: Rule = { kind: 'relative', tol: TOLERANCES.farringtonValue };
      const bound: Rule = discrete ? { kind: 'exact' } : value;
      // score = (y − μ₀)/(U − μ₀) cancels when y ≈ μ₀ (salmonella_agona k = 258: y = 2,
      // μ₀ = 2 + 1.6e-10): a 1e-16 difference in μ₀ becomes 1e-5 relative in the score there,
      // so differences below 1e-12 in absolute value are accepted too.
      const score: Rule = { kind: 'relative', tol: TOLERANCES.farringtonScore, abs: TOLERANCES.scoreAbsolute };
      const f = (name: string, rule: Rule, pick: (p: DetectionPoint) => number | null, source = pts): void => {
        const e = out[name];
        if (Array.isArray(e)) report.fields.push(compareField(name, e, column(source, pick), idx, rule));
      };
      f('upperbound', bound, (p) => p.upperbound);
      f('expected', value, (p) => p.expected);
      f('phi', value, (p) => p.phi);
      f('score', score, (p) => p.score);
      f('pvalue', score, (p) => p.pvalue);
      f('mu0', value, (p) => p.mu0);
      f('trend', { kind: 'exact' }, (p) => bool(p.trend));
      f('trend_coef', value, (p) => p.trendCoef);
      if (Array.isArray(out.upperbound_unrestricted) || Array.isArray(out.expected_unrestricted)) {
        // R's second run with limit54 = c(0, P4): the raw bound wherever the window is complete
        const p4 = (method.limit54 ?? [5, 4])[1];
        const raw = detect(series, { ...method, limit54: [0, p4] }).points;
        f('upperbound_unrestricted', bound, (p) => p.upperbound, raw);
        f('expected_unrestricted', value, (p) => p.expected, raw);
      }
    }
    report.pass = report.fields.every((x) => x.mismatches === 0);
  } catch (err) {
    report.error = err instanceof Error ? err.message : String(err);
    report.pass = false;
  }
  return report;
}

/** One line per file: PASS/FAIL, then the largest relative difference per field. */
export function formatReport(r: ParityReport): string {
  const head = `${r.pass ? 'PASS' : 'FAIL'} ${r.id}`;
  if (r.error !== undefined) return `${head}\n  error: ${r.error}`;
  const diffs = r.fields
    .filter((f) => f.field !== 'index')
    .map((f) => `${f.field} ${f.maxRelDiff.toExponential(1)}`)
    .join(', ');
  let s = `${head} (max rel diff: ${diffs})`;
  for (const f of r.fields) {
    if (f.mismatches > 0 && f.first !== null) {
      s += `\n  ${f.field}: ${f.mismatches}/${f.compared} mismatches; first at index ${f.first.index}: R ${String(f.first.expected)}, Vigie ${String(f.first.actual)}`;
    }
  }
  return s;
}
