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
import { MAX_LIST_DAYS } from './declarations.service';
import { DEPARTMENT_AREA } from './detection.refresher';
import { addDays, daysBetween, dueOf, isoWeekday, isPast, parisDateTime } from './paris-time';

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

const stepOf = (period: CampaignPeriod) => (period === 'weekly' ? 7 : 1);

/** Periods of a span of `periods` ending at `date` that fall on or after the campaign's start. */
function periodsInWindow(start: string, date: string, periods: number, period: CampaignPeriod): number {
  const step = stepOf(period);
  let n = 0;
  for (let i = 0; i < periods; i++) if (addDays(date, -i * step) >= start) n++;
  return n;
}

function periodsSinceStart(start: string, date: string, period: CampaignPeriod): number {
  if (date < start) return 0;
  const step = stepOf(period);
  // A weekly campaign's first period is the first Monday on or after its start.
  let first = start;
  if (period === 'weekly') first = addDays(first, (8 - isoWeekday(first)) % 7);
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
  const db = services.db;
  const campaign = await requireOwnedCampaign(services, auth, id);
  checkViewDate(campaign, q.date, services.now());
  const indicators = await indicatorsOf(db, [id]);
  requireIndicator(indicators, q.indicator);
  const settings = alertSettingsOf(campaign.alert_settings);
  const period = campaign.period;
  const step = stepOf(period);
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
  const [windowRows, periodRows, communes, detections, pending] = await Promise.all([
    sql<CommuneSums>`SELECT d.insee_code, max(${chosen}) FILTER (WHERE d.period_date = ${D}::date) AS value,
        count(*) FILTER (WHERE d.period_date = ${D}::date)::int AS answered_today, ${sql.join(columns)}
      FROM collection_declarations d
      WHERE d.campaign_id = ${id} AND d.period_date > ${lo}::date AND d.period_date <= ${D}::date
      GROUP BY d.insee_code`.execute(db),
    sql<{ insee_code: string; sum: number; answered: number }>`SELECT d.insee_code, coalesce(sum(${chosen}), 0)::int AS sum, count(*)::int AS answered
      FROM collection_declarations d WHERE d.campaign_id = ${id} AND d.period_date <= ${D}::date GROUP BY d.insee_code`.execute(db),
    communesOf(db, id),
    db
      .selectFrom('collection_detection')
      .select(['area', 'method', 'alarm', 'expected', 'upperbound', 'explanation', 'computed_at'])
      .select(sql<string>`period_date::text`.as('date'))
      .where('campaign_id', '=', id)
      .where(sql<boolean>`period_date IN (${D}::date, ${prevDate}::date)`)
      .execute(),
    db.selectFrom('collection_detection_queue').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', id).executeTakeFirstOrThrow(),
  ]);

  const byCommune = new Map(windowRows.rows.map((r) => [r.insee_code, r]));
  const sinceStart = new Map(periodRows.rows.map((r) => [r.insee_code, r]));
  const detAt = new Map<string, (typeof detections)[number]>();
  const detBefore = new Map<string, (typeof detections)[number]>();
  let detectionUpdatedAt: Date | null = null;
  for (const d of detections) {
    (d.date === D ? detAt : detBefore).set(d.area, d);
    if (d.date === D && (!detectionUpdatedAt || d.computed_at > detectionUpdatedAt)) detectionUpdatedAt = d.computed_at;
  }

  const labelOf = (k: string) => indicatorLabelOf(indicators, k);
  const windowPeriods = periodsInWindow(campaign.start_date, D, OVERVIEW_WINDOW, period);
  const allPeriods = periodsSinceStart(campaign.start_date, D, period);
  const passed = isPast(dueOf(period, D, campaign.deadline), services.now());
  const chosenKey = sumKey(q.indicator, OVERVIEW_WINDOW);
  const chosenIndex = list.findIndex((p) => sumKey(p.indicator, p.window) === chosenKey);
  const depCur = new Map<string, number>();
  const depPrev = new Map<string, number>();
  let depValue = 0;
  let depWindowAnswered = 0;
  let depPeriodSum = 0;
  let depPeriodAnswered = 0;
  let depPopulation = 0;
  const levelCounts = Object.fromEntries(alertLevels.map((l) => [l, 0])) as Record<AlertLevel, number>;

  const out: OverviewCommune[] = communes.map((c) => {
    const row = byCommune.get(c.insee_code);
    const cur = new Map<string, number>();
    const prev = new Map<string, number>();
    list.forEach((p, i) => {
      const k = sumKey(p.indicator, p.window);
      const cv = row ? Number(row[`c${i}`]) : 0;
      const pv = row ? Number(row[`p${i}`]) : 0;
      cur.set(k, cv);
      prev.set(k, pv);
      depCur.set(k, (depCur.get(k) ?? 0) + cv);
      depPrev.set(k, (depPrev.get(k) ?? 0) + pv);
    });
    const answered = (row?.answered_today ?? 0) > 0;
    const value = answered ? Number(row!.value ?? 0) : null;
    const windowAnswered = row ? Number(row[`n${chosenIndex}`]) : 0;
    const windowSum = cur.get(chosenKey) ?? 0;
    const since = sinceStart.get(c.insee_code);
    const det = detAt.get(c.insee_code);
    const detPrev = detBefore.get(c.insee_code);
    const reasons = byLevel([...evaluateRules(settings.rules, 'commune', { sums: cur, population: c.population }, labelOf, period), ...detectionReason(settings, det?.alarm, det?.explanation)]);
    const previousReasons = [
      ...evaluateRules(settings.rules, 'commune', { sums: prev, population: c.population }, labelOf, period),
      ...detectionReason(settings, detPrev?.alarm, detPrev?.explanation),
    ];
    const level = levelOf(reasons);
    levelCounts[level]++;
    if (value !== null) depValue += value;
    depWindowAnswered += windowAnswered;
    depPeriodSum += since?.sum ?? 0;
    depPeriodAnswered += since?.answered ?? 0;
    depPopulation += c.population ?? 0;
    return {
      inseeCode: c.insee_code,
      name: c.name,
      population: c.population,
      status: answered ? 'answered' : passed ? 'late' : 'missing',
      value,
      window: aggregate(windowSum, windowAnswered, windowPeriods, c.population),
      period: aggregate(since?.sum ?? 0, since?.answered ?? 0, allPeriods, c.population),
      level,
      previousLevel: levelOf(previousReasons),
      reasons,
      detection: det
        ? { method: det.method, alarm: det.alarm, expected: det.expected, upperbound: det.upperbound, explanation: det.explanation }
        : null,
    };
  });

  const depDet = detAt.get(DEPARTMENT_AREA);
  const depDetPrev = detBefore.get(DEPARTMENT_AREA);
  const depReasons = byLevel([...evaluateRules(settings.rules, 'department', { sums: depCur, population: depPopulation }, labelOf, period), ...detectionReason(settings, depDet?.alarm, depDet?.explanation)]);
  const depPrevReasons = [
    ...evaluateRules(settings.rules, 'department', { sums: depPrev, population: depPopulation }, labelOf, period),
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
      window: aggregate(depCur.get(chosenKey) ?? 0, depWindowAnswered, windowPeriods * communes.length, depPopulation),
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
  const step = stepOf(campaign.period);
  // Periods from the later of `from` and the campaign's start (a weekly campaign's periods are Mondays).
  let first = q.from < campaign.start_date ? campaign.start_date : q.from;
  if (campaign.period === 'weekly') first = addDays(first, (8 - isoWeekday(first)) % 7);
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

export function checkSpan(from: string, to: string): void {
  if (from > to) throw new AppError('validation_failed', [{ path: 'to', code: 'invalid_range', message: 'La fin de la période précède son début.' }]);
  if (daysBetween(from, to) > MAX_LIST_DAYS) {
    throw new AppError('validation_failed', [{ path: 'to', code: 'range_too_long', message: `Période trop longue (${MAX_LIST_DAYS} jours au plus).` }]);
  }
}

async function countAsked(db: Kysely<DB>, id: string): Promise<number> {
  const r = await db.selectFrom('collection_campaign_communes').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', id).executeTakeFirstOrThrow();
  return Number(r.n);
}

export { requireOwnedCampaign };
