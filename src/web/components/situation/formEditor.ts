// Editing the situation form of an event type: rows as the editor holds them, keys derived from
// labels, checks in French with the shared schema, and server errors put back on their rows.

import { putSituationFormBodySchema, type SituationField, type SituationFieldType } from '../../../shared/schemas/situation';
import { validate } from '../../api/client';
import { t } from '../../i18n';

export const MAX_FIELDS = 30;
export const MAX_OPTIONS = 20;
const KEY_MAX = 40;

/** One field as the editor holds it. `key` is null for a new field: derived from its label. */
export interface FieldRow {
  /** Local identity (React key, element ids); never sent. */
  id: string;
  key: string | null;
  label: string;
  type: SituationFieldType;
  required: boolean;
  help: string;
  /** One option per line (kept when the type changes, sent only for a choice). */
  optionsText: string;
}

export type RowPart = 'label' | 'type' | 'help' | 'options' | 'key';
export type RowErrors = Partial<Record<RowPart, string>>;
export interface FormErrors {
  /** By row id. */
  rows: Record<string, RowErrors>;
  /** The whole form (number of fields, duplicate keys...). */
  form: string | null;
}

let counter = 0;
export function rowId(): string {
  counter += 1;
  return `f${counter}`;
}

export function rowsFromFields(fields: readonly SituationField[]): FieldRow[] {
  return fields.map((f) => ({ id: rowId(), key: f.key, label: f.label, type: f.type, required: f.required, help: f.help, optionsText: f.options.join('\n') }));
}

export function newRow(): FieldRow {
  return { id: rowId(), key: null, label: '', type: 'text', required: false, help: '', optionsText: '' };
}

export function optionsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((o) => o.trim())
    .filter(Boolean);
}

/**
 * "Niveau du plan canicule" → "niveau_du_plan_canicule": lower case, accents removed, anything
 * else than a letter or a digit becomes `_`, starts with a letter, 40 characters at most.
 */
export function keyFromLabel(label: string): string {
  let k = label
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!k) k = 'champ';
  else if (!/^[a-z]/.test(k)) k = `champ_${k}`;
  return k.slice(0, KEY_MAX).replace(/_+$/, '');
}

/** `base`, or `base_2`, `base_3`... the first one not taken (still 40 characters at most). */
export function uniqueKey(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const k = `${base.slice(0, KEY_MAX - suffix.length).replace(/_+$/, '')}${suffix}`;
    if (!taken.has(k)) return k;
  }
}

/** The key of every row, in order: kept keys first reserved, then new ones derived and made unique. */
export function keysOf(rows: readonly FieldRow[]): string[] {
  const taken = new Set(rows.filter((r) => r.key !== null).map((r) => r.key as string));
  return rows.map((r) => {
    if (r.key !== null) return r.key;
    const k = uniqueKey(keyFromLabel(r.label), taken);
    taken.add(k);
    return k;
  });
}

export function fieldsOf(rows: readonly FieldRow[]): SituationField[] {
  const keys = keysOf(rows);
  return rows.map((r, i) => ({
    key: keys[i],
    label: r.label.trim(),
    type: r.type,
    required: r.required,
    help: r.help.trim(),
    options: r.type === 'choice' ? optionsOf(r.optionsText) : [],
  }));
}

const PATH_RE = /^fields\.(\d+)\.(label|type|help|options|key|required)(?:\.(\d+))?/;

/**
 * Errors keyed by path (`fields.2.options`, `fields.2.options.0`, `fields`, `_form`), from the
 * client check or the server's `validation_failed`, put on their rows (by index at sending time).
 */
export function errorsFromPaths(paths: Record<string, string>, rows: readonly FieldRow[]): FormErrors {
  const out: FormErrors = { rows: {}, form: null };
  const formMessages: string[] = [];
  for (const [path, message] of Object.entries(paths)) {
    const m = PATH_RE.exec(path);
    const row = m ? rows[Number(m[1])] : undefined;
    if (!m || !row) {
      formMessages.push(message);
      continue;
    }
    const part: RowPart = m[2] === 'required' ? 'type' : (m[2] as RowPart);
    const text = m[3] !== undefined ? t('situationForm.error.option', { n: Number(m[3]) + 1, message }) : message;
    const errs = (out.rows[row.id] ??= {});
    if (!errs[part]) errs[part] = text;
  }
  out.form = formMessages[0] ?? null;
  return out;
}

export function hasErrors(e: FormErrors): boolean {
  return e.form !== null || Object.values(e.rows).some((r) => Object.keys(r).length > 0);
}

/**
 * Checks the rows in French (limits the shared schema states without a message first, then the
 * shared schema itself): `{ fields }` ready to send, or the errors.
 */
export function checkRows(rows: readonly FieldRow[]): { fields: SituationField[]; errors: null } | { fields: null; errors: FormErrors } {
  const fields = fieldsOf(rows);
  const paths: Record<string, string> = {};
  fields.forEach((f, i) => {
    if (f.help.length > 200) paths[`fields.${i}.help`] = t('situationForm.error.helpTooLong');
    if (f.type === 'choice') {
      if (f.options.length > MAX_OPTIONS) paths[`fields.${i}.options`] = t('situationForm.error.tooManyOptions', { max: MAX_OPTIONS });
      else if (f.options.some((o) => o.length > 60)) paths[`fields.${i}.options`] = t('situationForm.error.optionTooLong');
      else if (new Set(f.options).size !== f.options.length) paths[`fields.${i}.options`] = t('situationForm.error.duplicateOption');
    }
  });
  const v = validate(putSituationFormBodySchema, { fields });
  if (v.errors) for (const [path, message] of Object.entries(v.errors)) if (!(path in paths) && !Object.keys(paths).some((p) => path.startsWith(`${p}.`))) paths[path] = message;
  const errors = errorsFromPaths(paths, rows);
  return hasErrors(errors) ? { fields: null, errors } : { fields, errors: null };
}

/** Moves the row at `index` by `delta` (−1 up, +1 down); the same array when it cannot move. */
export function moveRow<T>(rows: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (to < 0 || to >= rows.length) return [...rows];
  const next = [...rows];
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}
