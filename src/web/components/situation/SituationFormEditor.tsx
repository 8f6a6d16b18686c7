import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { situationFieldTypeLabels, situationFieldTypes, type SituationFieldType, type SituationForm } from '../../../shared/schemas/situation';
import { ApiError, api, errorMessage } from '../../api/client';
import { t } from '../../i18n';
import { Alert, LiveMessage } from '../Alert';
import { Dialog } from '../Dialog';
import { SelectField, TextareaField, TextField } from '../Field';
import { Icon } from '../Icon';
import {
  MAX_FIELDS,
  checkRows,
  errorsFromPaths,
  keysOf,
  moveRow,
  newRow,
  optionsOf,
  rowsFromFields,
  type FieldRow,
  type FormErrors,
  type RowPart,
} from './formEditor';
import './situation-form-editor.css';

interface SituationFormEditorProps {
  open: boolean;
  typeName: string;
  typeId: string;
  /** The form as read when the editor was opened. */
  form: SituationForm;
  onClose: () => void;
  onSaved: (form: SituationForm) => void;
}

const typeOptions = situationFieldTypes.map((ty) => ({ value: ty, label: situationFieldTypeLabels[ty] }));
const noErrors: FormErrors = { rows: {}, form: null };

/** Where the focus goes after the next render (a moved, added or removed row). */
type FocusTarget = { rowId: string; part: 'label' | 'up' | 'down' } | { rowId: null; part: 'add' };

/**
 * The situation form of one event type: one row per field (label, type, required, help, options
 * of a choice), moved up and down, removed, added. Keys of existing fields are kept; a new field's
 * key is derived from its label.
 */
