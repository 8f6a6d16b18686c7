// Editing the plan item by item (people with `plan.manage`): the dialogs that add or change a risk, a
// reflex sheet, a contact, an on-call shift, an alert mean or a sensitive site, the confirmation that
// archives or removes one, and the small buttons of the lists. Each dialog is mounted while open and
// reports a success message; the tab then reloads its list (the server also publishes
// `plan.changed`).

import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  alertMeanFieldsSchema,
  contactFieldsSchema,
  oncallShiftFieldsSchema,
  reflexSheetFieldsSchema,
  riskFieldsSchema,
  siteFieldsSchema,
  siteKindLabels,
  siteKinds,
  type AlertMean,
  type OncallShift,
  type PlanContact,
  type ReflexSheet,
  type Risk,
  type Site,
  type SiteKind,
} from '../../../shared/schemas/pcs';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { LiveMessage } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { SelectField, TextField, TextareaField } from '../../components/Field';
import { Icon, type IconName } from '../../components/Icon';
import { CancelButton, SubmitButton } from '../../components/pcs/ResourceActionDialogs';
import { useCatalogue } from '../../components/logbook/useCatalogue';
import { formatDateTime, fromParisInput, t } from '../../i18n';

// ---- small buttons of the lists ----

/** A discreet button of a list (tertiary, small; 44 px high on phones). */
export function ManageButton({ icon, label, accessibleName, onClick, danger, testId }: { icon: IconName; label: string; accessibleName: string; onClick: () => void; danger?: boolean; testId?: string }) {
  return (
    <button type="button" className={`button button--tertiary button--small plan-manage__button${danger ? ' plan-manage__button--danger' : ''}`} aria-label={accessibleName} onClick={onClick} data-testid={testId}>
      <Icon name={icon} size={16} />
      {label}
    </button>
  );
}

/** « Modifier » and « Archiver » for one item named `name`. */
export function EditArchiveButtons({ name, onEdit, onArchive, children }: { name: string; onEdit: () => void; onArchive: () => void; children?: ReactNode }) {
  return (
    <div className="plan-manage" role="group" aria-label={t('planTabs.actionsFor', { name })}>
      {children}
      <ManageButton icon="edit" label={t('planTabs.edit')} accessibleName={t('planTabs.editLabel', { name })} onClick={onEdit} testId="plan-edit" />
      <ManageButton icon="archive" label={t('planTabs.archive')} accessibleName={t('planTabs.archiveLabel', { name })} onClick={onArchive} danger testId="plan-archive" />
    </div>
  );
}

// ---- common form machinery ----

type Errors = Record<string, string>;

/** Errors, form message and busy state of a dialog; `save` checks the local errors, then sends. */
function useSave(nameField: string, onStale?: () => void) {
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(local: Errors, send: () => Promise<void>) {
    if (busy) return;
    setFormError(null);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      if (local._form) setFormError(local._form);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await send();
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.code === 'validation_failed') setErrors(err.fieldErrors);
        if (err.code === 'name_taken') setErrors({ [nameField]: err.message });
        if (err.code === 'unknown_function') setErrors({ functionId: err.message });
        if (err.code === 'not_found') onStale?.();
      }
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return { errors, formError, busy, save };
}

interface FormDialogProps {
  title: string;
  submitLabel: string;
  busy: boolean;
  errors: Errors;
  formError: string | null;
  onClose: () => void;
  onSubmit: () => void;
  testId: string;
  children: ReactNode;
}

function FormDialog({ title, submitLabel, busy, errors, formError, onClose, onSubmit, testId, children }: FormDialogProps) {
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused submit, the first field in error gets the focus.
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
  }, [errors]);

  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <CancelButton onClose={onClose} busy={busy} />
          <SubmitButton formId={formId} busy={busy} label={submitLabel} busyLabel={t('planTabs.form.saving')} testId={`${testId}-submit`} />
        </>
      }
    >
      <form
        ref={formRef}
        id={formId}
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
        noValidate
        aria-busy={busy}
        data-testid={testId}
      >
        <LiveMessage tone="error" message={formError} />
        {children}
      </form>
    </Dialog>
  );
}

interface SavedProps {
  onClose: () => void;
  /** The server accepted: the message to announce. */
  onSaved: (message: string) => void;
  /** The item is gone meanwhile: reload the list. */
  onStale?: () => void;
}

