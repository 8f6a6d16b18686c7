// The serialized dashboard of a (campaign, date, indicator), kept in memory: every member of a
// prefecture reads the same overview each morning, and a France-wide one is some megabytes of
// JSON built from ~35,000 communes. Any change to a campaign (a declaration, a correction, an
// import, new rules, a detection refresh) drops all its entries: in this process at once after
// the commit, and in every other server instance when PostgreSQL's NOTIFY of the change reaches
// it — before that message is relayed to the dashboards, which reload only after it.

/** Entries kept at most (a France-wide overview is ~12 MB). */
const MAX_ENTRIES = 24;
/** Safety net: nothing is served older than this even if a notification were lost. */
const TTL_MS = 5 * 60_000;

interface Entry {
  campaignId: string;
  body: string;
  at: number;
}

export class OverviewCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by each invalidation: an overview computed across a change is not kept. */
  private readonly generations = new Map<string, number>();
  /** Hits and misses since start (benchmarks, tests). */
  readonly stats = { hits: 0, misses: 0 };

  static key(campaignId: string, date: string, indicator: string, deadlinePassed: boolean): string {
    return `${campaignId}|${date}|${indicator}|${deadlinePassed ? 'late' : 'open'}`;
  }

  get(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e || Date.now() - e.at > TTL_MS) {
      if (e) this.entries.delete(key);
      this.stats.misses++;
      return undefined;
    }
    // Most recently used last: the first entry is the one to drop.
    this.entries.delete(key);
    this.entries.set(key, e);
    this.stats.hits++;
    return e.body;
  }

  /** The campaign's generation, read before computing an overview to cache. */
  generation(campaignId: string): number {
    return this.generations.get(campaignId) ?? 0;
  }

  /** Keeps `body` unless the campaign changed since `generation` was read. */
  set(key: string, campaignId: string, body: string, generation: number): void {
    if (this.generation(campaignId) !== generation) return;
    this.entries.delete(key);
    this.entries.set(key, { campaignId, body, at: Date.now() });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  invalidate(campaignId: string): void {
    this.generations.set(campaignId, this.generation(campaignId) + 1);
    for (const [k, e] of this.entries) if (e.campaignId === campaignId) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
  }
}
