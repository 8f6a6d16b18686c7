import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  createAnnouncementBodySchema,
  organisationKindLabels,
  roleLabels,
  topicOf,
  type Announcement,
  type AnnouncementLevel,
} from '../../shared';
import { ApiError, api, errorMessage, validate } from '../api/client';
import { useRealtimeTopic } from '../api/realtime';
import { LiveMessage, RetryAlert } from '../components/Alert';
import { TextareaField } from '../components/Field';
import { Icon } from '../components/Icon';
import { RealtimeIndicator } from '../components/RealtimeIndicator';
import { formatFull, formatRecent, t } from '../i18n';
import { useCan, useSession } from '../session';
import { usePageTitle } from '../usePageTitle';
import { HomeCampaignCards } from './collecte/HomeCampaignCards';

/** Legal upkeep reminders of the safeguard plan (revision, exercise), for those who keep it. */
function PlanRemindersCard() {
  const [reminders, setReminders] = useState<{ kind: string; level: string; message: string }[]>([]);
  useEffect(() => {
    let cancelled = false;
    api('getPlan')
      .then((p) => {
        if (!cancelled) setReminders(p.reminders);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  if (reminders.length === 0) return null;
  return (
    <section className="card" style={{ borderLeft: '6px solid var(--c-warning)' }} aria-labelledby="plan-reminders-title" data-testid="plan-reminders">
      <h2 id="plan-reminders-title" className="card__title">
        <Icon name="alert" />
        {t('planTabs.home.title')}
      </h2>
      <ul style={{ paddingLeft: '1.25rem', listStyle: 'disc' }}>
        {reminders.map((r) => (
          <li key={r.kind}>{r.message}</li>
        ))}
      </ul>
      <Link className="button button--secondary" to="/plan?onglet=entretien">
        {t('planTabs.home.link')}
      </Link>
    </section>
  );
}

function sortAnnouncements(list: Announcement[]): Announcement[] {
  const byId = new Map(list.map((a) => [a.id, a]));
  return [...byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

function PublishForm({ onPublished }: { onPublished: (a: Announcement) => void }) {
  const [text, setText] = useState('');
  const [level, setLevel] = useState<AnnouncementLevel>('info');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    setDone(null);
    const v = validate(createAnnouncementBodySchema, { text, level });
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const a = await api('createAnnouncement', { body: v.data });
      onPublished(a);
      setText('');
      setLevel('info');
      setDone(t('home.publish.done'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="publish-title">
      <h2 id="publish-title" className="card__title">
        <Icon name="megaphone" />
        {t('home.publish.title')}
      </h2>
      <form onSubmit={submit} noValidate className="form">
        <LiveMessage tone="error" message={formError} />
        <TextareaField
          label={t('home.publish.text')}
          hint={t('home.publish.textHint')}
          name="text"
          rows={3}
          maxLength={2000}
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={errors.text}
        />
        <fieldset className="fieldset">
          <legend className="field__label">{t('home.publish.level')}</legend>
          <div className="radio-row">
            {(['info', 'urgent'] as const).map((l) => (
              <label key={l} className={`radio-chip radio-chip--${l}`}>
                <input type="radio" name="level" value={l} checked={level === l} onChange={() => setLevel(l)} />
                <span>{l === 'info' ? t('home.publish.levelInfo') : t('home.publish.levelUrgent')}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? t('home.publish.submitting') : t('home.publish.submit')}
          </button>
          <span aria-live="polite" className="form__done">
            {done ? (
              <>
                <Icon name="check" size={16} /> {done}
              </>
            ) : null}
          </span>
        </div>
      </form>
    </section>
  );
}

export function HomePage() {
  const session = useSession();
  const can = useCan();
  usePageTitle(t('nav.home'));
  const [announcements, setAnnouncements] = useState<Announcement[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [liveNotice, setLiveNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const res = await api('listAnnouncements', { query: { limit: 50 } });
      setAnnouncements((prev) => sortAnnouncements([...(prev ?? []), ...res.announcements]).slice(0, 100));
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useRealtimeTopic(topicOf('announcements', session.organisation.id), {
    onEvent: (event) => {
      if (event.kind === 'announcement.created') {
        setAnnouncements((prev) => sortAnnouncements([event.announcement, ...(prev ?? [])]));
        if (event.announcement.authorId !== session.user.id) {
          setLiveNotice(t('home.messages.new', { author: event.announcement.authorName, text: event.announcement.text }));
        }
      }
    },
    onResync: () => void load(),
  });

  const org = session.organisation;
  return (
    <div className="page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('home.title')}</p>
          <h1 className="page__title">{t('home.welcome', { name: session.user.displayName })}</h1>
          <p className="page__intro">
            {t('home.intro', { organisation: org.name, role: roleLabels[session.user.role].toLowerCase() })}
          </p>
        </div>
      </div>

      <div className="visually-hidden" aria-live="polite">
        {liveNotice}
      </div>

      <div className="home-grid">
        <div className="home-grid__main">
          <HomeCampaignCards />
          {can('plan.manage') ? <PlanRemindersCard /> : null}
          {can('announcements.publish') ? (
            <PublishForm onPublished={(a) => setAnnouncements((prev) => sortAnnouncements([a, ...(prev ?? [])]))} />
          ) : null}

          <section className="card" aria-labelledby="messages-title">
            <div className="card__header">
              <h2 id="messages-title" className="card__title">
                {t('home.messages.title')}
              </h2>
              <RealtimeIndicator />
            </div>
            <RetryAlert message={loadError} onRetry={() => void load()} />
            {announcements === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
            {announcements && announcements.length === 0 ? <p className="empty">{t('home.messages.empty')}</p> : null}
            {announcements && announcements.length > 0 ? (
              <ol className="feed" data-testid="announcements">
                {announcements.map((a) => (
                  <li key={a.id} className={`feed__item feed__item--${a.level}`}>
                    <div className="feed__meta">
                      <span className={`badge badge--${a.level === 'urgent' ? 'danger' : 'info'}`}>
                        {a.level === 'urgent' ? t('home.messages.urgent') : t('home.messages.info')}
                      </span>
                      <span className="feed__author">{t('home.messages.by', { author: a.authorName })}</span>
                      <time dateTime={a.createdAt} title={formatFull(a.createdAt)} className="feed__time">
                        {formatRecent(a.createdAt)}
                      </time>
                    </div>
                    <p className="feed__text">{a.text}</p>
                  </li>
                ))}
              </ol>
            ) : null}
          </section>
        </div>

        <aside className="home-grid__side">
          <section className="card" aria-labelledby="org-title">
            <h2 id="org-title" className="card__title">
              {t('home.org.title')}
            </h2>
            <p className="org-name">{org.name}</p>
            <dl className="facts">
              <div>
                <dt>{t('home.org.kind')}</dt>
                <dd>{organisationKindLabels[org.kind]}</dd>
              </div>
              {org.inseeCode ? (
                <div>
                  <dt>{t('home.org.insee')}</dt>
                  <dd>{org.inseeCode}</dd>
                </div>
              ) : null}
              {org.departmentCode ? (
                <div>
                  <dt>{t('home.org.department')}</dt>
                  <dd>{org.departmentCode}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t('home.org.role')}</dt>
                <dd>{roleLabels[session.user.role]}</dd>
              </div>
            </dl>
          </section>
        </aside>
      </div>
    </div>
  );
}