const submitLabel = (editing: boolean) => (editing ? t('planTabs.form.save') : t('planTabs.form.create'));

// ---- risk ----

export function RiskDialog({ risk, onClose, onSaved, onStale }: SavedProps & { risk: Risk | null }) {
  const [name, setName] = useState(risk?.name ?? '');
  const [description, setDescription] = useState(risk?.description ?? '');
  const { errors, formError, busy, save } = useSave('name', onStale);

  function submit() {
    const v = validate(riskFieldsSchema, { name, description });
    void save(v.errors ?? {}, async () => {
      const body = v.data!;
      if (risk) await api('updateRisk', { params: { id: risk.id }, body });
      else await api('createRisk', { body });
      onSaved(t(risk ? 'planTabs.risks.done.updated' : 'planTabs.risks.done.created', { name: body.name }));
    });
  }

  return (
    <FormDialog
      title={risk ? t('planTabs.risks.form.editTitle', { name: risk.name }) : t('planTabs.risks.form.addTitle')}
      submitLabel={submitLabel(risk !== null)}
      busy={busy}
      errors={errors}
      formError={formError}
      onClose={onClose}
      onSubmit={submit}
      testId="risk-form"
    >
      <TextField label={t('planTabs.risks.form.name')} hint={t('planTabs.risks.form.nameHint')} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={120} required autoFocus autoComplete="off" disabled={busy} />
      <TextareaField
        label={t('planTabs.risks.form.description')}
        hint={t('planTabs.risks.form.descriptionHint')}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={errors.description}
        maxLength={2000}
        rows={5}
        disabled={busy}
      />
    </FormDialog>
  );
}

// ---- reflex sheet ----

function stepsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function stepsCount(n: number): string {
  if (n === 0) return t('planTabs.sheets.form.stepsCount.none');
  if (n === 1) return t('planTabs.sheets.form.stepsCount.one');
  return t('planTabs.sheets.form.stepsCount.many', { n });
}

/** The steps' errors ("steps" or "steps.3") as one message on the textarea. */
function stepsError(errors: Errors): string | undefined {
  if (errors.steps) return errors.steps;
  const key = Object.keys(errors).find((k) => /^steps\.\d+/.test(k));
  if (!key) return undefined;
  return t('planTabs.sheets.form.stepError', { n: Number(key.split('.')[1]) + 1, message: errors[key] });
}

