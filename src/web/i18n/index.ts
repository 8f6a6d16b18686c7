import { fr, type MessageKey, type Messages } from './fr';

export type { MessageKey, Messages };

const catalogues: Record<string, Messages> = { fr };
let current: Messages = fr;
export const locale = 'fr-FR';
export const timeZone = 'Europe/Paris';

/** Switch catalogue (only French exists today). */
export function setCatalogue(lang: string): void {
  current = catalogues[lang] ?? fr;
}

export type Vars = Record<string, string | number>;

/** Translate a key; `{name}` placeholders are replaced by `vars.name`. */
export function t(key: MessageKey, vars?: Vars): string {
  const template = current[key] ?? fr[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? new Intl.NumberFormat(locale).format(v) : v;
  });
}

const dateTimeFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'long' });
const timeFormat = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full', timeStyle: 'medium' });
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });

function toDate(value: string | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "25 nov. 2025, 14:32" (heure de Paris). */
export function formatDateTime(value: string | Date | null | undefined): string {
  const d = value ? toDate(value) : null;
  return d ? dateTimeFormat.format(d) : '—';
}

/** "25 novembre 2025". */
export function formatDate(value: string | Date | null | undefined): string {
  const d = value ? toDate(value) : null;
  return d ? dateFormat.format(d) : '—';
}

/** Long form for `title` attributes and screen readers. */
export function formatFull(value: string | Date | null | undefined): string {
  const d = value ? toDate(value) : null;
  return d ? fullFormat.format(d) : '';
}

/** "14:32" when the date is today (Paris), otherwise the short date and time. */
export function formatRecent(value: string | Date | null | undefined, now: Date = new Date()): string {
  const d = value ? toDate(value) : null;
  if (!d) return '—';
  if (dayKey.format(d) === dayKey.format(now)) return t('date.todayAt', { time: timeFormat.format(d) });
  return dateTimeFormat.format(d);
}
