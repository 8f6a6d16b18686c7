// Probability primitives with R's conventions (R 4.2 nmath), written for this module.
//
// Why our own code rather than a library: the detection module must run unchanged in the
// browser and on the server, with no runtime dependency, and it must follow R's conventions
// exactly where they matter for parity (one-sided normal quantile, left-continuous discrete
// quantiles with R's fuzz, upper tails computed directly). Every function works in double
// precision and is accurate to about 1e-14 relative in the ranges the detection methods use.
//
// References: Wichura (1988), algorithm AS 241 (PPND16) for the normal quantile; the regularised
// incomplete gamma function by its power series and Legendre's continued fraction, and the
// regularised incomplete beta function by its continued fraction (modified Lentz evaluation), as
// in Abramowitz & Stegun 6.5 and 26.5; the Lanczos approximation (g = 7, 9 terms) for log Γ.

/** Double-precision machine epsilon, R's `.Machine$double.eps`. */
export const DBL_EPSILON = 2.220446049250313e-16;

const LOG_SQRT_2PI = 0.9189385332046728; // log(sqrt(2π))

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (R `lgamma`). Lanczos, about 1e-15 absolute near 1 and 2. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return x === 0 ? Infinity : NaN; // negative arguments are never needed here
  if (x < 0.5) {
    // Γ(x) = Γ(x+1)/x keeps the Lanczos sum in its accurate range for tiny sizes (NB size ≈ 1e-11)
    return lgamma(x + 1) - Math.log(x);
  }
  const xm1 = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (xm1 + i);
  const t = xm1 + LANCZOS_G + 0.5;
  return LOG_SQRT_2PI + (xm1 + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * δ(x) = log Γ(x) − [(x − ½)log x − x + log√(2π)], the Stirling remainder, for x ≥ 10
 * (five terms of the asymptotic series; the next term is below 2e-14 at x = 10).
 */
function stirlingRemainder(x: number): number {
  const r = 1 / (x * x);
  return (1 / x) * (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r / 1188))));
}

/**
 * log B(a, b). With a large argument the difference lgamma(a) − lgamma(a + b) would cancel
 * catastrophically (negative binomial sizes reach 1e9 when φ is barely above 1), so the large
 * cases are written with Stirling remainders and log1p, as R's nmath `lbeta` does.
 */
export function lbeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q);
    return -0.5 * Math.log(q) + LOG_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
    return lgamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lgamma(p) + lgamma(q) - lgamma(p + q);
}

const CF_TINY = 1e-300;
const MAX_ITER = 100000;

/**
 * Regularised incomplete gamma. Returns the lower P(a, x) if `lower`, else the upper
 * Q(a, x) = 1 − P(a, x), each computed on the side where it is accurate: the power series
 * gives P when x < a + 1, Legendre's continued fraction gives Q otherwise.
 */
export function gammaInc(a: number, x: number, lower: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(x)) return NaN;
  if (x <= 0) return lower ? 0 : 1;
  if (x === Infinity) return lower ? 1 : 0;
  const logPrefix = a * Math.log(x) - x - lgamma(a);
  if (x < a + 1) {
    // P(a,x) = e^{-x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    const p = sum * Math.exp(logPrefix);
    return lower ? p : 1 - p;
  }
  // Q(a,x) = e^{-x} x^a / Γ(a) · 1/(x+1-a- 1·(1-a)/(x+3-a- 2·(2-a)/(x+5-a- …))), modified Lentz
  let b = x + 1 - a;
  let c = 1 / CF_TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = b + an / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.exp(logPrefix) * h;
  return lower ? 1 - q : q;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  // Continued fraction for I_x(a,b) · a·B(a,b) / (x^a (1-x)^b), modified Lentz.
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Regularised incomplete beta I_x(a, b) (lower) or 1 − I_x(a, b) (upper). `y` is 1 − x,
 * passed separately so that callers holding 1 − x exactly (NB with prob = 1/φ) lose nothing.
 * The continued fraction is evaluated on whichever side converges, which is also the side
 * where the smaller tail is accurate.
 */
export function betaInc(x: number, a: number, b: number, lower: boolean, y: number = 1 - x): number {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (x <= 0) return lower ? 0 : 1;
  if (y <= 0) return lower ? 1 : 0;
  const logPrefix = a * Math.log(x) + b * Math.log(y) - lbeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const ix = (Math.exp(logPrefix) * betaContinuedFraction(x, a, b)) / a;
    return lower ? ix : 1 - ix;
  }
  const iy = (Math.exp(logPrefix) * betaContinuedFraction(y, b, a)) / b;
  return lower ? 1 - iy : iy;
}

/** Standard normal CDF Φ(x) (R `pnorm(x)`), or its upper tail 1 − Φ(x) when `lower` is false. */
export function pnorm(x: number, lower = true): number {
  if (Number.isNaN(x)) return NaN;
  // Φ(x) = erfc(−x/√2)/2 and erfc(u) = Q(1/2, u²) for u ≥ 0: one accurate primitive serves all.
  const u2 = 0.5 * x * x;
  const tail = 0.5 * gammaInc(0.5, u2, false); // P(Z > |x|)
  if (x >= 0) return lower ? 1 - tail : tail;
  return lower ? tail : 1 - tail;
}

