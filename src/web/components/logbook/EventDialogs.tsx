import { useEffect, useId, useState, type FormEvent } from 'react';
import {
  createEventBodySchema,
  reopenEventBodySchema,
  severityInfo,
  severityLevels,
  updateEventBodySchema,
  type CatalogueItem,
  type EventDetail,
  type EventSummary,
} from '../../../shared';
import { ApiError, api, errorMessage, routeUrl, validate } from '../../api/client';
import { fromParisInput, t, toParisInput } from '../../i18n';
import { LiveMessage } from '../Alert';
import { Dialog } from '../Dialog';
import { SelectField, TextareaField, TextField } from '../Field';
import { riskForType, usePlanRisks } from '../pcs/usePlanRisks';
import { useSession } from '../../session';

export function SeverityPicker({ value, onChange, error }: { value: number; onChange: (v: number) => void; error?: string }) {
  return (
    <fieldset className="fieldset">
      <legend className="field__label">{t('event.form.severity')}</legend>
      <div className="severity-picker">
        {severityLevels.map((level) => {
          const info = severityInfo[level];
          return (
            <label key={level} className="severity-option" style={{ ['--sev' as string]: info.colour, ['--sev-text' as string]: info.text }}>
              <input type="radio" name="severity" value={level} checked={value === level} onChange={() => onChange(level)} />
              <span className="severity-option__swatch" aria-hidden="true" />
              <span>{info.label}</span>
            </label>
          );
        })}
      </div>
      {error ? <p className="field__error">{error}</p> : null}
    </fieldset>
  );
}

