import { useEffect, useMemo, useState } from 'react';
import type { AlertMean, OncallShift, PlanContact, PlanOverview } from '../../../shared/schemas/pcs';
import { api } from '../../api/client';
import { LiveMessage, RetryAlert } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { formatDateTime, formatFull, t } from '../../i18n';
import { AlertMeanDialog, ConfirmAction, ContactDialog, EditArchiveButtons, ManageButton, OncallDialog, shiftRemoveText } from './PlanEditDialogs';
import { usePlanEditing, usePlanPart } from './usePlanPart';
import './plan-tabs.css';

type EditState =
  | { type: 'contact'; contact: PlanContact | null }
  | { type: 'archiveContact'; contact: PlanContact }
  | { type: 'oncall' }
  | { type: 'removeShift'; shift: OncallShift }
  | { type: 'mean'; mean: AlertMean | null }
  | { type: 'archiveMean'; mean: AlertMean };

/** What the managers may do from the lists; absent for the others (read-only view). */
interface Manage {
  onEditContact: (c: PlanContact) => void;
  onArchiveContact: (c: PlanContact) => void;
  onRemoveShift: (s: OncallShift) => void;
}

/** Lower case, without accents, for a forgiving search ("securite" finds « Sécurité »). */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** `tel:` target: digits and a leading +, nothing else. */
function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** A phone number as a big `tel:` link (also used by the sites and the register). */
export function PhoneLink({ phone, label }: { phone: string; label: string }) {
  return (
    <a className="plan-tel" href={telHref(phone)} aria-label={label}>
      <svg width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
        <path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z" />
      </svg>
      {phone}
    </a>
  );
}

function Phone({ phone, name }: { phone: string; name: string }) {
  return <PhoneLink phone={phone} label={t('planTabs.dir.call', { name, phone })} />;
}

