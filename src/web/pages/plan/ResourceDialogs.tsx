// Dialogs of the resources board: add or edit a resource, engage it on an event, release it, set a
// shelter's occupancy. Each is mounted while open and reports what the server answered.

import { useEffect, useId, useState, type FormEvent } from 'react';
import type { EventSummary } from '../../../shared';
import { resourceFieldsSchema, resourceKinds, type Resource, type ResourceKind } from '../../../shared/schemas/pcs';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { LiveMessage } from '../../components/Alert';
import { Dialog } from '../../components/Dialog';
import { SelectField, TextField, TextareaField } from '../../components/Field';
import { t, type MessageKey } from '../../i18n';
import { CancelButton, elsewhereMessage, SubmitButton } from '../../components/pcs/ResourceActionDialogs';

export const kindLabelKeys: Record<ResourceKind, MessageKey> = {
  vehicle: 'resources.kind.vehicle',
  equipment: 'resources.kind.equipment',
  room: 'resources.kind.room',
  shelter: 'resources.kind.shelter',
  team: 'resources.kind.team',
};

/** "43,6108" or "43.6108" → 43.6108; "" → null; anything else → NaN. */
function parseDecimal(value: string): number | null {
  const s = value.trim().replace(/\s/g, '').replace(',', '.');
  if (!s) return null;
  return /^[-+]?\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

function decimalText(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : String(n).replace('.', ',');
}

// ---- add / edit ----

interface ResourceFormDialogProps {
  /** The resource to edit; null to add one. */
  resource: Resource | null;
  onClose: () => void;
  onSaved: (resource: Resource, created: boolean) => void;
}

export function ResourceFormDialog({ resource, onClose, onSaved }: ResourceFormDialogProps) {
  const formId = useId();
  const [name, setName] = useState(resource?.name ?? '');
  const [kind, setKind] = useState<ResourceKind>(resource?.kind ?? 'vehicle');
  const [address, setAddress] = useState(resource?.address ?? '');
  const [lon, setLon] = useState(decimalText(resource?.position?.lon));
  const [lat, setLat] = useState(decimalText(resource?.position?.lat));
  const [capacity, setCapacity] = useState(resource?.capacity === null || resource?.capacity === undefined ? '' : String(resource.capacity));
  const [note, setNote] = useState(resource?.note ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setFormError(null);
    const local: Record<string, string> = {};
    const lonN = parseDecimal(lon);
    const latN = parseDecimal(lat);
    if (Number.isNaN(lonN)) local['position.lon'] = t('resources.field.notNumber');
    if (Number.isNaN(latN)) local['position.lat'] = t('resources.field.notNumber');
    if (lonN === null && latN !== null && !Number.isNaN(latN)) local['position.lon'] = t('resources.field.lonMissing');
    if (latN === null && lonN !== null && !Number.isNaN(lonN)) local['position.lat'] = t('resources.field.latMissing');
    let capacityN: number | null = null;
    if (kind === 'shelter' && capacity.trim()) {
      capacityN = /^\d+$/.test(capacity.trim()) ? Number(capacity.trim()) : Number.NaN;
      if (Number.isNaN(capacityN)) local.capacity = t('resources.field.capacityInvalid');
    }
    const position = lonN !== null && latN !== null && !Number.isNaN(lonN) && !Number.isNaN(latN) ? { lon: lonN, lat: latN } : null;
    const v = validate(resourceFieldsSchema, {
      name,
      kind,
      address,
      position,
      // A shelter's capacity; other kinds keep theirs (from an import) untouched.
      capacity: kind === 'shelter' ? capacityN : (resource?.capacity ?? null),
      note,
    });
    const all = { ...(v.errors ?? {}), ...local };
    if (Object.keys(all).length > 0) {
      setErrors(all);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const body = v.data!;
      const saved = resource ? await api('updateResource', { params: { id: resource.id }, body }) : await api('createResource', { body });
      onSaved(saved, resource === null);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      if (err instanceof ApiError && err.code === 'name_taken') setErrors({ name: err.message });
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      title={resource ? t('resources.editTitle', { name: resource.name }) : t('resources.createTitle')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <CancelButton onClose={onClose} busy={busy} />
          <SubmitButton formId={formId} busy={busy} label={resource ? t('resources.save') : t('resources.create')} busyLabel={t('resources.saving')} testId="resource-form-submit" />
        </>
      }
    >
      <form id={formId} className="form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
        <LiveMessage tone="error" message={formError} />
        <TextField label={t('resources.field.name')} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={120} required autoFocus disabled={busy} />
        <SelectField
          label={t('resources.field.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as ResourceKind)}
          error={errors.kind}
          disabled={busy}
          options={resourceKinds.map((k) => ({ value: k, label: t(kindLabelKeys[k]) }))}
        />
        <TextField label={t('resources.field.address')} value={address} onChange={(e) => setAddress(e.target.value)} error={errors.address} maxLength={300} autoComplete="off" disabled={busy} />
        <fieldset className="fieldset">
          <legend className="field__label">{t('resources.field.position')}</legend>
          <p className="field__hint">{t('resources.field.positionHint')}</p>
          <div className="resource-form__coords">
            <TextField label={t('resources.field.lon')} value={lon} onChange={(e) => setLon(e.target.value)} error={errors['position.lon'] ?? errors.position} inputMode="decimal" autoComplete="off" disabled={busy} />
            <TextField label={t('resources.field.lat')} value={lat} onChange={(e) => setLat(e.target.value)} error={errors['position.lat']} inputMode="decimal" autoComplete="off" disabled={busy} />
          </div>
        </fieldset>
        {kind === 'shelter' ? (
          <TextField
            label={t('resources.field.capacity')}
            hint={t('resources.field.capacityHint')}
            value={capacity}
            onChange={(e) => setCapacity(e.target.value)}
            error={errors.capacity}
            inputMode="numeric"
            autoComplete="off"
            disabled={busy}
          />
        ) : null}
        <TextareaField label={t('resources.field.note')} hint={t('resources.field.noteHint')} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} maxLength={1000} rows={3} disabled={busy} />
      </form>
    </Dialog>
  );
}

// ---- engage ----

interface EngageDialogProps {
  resource: Resource;
  organisationId: string;
  onClose: () => void;
  onEngaged: (resource: Resource, eventTitle: string) => void;
  /** The board is out of date (someone engaged it meanwhile): reload it. */
  onStale: () => void;
}

const statusOrder = { active: 0, watch: 1, closed: 2 } as const;

export function EngageDialog({ resource, organisationId, onClose, onEngaged, onStale }: EngageDialogProps) {
  const formId = useId();
  const [events, setEvents] = useState<EventSummary[] | null>(null);
  const [eventsError, setEventsError] = useState<string | null>(null);
  const [eventId, setEventId] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api('listEvents', { query: { limit: 500 } })
      .then((r) => {
        if (cancelled) return;
        // Only the organisation's open events take its resources.
        const open = r.events
          .filter((e) => e.status !== 'closed' && e.organisationId === organisationId)
          .sort((a, b) => statusOrder[a.status] - statusOrder[b.status] || b.startsAt.localeCompare(a.startsAt));
        setEvents(open);
        setEventsError(null);
        if (open.length === 1) setEventId(open[0].id);
      })
      .catch((err: unknown) => {
        if (!cancelled) setEventsError(errorMessage(err));
      });
    return () => {
      cancelled = true;
    };
  }, [organisationId, attempt]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setFormError(null);
    if (!eventId) {
      setErrors({ eventId: t('resources.engage.eventRequired') });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = await api('engageResource', { params: { id: resource.id }, body: { eventId, note: note.trim() } });
      onEngaged(saved, events?.find((x) => x.id === eventId)?.title ?? '');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      if (err instanceof ApiError && (err.code === 'resource_engaged_elsewhere' || err.code === 'resource_unavailable' || err.code === 'resource_archived')) onStale();
      setFormError(err instanceof ApiError && err.code === 'resource_engaged_elsewhere' ? elsewhereMessage(err) : errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const noEvents = events !== null && events.length === 0;

  return (
    <Dialog
      open
      title={t('resources.engageTitle', { name: resource.name })}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <CancelButton onClose={onClose} busy={busy} />
          <SubmitButton formId={formId} busy={busy} label={t('resources.engage.submit')} busyLabel={t('resources.engage.busy')} disabled={events === null || noEvents} testId="engage-submit" />
        </>
      }
    >
      <form id={formId} className="form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
        <LiveMessage tone="error" message={formError} />
        {eventsError ? (
          <p className="form-error" role="alert">
            {eventsError}{' '}
            <button type="button" className="link-button" onClick={() => setAttempt((a) => a + 1)}>
              {t('action.retry')}
            </button>
          </p>
        ) : null}
        {events === null && !eventsError ? <p className="muted">{t('resources.engage.eventsLoading')}</p> : null}
        {noEvents ? <p className="empty">{t('resources.engage.noEvents')}</p> : null}
        {events && events.length > 0 ? (
          <SelectField
            label={t('resources.engage.event')}
            hint={t('resources.engage.eventHint')}
            value={eventId}
            onChange={(e) => setEventId(e.target.value)}
            error={errors.eventId}
            disabled={busy}
            required
            autoFocus
            data-testid="engage-event"
            options={[
              { value: '', label: t('resources.engage.eventChoose') },
              ...events.map((ev) => ({
                value: ev.id,
                label: t('resources.engage.eventOption', { title: ev.title, status: t(ev.status === 'active' ? 'resources.engage.status.active' : 'resources.engage.status.watch') }),
              })),
            ]}
          />
        ) : null}
        <TextareaField
          label={t('resources.engage.note')}
          hint={t('resources.engage.noteHint')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          error={errors.note}
          maxLength={500}
          rows={2}
          disabled={busy}
        />
      </form>
    </Dialog>
  );
}

export { ReleaseDialog, OccupancyDialog } from '../../components/pcs/ResourceActionDialogs';
