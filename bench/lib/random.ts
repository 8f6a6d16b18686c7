// Seeded random numbers for benchmarks and the detection harness, so runs can be compared:
// xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32, and samplers written here.

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 expands one 32-bit seed into the four words of state
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform on [0, 1), 32 bits. */
  uniform(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result / 4294967296;
  }

  normal(): number {
    // Box–Muller; one value per call keeps the state sequence simple
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Poisson(λ): inversion by sequential search for λ < 30, else normal approximation with continuity. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      let k = 0;
      let p = Math.exp(-lambda);
      let f = p;
      const u = this.uniform();
      while (u > f && k < 1000) {
        k++;
        p *= lambda / k;
        f += p;
      }
      return k;
    }
    // benchmark data never needs exact tails at these means
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** Gamma(shape, 1), Marsaglia & Tsang (2000). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform() || 1e-300, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Negative binomial with mean μ and size r (variance μ + μ²/r), as a gamma–Poisson mixture. */
  negbin(mu: number, size: number): number {
    if (mu <= 0) return 0;
    return this.poisson((mu * this.gamma(size)) / size);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** ISO dates of `n` consecutive days from `first`. */
export function dailyDates(first: string, n: number): string[] {
  const t0 = Date.parse(`${first}T00:00:00Z`);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = new Date(t0 + i * 86400000).toISOString().slice(0, 10);
  return out;
}
