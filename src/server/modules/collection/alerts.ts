// Alert levels of a campaign: the rules a coordinator sets (thresholds on counts or rates over a
// window) and the statistical detection give each commune, and the department, a colour. Pure:
// the overview service feeds it the sums it read.

import { alertLevelRank, type AlertLevel, type AlertReason, type AlertRule, type AlertSettings, type CampaignPeriod } from '../../../shared/schemas/collection';

const fmt1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const fmt0 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

export const levelRank = alertLevelRank;
export const maxLevel = (levels: AlertLevel[]): AlertLevel => levels.reduce<AlertLevel>((a, b) => (levelRank(b) > levelRank(a) ? b : a), 'vert');

/** Rate per 100,000 inhabitants; null without a population. */
export function ratePer100k(sum: number, population: number | null): number | null {
  return population && population > 0 ? (sum / population) * 100_000 : null;
}

/** « le jour », « 7 jours », « la semaine », « 3 semaines ». */
export function windowLabel(window: number, period: CampaignPeriod): string {
  if (period === 'weekly') return window === 1 ? 'la semaine' : `${window} semaines`;
  return window === 1 ? 'le jour' : `${window} jours`;
}

/** The key of the sums a rule needs: indicator (or "total") and window. */
export const sumKey = (indicator: string, window: number): string => `${indicator}|${window}`;

/** What the evaluation needs of one area (a commune, or the department) at one date. */
export interface AreaSums {
  /** The sum of the rule's indicator over its window ending at the date (declared values only). */
  sum: (rule: Pick<AlertRule, 'indicator' | 'window'>) => number;
  population: number | null;
}

/**
 * The reasons the rules of `scope` give an area, highest level first. A rule on a rate needs a
 * population; without one it is skipped (never a false alarm).
 */
export function evaluateRules(
  rules: AlertRule[],
  scope: AlertRule['scope'],
  area: AreaSums,
  labelOf: (indicator: string) => string,
  period: CampaignPeriod,
): AlertReason[] {
  const out: AlertReason[] = [];
  for (const r of rules) {
    if (r.scope !== scope) continue;
    const sum = area.sum(r);
    const span = windowLabel(r.window, period);
    const level = r.level;
    if (r.metric === 'count') {
      if (sum >= r.threshold) {
        out.push({ source: 'rule', level, message: `${labelOf(r.indicator)} : ${fmt0.format(sum)} sur ${span}, seuil ${level} ${fmt1.format(r.threshold)} atteint.` });
      }
    } else {
      const rate = ratePer100k(sum, area.population);
      if (rate !== null && rate >= r.threshold) {
        out.push({
          source: 'rule',
          level,
          message: `${labelOf(r.indicator)} : ${fmt1.format(rate)} pour 100 000 habitants sur ${span} (${fmt0.format(sum)}), seuil ${level} ${fmt1.format(r.threshold)} atteint.`,
        });
      }
    }
  }
  return out.sort((a, b) => levelRank(b.level) - levelRank(a.level));
}

/** The statistical alarm of the date as a reason, at the campaign's detection level (none: not counted). */
export function detectionReason(settings: AlertSettings, alarm: boolean | null | undefined, explanation: string | undefined): AlertReason[] {
  if (!alarm || settings.detectionLevel === 'none') return [];
  return [{ source: 'detection', level: settings.detectionLevel, message: explanation ?? 'Alarme de la détection statistique.' }];
}

export function levelOf(reasons: AlertReason[]): AlertLevel {
  return maxLevel(reasons.map((r) => r.level));
}
