// Situation analysis values: between the stored values (string, number, null) and the form's
// inputs (always strings), and how two versions differ. Pure: unit-tested in values.test.ts.

import type { SituationField, SituationValue, SituationVersion } from '../../../shared/schemas/situation';
import { formatDateTime, fromParisInput, locale, toParisInput } from '../../i18n';

/** The string an input shows for a stored value. */
export function toInput(field: SituationField, value: SituationValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'date') return typeof value === 'string' ? toParisInput(value) || value : '';
  return String(value);
}

/**
 * The value sent for an input: empty → null; a number field gives a number (a string it cannot
 * read is kept, for the shared check to refuse it in French); a date is read as Paris time.
 */
export function fromInput(field: SituationField, input: string): SituationValue {
  const raw = input.trim();
  if (raw === '') return null;
  switch (field.type) {
    case 'number': {
      const n = Number(raw.replace(',', '.').replace(/\s/g, ''));
      return Number.isFinite(n) ? n : raw;
    }
    case 'date':
      return fromParisInput(raw) ?? raw;
    default:
      return raw;
  }
}

/** Values of a whole form from its inputs (only the form's keys). */
export function valuesFromInputs(fields: readonly SituationField[], inputs: Record<string, string>): Record<string, SituationValue> {
  const out: Record<string, SituationValue> = {};
  for (const f of fields) out[f.key] = fromInput(f, inputs[f.key] ?? '');
  return out;
}

/** Inputs prefilled from a version (fields of the current form; unknown keys dropped). */
export function inputsFromVersion(fields: readonly SituationField[], version: SituationVersion | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) out[f.key] = toInput(f, version?.values[f.key]);
  return out;
}

const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });

/** A value as read by people; null when it is empty. */
export function displayValue(field: Pick<SituationField, 'type'> | undefined, value: SituationValue | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return numberFormat.format(value);
  if (field?.type === 'date') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return /^\d{4}-\d{2}-\d{2}$/.test(value) ? d.toLocaleDateString(locale, { timeZone: 'UTC', dateStyle: 'long' }) : formatDateTime(value);
  }
  return value;
}

function same(a: SituationValue | undefined, b: SituationValue | undefined): boolean {
  const na = a === undefined || a === '' ? null : a;
  const nb = b === undefined || b === '' ? null : b;
  if (typeof na === 'string' && typeof nb === 'string') {
    const da = Date.parse(na);
    const db = Date.parse(nb);
    // The same instant written two ways (time zone, seconds) is the same date.
    if (/^\d{4}-\d{2}-\d{2}T/.test(na) && /^\d{4}-\d{2}-\d{2}T/.test(nb) && !Number.isNaN(da) && !Number.isNaN(db)) return da === db;
  }
  return na === nb;
}

export interface FieldDiff {
  key: string;
  label: string;
  field: SituationField | undefined;
  before: SituationValue | undefined;
  after: SituationValue | undefined;
  changed: boolean;
}

/**
 * Field by field, from an older version to a newer one: the newer version's fields in order, then
 * the fields only the older one had (the form may have changed between them).
 */
export function compareVersions(older: SituationVersion, newer: SituationVersion): { severityChanged: boolean; fields: FieldDiff[] } {
  const rows: FieldDiff[] = [];
  const seen = new Set<string>();
  for (const f of newer.fields) {
    seen.add(f.key);
    rows.push({ key: f.key, label: f.label, field: f, before: older.values[f.key], after: newer.values[f.key], changed: !same(older.values[f.key], newer.values[f.key]) });
  }
  for (const f of older.fields) {
    if (seen.has(f.key)) continue;
    rows.push({ key: f.key, label: f.label, field: f, before: older.values[f.key], after: newer.values[f.key], changed: !same(older.values[f.key], newer.values[f.key]) });
  }
  return { severityChanged: older.severity !== newer.severity, fields: rows };
}

/** Keys whose value differs between two versions (what someone else changed meanwhile). */
export function changedKeys(before: SituationVersion | null, after: SituationVersion): Set<string> {
  const keys = new Set<string>();
  for (const f of after.fields) if (!same(before?.values[f.key], after.values[f.key])) keys.add(f.key);
  return keys;
}