export function SheetDialog({ risk, sheet, onClose, onSaved, onStale }: SavedProps & { risk: Risk; sheet: ReflexSheet | null }) {
  const functions = useCatalogue('functions');
  const [title, setTitle] = useState(sheet?.title ?? '');
  const [functionId, setFunctionId] = useState(sheet?.functionId ?? '');
  const [stepsText, setStepsText] = useState(sheet ? sheet.steps.join('\n') : '');
  const { errors, formError, busy, save } = useSave('title', onStale);
  const steps = useMemo(() => stepsOf(stepsText), [stepsText]);
  const countId = useId();

  const options = useMemo(() => {
    const list = functions.active.map((f) => ({ value: f.id, label: f.name }));
    // The sheet's function may have been archived since: it stays selectable for this sheet.
    if (sheet && !list.some((o) => o.value === sheet.functionId)) {
      list.unshift({ value: sheet.functionId, label: t('planTabs.sheets.form.functionArchived', { name: sheet.functionName }) });
    }
    return [{ value: '', label: t('planTabs.sheets.form.functionChoose') }, ...list];
  }, [functions.active, sheet]);

  function submit() {
    const v = validate(reflexSheetFieldsSchema, { title, functionId: functionId || undefined, steps });
    const local: Errors = { ...(v.errors ?? {}) };
    if (!functionId) local.functionId = t('planTabs.sheets.form.functionRequired');
    void save(local, async () => {
      const body = v.data!;
      if (sheet) await api('updateReflexSheet', { params: { id: sheet.id }, body });
      else await api('createReflexSheet', { params: { id: risk.id }, body });
      onSaved(t(sheet ? 'planTabs.sheets.done.updated' : 'planTabs.sheets.done.created', { title: body.title }));
    });
  }

  const stepsErr = stepsError(errors);

  return (
    <FormDialog
      title={sheet ? t('planTabs.sheets.form.editTitle', { title: sheet.title }) : t('planTabs.sheets.form.addTitle', { risk: risk.name })}
      submitLabel={submitLabel(sheet !== null)}
      busy={busy}
      errors={errors}
      formError={formError}
      onClose={onClose}
      onSubmit={submit}
      testId="sheet-form"
    >
      <TextField label={t('planTabs.sheets.form.title')} hint={t('planTabs.sheets.form.titleHint')} value={title} onChange={(e) => setTitle(e.target.value)} error={errors.title} maxLength={160} required autoFocus autoComplete="off" disabled={busy} />
      {functions.error ? (
        <p className="form-error" role="alert">
          {functions.error}{' '}
          <button type="button" className="link-button" onClick={() => void functions.reload()}>
            {t('action.retry')}
          </button>
        </p>
      ) : null}
      <SelectField
        label={t('planTabs.sheets.form.function')}
        hint={functions.items === null && !functions.error ? t('planTabs.sheets.form.functionsLoading') : functions.items?.length === 0 ? t('planTabs.sheets.form.functionsEmpty') : t('planTabs.sheets.form.functionHint')}
        value={functionId}
        onChange={(e) => setFunctionId(e.target.value)}
        error={errors.functionId}
        required
        disabled={busy}
        options={options}
        data-testid="sheet-function"
      />
      <div className="plan-steps-field">
        <TextareaField
          label={t('planTabs.sheets.form.steps')}
          hint={t('planTabs.sheets.form.stepsHint')}
          value={stepsText}
          onChange={(e) => setStepsText(e.target.value)}
          error={stepsErr}
          rows={8}
          required
          disabled={busy}
          data-testid="sheet-steps"
        />
        <p id={countId} className="plan-steps-field__count" aria-live="polite" data-testid="sheet-steps-count">
          {stepsCount(steps.length)}
        </p>
      </div>
    </FormDialog>
  );
}

// ---- contact ----

type ContactText = 'name' | 'service' | 'functionLabel' | 'phone' | 'phoneAlt' | 'email' | 'notes';

export function ContactDialog({ contact, onClose, onSaved, onStale }: SavedProps & { contact: PlanContact | null }) {
  const [fields, setFields] = useState<Record<ContactText, string>>({
    name: contact?.name ?? '',
    service: contact?.service ?? '',
    functionLabel: contact?.functionLabel ?? '',
    phone: contact?.phone ?? '',
    phoneAlt: contact?.phoneAlt ?? '',
    email: contact?.email ?? '',
    notes: contact?.notes ?? '',
  });
  const { errors, formError, busy, save } = useSave('name', onStale);
  const set = (k: ContactText) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [k]: e.target.value }));

  function submit() {
    const v = validate(contactFieldsSchema, fields);
    void save(v.errors ?? {}, async () => {
      const body = v.data!;
      if (contact) await api('updateContact', { params: { id: contact.id }, body });
      else await api('createContact', { body });
      onSaved(t(contact ? 'planTabs.dir.done.updated' : 'planTabs.dir.done.created', { name: body.name }));
    });
  }

  return (
    <FormDialog
      title={contact ? t('planTabs.dir.form.editTitle', { name: contact.name }) : t('planTabs.dir.form.addTitle')}
      submitLabel={submitLabel(contact !== null)}
      busy={busy}
      errors={errors}
      formError={formError}
      onClose={onClose}
      onSubmit={submit}
      testId="contact-form"
    >
      <TextField label={t('planTabs.dir.form.name')} hint={t('planTabs.dir.form.nameHint')} value={fields.name} onChange={set('name')} error={errors.name} maxLength={120} required autoFocus autoComplete="off" disabled={busy} />
      <div className="plan-form__pair">
        <TextField label={t('planTabs.dir.form.service')} value={fields.service} onChange={set('service')} error={errors.service} maxLength={120} autoComplete="off" disabled={busy} />
        <TextField label={t('planTabs.dir.form.functionLabel')} hint={t('planTabs.dir.form.functionLabelHint')} value={fields.functionLabel} onChange={set('functionLabel')} error={errors.functionLabel} maxLength={120} autoComplete="off" disabled={busy} />
      </div>
      <div className="plan-form__pair">
        <TextField label={t('planTabs.dir.form.phone')} type="tel" inputMode="tel" value={fields.phone} onChange={set('phone')} error={errors.phone} maxLength={40} autoComplete="off" disabled={busy} />
        <TextField label={t('planTabs.dir.form.phoneAlt')} type="tel" inputMode="tel" value={fields.phoneAlt} onChange={set('phoneAlt')} error={errors.phoneAlt} maxLength={40} autoComplete="off" disabled={busy} />
      </div>
      <TextField label={t('planTabs.dir.form.email')} type="email" inputMode="email" value={fields.email} onChange={set('email')} error={errors.email} maxLength={254} autoComplete="off" autoCapitalize="off" spellCheck={false} disabled={busy} />
      <TextareaField label={t('planTabs.dir.form.notes')} hint={t('planTabs.dir.form.notesHint')} value={fields.notes} onChange={set('notes')} error={errors.notes} maxLength={1000} rows={3} disabled={busy} />
    </FormDialog>
  );
}

