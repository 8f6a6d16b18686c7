import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { EventDetail } from '../../../shared';
import { GUEST_LINK_MAX_DAYS, createGuestLinkBodySchema, type AccessLevel, type GuestLink } from '../../../shared/schemas/rights';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { formatDateTime, formatFull, formatRecent, fromParisInput, t, toParisInput } from '../../i18n';
import { useSession } from '../../session';
import { Alert, LiveMessage, RetryAlert } from '../Alert';
import { ConfirmDialog, Dialog } from '../Dialog';
import { TextField } from '../Field';
import { Icon } from '../Icon';
import { useCopy } from '../useCopy';
import './rights.css';

type Preset = '24h' | '7d' | 'custom';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function expiryOf(preset: Preset, custom: string, now = Date.now()): string | null {
  if (preset === '24h') return new Date(now + DAY).toISOString();
  if (preset === '7d') return new Date(now + 7 * DAY).toISOString();
  return fromParisInput(custom);
}

const stateBadge: Record<GuestLink['state'], string> = { active: 'badge--success', expired: 'badge--neutral', revoked: 'badge--danger' };

function LinkItem({ link, onRevoke }: { link: GuestLink; onRevoke: () => void }) {
  return (
    <li className={`guest-link guest-link--${link.state}`} data-testid="guest-link" data-label={link.label}>
      <div className="guest-link__head">
        <p className="guest-link__label">{link.label}</p>
        <span className="badges">
          <span className={`badge ${stateBadge[link.state]}`}>{t(`guests.state.${link.state}`)}</span>
          <span className="badge badge--info">{link.access === 'write' ? t('guests.access.write') : t('guests.access.read')}</span>
          {link.includeChildren ? <span className="badge badge--neutral">{t('guests.withChildren')}</span> : null}
        </span>
      </div>
      <p className="guest-link__meta">
        {link.state === 'revoked' && link.revokedAt
          ? t('guests.revokedOn', { date: formatDateTime(link.revokedAt) })
          : link.state === 'expired'
            ? t('guests.expiredOn', { date: formatDateTime(link.expiresAt) })
            : t('guests.expiresOn', { date: formatDateTime(link.expiresAt) })}
        {' · '}
        {t('guests.createdBy', { name: link.createdByName, date: formatDateTime(link.createdAt) })}
      </p>
      <p className="guest-link__meta" data-testid="guest-link-guests">
        {link.guests.length > 0 ? t('guests.joined', { names: link.guests.join(', ') }) : t('guests.nobody')}
        {link.lastUsedAt ? (
          <>
            {' · '}
            <time dateTime={link.lastUsedAt} title={formatFull(link.lastUsedAt)}>
              {t('guests.lastUsed', { when: formatRecent(link.lastUsedAt) })}
            </time>
          </>
        ) : null}
      </p>
      {link.state === 'active' ? (
        <div className="button-row">
          <button type="button" className="button button--danger-outline button--small" onClick={onRevoke} aria-label={t('guests.revokeLabel', { label: link.label })}>
            {t('guests.revoke')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** The new link, shown once: full address, copy, e-mail. */
function CreatedLink({ url, link, event, onDone }: { url: string; link: GuestLink; event: EventDetail; onDone: () => void }) {
  const session = useSession();
  const id = useId();
  const { copied, copy: copyText, inputRef } = useCopy();
  const copy = () => copyText(url);
  const roomCopy = useCopy();
  const roomId = useId();
  // The same invitation, opening the event's virtual room at once.
  const roomUrl = url.replace('/invite#', '/invite?salle#');

  const access = link.access === 'write' ? t('guests.mail.accessWrite') : t('guests.mail.accessRead');
  const subject = t('guests.mail.subject', { title: event.title });
  const body = t('guests.mail.body', { organisation: session.organisation.name, title: event.title, access, url, date: formatDateTime(link.expiresAt) });
  const mailto = `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;

  return (
    <div className="guest-link-created" data-testid="guest-link-created">
      <Alert tone="success">{t('guests.created', { label: link.label, date: formatDateTime(link.expiresAt) })}</Alert>
      <label htmlFor={id} className="field__label">
        {t('guests.linkLabel')}
      </label>
      <div className="guest-link-created__row">
        <input ref={inputRef} id={id} className="input" readOnly value={url} data-testid="guest-link-url" onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          <Icon name={copied ? 'check' : 'copy'} size={18} />
          <span aria-live="polite">{copied ? t('action.copied') : t('action.copy')}</span>
        </button>
        <a className="button button--secondary" href={mailto}>
          <Icon name="share" size={18} />
          {t('guests.mail.send')}
        </a>
      </div>
      <label htmlFor={roomId} className="field__label">
        {t('visio.guestRoomLink')}
      </label>
      <div className="guest-link-created__row">
        <input ref={roomCopy.inputRef} id={roomId} className="input" readOnly value={roomUrl} data-testid="guest-room-url" onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button type="button" className="button button--secondary" onClick={() => void roomCopy.copy(roomUrl)}>
          <Icon name={roomCopy.copied ? 'check' : 'copy'} size={18} />
          <span aria-live="polite">{roomCopy.copied ? t('action.copied') : t('action.copy')}</span>
        </button>
      </div>
      <Alert tone="warning">{t('guests.onceWarning')}</Alert>
      <div className="button-row">
        <button type="button" className="button button--primary" onClick={onDone}>
          {t('guests.done')}
        </button>
      </div>
    </div>
  );
}

/**
 * Guests of an event: create a link (for whom, read or contribute, with the sub-events, until
 * when), show it once, list the links with their state and guests, revoke.
 */
export function GuestLinksDialog({ event, open, onClose }: { event: EventDetail; open: boolean; onClose: () => void }) {
  const [links, setLinks] = useState<GuestLink[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [view, setView] = useState<'list' | 'create' | 'created'>('list');
  const [created, setCreated] = useState<{ url: string; link: GuestLink } | null>(null);
  const [label, setLabel] = useState('');
  const [access, setAccess] = useState<AccessLevel>('read');
  const [includeChildren, setIncludeChildren] = useState(false);
  const [preset, setPreset] = useState<Preset>('24h');
  const [custom, setCustom] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<GuestLink | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const fieldId = useId();

  const load = useCallback(async () => {
    try {
      const res = await api('listGuestLinks', { params: { id: event.id } });
      setLinks(res.links);
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [event.id]);

  useEffect(() => {
    if (!open) return;
    setView('list');
    setCreated(null);
    setDone(null);
    void load();
  }, [open, load]);

  function startCreate() {
    setLabel('');
    setAccess('read');
    setIncludeChildren(false);
    setPreset('24h');
    setCustom(toParisInput(new Date(Date.now() + 3 * DAY)).slice(0, 16));
    setErrors({});
    setFormError(null);
    setDone(null);
    setView('create');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const errs: Record<string, string> = {};
    const expiresAt = expiryOf(preset, custom);
    const now = Date.now();
    if (!expiresAt) errs.expiresAt = t('guests.form.expiryInvalid');
    else if (new Date(expiresAt).getTime() <= now + 60_000) errs.expiresAt = t('guests.form.expiryPast');
    else if (new Date(expiresAt).getTime() > now + GUEST_LINK_MAX_DAYS * DAY) errs.expiresAt = t('guests.form.expiryTooFar', { days: GUEST_LINK_MAX_DAYS });
    const v = validate(createGuestLinkBodySchema, { label, access, includeChildren, expiresAt: expiresAt ?? '' });
    if (v.errors) {
      if (v.errors.label) errs.label = v.errors.label;
      if (v.errors.expiresAt && !errs.expiresAt) errs.expiresAt = v.errors.expiresAt;
    }
    setErrors(errs);
    if (Object.keys(errs).length || !v.data) return;
    setBusy(true);
    try {
      const res = await api('createGuestLink', { params: { id: event.id }, body: v.data });
      setCreated({ url: `${window.location.origin}${res.path}`, link: res.link });
      setLinks((list) => [res.link, ...(list ?? []).filter((l) => l.id !== res.link.id)]);
      setView('created');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function confirmRevoke() {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      const link = await api('revokeGuestLink', { params: { id: revoking.id } });
      setLinks((list) => (list ?? []).map((l) => (l.id === link.id ? link : l)));
      setDone(t('guests.revoked', { label: link.label }));
      setRevoking(null);
    } catch (err) {
      setRevokeError(errorMessage(err));
    } finally {
      setRevokeBusy(false);
    }
  }

  const active = (links ?? []).filter((l) => l.state === 'active');
  const past = (links ?? []).filter((l) => l.state !== 'active');
  const expiryPreview = expiryOf(preset, custom);

  return (
    <>
      <Dialog
        open={open}
        title={view === 'list' ? t('guests.title', { title: event.title }) : view === 'create' ? t('guests.form.title') : t('guests.createdTitle')}
        onClose={onClose}
        dismissible={!busy}
        footer={
          view === 'create' ? (
            <>
              <button type="button" className="button button--secondary" onClick={() => setView('list')} disabled={busy}>
                {t('action.cancel')}
              </button>
              <button type="submit" form={`${fieldId}-form`} className="button button--primary" disabled={busy}>
                {busy ? t('guests.form.submitting') : t('guests.form.submit')}
              </button>
            </>
          ) : view === 'list' ? (
            <button type="button" className="button button--secondary" onClick={onClose}>
              {t('action.close')}
            </button>
          ) : null
        }
      >
        {view === 'created' && created ? (
          <CreatedLink url={created.url} link={created.link} event={event} onDone={() => setView('list')} />
        ) : view === 'create' ? (
          <form id={`${fieldId}-form`} className="form" onSubmit={submit} noValidate data-testid="guest-link-form">
            <LiveMessage tone="error" message={formError} />
            <TextField
              label={t('guests.form.label')}
              hint={t('guests.form.labelHint')}
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              error={errors.label}
              maxLength={120}
              autoFocus
              required
            />
            <fieldset className="fieldset">
              <legend className="field__label">{t('guests.form.access')}</legend>
              <div className="audience-modes">
                {(['read', 'write'] as const).map((a) => (
                  <label key={a} className="audience-mode">
                    <input type="radio" name={`${fieldId}-access`} value={a} checked={access === a} onChange={() => setAccess(a)} />
                    <span>
                      <span className="audience-mode__label">{a === 'read' ? t('guests.access.read') : t('guests.access.write')}</span>
                      <span className="audience-mode__hint">{a === 'read' ? t('guests.access.readHint') : t('guests.access.writeHint')}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            <label className="toggle">
              <input type="checkbox" checked={includeChildren} onChange={(e) => setIncludeChildren(e.target.checked)} />
              <span>{t('guests.form.children', { count: event.children.length })}</span>
            </label>
            <fieldset className="fieldset">
              <legend className="field__label">{t('guests.form.expiry')}</legend>
              <div className="expiry-presets radio-row">
                {(['24h', '7d', 'custom'] as const).map((p) => (
                  <label key={p} className="radio-chip">
                    <input type="radio" name={`${fieldId}-preset`} value={p} checked={preset === p} onChange={() => setPreset(p)} />
                    {t(`guests.form.preset.${p}`)}
                  </label>
                ))}
              </div>
            </fieldset>
            {preset === 'custom' ? (
              <TextField
                label={t('guests.form.customDate')}
                hint={t('guests.form.customHint', { days: GUEST_LINK_MAX_DAYS })}
                type="datetime-local"
                value={custom}
                min={toParisInput(new Date()).slice(0, 16)}
                max={toParisInput(new Date(Date.now() + GUEST_LINK_MAX_DAYS * DAY)).slice(0, 16)}
                onChange={(e) => setCustom(e.target.value)}
                error={errors.expiresAt}
              />
            ) : errors.expiresAt ? (
              <p className="field__error">
                <Icon name="alert" size={16} />
                <span>{errors.expiresAt}</span>
              </p>
            ) : null}
            {expiryPreview ? <p className="field__hint">{t('guests.form.until', { date: formatDateTime(expiryPreview) })}</p> : null}
          </form>
        ) : (
          <div className="rights-dialog" data-testid="guest-links">
            <p className="muted">{t('guests.intro')}</p>
            <div className="button-row">
              <button type="button" className="button button--primary" onClick={startCreate}>
                <Icon name="plus" size={18} />
                {t('guests.create')}
              </button>
            </div>
            <div aria-live="polite">{done ? <Alert tone="success">{done}</Alert> : null}</div>
            <RetryAlert message={loadError} onRetry={() => void load()} />
            {links === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
            {links && links.length === 0 ? <p className="empty">{t('guests.empty')}</p> : null}
            {active.length > 0 ? (
              <section className="rights-dialog__section" aria-labelledby={`${fieldId}-active`}>
                <h3 id={`${fieldId}-active`} className="rights-dialog__title">
                  {t('guests.activeTitle')} <span className="count">{active.length}</span>
                </h3>
                <ul className="guest-links">
                  {active.map((l) => (
                    <LinkItem
                      key={l.id}
                      link={l}
                      onRevoke={() => {
                        setRevokeError(null);
                        setRevoking(l);
                      }}
                    />
                  ))}
                </ul>
              </section>
            ) : null}
            {past.length > 0 ? (
              <section className="rights-dialog__section" aria-labelledby={`${fieldId}-past`}>
                <h3 id={`${fieldId}-past`} className="rights-dialog__title">
                  {t('guests.pastTitle')} <span className="count">{past.length}</span>
                </h3>
                <ul className="guest-links">
                  {past.map((l) => (
                    <LinkItem key={l.id} link={l} onRevoke={() => undefined} />
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        )}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={t('guests.revokeConfirm.title', { label: revoking?.label ?? '' })}
        confirmLabel={t('guests.revokeConfirm.confirm')}
        danger
        busy={revokeBusy}
        error={revokeError}
        onCancel={() => setRevoking(null)}
        onConfirm={() => void confirmRevoke()}
      >
        <p>{t('guests.revokeConfirm.text')}</p>
      </ConfirmDialog>
    </>
  );
}
