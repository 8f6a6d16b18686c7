// Keeps the stored detection (`collection_detection`) in step with the declarations. A declaration,
// a correction or an import queues its commune in `collection_detection_queue` inside its own
// transaction; this refresher, on any server instance, recomputes the queued communes and the
// department from the earliest changed date on, stores the points and tells the dashboards
// (`detection.updated` on `campaign:<id>`). The queue is in the database, so nothing is lost if a
// server stops between a declaration and its refresh: the next run (at start, or every
// POLL_MS) takes it.

import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../../db/schema';
import type { Services } from '../../http/context';
import { topicOf } from '../../../shared/realtime';
import { computeDetection, EARS_LOOKBACK, NOUFAILY_MIN_PERIODS, periodDates, type ComputedPoint, type DetectionMethodName } from './detection.compute';
import { addDays, daysBetween, parisDateTime, periodStep } from './paris-time';

/** The department's own series (sum of the communes that answered) is stored under this area. */
export const DEPARTMENT_AREA = 'department';
/** Queue rows taken per run. */
const BATCH = 1000;
/** Leftovers (another instance's queue, a crash) are picked up at this pace. */
const POLL_MS = 30_000;
/** Least time between two runs: a burst of declarations is refreshed in a few runs, not one each. */
const MIN_GAP_MS = 100;

interface QueueRow {
  campaign_id: string;
  insee_code: string;
  from_date: string;
  queued_at: string;
}

/** The upsert queueing communes (at most 500) for a refresh, not run: alone, or inside another statement. */
export function queueDetectionInsert(tx: Kysely<DB>, campaignId: string, items: Array<{ inseeCode: string; fromDate: string }>) {
  const earliest = new Map<string, string>();
  for (const i of items) {
    const prev = earliest.get(i.inseeCode);
    if (!prev || i.fromDate < prev) earliest.set(i.inseeCode, i.fromDate);
  }
  return tx
    .insertInto('collection_detection_queue')
    .values([...earliest].map(([insee_code, from_date]) => ({ campaign_id: campaignId, insee_code, from_date })))
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'insee_code']).doUpdateSet({
        from_date: sql`least(collection_detection_queue.from_date, excluded.from_date)`,
        queued_at: sql`clock_timestamp()`,
      }),
    );
}

/** Queues communes of a campaign for a detection refresh from `fromDate` on (inside the caller's transaction). */
export async function queueDetection(tx: Kysely<DB>, campaignId: string, items: Array<{ inseeCode: string; fromDate: string }>): Promise<void> {
  for (let i = 0; i < items.length; i += 500) await queueDetectionInsert(tx, campaignId, items.slice(i, i + 500)).execute();
}

type StoredPoint = ComputedPoint & { area: string; method: DetectionMethodName };

export class DetectionRefresher {
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastRunEnd = 0;
  /** Runs done and areas refreshed since start (benchmarks, tests). */
  readonly stats = { runs: 0, areas: 0, lastRunMs: 0 };

  constructor(
    private readonly services: Pick<Services, 'db' | 'realtime' | 'now' | 'caches'>,
    private readonly log: FastifyBaseLogger,
    /** Wait after a kick, to refresh many declarations of the same second in one run; 0 = only on `flush()`. */
    private readonly delayMs: number,
  ) {}

  /** Processes what is queued now, then polls for leftovers. */
  start(): void {
    if (this.delayMs <= 0) return;
    this.kick();
    this.poller = setInterval(() => this.kick(), POLL_MS).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.timer = this.poller = null;
    await this.running?.catch(() => {});
  }

