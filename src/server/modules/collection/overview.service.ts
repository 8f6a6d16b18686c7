import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema';
import type { AuthContext, Services } from '../../http/context';
import { AppError } from '../../http/errors';
import {
  alertLevels,
  OVERVIEW_WINDOW,
  TOTAL_INDICATOR,
  type Aggregate,
  type AlertLevel,
  type AlertReason,
  type CampaignPeriod,
  type Overview,
  type OverviewCommune,
  type Totals,
} from '../../../shared/schemas/collection';
import type { CampaignRow, IndicatorRow } from '../../db/schema';
import { detectionReason, evaluateRules, levelOf, levelRank, ratePer100k, sumKey } from './alerts';
import { alertSettingsOf } from './collection.presenter';
import { communesOf, indicatorsOf } from './collection.repository';
import { requireCampaign } from './campaigns.service';
import { checkSpan } from './declarations.service';
import { DEPARTMENT_AREA } from './detection.refresher';
import { OverviewCache } from './overview.cache';
import { addDays, daysBetween, dueOf, firstPeriodFrom, isoWeekday, isPast, parisDateTime, periodStep } from './paris-time';

/** The campaign, for its prefecture only (a commune never sees the other communes). */
async function requireOwnedCampaign(services: Services, auth: AuthContext, id: string): Promise<CampaignRow> {
  const { campaign, access } = await requireCampaign(services.db, auth, id);
  if (access.kind !== 'owner') throw new AppError('prefecture_only');
  return campaign;
}

/** A date the dashboard can show: not in the future, a Monday for a weekly campaign. */
function checkViewDate(campaign: CampaignRow, date: string, now: Date): void {
  const problems: Array<{ path: string; code: string; message: string }> = [];
  if (date > parisDateTime(now).date) problems.push({ path: 'date', code: 'in_future', message: 'Cette date est dans le futur (heure de Paris).' });
  if (campaign.period === 'weekly' && isoWeekday(date) !== 1) problems.push({ path: 'date', code: 'not_monday', message: 'Campagne hebdomadaire : la date est le lundi de la semaine.' });
  if (problems.length) throw new AppError('invalid_period_date', problems);
}

export function indicatorLabelOf(indicators: IndicatorRow[], key: string): string {
  if (key === TOTAL_INDICATOR) return 'Total des indicateurs';
  return indicators.find((i) => i.key === key)?.label ?? key;
}

function requireIndicator(indicators: IndicatorRow[], key: string): void {
  if (key !== TOTAL_INDICATOR && !indicators.some((i) => i.key === key)) {
    throw new AppError('validation_failed', [{ path: 'indicator', code: 'unknown_indicator', message: `Indicateur inconnu dans cette campagne : « ${key} ».` }]);
  }
}

/** The value of one indicator in a declaration row, or the stored total. */
function valueExpr(indicator: string): RawBuilder<number> {
  return indicator === TOTAL_INDICATOR ? sql<number>`d.total` : sql<number>`coalesce((d."values" ->> ${indicator})::int, 0)`;
}


/** Periods of a span of `periods` ending at `date` that fall on or after the campaign's start. */
function periodsInWindow(start: string, date: string, periods: number, period: CampaignPeriod): number {
  const step = periodStep(period);
  let n = 0;
  for (let i = 0; i < periods; i++) if (addDays(date, -i * step) >= start) n++;
  return n;
}

function periodsSinceStart(start: string, date: string, period: CampaignPeriod): number {
  if (date < start) return 0;
  const step = periodStep(period);
  const first = firstPeriodFrom(start, period);
  return date < first ? 0 : Math.floor(daysBetween(first, date) / step) + 1;
}

interface CommuneSums {
  insee_code: string;
  /** The date's value of the chosen indicator, when declared. */
  value: number | null;
  answered_today: number;
  [column: string]: number | string | null;
}

/**
 * The dashboard of one date: for every commune asked, whether it answered, the date's value, the
 * sums and rates over the last OVERVIEW_WINDOW periods and since the campaign's start, its level
 * with the reasons (rules and stored statistical detection), and the same for the department.
 */
export async function overview(services: Services, auth: AuthContext, id: string, q: { date: string; indicator: string }): Promise<Overview> {
  const campaign = await requireOwnedCampaign(services, auth, id);
  checkViewDate(campaign, q.date, services.now());
  return computeOverview(services, campaign, q);
}

/**
 * The overview as JSON, from the in-process cache when the campaign has not changed since it was
 * computed (overview.cache.ts). Access and dates are checked first, every time.
 */
