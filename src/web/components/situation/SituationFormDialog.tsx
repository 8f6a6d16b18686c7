import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { severityInfo, type Severity } from '../../../shared';
import { checkSituationValues, type Situation, type SituationField, type SituationVersion } from '../../../shared/schemas/situation';
import { ApiError, api, errorMessage } from '../../api/client';
import { formatDateTime, t } from '../../i18n';
import { Alert, LiveMessage } from '../Alert';
import { Dialog } from '../Dialog';
import { SelectField, TextareaField, TextField } from '../Field';
import { SeverityPicker } from '../logbook/EventDialogs';
import { changedKeys, displayValue, inputsFromVersion, valuesFromInputs } from './values';

interface SituationFormDialogProps {
  open: boolean;
  eventId: string;
  /** Starting gravity when there is no version yet. */
  eventSeverity: number;
  /** Kept up to date live by the card. */
  situation: Situation;
  onClose: () => void;
  onSaved: (situation: Situation) => void;
  /** The situation read again after a conflict. */
  onReloaded: (situation: Situation) => void;
}

function severityLabel(level: number): string {
  return severityInfo[Math.min(4, Math.max(1, level)) as Severity].label;
}

function fieldLabel(f: SituationField): string {
  return f.required ? t('situation.form.required', { label: f.label }) : f.label;
}

/**
 * New version of the analysis, prefilled from the latest one. Sends the version it started from:
 * when someone else saved meanwhile, the server answers `situation_conflict`; the form then keeps
 * what was typed, shows what the other person changed and starts from the new version.
 */
export function SituationFormDialog({ open, eventId, eventSeverity, situation, onClose, onSaved, onReloaded }: SituationFormDialogProps) {
  const formId = useId();
  const latest = situation.versions[0] ?? null;
  const fields = situation.fields;
  /** The version the form was filled from (what "changed meanwhile" is measured against). */
  const [start, setStart] = useState<SituationVersion | null>(latest);
  /** The version sent as `basedOnVersion`: a newer one is acknowledged after a conflict. */
  const [basedOn, setBasedOn] = useState<number | null>(latest?.version ?? null);
  const [severity, setSeverity] = useState<number>(latest?.severity ?? eventSeverity);
  const [inputs, setInputs] = useState<Record<string, string>>(() => inputsFromVersion(fields, latest));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const wasOpen = useRef(false);

  // Each opening starts from the latest version.
  useEffect(() => {
    if (open && !wasOpen.current) {
      setStart(latest);
      setBasedOn(latest?.version ?? null);
      setSeverity(latest?.severity ?? eventSeverity);
      setInputs(inputsFromVersion(fields, latest));
      setErrors({});
      setFormError(null);
      setConflict(null);
    }
    wasOpen.current = open;
    // Only on opening: a version received while the form is open is shown as a notice instead.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  /** A version saved by someone else since the form was opened. */
  const newer = latest && latest.version > (start?.version ?? 0) ? latest : null;
  const othersChanged = useMemo(() => (newer ? changedKeys(start, newer) : new Set<string>()), [newer, start]);
  const severityChangedMeanwhile = newer !== null && start !== null && newer.severity !== start.severity;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    setFormError(null);
    const values = valuesFromInputs(fields, inputs);
    const problems = checkSituationValues(fields, values);
    if (problems.length > 0) {
      setErrors(Object.fromEntries(problems.map((p) => [p.path, p.message])));
      setFormError(t('error.formInvalid'));
      const first = problems[0]?.path.replace(/^values\./, '');
      if (first) document.getElementById(`${formId}-${first}`)?.focus();
      return;
    }
    setErrors({});
    // Someone saved meanwhile and the person has not seen it yet: show it first, send on the next click.
    if (newer && newer.version !== basedOn) {
      setBasedOn(newer.version);
      setConflict(t('situation.form.checkThenSave'));
      return;
    }
    setBusy(true);
    try {
      const saved = await api('putSituation', { params: { id: eventId }, body: { severity, values, basedOnVersion: basedOn } });
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'situation_conflict' || err.status === 409)) {
        setConflict(err.message);
        try {
          const fresh = await api('getSituation', { params: { id: eventId } });
          onReloaded(fresh);
          setBasedOn(fresh.versions[0]?.version ?? null);
        } catch (reloadErr) {
          setFormError(errorMessage(reloadErr));
        }
      } else {
        if (err instanceof ApiError && (err.code === 'validation_failed' || err.code === 'situation_invalid')) setErrors(err.fieldErrors);
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  function field(f: SituationField) {
    const id = `${formId}-${f.key}`;
    const value = inputs[f.key] ?? '';
    const set = (v: string) => setInputs((m) => ({ ...m, [f.key]: v }));
    const error = errors[`values.${f.key}`];
    const meanwhile =
      newer && othersChanged.has(f.key)
        ? t('situation.form.changedMeanwhile', { name: newer.authorName, value: displayValue(f, newer.values[f.key]) ?? t('situation.empty') })
        : null;
    const hint = [f.help, meanwhile].filter(Boolean).join(' — ') || undefined;
    const common = { id, label: fieldLabel(f), hint, error, name: f.key, className: meanwhile ? 'situation-form__field--meanwhile' : undefined };
    switch (f.type) {
      case 'text':
        return <TextareaField key={f.key} {...common} rows={2} maxLength={2000} value={value} onChange={(e) => set(e.target.value)} />;
      case 'number':
        return <TextField key={f.key} {...common} type="number" inputMode="decimal" step="any" value={value} onChange={(e) => set(e.target.value)} />;
      case 'choice':
        return (
          <SelectField
            key={f.key}
            {...common}
            value={value}
            onChange={(e) => set(e.target.value)}
            options={[{ value: '', label: t('situation.form.choose') }, ...f.options.map((o) => ({ value: o, label: o }))]}
          />
        );
      case 'date':
        return <TextField key={f.key} {...common} type="datetime-local" value={value} onChange={(e) => set(e.target.value)} />;
      default:
        return null;
    }
  }

  return (
    <Dialog
      open={open}
      title={start ? t('situation.update') : t('situation.form.firstTitle')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form={formId} className="button button--primary" disabled={busy}>
            {busy ? t('situation.form.saving') : t('situation.form.save')}
          </button>
        </>
      }
    >
      <form id={formId} className="situation-form" onSubmit={submit} noValidate data-testid="situation-form">
        <p className="situation-form__intro">
          {start
            ? t('situation.form.from', { version: start.version, name: start.authorName, date: formatDateTime(start.createdAt) })
            : t('situation.form.fromNone')}
        </p>
        <div aria-live="polite">
          {newer ? (
            <Alert tone="warning" title={conflict ?? t('situation.form.newerTitle')}>
              {t('situation.form.newer', { version: newer.version, name: newer.authorName, date: formatDateTime(newer.createdAt) })}
              {severityChangedMeanwhile ? ` ${t('situation.form.newerSeverity', { label: severityLabel(newer.severity) })}` : ''}{' '}
              {t('situation.form.kept')}
            </Alert>
          ) : null}
        </div>
        <LiveMessage tone="error" message={formError} />
        <SeverityPicker value={severity} onChange={setSeverity} error={errors.severity} />
        <div className="situation-form__fields">{fields.map(field)}</div>
      </form>
    </Dialog>
  );
}
