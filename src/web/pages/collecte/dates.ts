// Calendar helpers of the collecte pages: dates are 'YYYY-MM-DD' days of Paris.
import type { CampaignPeriod } from '../../../shared';
import { toParisDateInput } from '../../i18n';

export function parisToday(now: Date = new Date()): string {
  return toParisDateInput(now);
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The period a date belongs to: itself (daily) or the Monday of its week (weekly). */
export function periodOf(date: string, period: CampaignPeriod): string {
  if (period === 'daily') return date;
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/** Periods from max(start, today - maxDays) to today, most recent first. */
export function periodsUntil(startDate: string, today: string, period: CampaignPeriod, maxDays = 60): string[] {
  const step = period === 'daily' ? 1 : 7;
  const floor = addDays(today, -maxDays);
  const out: string[] = [];
  for (let d = periodOf(today, period); d >= startDate && d >= floor; d = addDays(d, -step)) out.push(d);
  return out;
}

/** "lundi 25 novembre" of a 'YYYY-MM-DD' day. */
export function formatIsoDay(date: string): string {
  return new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** "mer. 2 déc." of a 'YYYY-MM-DD' day (tables, phones). */
export function formatShortIsoDay(date: string): string {
  return new Intl.DateTimeFormat('fr-FR', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}
