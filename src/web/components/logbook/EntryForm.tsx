import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { createEntryBodySchema, type Attachment, type CatalogueItem, type Entry } from '../../../shared';
import { ApiError, api, errorMessage, uploadAttachment, validate } from '../../api/client';
import { fromParisInput, t, toParisInput } from '../../i18n';
import { LiveMessage } from '../Alert';
import { SelectField, TextareaField, TextField } from '../Field';
import { Icon } from '../Icon';
import type { CorrectionKind } from './EntryItem';
import { useSession } from '../../session';
import { ActionFields, actionBody, emptyActionDraft, type ActionDraft } from '../actions/ActionFields';
import { locateDevice, type DevicePosition } from '../map/locate';

export const ATTACHMENT_ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';
const FUNCTION_KEY = 'vigie.logbook.function';

interface Upload {
  key: string;
  name: string;
  status: 'uploading' | 'done' | 'error';
  attachment?: Attachment;
  error?: string;
}

export interface CorrectionTarget {
  entry: Entry;
  kind: CorrectionKind;
}

interface EntryFormProps {
  eventId: string;
  functions: readonly CatalogueItem[];
  tags: readonly CatalogueItem[];
  recentSources: readonly string[];
  target: CorrectionTarget | null;
  onCancelTarget: () => void;
  onCreated: (entry: Entry) => void;
  /** Incremented by the page to move the focus to the text (e.g. after "Corriger"). */
  focusSignal: number;
}

let uploadCounter = 0;