// ---- on-call shift ----

const lineSuggestions = ['planTabs.dir.oncall.form.line.direction', 'planTabs.dir.oncall.form.line.technical', 'planTabs.dir.oncall.form.line.elected'] as const;

export function OncallDialog({ contacts, onClose, onSaved, onStale }: SavedProps & { contacts: readonly PlanContact[] }) {
  const listId = useId();
  const [contactId, setContactId] = useState('');
  const [line, setLine] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const { errors, formError, busy, save } = useSave('line', onStale);

  const sorted = useMemo(() => [...contacts].sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' })), [contacts]);

  function submit() {
    const local: Errors = {};
    if (!contactId) local.contactId = t('planTabs.dir.oncall.form.contactRequired');
    const from = fromParisInput(startsAt);
    const to = fromParisInput(endsAt);
    if (!from) local.startsAt = t('planTabs.dir.oncall.form.dateRequired');
    if (!to) local.endsAt = t('planTabs.dir.oncall.form.dateRequired');
    if (from && to && new Date(to) <= new Date(from)) local.endsAt = t('planTabs.dir.oncall.form.endBeforeStart');
    // The schema's own words for the line; the local messages above win for the other fields.
    const v = validate(oncallShiftFieldsSchema, { contactId: contactId || undefined, line, startsAt: from ?? undefined, endsAt: to ?? undefined });
    void save({ ...(v.errors ?? {}), ...local }, async () => {
      await api('createOncallShift', { body: v.data! });
      onSaved(t('planTabs.dir.oncall.done.created', { name: contacts.find((c) => c.id === contactId)?.name ?? '' }));
    });
  }

  return (
    <FormDialog title={t('planTabs.dir.oncall.form.title')} submitLabel={submitLabel(false)} busy={busy} errors={errors} formError={formError} onClose={onClose} onSubmit={submit} testId="oncall-form">
      <SelectField
        label={t('planTabs.dir.oncall.form.contact')}
        hint={t('planTabs.dir.oncall.form.contactHint')}
        value={contactId}
        onChange={(e) => setContactId(e.target.value)}
        error={errors.contactId}
        required
        autoFocus
        disabled={busy}
        options={[
          { value: '', label: t('planTabs.dir.oncall.form.contactChoose') },
          ...sorted.map((c) => ({ value: c.id, label: c.functionLabel || c.service ? `${c.name} — ${c.functionLabel || c.service}` : c.name })),
        ]}
        data-testid="oncall-contact"
      />
      <TextField
        label={t('planTabs.dir.oncall.form.line')}
        hint={t('planTabs.dir.oncall.form.lineHint')}
        value={line}
        onChange={(e) => setLine(e.target.value)}
        error={errors.line}
        list={listId}
        maxLength={80}
        required
        autoComplete="off"
        disabled={busy}
        data-testid="oncall-line"
      />
      <datalist id={listId}>
        {lineSuggestions.map((k) => (
          <option key={k} value={t(k)} />
        ))}
      </datalist>
      <div className="plan-form__pair">
        <TextField label={t('planTabs.dir.oncall.form.startsAt')} hint={t('planTabs.dir.oncall.form.timeHint')} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} error={errors.startsAt} required disabled={busy} data-testid="oncall-start" />
        <TextField label={t('planTabs.dir.oncall.form.endsAt')} hint={t('planTabs.dir.oncall.form.timeHint')} type="datetime-local" value={endsAt} min={startsAt || undefined} onChange={(e) => setEndsAt(e.target.value)} error={errors.endsAt} required disabled={busy} data-testid="oncall-end" />
      </div>
    </FormDialog>
  );
}

