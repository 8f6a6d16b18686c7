import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { contactStatusLabels, type ActivationLink, type Contact, type ContactsList, type ImportIssue } from '../../../shared';
import { ApiError, api, errorMessage, uploadFile } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { formatDate, formatDateTime, t } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';
import { ImportIssuesTable } from './ImportIssues';

const statusTone: Record<Contact['status'], string> = { pending: 'badge--warning', expired: 'badge--danger', active: 'badge--success', disabled: 'badge--neutral' };

const TEMPLATE = 'code_insee;nom;email;fonction;telephone;role\r\n56260;Marie Exemple;secretariat@mairie-exemple.fr;Secrétaire de mairie;02 97 00 00 00;contributeur\r\n';

/** The message a prefecture sends with a link (copied, or opened in the mail program). */
function invitationText(l: ActivationLink, organisation: string): string {
  return t('contacts.mail.body', { name: l.displayName, commune: l.communeName, prefecture: organisation, url: l.url, until: formatDate(l.expiresAt) });
}

function linksCsv(links: ActivationLink[]): string {
  const cell = (s: string) => (/[";\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [['code_insee', 'commune', 'nom', 'email', 'lien', 'valable_jusqu_au'], ...links.map((l) => [l.inseeCode, l.communeName, l.displayName, l.email, l.url, l.expiresAt])];
  return '\ufeff' + rows.map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n';
}

/** Links handed out: shown once (only their fingerprint is kept), to copy, mail or download. */
function LinksTable({ links, organisation }: { links: ActivationLink[]; organisation: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const href = useMemo(() => URL.createObjectURL(new Blob([linksCsv(links)], { type: 'text/csv;charset=utf-8' })), [links]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const copy = async (l: ActivationLink) => {
    try {
      await navigator.clipboard.writeText(l.url);
      setCopied(l.userId);
    } catch {
      setCopied(null);
    }
  };
  return (
    <div className="links">
      <Alert tone="warning" title={t('contacts.links.onceTitle')}>
        {t('contacts.links.once')}
      </Alert>
      <p>
        <a className="button button--primary button--small" href={href} download="liens-activation.csv">
          <Icon name="download" size={16} /> {t('contacts.links.download', { count: links.length })}
        </a>
      </p>
      <div className="table-scroll">
        <table className="data-table data-table--compact" data-testid="activation-links">
          <thead>
            <tr>
              <th scope="col">{t('contacts.col.commune')}</th>
              <th scope="col">{t('contacts.col.contact')}</th>
              <th scope="col">{t('contacts.col.link')}</th>
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr key={l.userId}>
                <td>{l.communeName}</td>
                <td>
                  {l.displayName}
                  <br />
                  <span className="muted small">{l.email}</span>
                </td>
                <td>
                  <input className="input input--small mono" readOnly value={l.url} aria-label={t('contacts.links.linkOf', { name: l.displayName })} onFocus={(e) => e.target.select()} />
                  <div className="button-row">
                    <button type="button" className="button button--secondary button--small" onClick={() => void copy(l)}>
                      <Icon name="copy" size={16} /> {copied === l.userId ? t('collecte.dash.copied') : t('contacts.links.copy')}
                    </button>
                    <a
                      className="button button--tertiary button--small"
                      href={`mailto:${encodeURIComponent(l.email)}?subject=${encodeURIComponent(t('contacts.mail.subject'))}&body=${encodeURIComponent(invitationText(l, organisation))}`}
                    >
                      {t('contacts.links.mail')}
                    </a>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** /collecte/communes: a prefecture brings its communes on board (CSV of contacts, activation links, who has activated). */
export function ContactsPage() {
  usePageTitle(t('contacts.title'));
  const session = useSession();
  const fileId = useId();
  const [list, setList] = useState<ContactsList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<ImportIssue[] | null>(null);
  const [imported, setImported] = useState<{ created: number; existing: number; organisationsCreated: number; links: ActivationLink[] } | null>(null);
  const [renewed, setRenewed] = useState<ActivationLink | null>(null);
  const [filter, setFilter] = useState<'all' | Contact['status']>('all');
  const [query, setQuery] = useState('');
  const template = useMemo(() => URL.createObjectURL(new Blob(['\ufeff' + TEMPLATE], { type: 'text/csv;charset=utf-8' })), []);
  useEffect(() => () => URL.revokeObjectURL(template), [template]);

  const load = useCallback(async () => {
    try {
      setList(await api('listContacts'));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setIssues(null);
    setError(null);
    setImported(null);
    try {
      const r = await uploadFile('importContacts', file);
      setImported(r);
      setFile(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'import_invalid' && Array.isArray(err.details)) setIssues(err.details as ImportIssue[]);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const renew = async (c: Contact) => {
    setBusy(true);
    try {
      const r = await api('renewContactLink', { params: { id: c.userId } });
      setRenewed(r.link);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const shown = (list?.contacts ?? []).filter(
    (c) => (filter === 'all' || c.status === filter) && (!query || `${c.communeName} ${c.displayName} ${c.email}`.toLowerCase().includes(query.toLowerCase())),
  );

  if (session.organisation.kind !== 'prefecture') return <Alert tone="error">{t('collecte.form2.prefectureOnly')}</Alert>;
  return (
    <div className="page">
      <header className="page__header page__header--stacked">
        <p className="page__back">
          <Link to="/collecte">← {t('collecte.back')}</Link>
        </p>
        <h1>{t('contacts.title')}</h1>
        <p className="muted">{t('contacts.intro')}</p>
      </header>
      {error ? <Alert tone="error">{error}</Alert> : null}

      {list ? (
        <dl className="stats stats--four" data-testid="boarding">
          <div className="stat">
            <dt>{t('contacts.stat.total')}</dt>
            <dd>{list.communes.total}</dd>
          </div>
          <div className="stat stat--ok">
            <dt>{t('contacts.stat.active')}</dt>
            <dd data-testid="boarding-active">{list.communes.active}</dd>
          </div>
          <div className="stat">
            <dt>{t('contacts.stat.pending')}</dt>
            <dd data-testid="boarding-pending">{list.communes.pending}</dd>
          </div>
          <div className="stat stat--late">
            <dt>{t('contacts.stat.none')}</dt>
            <dd>{list.communes.none}</dd>
          </div>
        </dl>
      ) : null}

      <section className="card" aria-labelledby="import-title">
        <h2 id="import-title" className="card__title">
          {t('contacts.import.title')}
        </h2>
        <p>{t('contacts.import.intro')}</p>
        <p className="muted small">
          {t('contacts.import.columns')} <code className="mono">code_insee;nom;email;fonction;telephone;role</code> —{' '}
          <a href={template} download="modele-contacts-communes.csv">
            {t('contacts.import.template')}
          </a>
        </p>
        <div className="inline-form">
          <div className="field">
            <label className="field__label" htmlFor={fileId}>
              {t('contacts.import.file')}
            </label>
            <input id={fileId} className="input" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <button type="button" className="button button--primary" disabled={!file || busy} onClick={() => void upload()}>
            {busy ? t('collecte.import.busy') : t('contacts.import.submit')}
          </button>
        </div>
        {issues?.length ? <ImportIssuesTable issues={issues} /> : null}
        {imported ? (
          <div role="status">
            <Alert tone="success" title={t('contacts.import.doneTitle')}>
              {t('contacts.import.done', { created: imported.created, existing: imported.existing, organisations: imported.organisationsCreated })}
            </Alert>
            {imported.links.length ? <LinksTable links={imported.links} organisation={session.organisation.name} /> : null}
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="contacts-title">
        <h2 id="contacts-title" className="card__title">
          {t('contacts.list.title', { count: list?.contacts.length ?? 0 })}
        </h2>
        <div className="filters">
          <div className="field">
            <label className="field__label" htmlFor="contacts-q">
              {t('contacts.list.search')}
            </label>
            <input id="contacts-q" className="input" value={query} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="contacts-status">
              {t('contacts.list.status')}
            </label>
            <select id="contacts-status" className="input select" value={filter} onChange={(e) => setFilter(e.target.value as typeof filter)}>
              <option value="all">{t('contacts.list.all')}</option>
              {(['pending', 'expired', 'active', 'disabled'] as const).map((s) => (
                <option key={s} value={s}>
                  {contactStatusLabels[s]}
                </option>
              ))}
            </select>
          </div>
        </div>
        {list && list.contacts.length === 0 ? <p className="empty">{t('contacts.list.empty')}</p> : null}
        {shown.length ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="contacts">
            <thead>
              <tr>
                <th scope="col">{t('contacts.col.commune')}</th>
                <th scope="col">{t('contacts.col.contact')}</th>
                <th scope="col">{t('contacts.col.status')}</th>
                <th scope="col">{t('contacts.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.userId} data-email={c.email} data-status={c.status}>
                  <td>
                    {c.communeName}
                    <br />
                    <span className="muted small">{c.inseeCode}</span>
                  </td>
                  <td>
                    {c.displayName}
                    {c.jobTitle ? <span className="muted">, {c.jobTitle}</span> : null}
                    <br />
                    <span className="muted small">
                      {c.email}
                      {c.phone ? ` — ${c.phone}` : ''}
                    </span>
                  </td>
                  <td>
                    <span className={`badge ${statusTone[c.status]}`}>{contactStatusLabels[c.status]}</span>
                    <br />
                    <span className="muted small">
                      {c.activatedAt
                        ? t('contacts.list.activatedAt', { when: formatDateTime(c.activatedAt) })
                        : c.expiresAt
                          ? t('contacts.list.expiresAt', { when: formatDateTime(c.expiresAt) })
                          : t('contacts.list.sentAt', { when: formatDateTime(c.linkAt) })}
                    </span>
                  </td>
                  <td>
                    {c.status !== 'disabled' ? (
                      <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => void renew(c)}>
                        {t('contacts.list.renew')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        ) : list && list.contacts.length ? (
          <p className="muted">{t('contacts.list.noMatch')}</p>
        ) : null}
      </section>

      {list && list.notOnBoard.length ? (
        <section className="card" aria-labelledby="not-on-board-title">
          <h2 id="not-on-board-title" className="card__title">
            {t('contacts.notOnBoard.title', { count: list.notOnBoard.length })}
          </h2>
          <p className="muted small">{t('contacts.notOnBoard.intro')}</p>
          <details>
            <summary className="commune-table__summary">{t('contacts.notOnBoard.show', { count: list.notOnBoard.length })}</summary>
            <ul className="name-columns" data-testid="not-on-board">
              {list.notOnBoard.map((c) => (
                <li key={c.inseeCode}>
                  {c.name} {c.invited ? <span className="muted small">({t('contacts.notOnBoard.invited', { count: c.invited })})</span> : null}
                </li>
              ))}
            </ul>
          </details>
        </section>
      ) : null}

      <Dialog open={renewed !== null} title={t('contacts.renewed.title')} onClose={() => setRenewed(null)}>
        {renewed ? <LinksTable links={[renewed]} organisation={session.organisation.name} /> : null}
      </Dialog>
    </div>
  );
}