  /** A declaration was queued: refresh soon (coalescing the kicks of the next `delayMs`). */
  kick(): void {
    if (this.stopped || this.delayMs <= 0 || this.timer) return;
    const wait = Math.max(this.delayMs, this.lastRunEnd + MIN_GAP_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runUntilEmpty().catch((err: unknown) => this.log.error({ err }, 'rafraîchissement de la détection impossible'));
    }, wait);
    this.timer.unref();
  }

  /** Processes the whole queue now (tests, benchmarks, the demo seed). */
  async flush(): Promise<void> {
    await this.running?.catch(() => {});
    await this.runUntilEmpty(0);
  }

  /**
   * Runs until the queue is empty. In the background (`gapMs` > 0) it pauses between runs, so that
   * the declarations arriving meanwhile are taken together rather than one run each.
   */
  private async runUntilEmpty(gapMs = MIN_GAP_MS): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.runOnce()) > 0 && !this.stopped) {
            if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs).unref());
          }
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
        this.lastRunEnd = Date.now();
      }
    })();
    return this.running;
  }

  /** One batch of the queue; returns how many queue rows it took. */
  private async runOnce(): Promise<number> {
    const db = this.services.db;
    const t0 = performance.now();
    const rows = (
      await sql<QueueRow>`SELECT campaign_id, insee_code, from_date::text AS from_date, queued_at::text AS queued_at
        FROM collection_detection_queue ORDER BY queued_at LIMIT ${BATCH}`.execute(db)
    ).rows;
    if (rows.length === 0) return 0;
    const byCampaign = new Map<string, QueueRow[]>();
    for (const r of rows) byCampaign.set(r.campaign_id, [...(byCampaign.get(r.campaign_id) ?? []), r]);
    for (const [campaignId, items] of byCampaign) await this.refreshCampaign(campaignId, items);
    this.stats.runs++;
    this.stats.lastRunMs = performance.now() - t0;
    return rows.length;
  }

  private async refreshCampaign(campaignId: string, items: QueueRow[]): Promise<void> {
    const db = this.services.db;
    const campaign = await db
      .selectFrom('collection_campaigns')
      .select(['id', 'period'])
      .select(sql<string>`start_date::text`.as('start_date'))
      .where('id', '=', campaignId)
      .executeTakeFirst();
    const today = parisDateTime(this.services.now()).date;
    const points: StoredPoint[] = [];
    const fromOf = new Map<string, string>();
    if (campaign) {
      const dates = periodDates(campaign.start_date, campaign.period, today);
      const indexOf = (from: string) => {
        const i = dates.findIndex((d) => d >= from);
        return i < 0 ? dates.length : i;
      };
      const codes = items.map((i) => i.insee_code);
      const series = await db
        .selectFrom('collection_declarations')
        .select(['insee_code', 'total'])
        .select(sql<string>`period_date::text`.as('date'))
        .where('campaign_id', '=', campaignId)
        .where('insee_code', 'in', codes)
        .where(sql<boolean>`period_date <= ${today}::date`)
        .execute();
      const byCommune = new Map<string, Map<string, number>>();
      for (const r of series) {
        let m = byCommune.get(r.insee_code);
        if (!m) byCommune.set(r.insee_code, (m = new Map()));
        m.set(r.date, r.total);
      }
      let earliest = today;
      for (const item of items) {
        const values = byCommune.get(item.insee_code) ?? new Map<string, number>();
        const counts = dates.map((d) => values.get(d) ?? null);
        const computed = computeDetection(dates, counts, campaign.period, indexOf(item.from_date));
        for (const p of computed.points) if (p.observed !== null) points.push({ ...p, area: item.insee_code, method: computed.method });
        fromOf.set(item.insee_code, item.from_date);
        if (item.from_date < earliest) earliest = item.from_date;
        // Let requests in between communes: a long back-fill must not hold the event loop.
        await new Promise((r) => setImmediate(r));
      }
      // The department: the sum of the communes that answered, each period. EARS reads at most
      // EARS_LOOKBACK periods before a point: while the campaign is too young for Noufaily, only
      // those are summed, not the whole campaign (a France-wide campaign has a million rows).
      const step = periodStep(campaign.period);
      const first = await sql<{ d: string | null }>`SELECT min(period_date)::text AS d FROM collection_declarations WHERE campaign_id = ${campaignId}`.execute(db);
      const firstDate = first.rows[0]?.d ?? today;
      const young = Math.floor(daysBetween(firstDate, today) / step) + 1 < NOUFAILY_MIN_PERIODS(campaign.period);
      const sumFrom = young ? addDays(earliest, -EARS_LOOKBACK * step) : campaign.start_date;
      const dep = await sql<{ date: string; total: number }>`SELECT period_date::text AS date, sum(total)::int AS total FROM collection_declarations
        WHERE campaign_id = ${campaignId} AND period_date >= ${sumFrom}::date AND period_date <= ${today}::date GROUP BY period_date`.execute(db);
      const depValues = new Map(dep.rows.map((r) => [r.date, Number(r.total)]));
      const depComputed = computeDetection(dates, dates.map((d) => depValues.get(d) ?? null), campaign.period, indexOf(earliest));
      for (const p of depComputed.points) if (p.observed !== null) points.push({ ...p, area: DEPARTMENT_AREA, method: depComputed.method });
      fromOf.set(DEPARTMENT_AREA, earliest);
    }

    await db.transaction().execute(async (tx) => {
      if (campaign && fromOf.size) {
        const targets = sql.join([...fromOf].map(([area, from]) => sql`(${area}::text, ${from}::date)`));
        await sql`DELETE FROM collection_detection d USING (VALUES ${targets}) AS v(area, from_date)
          WHERE d.campaign_id = ${campaignId} AND d.area = v.area AND d.period_date >= v.from_date`.execute(tx);
        for (let i = 0; i < points.length; i += 500) {
          await tx
            .insertInto('collection_detection')
            .values(
              points.slice(i, i + 500).map((p) => ({
                campaign_id: campaignId,
                area: p.area,
                period_date: p.date,
                method: p.method,
                observed: p.observed,
                expected: finiteOrNull(p.expected),
                upperbound: finiteOrNull(p.upperbound),
                alarm: p.alarm,
                explanation: p.explanation,
              })),
            )
            .execute();
        }
      }
      // Done, unless the commune was queued again meanwhile (then its new row stays for the next run).
      const done = sql.join(items.map((i) => sql`(${i.insee_code}::text, ${i.queued_at}::timestamptz)`));
      await sql`DELETE FROM collection_detection_queue q USING (VALUES ${done}) AS v(insee_code, queued_at)
        WHERE q.campaign_id = ${campaignId} AND q.insee_code = v.insee_code AND q.queued_at = v.queued_at`.execute(tx);
      if (campaign) {
        await this.services.realtime.publish(tx, topicOf('campaign', campaignId), {
          kind: 'detection.updated',
          campaignId,
          areas: items.map((i) => i.insee_code),
          from: [...fromOf.values()].sort()[0] ?? today,
        });
      }
    });
    this.services.caches.overview.invalidate(campaignId);
    this.stats.areas += items.length;
  }
}

/** Infinity (a muan overflow) is not stored: the bound is then unknown. */
function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}