export function EntryForm({ eventId, functions, tags, recentSources, target, onCancelTarget, onCreated, focusSignal }: EntryFormProps) {
  const [text, setText] = useState('');
  const [occurredAt, setOccurredAt] = useState(() => toParisInput(new Date()));
  const [timeTouched, setTimeTouched] = useState(false);
  const [functionId, setFunctionId] = useState<string>(() => {
    try {
      return localStorage.getItem(FUNCTION_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const [source, setSource] = useState('');
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [important, setImportant] = useState(false);
  /** "Joindre ma position": the device's location, asked when ticked so it is ready at saving. */
  const [locate, setLocate] = useState(false);
  const [position, setPosition] = useState<DevicePosition | null>(null);
  const [positionError, setPositionError] = useState<string | null>(null);
  const session = useSession();
  const [action, setAction] = useState<ActionDraft>(emptyActionDraft);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const formId = useId();
  const sourcesId = useId();

  // "Now" stays now until the person edits the time of the fact.
  useEffect(() => {
    if (timeTouched) return;
    setOccurredAt(toParisInput(new Date()));
    const timer = setInterval(() => setOccurredAt(toParisInput(new Date())), 20_000);
    return () => clearInterval(timer);
  }, [timeTouched]);

  // A function chosen earlier but archived since is forgotten.
  useEffect(() => {
    if (functionId && functions.length > 0 && !functions.some((f) => f.id === functionId)) setFunctionId('');
  }, [functions, functionId]);

  // Correction or cancellation: the form starts from the entry it targets.
  const targetKey = target ? `${target.kind}:${target.entry.id}` : null;
  useEffect(() => {
    if (!target) return;
    const e = target.entry;
    setText(target.kind === 'correction' ? e.text : '');
    const fn = functions.find((f) => f.name === e.functionName);
    if (fn) setFunctionId(fn.id);
    setSource(e.source ?? '');
    setTagIds(tags.filter((tg) => e.tags.includes(tg.name)).map((tg) => tg.id));
    setImportant(target.kind === 'correction' ? e.important : false);
    // A correction is about the same fact: it starts from the fact's time.
    if (target.kind === 'correction') {
      setTimeTouched(true);
      setOccurredAt(toParisInput(e.occurredAt));
    } else setTimeTouched(false);
    setErrors({});
    setFormError(null);
    setDone(null);
    // Only when another entry is targeted.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetKey]);

  useEffect(() => {
    if (focusSignal > 0) textRef.current?.focus();
  }, [focusSignal]);

  function toggleLocate(on: boolean) {
    setLocate(on);
    setPosition(null);
    setPositionError(null);
    if (on) locateDevice().then(setPosition, (err: Error) => setPositionError(err.message));
  }

  function reset() {
    setLocate(false);
    setPosition(null);
    setPositionError(null);
    setText('');
    setSource('');
    setTagIds([]);
    setImportant(false);
    setAction(emptyActionDraft);
    setUploads([]);
    setTimeTouched(false);
    setOccurredAt(toParisInput(new Date()));
    setErrors({});
    if (fileRef.current) fileRef.current.value = '';
  }

  async function addFiles(files: FileList | null) {
    if (!files) return;
    for (const file of Array.from(files)) {
      const key = `u${++uploadCounter}`;
      setUploads((u) => [...u, { key, name: file.name, status: 'uploading' }]);
      try {
        const attachment = await uploadAttachment(eventId, file);
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, status: 'done', attachment } : x)));
      } catch (err) {
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, status: 'error', error: errorMessage(err) } : x)));
      }
    }
    if (fileRef.current) fileRef.current.value = '';
  }

  const uploading = uploads.some((u) => u.status === 'uploading');

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    setFormError(null);
    setDone(null);
    if (uploading) {
      setFormError(t('entryForm.waitUploads'));
      return;
    }
    const iso = timeTouched ? fromParisInput(occurredAt) : undefined;
    if (timeTouched && !iso) {
      setErrors({ occurredAt: t('entryForm.timeInvalid') });
      return;
    }
    const newAction = target || session.guest ? undefined : actionBody(action);
    if (newAction && newAction.dueAt === 'invalide') {
      setErrors({ 'action.dueAt': t('actions.form.dueInvalid') });
      setFormError(t('error.formInvalid'));
      return;
    }
    if (locate && !position) {
      setFormError(positionError ?? t('entryForm.positionPending'));
      return;
    }
    const body = {
      text,
      ...(locate && position ? { position } : {}),
      occurredAt: iso ?? undefined,
      functionId: functionId || null,
      source: source.trim() ? source.trim() : null,
      tagIds,
      important,
      attachmentIds: uploads.filter((u) => u.status === 'done' && u.attachment).map((u) => u.attachment!.id),
      ...(target ? { corrects: target.entry.id, kind: target.kind } : { kind: 'entry' as const, action: newAction }),
    };
    const v = validate(createEntryBodySchema, body);
    if (v.errors) {
      setErrors(v.errors);
      setFormError(t('error.formInvalid'));
      textRef.current?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const entry = await api('createEntry', { params: { id: eventId }, body: v.data });
      try {
        if (functionId) localStorage.setItem(FUNCTION_KEY, functionId);
      } catch {
        // private browsing: not remembered
      }
      onCreated(entry);
      reset();
      setDone(t('entryForm.done', { seq: entry.seq }));
      textRef.current?.focus();
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.code === 'validation_failed') setErrors(err.fieldErrors);
        if (err.code === 'occurred_in_future') setErrors({ occurredAt: err.message });
        if (err.code === 'unknown_tag') setErrors({ tagIds: err.message });
        if (err.code === 'unknown_function') setErrors({ functionId: err.message });
        if (err.code === 'action_invalid') setErrors({ 'action.assigneeUserId': err.message });
      }
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  }

  const kindTitle = target
    ? target.kind === 'correction'
      ? t('entryForm.correctionOf', { seq: target.entry.seq })
      : t('entryForm.cancellationOf', { seq: target.entry.seq })
    : null;

  return (
    <form id={formId} className={`entry-form${target ? ` entry-form--${target.kind}` : ''}`} onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label={kindTitle ?? t('entryForm.title')} data-testid="entry-form">
      {target ? (
        <div className="entry-form__target" role="status">
          <Icon name="undo" size={18} />
          <span>
            <strong>{kindTitle}</strong>
            <span className="entry-form__target-text">« {target.entry.text.length > 140 ? `${target.entry.text.slice(0, 140)}…` : target.entry.text} »</span>
          </span>
          <button type="button" className="button button--tertiary button--small" onClick={onCancelTarget}>
            {t('entryForm.abandon')}
          </button>
        </div>
      ) : null}
      <LiveMessage tone="error" message={formError} />
      <TextareaField
        ref={textRef}
        label={target?.kind === 'cancellation' ? t('entryForm.reason') : t('entryForm.text')}
        hint={t('entryForm.textHint')}
        name="text"
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={errors.text}
        required
        className="entry-form__text"
      />
      <div className="entry-form__grid">
        <TextField
          label={t('entryForm.occurredAt')}
          hint={timeTouched ? t('entryForm.occurredAtEdited') : t('entryForm.occurredAtNow')}
          type="datetime-local"
          name="occurredAt"
          value={occurredAt}
          onChange={(e) => {
            setTimeTouched(true);
            setOccurredAt(e.target.value);
          }}
          error={errors.occurredAt}
        />
        <SelectField
          label={t('entryForm.function')}
          name="functionId"
          value={functionId}
          onChange={(e) => setFunctionId(e.target.value)}
          options={[{ value: '', label: t('entryForm.functionNone') }, ...functions.map((f) => ({ value: f.id, label: f.name }))]}
          error={errors.functionId}
        />
        <TextField
          label={t('entryForm.source')}
          hint={t('entryForm.sourceHint')}
          name="source"
          list={sourcesId}
          autoComplete="off"
          maxLength={200}
          value={source}
          onChange={(e) => setSource(e.target.value)}
          error={errors.source}
        />
        <datalist id={sourcesId}>
          {recentSources.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>

      {tags.length > 0 ? (
        <fieldset className="fieldset">
          <legend className="field__label">
            {t('entryForm.tags')}
            {tagIds.length > 0 ? (
              <span className="tag-picker__chosen">
                {' — '}
                {t('entryForm.tagsChosen', { names: tags.filter((tg) => tagIds.includes(tg.id)).map((tg) => tg.name).join(', ') })}
              </span>
            ) : null}
          </legend>
          <div className="tag-picker">
            {tags.map((tg) => (
              <label key={tg.id} className="tag-option">
                <input
                  type="checkbox"
                  checked={tagIds.includes(tg.id)}
                  onChange={(e) => setTagIds((ids) => (e.target.checked ? [...ids, tg.id] : ids.filter((x) => x !== tg.id)))}
                />
                <span>{tg.name}</span>
              </label>
            ))}
          </div>
          {errors.tagIds ? (
            <p className="field__error">
              <Icon name="alert" size={16} />
              <span>{errors.tagIds}</span>
            </p>
          ) : null}
        </fieldset>
      ) : null}

      {!target && !session.guest ? <ActionFields eventId={eventId} value={action} onChange={setAction} errors={errors} /> : null}

      <div className="entry-form__row">
        <label className="toggle toggle--important">
          <input type="checkbox" checked={important} onChange={(e) => setImportant(e.target.checked)} name="important" />
          <span>
            <Icon name="alert" size={16} />
            {t('entryForm.important')}
          </span>
        </label>
        {target ? null : (
          <label className="toggle">
            <input type="checkbox" checked={locate} onChange={(e) => toggleLocate(e.target.checked)} name="position" />
            <span>
              <Icon name="flag" size={16} />
              {t('entryForm.position')}
            </span>
          </label>
        )}
        {locate ? (
          <span className={`field__hint${positionError ? ' field__hint--error' : ''}`} role="status" data-testid="entry-position-status">
            {positionError ?? (position ? t('entryForm.positionReady', { accuracy: String(position.accuracy) }) : t('map.position.locating'))}
          </span>
        ) : null}
        {/* A guest has no account to own a file: guests write text only. */}
        {session.guest ? null : (
          <>
            <label className="button button--secondary button--small file-button">
              <Icon name="paperclip" size={18} />
              {t('entryForm.attach')}
              <input
                ref={fileRef}
                type="file"
                accept={ATTACHMENT_ACCEPT}
                multiple
                className="visually-hidden"
                onChange={(e) => void addFiles(e.target.files)}
                aria-describedby={`${formId}-files-hint`}
              />
            </label>
            <span id={`${formId}-files-hint`} className="field__hint">
              {t('entryForm.attachHint')}
            </span>
          </>
        )}
      </div>

      {uploads.length > 0 ? (
        <ul className="uploads" aria-live="polite">
          {uploads.map((u) => (
            <li key={u.key} className={`upload upload--${u.status}`}>
              {u.status === 'uploading' ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
              {u.status === 'done' ? <Icon name="check" size={16} /> : null}
              {u.status === 'error' ? <Icon name="alert" size={16} /> : null}
              <span className="upload__name">{u.name}</span>
              <span className="upload__status">
                {u.status === 'uploading' ? t('entryForm.uploading') : u.status === 'done' ? t('entryForm.uploaded') : u.error}
              </span>
              <button
                type="button"
                className="icon-button icon-button--small"
                aria-label={t('entryForm.removeFile', { name: u.name })}
                onClick={() => setUploads((list) => list.filter((x) => x.key !== u.key))}
              >
                <Icon name="close" size={16} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      <div className="entry-form__actions">
        <button type="submit" className={`button ${target?.kind === 'cancellation' ? 'button--danger' : 'button--primary'}`} disabled={busy || uploading}>
          {busy
            ? t('entryForm.submitting')
            : target?.kind === 'correction'
              ? t('entryForm.submitCorrection')
              : target?.kind === 'cancellation'
                ? t('entryForm.submitCancellation')
                : t('entryForm.submit')}
        </button>
        <span className="entry-form__shortcut">{t('entryForm.shortcut')}</span>
        <span aria-live="polite" className="form__done">
          {done ? (
            <>
              <Icon name="check" size={16} /> {done}
            </>
          ) : null}
        </span>
      </div>
    </form>
  );
}