function StatusPicker({ value, onChange }: { value: 'watch' | 'active'; onChange: (v: 'watch' | 'active') => void }) {
  return (
    <fieldset className="fieldset">
      <legend className="field__label">{t('event.form.status')}</legend>
      <div className="radio-row">
        {(['watch', 'active'] as const).map((s) => (
          <label key={s} className="radio-chip">
            <input type="radio" name="status" value={s} checked={value === s} onChange={() => onChange(s)} />
            <span>{s === 'watch' ? t('event.form.statusWatch') : t('event.form.statusActive')}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

interface NewEventDialogProps {
  open: boolean;
  onClose: () => void;
  onCreated: (event: EventDetail) => void;
  types: readonly CatalogueItem[];
  /** Events that may be a parent (not closed). */
  parents: readonly Pick<EventSummary, 'id' | 'title'>[];
  /** Preset parent ("Créer un événement fils"). */
  parentId?: string | null;
}

export function NewEventDialog({ open, onClose, onCreated, types, parents, parentId = null }: NewEventDialogProps) {
  const [typeId, setTypeId] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<'watch' | 'active'>('active');
  const [severity, setSeverity] = useState(1);
  const [startsAt, setStartsAt] = useState('');
  const [parent, setParent] = useState('');
  const [riskId, setRiskId] = useState('');
  const [riskTouched, setRiskTouched] = useState(false);
  const [exercise, setExercise] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const plan = usePlanRisks(open);

  // The plan's risk named like the chosen type, until the person chooses one.
  useEffect(() => {
    if (!open || riskTouched || !plan.risks) return;
    setRiskId(riskForType(plan.risks, types.find((ty) => ty.id === typeId)?.name)?.id ?? '');
  }, [open, riskTouched, plan.risks, typeId, types]);

  useEffect(() => {
    if (!open) return;
    setRiskTouched(false);
    setExercise(false);
    setTypeId(types[0]?.id ?? '');
    setTitle('');
    setDescription('');
    setStatus('active');
    setSeverity(1);
    setStartsAt(toParisInput(new Date()));
    setParent(parentId ?? '');
    setErrors({});
    setFormError(null);
    // Reset on opening only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const iso = fromParisInput(startsAt);
    if (!iso) {
      setErrors({ startsAt: t('event.form.startInvalid') });
      return;
    }
    // The risk as shown; not said when the plan could not be read (the server then picks it).
    const risk = plan.risks ? { riskId: riskId || null } : {};
    const v = validate(createEventBodySchema, { typeId, title, description, status, severity, startsAt: iso, parentId: parent || null, exercise, ...risk });
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await api('createEvent', { body: v.data });
      onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const parentTitle = parentId ? parents.find((p) => p.id === parentId)?.title : null;

  return (
    <Dialog
      open={open}
      title={parentId ? t('event.new.childTitle') : t('event.new.title')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form="new-event-form" className="button button--primary" disabled={busy}>
            {busy ? t('event.new.submitting') : t('event.new.submit')}
          </button>
        </>
      }
    >
      <form id="new-event-form" className="form" onSubmit={submit} noValidate>
        <LiveMessage tone="error" message={formError} />
        {parentTitle ? <p className="muted">{t('event.new.childOf', { title: parentTitle })}</p> : null}
        <SelectField
          label={t('event.form.type')}
          name="typeId"
          value={typeId}
          onChange={(e) => setTypeId(e.target.value)}
          options={types.map((ty) => ({ value: ty.id, label: ty.name }))}
          error={errors.typeId}
        />
        <TextField label={t('event.form.title')} name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={errors.title} maxLength={200} required autoFocus />
        <TextareaField
          label={t('event.form.description')}
          hint={t('event.form.descriptionHint')}
          name="description"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={errors.description}
        />
        <StatusPicker value={status} onChange={setStatus} />
        <SeverityPicker value={severity} onChange={setSeverity} error={errors.severity} />
        <div className="form-grid">
          <TextField label={t('event.form.startsAt')} type="datetime-local" name="startsAt" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} error={errors.startsAt} />
          {!parentId ? (
            <SelectField
              label={t('event.form.parent')}
              hint={t('event.form.parentHint')}
              name="parentId"
              value={parent}
              onChange={(e) => setParent(e.target.value)}
              options={[{ value: '', label: t('event.form.parentNone') }, ...parents.map((p) => ({ value: p.id, label: p.title }))]}
              error={errors.parentId}
            />
          ) : null}
        </div>
        <RiskField risks={plan.risks} error={errors.riskId} value={riskId} onChange={(v) => {
          setRiskTouched(true);
          setRiskId(v);
        }} />
        <ExerciseField checked={exercise} onChange={setExercise} />
      </form>
    </Dialog>
  );
}

/** « Risque du plan »: optional, « Aucun » first (nothing while the plan's risks load or when it has none). */
function RiskField({ risks, value, onChange, error }: { risks: ReturnType<typeof usePlanRisks>['risks']; value: string; onChange: (v: string) => void; error?: string }) {
  if (!risks || risks.length === 0) return null;
  return (
    <SelectField
      label={t('pcsEvent.form.risk')}
      hint={t('pcsEvent.form.riskHint')}
      name="riskId"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      options={[{ value: '', label: t('pcsEvent.form.riskNone') }, ...risks.map((r) => ({ value: r.id, label: r.name }))]}
      error={error}
    />
  );
}

function ExerciseField({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }) {
  const hintId = useId();
  return (
    <div className="field">
      <label className="toggle">
        <input type="checkbox" name="exercise" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hintId} />
        <span>{t('pcsEvent.form.exercise')}</span>
      </label>
      <p id={hintId} className="field__hint">
        {t('pcsEvent.form.exerciseHint')}
      </p>
    </div>
  );
}

export function EditEventDialog({ event, open, onClose, onSaved }: { event: EventDetail; open: boolean; onClose: () => void; onSaved: (e: EventDetail) => void }) {
  const [title, setTitle] = useState(event.title);
  const [description, setDescription] = useState(event.description);
  const [status, setStatus] = useState<'watch' | 'active'>(event.status === 'watch' ? 'watch' : 'active');
  const [severity, setSeverity] = useState(event.severity);
  const [endsAt, setEndsAt] = useState('');
  const [riskId, setRiskId] = useState(event.riskId ?? '');
  const [exercise, setExercise] = useState(event.exercise);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const session = useSession();
  // The plan's risks are the organisation's: offered for its own events only.
  const plan = usePlanRisks(open && !session.guest && session.organisation.id === event.organisationId);

  useEffect(() => {
    if (!open) return;
    setRiskId(event.riskId ?? '');
    setExercise(event.exercise);
    setTitle(event.title);
    setDescription(event.description);
    setStatus(event.status === 'watch' ? 'watch' : 'active');
    setSeverity(event.severity);
    setEndsAt(event.endsAt ? toParisInput(event.endsAt) : '');
    setErrors({});
    setFormError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const end = endsAt ? fromParisInput(endsAt) : null;
    if (endsAt && !end) {
      setErrors({ endsAt: t('event.form.endInvalid') });
      return;
    }
    const body: Record<string, unknown> = {};
    if (title !== event.title) body.title = title;
    if (description !== event.description) body.description = description;
    if (status !== event.status) body.status = status;
    if (severity !== event.severity) body.severity = severity;
    if ((end ?? null) !== (event.endsAt ? new Date(event.endsAt).toISOString() : null)) body.endsAt = end;
    if (plan.risks && (riskId || null) !== event.riskId) body.riskId = riskId || null;
    if (exercise !== event.exercise) body.exercise = exercise;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    const v = validate(updateEventBodySchema, body);
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setBusy(true);
    try {
      onSaved(await api('updateEvent', { params: { id: event.id }, body: v.data }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      if (err instanceof ApiError && err.code === 'invalid_dates') setErrors({ endsAt: err.message });
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      title={t('event.edit.title')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form="edit-event-form" className="button button--primary" disabled={busy}>
            {t('action.save')}
          </button>
        </>
      }
    >
      <form id="edit-event-form" className="form" onSubmit={submit} noValidate>
        <LiveMessage tone="error" message={formError} />
        <TextField label={t('event.form.title')} name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={errors.title} maxLength={200} required />
        <TextareaField label={t('event.form.description')} name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
        <StatusPicker value={status} onChange={setStatus} />
        <SeverityPicker value={severity} onChange={setSeverity} error={errors.severity} />
        <TextField
          label={t('event.form.endsAt')}
          hint={t('event.form.endsAtHint')}
          type="datetime-local"
          name="endsAt"
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          error={errors.endsAt}
        />
        <RiskField risks={plan.risks} error={errors.riskId} value={riskId} onChange={setRiskId} />
        <ExerciseField checked={exercise} onChange={setExercise} />
      </form>
    </Dialog>
  );
}

export function ReopenEventDialog({ event, open, onClose, onDone }: { event: EventDetail; open: boolean; onClose: () => void; onDone: (e: EventDetail) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) {
      setReason('');
      setError(null);
      setFormError(null);
    }
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = validate(reopenEventBodySchema, { reason });
    if (v.errors) {
      setError(v.errors.reason ?? Object.values(v.errors)[0]);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      onDone(await api('reopenEvent', { params: { id: event.id }, body: v.data }));
    } catch (err) {
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      title={t('event.reopen.title', { title: event.title })}
      onClose={onClose}
      dismissible={!busy}
      size="small"
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form="reopen-form" className="button button--primary" disabled={busy}>
            {t('event.reopen.submit')}
          </button>
        </>
      }
    >
      <form id="reopen-form" className="form" onSubmit={submit} noValidate>
        <p>{t('event.reopen.text')}</p>
        <LiveMessage tone="error" message={formError} />
        <TextareaField label={t('event.reopen.reason')} name="reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} error={error} required autoFocus />
      </form>
    </Dialog>
  );
}

export function ExportDialog({ event, open, onClose }: { event: EventDetail; open: boolean; onClose: () => void }) {
  const [withChildren, setWithChildren] = useState(event.childCount > 0);
  const q = { includeChildren: withChildren ? 'true' : 'false' };
  const pdf = routeUrl('exportEventPdf', { id: event.id }, q);
  const csv = routeUrl('exportEventCsv', { id: event.id }, q);
  return (
    <Dialog open={open} title={t('event.export.title')} onClose={onClose} size="small">
      <p>{t('event.export.text')}</p>
      <label className="toggle">
        <input type="checkbox" checked={withChildren} onChange={(e) => setWithChildren(e.target.checked)} disabled={event.childCount === 0} />
        <span>{t('event.export.children', { count: event.childCount })}</span>
      </label>
      <div className="button-row">
        <a className="button button--primary" href={pdf} download>
          {t('event.export.pdf')}
        </a>
        <a className="button button--secondary" href={csv} download>
          {t('event.export.csv')}
        </a>
      </div>
    </Dialog>
  );
}