export async function overviewJson(services: Services, auth: AuthContext, id: string, q: { date: string; indicator: string }): Promise<string> {
  const campaign = await requireOwnedCampaign(services, auth, id);
  checkViewDate(campaign, q.date, services.now());
  const passed = isPast(dueOf(campaign.period, q.date, campaign.deadline), services.now());
  const key = OverviewCache.key(id, q.date, q.indicator, passed);
  const cache = services.caches.overview;
  const hit = cache.get(key);
  if (hit) return hit;
  const generation = cache.generation(id);
  const body = JSON.stringify(await computeOverview(services, campaign, q));
  cache.set(key, id, body, generation);
  return body;
}

async function computeOverview(services: Services, campaign: CampaignRow, q: { date: string; indicator: string }): Promise<Overview> {
  const db = services.db;
  const id = campaign.id;
  const indicators = await indicatorsOf(db, [id]);
  requireIndicator(indicators, q.indicator);
  const settings = alertSettingsOf(campaign.alert_settings);
  const period = campaign.period;
  const step = periodStep(period);
  const D = q.date;
  const prevDate = addDays(D, -step);

  // Every (indicator, window) sum the page and the rules need, now and one period earlier.
  const pairs = new Map<string, { indicator: string; window: number }>();
  pairs.set(sumKey(q.indicator, OVERVIEW_WINDOW), { indicator: q.indicator, window: OVERVIEW_WINDOW });
  for (const r of settings.rules) pairs.set(sumKey(r.indicator, r.window), { indicator: r.indicator, window: r.window });
  const list = [...pairs.values()];
  const maxWindow = Math.max(...list.map((p) => p.window));
  // The previous period's window reaches one period further back than the current one.
  const lo = addDays(D, -(maxWindow + 1) * step);
  const columns = list.flatMap((p, i) => {
    const e = valueExpr(p.indicator);
    const curFrom = addDays(D, -p.window * step);
    const prevFrom = addDays(D, -(p.window + 1) * step);
    return [
      sql`coalesce(sum(${e}) FILTER (WHERE d.period_date > ${curFrom}::date), 0)::int AS ${sql.ref(`c${i}`)}`,
      sql`coalesce(sum(${e}) FILTER (WHERE d.period_date > ${prevFrom}::date AND d.period_date <= ${prevDate}::date), 0)::int AS ${sql.ref(`p${i}`)}`,
      sql`count(*) FILTER (WHERE d.period_date > ${curFrom}::date)::int AS ${sql.ref(`n${i}`)}`,
    ];
  });
  const chosen = valueExpr(q.indicator);
  const chosenSum = q.indicator === TOTAL_INDICATOR ? sql<number>`s.total` : sql<number>`coalesce((s."values" ->> ${q.indicator})::bigint, 0)`;
  const [windowRows, periodRows, communes, detections, detectionUpdated, pending] = await Promise.all([
    // Grouping ~35,000 communes with a dozen sums is a hash aggregate only with room for it.
    db.transaction().execute(async (tx) => {
      await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
      return sql<CommuneSums>`SELECT d.insee_code, max(${chosen}) FILTER (WHERE d.period_date = ${D}::date) AS value,
          count(*) FILTER (WHERE d.period_date = ${D}::date)::int AS answered_today, ${sql.join(columns)}
        FROM collection_declarations d
        WHERE d.campaign_id = ${id} AND d.period_date > ${lo}::date AND d.period_date <= ${D}::date
        GROUP BY d.insee_code`.execute(tx);
    }),
    // Since the start: the running sums (kept by the database) minus what was declared after D.
    sql<{ insee_code: string; sum: number; answered: number }>`SELECT s.insee_code, (${chosenSum} - coalesce(a.sum, 0))::bigint AS sum, (s.answered - coalesce(a.n, 0))::int AS answered
      FROM collection_commune_sums s
      LEFT JOIN (SELECT d.insee_code, sum(${chosen}) AS sum, count(*) AS n FROM collection_declarations d
                 WHERE d.campaign_id = ${id} AND d.period_date > ${D}::date GROUP BY d.insee_code) a ON a.insee_code = s.insee_code
      WHERE s.campaign_id = ${id}`.execute(db),
    communesOf(db, id),
    // The explanation travels only with an alarm (it is then a reason); the panel of a commune reads the rest.
    sql<{ area: string; date: string; method: 'noufaily2013' | 'earsC3'; alarm: boolean | null; expected: number | null; upperbound: number | null; explanation: string }>`
      SELECT area, period_date::text AS date, method, alarm, expected, upperbound, CASE WHEN alarm THEN explanation ELSE '' END AS explanation
      FROM collection_detection WHERE campaign_id = ${id} AND period_date IN (${D}::date, ${prevDate}::date)`.execute(db),
    sql<{ at: Date | null }>`SELECT max(computed_at) AS at FROM collection_detection WHERE campaign_id = ${id} AND period_date = ${D}::date`.execute(db),
    db.selectFrom('collection_detection_queue').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', id).executeTakeFirstOrThrow(),
  ]);

  const byCommune = new Map(windowRows.rows.map((r) => [r.insee_code, r]));
  const sinceStart = new Map(periodRows.rows.map((r) => [r.insee_code, r]));
  type DetectionRow = (typeof detections.rows)[number];
  const detAt = new Map<string, DetectionRow>();
  const detBefore = new Map<string, DetectionRow>();
  for (const d of detections.rows) (d.date === D ? detAt : detBefore).set(d.area, d);
  const detectionUpdatedAt = detectionUpdated.rows[0]?.at ? new Date(detectionUpdated.rows[0].at) : null;

  const labelOf = (k: string) => indicatorLabelOf(indicators, k);
  const windowPeriods = periodsInWindow(campaign.start_date, D, OVERVIEW_WINDOW, period);
  const allPeriods = periodsSinceStart(campaign.start_date, D, period);
  const passed = isPast(dueOf(period, D, campaign.deadline), services.now());
  const chosenIndex = list.findIndex((p) => p.indicator === q.indicator && p.window === OVERVIEW_WINDOW);
  // Sums by pair index (list order): arrays, not maps, for ~35,000 communes.
  const slot = (indicator: string, window: number) => list.findIndex((p) => p.indicator === indicator && p.window === window);
  const ruleSlots = new Map(settings.rules.map((r) => [r, slot(r.indicator, r.window)]));
  const communeRules = settings.rules.some((r) => r.scope === 'commune');
  const cKeys = list.map((_, i) => `c${i}`);
  const pKeys = list.map((_, i) => `p${i}`);
  const nKey = `n${chosenIndex}`;
  const depCur = new Float64Array(list.length);
  const depPrev = new Float64Array(list.length);
  let depValue = 0;
  let depWindowAnswered = 0;
  let depPeriodSum = 0;
  let depPeriodAnswered = 0;
  let depPopulation = 0;
  const levelCounts = Object.fromEntries(alertLevels.map((l) => [l, 0])) as Record<AlertLevel, number>;
  const cur = new Float64Array(list.length);
  const prev = new Float64Array(list.length);
  const sumFrom = (values: Float64Array) => (r: { indicator: string; window: number }) => values[ruleSlots.get(r as never) ?? slot(r.indicator, r.window)] ?? 0;
  const curSum = sumFrom(cur);
  const prevSum = sumFrom(prev);

  const out: OverviewCommune[] = communes.map((c) => {
    const row = byCommune.get(c.insee_code);
    for (let i = 0; i < list.length; i++) {
      cur[i] = row ? Number(row[cKeys[i]]) : 0;
      prev[i] = row ? Number(row[pKeys[i]]) : 0;
      depCur[i] += cur[i];
      depPrev[i] += prev[i];
    }
    const answered = (row?.answered_today ?? 0) > 0;
    const value = answered ? Number(row!.value ?? 0) : null;
    const windowAnswered = row ? Number(row[nKey]) : 0;
    const windowSum = cur[chosenIndex];
    const since = sinceStart.get(c.insee_code);
    const sinceSum = Number(since?.sum ?? 0);
    const sinceAnswered = Number(since?.answered ?? 0);
    const det = detAt.get(c.insee_code);
    const detPrev = detBefore.get(c.insee_code);
    const ruleReasons = communeRules ? evaluateRules(settings.rules, 'commune', { sum: curSum, population: c.population }, labelOf, period) : [];
    const reasons = det?.alarm ? byLevel([...ruleReasons, ...detectionReason(settings, det.alarm, det.explanation)]) : ruleReasons;
    const previousLevel = levelOf([
      ...(communeRules ? evaluateRules(settings.rules, 'commune', { sum: prevSum, population: c.population }, labelOf, period) : []),
      ...detectionReason(settings, detPrev?.alarm, detPrev?.explanation),
    ]);
    const level = levelOf(reasons);
    levelCounts[level]++;
    if (value !== null) depValue += value;
    depWindowAnswered += windowAnswered;
    depPeriodSum += sinceSum;
    depPeriodAnswered += sinceAnswered;
    depPopulation += c.population ?? 0;
    return {
      inseeCode: c.insee_code,
      name: c.name,
      population: c.population,
      status: answered ? 'answered' : passed ? 'late' : 'missing',
      value,
      window: aggregate(windowSum, windowAnswered, windowPeriods, c.population),
      period: aggregate(sinceSum, sinceAnswered, allPeriods, c.population),
      level,
      previousLevel,
      reasons,
      detection: det ? { method: det.method, alarm: det.alarm, expected: det.expected, upperbound: det.upperbound, explanation: det.explanation } : null,
    };
  });

  const depDet = detAt.get(DEPARTMENT_AREA);
  const depDetPrev = detBefore.get(DEPARTMENT_AREA);
  const depReasons = byLevel([...evaluateRules(settings.rules, 'department', { sum: sumFrom(depCur), population: depPopulation }, labelOf, period), ...detectionReason(settings, depDet?.alarm, depDet?.explanation)]);
  const depPrevReasons = [
    ...evaluateRules(settings.rules, 'department', { sum: sumFrom(depPrev), population: depPopulation }, labelOf, period),
    ...detectionReason(settings, depDetPrev?.alarm, depDetPrev?.explanation),
  ];
  const department = await db.selectFrom('departments').select(['code', 'name']).where('code', '=', campaign.department_code).executeTakeFirstOrThrow();
  return {
    campaignId: id,
    date: D,
    indicator: q.indicator,
    indicatorLabel: labelOf(q.indicator),
    windowPeriods: OVERVIEW_WINDOW,
    department: {
      code: department.code,
      name: department.name,
      population: depPopulation,
      value: depValue,
      window: aggregate(depCur[chosenIndex], depWindowAnswered, windowPeriods * communes.length, depPopulation),
      period: aggregate(depPeriodSum, depPeriodAnswered, allPeriods * communes.length, depPopulation),
      level: levelOf(depReasons),
      previousLevel: levelOf(depPrevReasons),
      reasons: depReasons,
      levelCounts,
    },
    communes: out,
    detectionUpdatedAt: detectionUpdatedAt ? detectionUpdatedAt.toISOString() : null,
    detectionPending: Number(pending.n),
  };
}

