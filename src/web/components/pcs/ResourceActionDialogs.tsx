// Releasing a resource and setting a shelter's occupancy: the same dialogs on the resources board
// (/plan) and in an event's « Moyens engagés » panel. Each is mounted while open and reports what the
// server answered; `onStale` asks the caller to reload when the resource changed meanwhile.

import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Resource } from '../../../shared/schemas/pcs';
import { ApiError, api, errorMessage } from '../../api/client';
import { LiveMessage } from '../Alert';
import { Dialog } from '../Dialog';
import { TextField, TextareaField } from '../Field';
import { formatRecent, t } from '../../i18n';

/** Where the resource went: the event's title comes in `details` only to those who see that event. */
export function elsewhereMessage(err: ApiError): string {
  const d = (err.details ?? {}) as { eventTitle?: unknown; engagedAt?: unknown; engagedByName?: unknown };
  if (typeof d.eventTitle !== 'string' || !d.eventTitle) return err.message;
  if (typeof d.engagedAt === 'string' && typeof d.engagedByName === 'string' && d.engagedByName) {
    return t('resources.engage.elsewhereSince', { event: d.eventTitle, when: formatRecent(d.engagedAt), name: d.engagedByName });
  }
  return t('resources.engage.elsewhere', { event: d.eventTitle });
}

export function SubmitButton({ formId, busy, label, busyLabel, disabled, danger, testId }: { formId: string; busy: boolean; label: string; busyLabel: string; disabled?: boolean; danger?: boolean; testId?: string }) {
  return (
    <button type="submit" form={formId} className={`button ${danger ? 'button--danger' : 'button--primary'}`} disabled={busy || disabled} data-testid={testId}>
      {busy ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
      {busy ? busyLabel : label}
    </button>
  );
}

export function CancelButton({ onClose, busy }: { onClose: () => void; busy: boolean }) {
  return (
    <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
      {t('action.cancel')}
    </button>
  );
}

// ---- release ----

interface ReleaseDialogProps {
  resource: Resource;
  onClose: () => void;
  onReleased: (resource: Resource) => void;
  onStale: () => void;
}

export function ReleaseDialog({ resource, onClose, onReleased, onStale }: ReleaseDialogProps) {
  const formId = useId();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [noteError, setNoteError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setNoteError(null);
    setBusy(true);
    try {
      onReleased(await api('releaseResource', { params: { id: resource.id }, body: { note: note.trim() } }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setNoteError(err.fieldErrors.note ?? null);
      if (err instanceof ApiError && err.code === 'resource_not_engaged') onStale();
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      role="alertdialog"
      size="small"
      title={t('resources.releaseTitle', { name: resource.name })}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <CancelButton onClose={onClose} busy={busy} />
          <SubmitButton formId={formId} busy={busy} label={t('resources.release.submit')} busyLabel={t('resources.saving')} testId="release-submit" />
        </>
      }
    >
      <form id={formId} className="form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
        {resource.engagedEvent ? <p>{t('resources.release.text', { event: resource.engagedEvent.title })}</p> : null}
        <LiveMessage tone="error" message={error} />
        <TextareaField label={t('resources.release.note')} value={note} onChange={(e) => setNote(e.target.value)} error={noteError} maxLength={500} rows={2} disabled={busy} />
      </form>
    </Dialog>
  );
}

// ---- occupancy of a shelter ----

interface OccupancyDialogProps {
  resource: Resource;
  onClose: () => void;
  onSaved: (resource: Resource) => void;
  onStale: () => void;
}

export function OccupancyDialog({ resource, onClose, onSaved, onStale }: OccupancyDialogProps) {
  const formId = useId();
  const reasonId = useId();
  const [value, setValue] = useState(String(resource.occupancy));
  const [reason, setReason] = useState('');
  const [needsReason, setNeedsReason] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The reason field appears when the server asks for it: it gets the focus.
  useEffect(() => {
    if (needsReason) document.getElementById(reasonId)?.focus();
  }, [needsReason, reasonId]);

  const occupancy = /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
  const over = occupancy !== null && resource.capacity !== null && occupancy > resource.capacity;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setFormError(null);
    if (occupancy === null) {
      setErrors({ occupancy: t('resources.occupancy.invalid') });
      return;
    }
    if (needsReason && over && !reason.trim()) {
      setErrors({ reason: t('resources.occupancy.reasonRequired') });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = await api('setResourceOccupancy', { params: { id: resource.id }, body: { occupancy, reason: needsReason && over ? reason.trim() : '' } });
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'shelter_over_capacity') {
        setNeedsReason(true);
        setFormError(err.message);
      } else {
        if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
        if (err instanceof ApiError && (err.code === 'resource_not_engaged' || err.code === 'not_a_shelter')) onStale();
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      size="small"
      title={t('resources.occupancyTitle', { name: resource.name })}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <CancelButton onClose={onClose} busy={busy} />
          <SubmitButton
            formId={formId}
            busy={busy}
            danger={needsReason && over}
            label={needsReason && over ? t('resources.occupancy.submitOver') : t('resources.occupancy.submit')}
            busyLabel={t('resources.saving')}
            testId="occupancy-submit"
          />
        </>
      }
    >
      <form id={formId} className="form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
        <LiveMessage tone={needsReason && over ? 'warning' : 'error'} message={formError} />
        <TextField
          label={t('resources.occupancy.field')}
          hint={resource.capacity !== null ? t('resources.occupancy.hint', { capacity: resource.capacity }) : t('resources.occupancy.hintNone')}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={errors.occupancy}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          autoFocus
          disabled={busy}
          data-testid="occupancy-input"
        />
        {needsReason && over ? (
          <TextareaField
            id={reasonId}
            label={t('resources.occupancy.reason')}
            hint={t('resources.occupancy.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={errors.reason}
            maxLength={500}
            rows={2}
            required
            disabled={busy}
            data-testid="occupancy-reason"
          />
        ) : null}
      </form>
    </Dialog>
  );
}