/** An address that may break after its « @ » rather than anywhere. */
function EmailText({ email }: { email: string }) {
  const at = email.indexOf('@');
  if (at <= 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

function matches(c: PlanContact, q: string): boolean {
  if (!q) return true;
  const hay = fold([c.name, c.service, c.functionLabel, c.email, c.notes, ...c.onCallNow].join(' '));
  if (q.split(/\s+/).every((w) => hay.includes(w))) return true;
  const digits = q.replace(/\D/g, '');
  return digits.length >= 3 && [c.phone, c.phoneAlt].some((p) => p.replace(/\D/g, '').includes(digits));
}

function ContactsTable({ contacts, manage }: { contacts: PlanContact[]; manage: Manage | null }) {
  return (
    <div className="table-scroll" style={{ position: 'relative', width: 0, minWidth: '100%' }}>
      <table className="data-table data-table--cards plan-cards" data-testid="directory-table">
        <thead>
          <tr>
            <th scope="col">{t('planTabs.dir.col.name')}</th>
            <th scope="col">{t('planTabs.dir.col.service')}</th>
            <th scope="col">{t('planTabs.dir.col.function')}</th>
            <th scope="col">{t('planTabs.dir.col.phones')}</th>
            <th scope="col">{t('planTabs.dir.col.email')}</th>
            {manage ? (
              <th scope="col">
                <span className="visually-hidden">{t('planTabs.dir.col.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {contacts.map((c) => (
            <tr key={c.id} className={c.onCallNow.length ? 'plan-row--oncall' : undefined} data-testid="directory-row" data-contact-name={c.name}>
              <th scope="row" className="data-table__primary">
                <span className="plan-contact__name">{c.name}</span>
                {c.onCallNow.length ? (
                  <span className="plan-contact__oncall">
                    <span className="badge badge--success" data-testid="on-call-badge">
                      {t('planTabs.dir.onCall')}
                    </span>
                    <span>{c.onCallNow.join(', ')}</span>
                  </span>
                ) : null}
              </th>
              <td data-label={t('planTabs.dir.col.service')}>
                <span>{c.service || t('planTabs.none')}</span>
              </td>
              <td data-label={t('planTabs.dir.col.function')}>
                <span>{c.functionLabel || t('planTabs.none')}</span>
              </td>
              <td data-label={t('planTabs.dir.col.phones')}>
                {c.phone || c.phoneAlt ? (
                  <span className="plan-phones">
                    {c.phone ? <Phone phone={c.phone} name={c.name} /> : null}
                    {c.phoneAlt ? <Phone phone={c.phoneAlt} name={c.name} /> : null}
                  </span>
                ) : (
                  <span>{t('planTabs.none')}</span>
                )}
              </td>
              <td data-label={t('planTabs.dir.col.email')}>
                {c.email ? (
                  <a className="plan-mail" href={`mailto:${c.email}`} aria-label={t('planTabs.dir.mail', { name: c.name })}>
                    <EmailText email={c.email} />
                  </a>
                ) : (
                  <span>{t('planTabs.none')}</span>
                )}
              </td>
              {manage ? (
                <td className="data-table__actions plan-cards__actions">
                  <EditArchiveButtons name={c.name} onEdit={() => manage.onEditContact(c)} onArchive={() => manage.onArchiveContact(c)} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OncallTable({ shifts, now, manage }: { shifts: OncallShift[]; now: number; manage: Manage | null }) {
  return (
    <div className="table-scroll" style={{ position: 'relative', width: 0, minWidth: '100%' }}>
      <table className="data-table data-table--cards plan-cards" data-testid="oncall-table">
        <thead>
          <tr>
            <th scope="col">{t('planTabs.dir.oncall.col.line')}</th>
            <th scope="col">{t('planTabs.dir.oncall.col.person')}</th>
            <th scope="col">{t('planTabs.dir.oncall.col.phone')}</th>
            <th scope="col">{t('planTabs.dir.oncall.col.period')}</th>
            {manage ? (
              <th scope="col">
                <span className="visually-hidden">{t('planTabs.dir.oncall.col.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {shifts.map((s) => {
            const current = new Date(s.startsAt).getTime() <= now;
            return (
              <tr key={s.id} className={current ? 'plan-row--oncall' : undefined}>
                <th scope="row" className="data-table__primary">
                  <span className="plan-contact__name">{s.line}</span>
                  <span className="plan-contact__oncall">
                    <span className={`badge ${current ? 'badge--success' : 'badge--neutral'}`}>{current ? t('planTabs.dir.oncall.now') : t('planTabs.dir.oncall.upcoming')}</span>
                  </span>
                </th>
                <td data-label={t('planTabs.dir.oncall.col.person')}>
                  <span>{s.contactName}</span>
                </td>
                <td data-label={t('planTabs.dir.oncall.col.phone')}>{s.phone ? <Phone phone={s.phone} name={s.contactName} /> : <span>{t('planTabs.none')}</span>}</td>
                <td data-label={t('planTabs.dir.oncall.col.period')}>
                  <span className="plan-period">
                    <time dateTime={s.startsAt} title={formatFull(s.startsAt)}>
                      {formatDateTime(s.startsAt)}
                    </time>
                    {' → '}
                    <time dateTime={s.endsAt} title={formatFull(s.endsAt)}>
                      {formatDateTime(s.endsAt)}
                    </time>
                  </span>
                </td>
                {manage ? (
                  <td className="data-table__actions plan-cards__actions">
                    <div className="plan-manage">
                      <ManageButton
                        icon="close"
                        label={t('planTabs.dir.oncall.remove')}
                        accessibleName={t('planTabs.dir.oncall.removeLabel', { name: s.contactName, line: s.line })}
                        onClick={() => manage.onRemoveShift(s)}
                        danger
                        testId="oncall-remove"
                      />
                    </div>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Crisis directory (search, on-call badges, phone links), on-call rota and alert means. */
export function DirectoryTab({ overview, onChanged }: { overview: PlanOverview; onChanged: () => void }) {
  const canManage = overview.canManage;
  const [query, setQuery] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const { data: directory, error, load } = usePlanPart('directory', async () => {
    const d = await api('getDirectory');
    setNow(Date.now());
    return d;
  });
  const { edit, done, open, close, saved } = usePlanEditing<EditState>(load, onChanged);

  // Shifts start and end while the page stays open: reload now and then.
  useEffect(() => {
    const id = window.setInterval(() => void load(), 5 * 60_000);
    return () => window.clearInterval(id);
  }, [load]);

  const q = fold(query.trim());
  const contacts = useMemo(() => (directory?.contacts ?? []).filter((c) => matches(c, q)), [directory, q]);

  const manage: Manage | null = canManage
    ? {
        onEditContact: (contact) => open({ type: 'contact', contact }),
        onArchiveContact: (contact) => open({ type: 'archiveContact', contact }),
        onRemoveShift: (shift) => open({ type: 'removeShift', shift }),
      }
    : null;

  const stale = () => void load();

  return (
    <div className="plan-tab" data-testid="plan-directory">
      <RetryAlert message={error} onRetry={() => void load()} />
      {canManage ? <LiveMessage tone="success" message={done} /> : null}
      {directory === null && !error ? <p className="muted">{t('app.loading')}</p> : null}

      {directory ? (
        <>
          <section className="section" aria-labelledby="plan-contacts-title">
            <div className="plan-section__head">
              <h2 id="plan-contacts-title" className="section__title">
                {t('planTabs.dir.contacts')}
              </h2>
              {canManage ? (
                <button type="button" className="button button--secondary button--small" onClick={() => open({ type: 'contact', contact: null })} data-testid="contact-add">
                  <Icon name="plus" size={18} />
                  {t('planTabs.dir.add')}
                </button>
              ) : null}
            </div>
            {directory.contacts.length === 0 ? (
              <p className="empty">{canManage ? t('planTabs.dir.emptyManage') : t('planTabs.dir.empty')}</p>
            ) : (
              <>
                <div role="search" className="plan-search">
                  <TextField
                    label={t('planTabs.dir.search')}
                    type="search"
                    placeholder={t('planTabs.dir.searchPlaceholder')}
                    value={query}
                    onChange={(e) => setQuery(e.target.value)}
                    autoComplete="off"
                  />
                </div>
                <p className="muted" aria-live="polite">
                  {t('planTabs.dir.count', { count: contacts.length, total: directory.contacts.length })}
                </p>
                {contacts.length === 0 ? <p className="empty">{t('planTabs.dir.noMatch')}</p> : <ContactsTable contacts={contacts} manage={manage} />}
              </>
            )}
          </section>

          <section className="section" aria-labelledby="plan-oncall-title">
            <div className="plan-section__head">
              <h2 id="plan-oncall-title" className="section__title">
                {t('planTabs.dir.oncall')}
              </h2>
              {canManage && directory.contacts.length > 0 ? (
                <button type="button" className="button button--secondary button--small" onClick={() => open({ type: 'oncall' })} data-testid="oncall-add">
                  <Icon name="plus" size={18} />
                  {t('planTabs.dir.oncall.add')}
                </button>
              ) : null}
            </div>
            <p className="muted">{t('planTabs.dir.oncallIntro')}</p>
            {canManage && directory.contacts.length === 0 ? <p className="muted">{t('planTabs.dir.oncall.noContacts')}</p> : null}
            {directory.oncall.length === 0 ? <p className="empty">{t('planTabs.dir.oncallEmpty')}</p> : <OncallTable shifts={directory.oncall} now={now} manage={manage} />}
          </section>

          <section className="section" aria-labelledby="plan-means-title">
            <div className="plan-section__head">
              <h2 id="plan-means-title" className="section__title">
                {t('planTabs.dir.alertMeans')}
              </h2>
              {canManage ? (
                <button type="button" className="button button--secondary button--small" onClick={() => open({ type: 'mean', mean: null })} data-testid="alert-mean-add">
                  <Icon name="plus" size={18} />
                  {t('planTabs.dir.means.add')}
                </button>
              ) : null}
            </div>
            {directory.alertMeans.length === 0 ? (
              <p className="empty">{t('planTabs.dir.alertMeansEmpty')}</p>
            ) : (
              <ul className="plan-means" data-testid="alert-means">
                {directory.alertMeans.map((m) => (
                  <li key={m.id} className="plan-item">
                    <h3 className="plan-item__title">{m.name}</h3>
                    <dl className="plan-item__facts">
                      {m.coverage ? (
                        <div>
                          <dt>{t('planTabs.dir.coverage')}</dt>
                          <dd className="plan-pre">{m.coverage}</dd>
                        </div>
                      ) : null}
                      {m.rules ? (
                        <div>
                          <dt>{t('planTabs.dir.rules')}</dt>
                          <dd className="plan-pre">{m.rules}</dd>
                        </div>
                      ) : null}
                    </dl>
                    {canManage ? (
                      <div className="plan-item__manage">
                        <EditArchiveButtons name={m.name} onEdit={() => open({ type: 'mean', mean: m })} onArchive={() => open({ type: 'archiveMean', mean: m })} />
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}

      {edit?.type === 'contact' ? <ContactDialog contact={edit.contact} onClose={close} onSaved={saved} onStale={stale} /> : null}
      {edit?.type === 'oncall' ? <OncallDialog contacts={directory?.contacts ?? []} onClose={close} onSaved={saved} onStale={stale} /> : null}
      {edit?.type === 'mean' ? <AlertMeanDialog mean={edit.mean} onClose={close} onSaved={saved} onStale={stale} /> : null}
      {edit?.type === 'archiveContact' ? (
        <ConfirmAction
          title={t('planTabs.dir.archiveTitle', { name: edit.contact.name })}
          text={t('planTabs.dir.archiveText')}
          confirmLabel={t('planTabs.archive')}
          run={() => api('updateContact', { params: { id: edit.contact.id }, body: { archived: true } })}
          onClose={close}
          onDone={() => saved(t('planTabs.dir.done.archived', { name: edit.contact.name }))}
          onStale={stale}
        />
      ) : null}
      {edit?.type === 'removeShift' ? (
        <ConfirmAction
          title={t('planTabs.dir.oncall.removeTitle', { name: edit.shift.contactName, line: edit.shift.line })}
          text={shiftRemoveText(edit.shift)}
          confirmLabel={t('planTabs.dir.oncall.remove')}
          run={() => api('deleteOncallShift', { params: { id: edit.shift.id } })}
          onClose={close}
          onDone={() => saved(t('planTabs.dir.oncall.done.removed', { name: edit.shift.contactName }))}
          onStale={stale}
        />
      ) : null}
      {edit?.type === 'archiveMean' ? (
        <ConfirmAction
          title={t('planTabs.dir.means.archiveTitle', { name: edit.mean.name })}
          text={t('planTabs.dir.means.archiveText')}
          confirmLabel={t('planTabs.archive')}
          run={() => api('updateAlertMean', { params: { id: edit.mean.id }, body: { archived: true } })}
          onClose={close}
          onDone={() => saved(t('planTabs.dir.means.done.archived', { name: edit.mean.name }))}
          onStale={stale}
        />
      ) : null}
    </div>
  );
}