/** Highest level first (a rule and the detection together); the order is stable within a level. */
function byLevel(reasons: AlertReason[]): AlertReason[] {
  return [...reasons].sort((a, b) => levelRank(b.level) - levelRank(a.level));
}

function aggregate(sum: number, answered: number, expected: number, population: number | null): Aggregate {
  const rate = ratePer100k(sum, population);
  return { sum, answered, expected, rate: rate === null ? null : Math.round(rate * 100) / 100 };
}

/** Department totals per period and indicator, every period of the span (answered or not). */
export async function totals(services: Services, auth: AuthContext, id: string, q: { from: string; to: string }): Promise<Totals> {
  const db = services.db;
  const campaign = await requireOwnedCampaign(services, auth, id);
  checkSpan(q.from, q.to);
  const indicators = await indicatorsOf(db, [id]);
  const sums = indicators.map((ind, i) => sql`coalesce(sum((d."values" ->> ${ind.key})::int), 0)::int AS ${sql.ref(`k${i}`)}`);
  const [rows, asked] = await Promise.all([
    sql<Record<string, number | string>>`SELECT d.period_date::text AS date, count(*)::int AS answered, coalesce(sum(d.total), 0)::int AS total
        ${sums.length ? sql`, ${sql.join(sums)}` : sql``}
      FROM collection_declarations d
      WHERE d.campaign_id = ${id} AND d.period_date BETWEEN ${q.from}::date AND ${q.to}::date
      GROUP BY d.period_date`.execute(db),
    countAsked(db, id),
  ]);
  const byDate = new Map(rows.rows.map((r) => [String(r.date), r]));
  const step = periodStep(campaign.period);
  // Periods from the later of `from` and the campaign's start (a weekly campaign's periods are Mondays).
  const first = firstPeriodFrom(q.from < campaign.start_date ? campaign.start_date : q.from, campaign.period);
  const periods: Totals['periods'] = [];
  for (let d = first; d <= q.to; d = addDays(d, step)) {
    const r = byDate.get(d);
    periods.push({
      date: d,
      answered: r ? Number(r.answered) : 0,
      asked,
      values: Object.fromEntries(indicators.map((ind, i) => [ind.key, r ? Number(r[`k${i}`]) : 0])),
      total: r ? Number(r.total) : 0,
    });
  }
  return { campaignId: id, periods };
}

async function countAsked(db: Kysely<DB>, id: string): Promise<number> {
  const r = await db.selectFrom('collection_campaign_communes').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', id).executeTakeFirstOrThrow();
  return Number(r.n);
}

export { requireOwnedCampaign };