// ---- alert mean ----

export function AlertMeanDialog({ mean, onClose, onSaved, onStale }: SavedProps & { mean: AlertMean | null }) {
  const [name, setName] = useState(mean?.name ?? '');
  const [coverage, setCoverage] = useState(mean?.coverage ?? '');
  const [rules, setRules] = useState(mean?.rules ?? '');
  const { errors, formError, busy, save } = useSave('name', onStale);

  function submit() {
    const v = validate(alertMeanFieldsSchema, { name, coverage, rules });
    void save(v.errors ?? {}, async () => {
      const body = v.data!;
      if (mean) await api('updateAlertMean', { params: { id: mean.id }, body });
      else await api('createAlertMean', { body });
      onSaved(t(mean ? 'planTabs.dir.means.done.updated' : 'planTabs.dir.means.done.created', { name: body.name }));
    });
  }

  return (
    <FormDialog
      title={mean ? t('planTabs.dir.means.form.editTitle', { name: mean.name }) : t('planTabs.dir.means.form.addTitle')}
      submitLabel={submitLabel(mean !== null)}
      busy={busy}
      errors={errors}
      formError={formError}
      onClose={onClose}
      onSubmit={submit}
      testId="alert-mean-form"
    >
      <TextField label={t('planTabs.dir.means.form.name')} hint={t('planTabs.dir.means.form.nameHint')} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={120} required autoFocus autoComplete="off" disabled={busy} />
      <TextareaField label={t('planTabs.dir.means.form.coverage')} hint={t('planTabs.dir.means.form.coverageHint')} value={coverage} onChange={(e) => setCoverage(e.target.value)} error={errors.coverage} maxLength={500} rows={2} disabled={busy} />
      <TextareaField label={t('planTabs.dir.means.form.rules')} hint={t('planTabs.dir.means.form.rulesHint')} value={rules} onChange={(e) => setRules(e.target.value)} error={errors.rules} maxLength={2000} rows={5} disabled={busy} />
    </FormDialog>
  );
}

// ---- sensitive site ----

