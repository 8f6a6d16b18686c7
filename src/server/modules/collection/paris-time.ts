// Calendar rules of the collection in French local time (Europe/Paris), whatever the server's
// time zone: "today", "in the future" and "after the deadline" are a person's day in France.

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The Paris calendar date ('YYYY-MM-DD') and time ('HH:MM') of an instant. */
export function parisDateTime(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** ISO weekday, 1 = Monday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The local day and time by which the declaration of `date` is due: the same day at the deadline
 * for a daily campaign; the Monday after the week (date + 7) for a weekly one.
 */
export function dueOf(period: 'daily' | 'weekly', date: string, deadline: string): { date: string; time: string } {
  return { date: period === 'weekly' ? addDays(date, 7) : date, time: deadline };
}

export function isPast(due: { date: string; time: string }, now: Date): boolean {
  const p = parisDateTime(now);
  return p.date > due.date || (p.date === due.date && p.time >= due.time);
}

/** Days between two periods: 1 (daily) or 7 (weekly). */
export function periodStep(period: 'daily' | 'weekly'): number {
  return period === 'weekly' ? 7 : 1;
}

/** The first period on or after `date`: itself (daily), or the next Monday (weekly: periods are Mondays). */
export function firstPeriodFrom(date: string, period: 'daily' | 'weekly'): string {
  return period === 'weekly' ? addDays(date, (8 - isoWeekday(date)) % 7) : date;
}
