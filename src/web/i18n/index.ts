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

const dayFormat = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** "14:32" (heure de Paris). */
export function formatTime(value: string | Date | null | undefined): string {
  const d = value ? toDate(value) : null;
  return d ? timeFormat.format(d) : '—';
}

/** "mar. 25 nov." (heure de Paris). */
export function formatDay(value: string | Date | null | undefined): string {
  const d = value ? toDate(value) : null;
  return d ? dayFormat.format(d) : '—';
}

/** Whether two instants fall on the same day in Paris. */
export function sameParisDay(a: string | Date, b: string | Date): boolean {
  const da = toDate(a);
  const db = toDate(b);
  return !!da && !!db && dayKey.format(da) === dayKey.format(db);
}

function parisParts(d: Date): [number, number, number, number, number, number] {
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(d)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return [p.year, p.month, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second];
}

/** Offset of Paris from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function parisOffsetMs(d: Date): number {
  const [y, mo, day, h, mi, s] = parisParts(d);
  return Date.UTC(y, mo - 1, day, h, mi, s) - Math.floor(d.getTime() / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Value for `<input type="datetime-local">`: "2025-11-25T14:32", in Paris time. */
export function toParisInput(value: string | Date): string {
  const d = toDate(value);
  if (!d) return '';
  const [y, mo, day, h, mi] = parisParts(d);
  return `${y}-${pad(mo)}-${pad(day)}T${pad(h)}:${pad(mi)}`;
}

/** Value for `<input type="date">`: "2025-11-25", in Paris time. */
export function toParisDateInput(value: string | Date): string {
  return toParisInput(value).slice(0, 10);
}

/** ISO instant (UTC) of a `datetime-local` value read as Paris time; null when empty or invalid. */
export function fromParisInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, day, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const wall = Date.UTC(y, mo - 1, day, h, mi, s || 0);
  if (Number.isNaN(wall)) return null;
  // Two passes find the offset in force at that wall-clock time (changes of time included).
  let guess = wall - parisOffsetMs(new Date(wall));
  guess = wall - parisOffsetMs(new Date(guess));
  return new Date(guess).toISOString();
}

/** First and last instants of a Paris day given as "2025-11-25" (date filters). */
export function parisDayRange(date: string): { from: string; to: string } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const from = fromParisInput(`${date}T00:00`);
  const next = fromParisInput(`${date}T23:59:59`);
  if (!from || !next) return null;
  return { from, to: new Date(new Date(next).getTime() + 999).toISOString() };
}
