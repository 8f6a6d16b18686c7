/**
 * In-memory fixed-window counters per key, per server instance: a guard against floods, not an
 * accounting tool. Login throttling, which must hold across instances, lives in the database.
 */
export class FixedWindowLimiter {
  private window = 0;
  private counts = new Map<string, number>();
  constructor(private readonly windowMs: number) {}

  hit(key: string, max: number): boolean {
    const w = Math.floor(Date.now() / this.windowMs);
    if (w !== this.window) {
      this.window = w;
      this.counts = new Map();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= max;
  }
}