export function SituationFormEditor({ open, typeName, typeId, form, onClose, onSaved }: SituationFormEditorProps) {
  const formId = useId();
  const [rows, setRows] = useState<FieldRow[]>(() => rowsFromFields(form.fields));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [announce, setAnnounce] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusTarget | null>(null);
  const wasOpen = useRef(false);

  // Each opening starts from the form as saved.
  useEffect(() => {
    if (open && !wasOpen.current) {
      setRows(rowsFromFields(form.fields));
      setErrors(noErrors);
      setAnnounce(null);
      setBusy(false);
    }
    wasOpen.current = open;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  useEffect(() => {
    if (!focus) return;
    const id = focus.rowId === null ? `${formId}-add` : `${formId}-${focus.rowId}-${focus.part}`;
    let el = document.getElementById(id) as HTMLButtonElement | HTMLInputElement | null;
    // A move button that just became disabled (first or last place): its twin instead.
    if (el && 'disabled' in el && el.disabled && focus.rowId !== null) {
      el = document.getElementById(`${formId}-${focus.rowId}-${focus.part === 'up' ? 'down' : 'up'}`) as HTMLButtonElement | null;
    }
    el?.focus();
    setFocus(null);
  }, [focus, formId]);

  const keys = keysOf(rows);
  const nameOf = (r: FieldRow, i: number) => r.label.trim() || t('situationForm.row.unnamed', { n: i + 1 });

  function update(id: string, patch: Partial<FieldRow>, part?: RowPart) {
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
    if (part && errors.rows[id]?.[part]) {
      setErrors((e) => {
        const rowErrors = { ...e.rows[id] };
        delete rowErrors[part];
        if (part === 'label') delete rowErrors.key;
        return { ...e, rows: { ...e.rows, [id]: rowErrors } };
      });
    }
  }

  function move(index: number, delta: -1 | 1) {
    const row = rows[index];
    setRows((rs) => moveRow(rs, index, delta));
    setFocus({ rowId: row.id, part: delta < 0 ? 'up' : 'down' });
    setAnnounce(t('situationForm.moved', { name: nameOf(row, index), position: index + delta + 1, count: rows.length }));
  }

  function remove(index: number) {
    const row = rows[index];
    const rest = rows.filter((_, j) => j !== index);
    setRows(rest);
    const next = rest[index] ?? rest[index - 1];
    setFocus(next ? { rowId: next.id, part: 'label' } : { rowId: null, part: 'add' });
    setAnnounce(t('situationForm.removed', { name: nameOf(row, index) }));
    setErrors((e) => ({ ...e, form: null }));
  }

  function add() {
    const row = newRow();
    setRows((rs) => [...rs, row]);
    setFocus({ rowId: row.id, part: 'label' });
    setAnnounce(t('situationForm.added', { n: rows.length + 1 }));
    setErrors((e) => ({ ...e, form: null }));
  }

  function focusFirstError(found: FormErrors) {
    for (const r of rows) {
      const errs = found.rows[r.id];
      if (!errs) continue;
      const part = (['label', 'type', 'help', 'options'] as const).find((p) => errs[p]) ?? 'label';
      document.getElementById(`${formId}-${r.id}-${part}`)?.focus();
      return;
    }
  }

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    setAnnounce(null);
    const check = checkRows(rows);
    if (check.errors) {
      setErrors(check.errors);
      focusFirstError(check.errors);
      return;
    }
    setErrors(noErrors);
    setBusy(true);
    const sent = rows;
    try {
      const saved = await api('putSituationForm', { params: { id: typeId }, body: { fields: check.fields } });
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') {
        const found = errorsFromPaths(err.fieldErrors, sent);
        setErrors({ rows: found.rows, form: found.form ?? err.message });
        focusFirstError(found);
      } else {
        setErrors({ rows: {}, form: errorMessage(err) });
      }
    } finally {
      setBusy(false);
    }
  }

  const rowErrorCount = Object.values(errors.rows).filter((r) => Object.keys(r).length > 0).length;
  const formMessage = errors.form ?? (rowErrorCount > 0 ? t('error.formInvalid') : null);

  return (
    <Dialog
      open={open}
      title={t('situationForm.editor.title', { name: typeName })}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form={formId} className="button button--primary" disabled={busy}>
            {busy ? t('situationForm.saving') : t('situationForm.save')}
          </button>
        </>
      }
    >
      <form id={formId} className="situation-form-editor" onSubmit={submit} noValidate data-testid="situation-form-editor">
        {form.custom ? null : (
          <Alert tone="info" className="situation-form-editor__default">
            {t('situationForm.editor.fromDefault')}
          </Alert>
        )}
        <p className="situation-form-editor__intro">{t('situationForm.editor.intro')}</p>
        <p className="field__hint situation-form-editor__keys">
          <Icon name="info" size={16} />
          <span>{t('situationForm.editor.keysHint')}</span>
        </p>
        <LiveMessage tone="error" message={formMessage} />

        <ol className="situation-form-editor__rows" aria-label={t('situationForm.editor.listLabel')}>
          {rows.map((r, i) => {
            const errs = errors.rows[r.id] ?? {};
            const invalid = Object.keys(errs).length > 0;
            const name = nameOf(r, i);
            const base = `${formId}-${r.id}`;
            const options = optionsOf(r.optionsText);
            return (
              <li key={r.id} className="situation-form-editor__row-item">
                <fieldset className={`situation-field-row${invalid ? ' situation-field-row--error' : ''}`} data-testid="situation-field-row" data-key={keys[i]}>
                  <legend className="situation-field-row__legend">
                    <span className="situation-field-row__number">{t('situationForm.row.number', { n: i + 1 })}</span>
                    <span className="situation-field-row__name">{r.label.trim() || t('situationForm.row.new')}</span>
                    {invalid ? <span className="visually-hidden">{t('situationForm.row.invalid')}</span> : null}
                  </legend>
                  <div className="situation-field-row__tools">
                    <button
                      type="button"
                      id={`${base}-up`}
                      className="icon-button"
                      aria-label={t('situationForm.row.up', { name })}
                      title={t('situationForm.row.upShort')}
                      disabled={busy || i === 0}
                      onClick={() => move(i, -1)}
                    >
                      <Icon name="arrowUp" size={18} />
                    </button>
                    <button
                      type="button"
                      id={`${base}-down`}
                      className="icon-button"
                      aria-label={t('situationForm.row.down', { name })}
                      title={t('situationForm.row.downShort')}
                      disabled={busy || i === rows.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      <Icon name="arrowDown" size={18} />
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={t('situationForm.row.remove', { name })}
                      title={t('situationForm.row.removeShort')}
                      disabled={busy}
                      onClick={() => remove(i)}
                    >
                      <Icon name="close" size={18} />
                    </button>
                  </div>
                  <div className="situation-field-row__grid">
                    <TextField
                      id={`${base}-label`}
                      className="situation-field-row__label"
                      label={t('situationForm.field.label')}
                      error={errs.label ?? errs.key}
                      aria-describedby={`${base}-key${errs.label ?? errs.key ? ` ${base}-label-error` : ''}`}
                      value={r.label}
                      maxLength={80}
                      autoComplete="off"
                      disabled={busy}
                      onChange={(e) => update(r.id, { label: e.target.value }, 'label')}
                    />
                    <p id={`${base}-key`} className="field__hint situation-field-row__key">
                      {r.key === null ? t('situationForm.field.keyNew', { key: keys[i] }) : t('situationForm.field.keyKept', { key: keys[i] })}
                    </p>
                    <SelectField
                      id={`${base}-type`}
                      className="situation-field-row__type"
                      label={t('situationForm.field.type')}
                      error={errs.type}
                      value={r.type}
                      options={typeOptions}
                      disabled={busy}
                      onChange={(e) => update(r.id, { type: e.target.value as SituationFieldType }, 'type')}
                    />
                    <label className="toggle situation-field-row__required">
                      <input type="checkbox" checked={r.required} disabled={busy} onChange={(e) => update(r.id, { required: e.target.checked })} />
                      <span>{t('situationForm.field.required')}</span>
                    </label>
                    <TextField
                      id={`${base}-help`}
                      className="situation-field-row__help"
                      label={t('situationForm.field.help')}
                      error={errs.help}
                      value={r.help}
                      maxLength={200}
                      autoComplete="off"
                      disabled={busy}
                      onChange={(e) => update(r.id, { help: e.target.value }, 'help')}
                    />
                    {r.type === 'choice' ? (
                      <TextareaField
                        id={`${base}-options`}
                        className="situation-field-row__options"
                        label={t('situationForm.field.options')}
                        hint={t('situationForm.field.optionsHint', { count: options.length })}
                        error={errs.options}
                        value={r.optionsText}
                        rows={Math.min(8, Math.max(3, r.optionsText.split('\n').length + 1))}
                        disabled={busy}
                        onChange={(e) => update(r.id, { optionsText: e.target.value }, 'options')}
                      />
                    ) : null}
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>

        <div className="situation-form-editor__add">
          <button type="button" id={`${formId}-add`} className="button button--secondary" onClick={add} disabled={busy || rows.length >= MAX_FIELDS}>
            <Icon name="plus" size={18} />
            {t('situationForm.add')}
          </button>
          <span className="muted">{t('situationForm.count', { count: rows.length, max: MAX_FIELDS })}</span>
        </div>
        <div aria-live="polite" className="visually-hidden">
          {announce}
        </div>
      </form>
    </Dialog>
  );
}
