// Public types of the detection module. Positions are 0-based everywhere in this API (R's are
// 1-based: R's time point t is our index t − 1).

/** Observations per year: daily, weekly or monthly (R `sts@freq`). */
export type Frequency = 365 | 52 | 12;

export interface Series {
  /** Counts per time unit; `null` (or NaN) is a missing value (R `NA`). */
  counts: ReadonlyArray<number | null>;
  frequency: Frequency;
  /**
   * Calendar dates, ISO `yyyy-mm-dd`, equally spaced. When given, farringtonFlexible finds its
   * reference points by calendar (R `epochAsDate = TRUE`); otherwise by index (t − i·frequency).
   */
  dates?: ReadonlyArray<string> | null;
  /** Population at risk per time unit (R `population(sts)`); used with `populationOffset`. */
  population?: ReadonlyArray<number> | null;
  /** (year, period) of the first count (R `sts@start`); only cusum `m: "glm"` uses the period. */
  start?: readonly [number, number];
}

/** Monitored positions, 0-based and inclusive. */
export interface MonitorRange {
  from: number;
  to: number;
}

export interface EarsCSettings {
  method: 'earsC';
  variant: 'C1' | 'C2' | 'C3';
  /** Number of reference points B (R `baseline`), ≥ 3. Default 7. */
  baseline?: number;
  /** Floor on the baseline standard deviation (R `minSigma`), ≥ 0. Default 0. */
  minSigma?: number;
  /** One-sided level; default 0.001 for C1/C2 and 0.025 for C3, as R does. */
  alpha?: number;
  /** Default: every point from the first one with a full reference window (R's default range). */
  range?: MonitorRange;
}

export type PowerTransform = '2/3' | '1/2' | 'none';
export type ThresholdMethod = 'delta' | 'nbPlugin' | 'muan';

export interface FarringtonFlexibleSettings {
  method: 'farringtonFlexible';
  /** Years of history (R `b`). Default 5. */
  b?: number;
  /** Half-window around each reference point, in time units (R `w`). Default 3. */
  w?: number;
  reweight?: boolean;
  weightsThreshold?: number;
  alpha?: number;
  trend?: boolean;
  pThresholdTrend?: number;
  /** (c, P4): no alarm unless the last P4 counts, current included, sum to ≥ c. Default (5, 4). */
  limit54?: readonly [number, number];
  powertrans?: PowerTransform;
  populationOffset?: boolean;
  /** Levels of the seasonal factor; 1 = none (Farrington 1996), 10 in Noufaily 2013. */
  noPeriods?: number;
  /** Most recent points left out of the baseline; `null`/absent means `w`. */
  pastWeeksNotIncluded?: number | null;
  thresholdMethod?: ThresholdMethod;
  /** Default: from frequency·b + w (0-based) to the last point, as R. */
  range?: MonitorRange;
}

export type CusumTransform = 'standard' | 'rossi' | 'anscombe' | 'anscombe2nd' | 'pearsonNegBin' | 'none';

export interface CusumSettings {
  method: 'cusum';
  /** Reference value. Default 1.04. */
  k?: number;
  /** Decision boundary. Default 2.26. */
  h?: number;
  /** Expected count: `null` = mean before the range, a number, or "glm" (harmonic Poisson GLM). */
  m?: null | number | 'glm';
  trans?: CusumTransform;
  /** NegBin dispersion for `pearsonNegBin`; default 0.1. */
  alpha?: number | null;
  /** Required: the recursion starts at `range.from`; the history before it sets m. */
  range: MonitorRange;
}

export type DetectionMethod = EarsCSettings | FarringtonFlexibleSettings | CusumSettings;

/**
 * Why a point has no result although it was asked for. R would error (or misbehave) in all of
 * these cases for the whole call; here only the point concerned is affected.
 * - `insufficient_history`: the reference windows reach before the first count, a reference date
 *   is not in the series, or too few baseline rows remain to estimate the model.
 * - `seasonal_blocks_too_short`: with `noPeriods` > 1, a gap between reference windows is shorter
 *   than the number of seasonal blocks (R errors "Number of factors too big" or mislabels).
 * - `fit_failed`: the GLM did not converge, with and without trend (R returns NA and warns).
 */
export type PointStatus = 'ok' | 'insufficient_history' | 'seasonal_blocks_too_short' | 'fit_failed';

export interface DetectionPoint {
  /** 0-based position in the series. */
  index: number;
  date: string | null;
  status: PointStatus;
  observed: number | null;
  /** Expected count: the baseline mean (earsC C1/C2, C2 mean for C3), m (cusum), μ₀ (Farrington). */
  expected: number | null;
  /** Threshold: a count above it (cusum: at or above it) signals. */
  upperbound: number | null;
  /** `null` when undecidable (missing count or missing bound), as R's NA. */
  alarm: boolean | null;
  /** farringtonFlexible: exceedance score, p-value, dispersion φ, trend kept and its coefficient. */
  score: number | null;
  pvalue: number | null;
  phi: number | null;
  trend: boolean | null;
  trendCoef: number | null;
  /** farringtonFlexible's `mu0` control vector (quirky for delta, see SPEC 2.10); may be Infinity. */
  mu0: number | null;
  /** cusum statistic C_t. */
  cusum: number | null;
}

export interface DetectionResult {
  /** The settings actually used, defaults filled in (range 0-based). */
  settings: ResolvedEarsC | ResolvedFarrington | ResolvedCusum;
  /** The series frequency, for wording (days, weeks, months). */
  frequency: Frequency;
  points: DetectionPoint[];
}

export type ResolvedEarsC = Required<Omit<EarsCSettings, 'range'>> & { range: MonitorRange };

export type ResolvedFarrington = Required<Omit<FarringtonFlexibleSettings, 'pastWeeksNotIncluded' | 'range'>> & {
  pastWeeksNotIncluded: number;
  range: MonitorRange;
};

export type ResolvedCusum = Required<Omit<CusumSettings, 'alpha'>> & { alpha: number };

export type SurveillanceErrorCode = 'INVALID_SERIES' | 'INVALID_SETTINGS' | 'INVALID_RANGE';

/** Thrown for inputs no point could be computed from (R errors in the same situations). */
export class SurveillanceError extends Error {
  readonly code: SurveillanceErrorCode;
  constructor(code: SurveillanceErrorCode, message: string) {
    super(message);
    this.name = 'SurveillanceError';
    this.code = code;
  }
}