/** Standard normal quantile Φ⁻¹(p) (R `qnorm(p)`), Wichura's AS 241 (PPND16), ~1e-16 relative. */
export function qnorm(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((r * 5226.495278852545561 + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}

/** Student t CDF P(T ≤ t) with `df` degrees of freedom (R `pt`), or the upper tail. */
export function pt(t: number, df: number, lower = true): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (t === Infinity) return lower ? 1 : 0;
  if (t === -Infinity) return lower ? 0 : 1;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2); 1 − x written as t²/(df+t²) to keep small tails exact
  const t2 = t * t;
  const twoSided = betaInc(df / (df + t2), df / 2, 0.5, true, t2 / (df + t2));
  const upperOfAbs = twoSided / 2;
  if (t > 0) return lower ? 1 - upperOfAbs : upperOfAbs;
  return lower ? upperOfAbs : 1 - upperOfAbs;
}

/** Poisson CDF P(X ≤ x) (R `ppois`), or P(X > x) when `lower` is false. */
export function ppois(x: number, lambda: number, lower = true): number {
  if (Number.isNaN(x) || Number.isNaN(lambda) || lambda < 0) return NaN;
  if (x < 0) return lower ? 0 : 1;
  if (lambda === 0) return lower ? 1 : 0;
  if (x === Infinity) return lower ? 1 : 0;
  x = Math.floor(x + 1e-7);
  // P(X ≤ x) = Q(x+1, λ), the upper regularised gamma function
  return gammaInc(x + 1, lambda, !lower);
}

/**
 * Negative binomial CDF P(X ≤ x) with R's (size, prob) parametrisation (R `pnbinom`), or
 * P(X > x) when `lower` is false. `q` = 1 − prob, passed when the caller knows it exactly.
 */
export function pnbinom(x: number, size: number, prob: number, lower = true, q: number = 1 - prob): number {
  if (Number.isNaN(x) || Number.isNaN(size) || Number.isNaN(prob)) return NaN;
  if (size < 0 || prob <= 0 || prob > 1) return NaN;
  if (x < 0) return lower ? 0 : 1;
  if (size === 0 || prob === 1) return lower ? 1 : 0;
  if (x === Infinity) return lower ? 1 : 0;
  x = Math.floor(x + 1e-7);
  // P(X ≤ x) = I_prob(size, x+1)
  return betaInc(prob, size, x + 1, lower, q);
}

/** R 4.2's fuzz for left-continuous discrete quantiles: the smallest x with F(x) ≥ p(1 − 8ε). */
const QUANTILE_FUZZ = 1 - 8 * DBL_EPSILON;

function discreteQuantileSearch(guess: number, target: number, cdf: (x: number) => number): number {
  let y = Math.max(0, Math.floor(guess));
  if (cdf(y) >= target) {
    // walk down, in growing then shrinking steps, to the smallest y with F(y) ≥ target
    let step = 1;
    while (y > 0) {
      const cand = Math.max(0, y - step);
      if (cdf(cand) >= target) {
        y = cand;
        step *= 2;
      } else if (step > 1) {
        step = Math.max(1, Math.floor(step / 2));
      } else {
        break;
      }
    }
    return y;
  }
  let step = 1;
  for (;;) {
    const cand = y + step;
    if (cdf(cand) >= target) {
      if (step === 1) return cand;
      step = Math.max(1, Math.floor(step / 2));
    } else {
      y = cand;
      step *= 2;
    }
  }
}

/** Poisson quantile (R `qpois(p, lambda)`): smallest integer x ≥ 0 with F(x) ≥ p(1 − 8ε). */
export function qpois(p: number, lambda: number): number {
  if (Number.isNaN(p) || Number.isNaN(lambda) || lambda < 0 || p < 0 || p > 1) return NaN;
  if (lambda === Infinity) return NaN;
  if (lambda === 0 || p === 0) return 0;
  if (p === 1) return Infinity;
  const sigma = Math.sqrt(lambda);
  const z = qnorm(p);
  // Cornish–Fisher start: mean + σ(z + γ(z²−1)/6), skewness γ = 1/σ
  const guess = lambda + sigma * (z + ((1 / sigma) * (z * z - 1)) / 6);
  const target = p * QUANTILE_FUZZ;
  return discreteQuantileSearch(guess, target, (x) => ppois(x, lambda));
}

/** Negative binomial quantile (R `qnbinom(p, size, prob)`), same convention as `qpois`. */
export function qnbinom(p: number, size: number, prob: number, q: number = 1 - prob): number {
  if (Number.isNaN(p) || Number.isNaN(size) || Number.isNaN(prob)) return NaN;
  if (size < 0 || prob <= 0 || prob > 1 || p < 0 || p > 1) return NaN;
  if (size === Infinity) return NaN;
  if (prob === 1 || size === 0 || p === 0) return 0;
  if (p === 1) return Infinity;
  const mu = (size * q) / prob;
  const sigma = Math.sqrt(mu / prob);
  const gamma = (1 + q) / sigma / prob; // skewness (2 − prob)/sqrt(size·(1 − prob))
  const z = qnorm(p);
  const guess = mu + sigma * (z + (gamma * (z * z - 1)) / 6);
  const target = p * QUANTILE_FUZZ;
  return discreteQuantileSearch(Number.isFinite(guess) ? guess : 0, target, (x) => pnbinom(x, size, prob, true, q));
}

