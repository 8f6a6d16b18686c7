import type { AuthContext, Services } from '../../http/context';
import { AppError } from '../../http/errors';
import { TOTAL_INDICATOR, type Detection } from '../../../shared/schemas/collection';
import { communesOf, indicatorsOf, seriesRows } from './collection.repository';
import { requireCommune } from './declarations.service';
import { computeDetection, periodDates } from './detection.compute';
import { parisDateTime } from './paris-time';

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
  const dates = periodDates(campaign.start_date, campaign.period, parisDateTime(services.now()).date);
  const last = dates.at(-1) ?? campaign.start_date;
  const rows = await seriesRows(services.db, campaign.id, p.inseeCode, chosen ? chosen.key : null, last);
  const byDate = new Map(rows.map((r) => [r.date, r.value]));
  const counts = dates.map((d) => byDate.get(d) ?? null);
  const computed = computeDetection(dates, counts, campaign.period, dates.length - p.days);
  return {
    campaignId: campaign.id,
    inseeCode: p.inseeCode,
    communeName: commune.name,
    indicator: chosen ? chosen.key : TOTAL_INDICATOR,
    indicatorLabel: chosen ? chosen.label : 'Total (somme des indicateurs)',
    method: computed.method,
    methodDescription: computed.methodDescription,
    historyLength: computed.historyLength,
    series: dates.map((date, i) => ({ date, value: counts[i] })),
    points: computed.points,
  };
}
