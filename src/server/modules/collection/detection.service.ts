import type { AuthContext, Services } from '../../http/context';
import { AppError } from '../../http/errors';
import { describeMethod, detect, explainPoint, presets, type DetectionMethod } from '../../../surveillance';
import { TOTAL_INDICATOR, type Detection } from '../../../shared/schemas/collection';
import { communesOf, indicatorsOf, seriesRows } from './collection.repository';
import { requireCommune } from './declarations.service';
import { addDays, daysBetween, isoWeekday, parisDateTime } from './paris-time';

/** noufaily2013 needs b = 3 years of history plus its window (w = 3 periods); below, earsC3. */
const NOUFAILY_YEARS = 3;
const NOUFAILY_WINDOW = 3;

/**
 * The series of one commune (one indicator, or the sum of every indicator) with, for the last
 * `days` periods, expected count, threshold, alarm and the French explanation. Method as
 * docs/surveillance.md recommends: noufaily2013 once the commune has 3 years of history, earsC3
 * with minSigma 0.5 before. Undeclared periods are missing values, never zeros.
 */
export async function detection(services: Services, auth: AuthContext, p: { id: string; inseeCode: string; indicator: string; days: number }): Promise<Detection> {
  const { campaign } = await requireCommune(services.db, auth, p.id, p.inseeCode);
  const indicators = await indicatorsOf(services.db, [campaign.id]);
  const chosen = p.indicator === TOTAL_INDICATOR ? null : indicators.find((i) => i.key === p.indicator);
  if (chosen === undefined) {
    throw new AppError('validation_failed', [{ path: 'indicator', code: 'unknown_indicator', message: `Indicateur inconnu dans cette campagne : « ${p.indicator} ».` }]);
  }
  const [commune] = await communesOf(services.db, campaign.id, p.inseeCode);
  const weekly = campaign.period === 'weekly';
  const step = weekly ? 7 : 1;
  const frequency = weekly ? 52 : 365;
  const today = parisDateTime(services.now()).date;
  // Periods: from the campaign's start (its first Monday for a weekly one) to the current period.
  let first = campaign.start_date;
  if (weekly) first = addDays(first, (8 - isoWeekday(first)) % 7);
  const last = weekly ? addDays(today, 1 - isoWeekday(today)) : today;
  const dates: string[] = [];
  for (let d = first; d <= last; d = addDays(d, step)) dates.push(d);

  const rows = await seriesRows(services.db, campaign.id, p.inseeCode, chosen ? chosen.key : null, last);
  const byDate = new Map(rows.map((r) => [r.date, r.value]));
  const counts = dates.map((d) => byDate.get(d) ?? null);
  const historyLength = rows.length ? Math.floor(daysBetween(rows[0].date, last) / step) + 1 : 0;
  const useNoufaily = historyLength >= NOUFAILY_YEARS * frequency + NOUFAILY_WINDOW + 1;
  const n = dates.length;
  const base = {
    campaignId: campaign.id,
    inseeCode: p.inseeCode,
    communeName: commune.name,
    indicator: chosen ? chosen.key : TOTAL_INDICATOR,
    indicatorLabel: chosen ? chosen.label : 'Total (somme des indicateurs)',
    method: useNoufaily ? ('noufaily2013' as const) : ('earsC3' as const),
    historyLength,
    series: dates.map((date, i) => ({ date, value: counts[i] })),
  };
  if (n === 0) return { ...base, methodDescription: '', points: [] };
  const range = { from: Math.max(0, n - p.days), to: n - 1 };
  const method: DetectionMethod = useNoufaily ? presets.noufaily2013({ b: NOUFAILY_YEARS, w: NOUFAILY_WINDOW, range }) : presets.earsC3({ minSigma: 0.5, range });
  const result = detect({ counts, frequency, dates }, method);
  return {
    ...base,
    methodDescription: describeMethod(result),
    points: result.points.map((pt) => ({
      date: pt.date ?? dates[pt.index],
      observed: pt.observed,
      expected: pt.expected,
      upperbound: pt.upperbound,
      alarm: pt.alarm,
      explanation: explainPoint(pt, result),
    })),
  };
}