/** "43,6108" or "43.6108" → 43.6108; "" → null; anything else → NaN. */
function parseDecimal(value: string): number | null {
  const s = value.trim().replace(/\s/g, '').replace(',', '.');
  if (!s) return null;
  return /^[-+]?\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

function decimalText(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : String(n).replace('.', ',');
}

export function SiteDialog({ site, onClose, onSaved, onStale }: SavedProps & { site: Site | null }) {
  const [name, setName] = useState(site?.name ?? '');
  const [kind, setKind] = useState<SiteKind>(site?.kind ?? 'school');
  const [address, setAddress] = useState(site?.address ?? '');
  const [lon, setLon] = useState(decimalText(site?.position.lon));
  const [lat, setLat] = useState(decimalText(site?.position.lat));
  const [capacity, setCapacity] = useState(site?.capacity === null || site?.capacity === undefined ? '' : String(site.capacity));
  const [phone, setPhone] = useState(site?.phone ?? '');
  const [notes, setNotes] = useState(site?.notes ?? '');
  const { errors, formError, busy, save } = useSave('name', onStale);

  function submit() {
    const local: Errors = {};
    const lonN = parseDecimal(lon);
    const latN = parseDecimal(lat);
    if (lonN === null) local['position.lon'] = t('planTabs.sites.form.lonRequired');
    else if (Number.isNaN(lonN)) local['position.lon'] = t('planTabs.sites.form.notNumber');
    if (latN === null) local['position.lat'] = t('planTabs.sites.form.latRequired');
    else if (Number.isNaN(latN)) local['position.lat'] = t('planTabs.sites.form.notNumber');
    let capacityN: number | null = null;
    if (capacity.trim()) {
      capacityN = /^\d+$/.test(capacity.trim()) ? Number(capacity.trim()) : Number.NaN;
      if (Number.isNaN(capacityN)) local.capacity = t('planTabs.sites.form.capacityInvalid');
    }
    const position = lonN !== null && latN !== null && !Number.isNaN(lonN) && !Number.isNaN(latN) ? { lon: lonN, lat: latN } : { lon: 0, lat: 0 };
    const v = validate(siteFieldsSchema, { name, kind, address, position, capacity: Number.isNaN(capacityN) ? null : capacityN, phone, notes });
    void save({ ...(v.errors ?? {}), ...local }, async () => {
      const body = v.data!;
      if (site) await api('updateSite', { params: { id: site.id }, body });
      else await api('createSite', { body });
      onSaved(t(site ? 'planTabs.sites.done.updated' : 'planTabs.sites.done.created', { name: body.name }));
    });
  }

  return (
    <FormDialog
      title={site ? t('planTabs.sites.form.editTitle', { name: site.name }) : t('planTabs.sites.form.addTitle')}
      submitLabel={submitLabel(site !== null)}
      busy={busy}
      errors={errors}
      formError={formError}
      onClose={onClose}
      onSubmit={submit}
      testId="site-form"
    >
      <TextField label={t('planTabs.sites.form.name')} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={160} required autoFocus autoComplete="off" disabled={busy} />
      <SelectField
        label={t('planTabs.sites.form.kind')}
        value={kind}
        onChange={(e) => setKind(e.target.value as SiteKind)}
        error={errors.kind}
        disabled={busy}
        options={siteKinds.map((k) => ({ value: k, label: siteKindLabels[k] }))}
      />
      <TextField label={t('planTabs.sites.form.address')} value={address} onChange={(e) => setAddress(e.target.value)} error={errors.address} maxLength={300} autoComplete="off" disabled={busy} />
      <fieldset className="fieldset">
        <legend className="field__label">{t('planTabs.sites.form.position')}</legend>
        <p className="field__hint">{t('planTabs.sites.form.positionHint')}</p>
        <div className="plan-form__pair plan-form__pair--keep">
          <TextField label={t('planTabs.sites.form.lon')} value={lon} onChange={(e) => setLon(e.target.value)} error={errors['position.lon'] ?? errors.position} inputMode="decimal" autoComplete="off" required disabled={busy} />
          <TextField label={t('planTabs.sites.form.lat')} value={lat} onChange={(e) => setLat(e.target.value)} error={errors['position.lat']} inputMode="decimal" autoComplete="off" required disabled={busy} />
        </div>
      </fieldset>
      <div className="plan-form__pair">
        <TextField
          label={t('planTabs.sites.form.capacity')}
          hint={t('planTabs.sites.form.capacityHint')}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
          error={errors.capacity}
          inputMode="numeric"
          autoComplete="off"
          disabled={busy}
        />
        <TextField label={t('planTabs.sites.form.phone')} type="tel" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} error={errors.phone} maxLength={40} autoComplete="off" disabled={busy} />
      </div>
      <TextareaField label={t('planTabs.sites.form.notes')} hint={t('planTabs.sites.form.notesHint')} value={notes} onChange={(e) => setNotes(e.target.value)} error={errors.notes} maxLength={1000} rows={3} disabled={busy} />
    </FormDialog>
  );
}

// ---- archive, remove ----

interface ConfirmActionProps {
  title: string;
  text: string;
  confirmLabel: string;
  /** The request; resolves when the server accepted. */
  run: () => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  onStale?: () => void;
}

/** A confirmation (archive a risk, remove a shift…) that shows the server's refusal in place. */
export function ConfirmAction({ title, text, confirmLabel, run, onClose, onDone, onStale }: ConfirmActionProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      open
      title={title}
      confirmLabel={confirmLabel}
      danger
      busy={busy}
      error={error}
      onCancel={onClose}
      onConfirm={async () => {
        if (busy) return;
        setBusy(true);
        setError(null);
        try {
          await run();
          onDone();
        } catch (err) {
          if (err instanceof ApiError && err.code === 'not_found') onStale?.();
          setError(errorMessage(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <p>{text}</p>
    </ConfirmDialog>
  );
}

/** Text of the confirmation that removes an on-call shift. */
export function shiftRemoveText(s: OncallShift): string {
  return t('planTabs.dir.oncall.removeText', { line: s.line, from: formatDateTime(s.startsAt), to: formatDateTime(s.endsAt) });
}
