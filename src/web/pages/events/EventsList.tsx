import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { eventStatusLabels, topicOf, type EventStatus, type EventSummary } from '../../../shared';
import { useRealtimeTopic } from '../../api/realtime';
import { AudienceBadge } from '../../components/rights/AudienceBadge';
import { api, errorMessage } from '../../api/client';
import { RetryAlert } from '../../components/Alert';
import { SelectField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { NewEventDialog } from '../../components/logbook/EventDialogs';
import { ExerciseBadge } from '../../components/pcs/PcsBadges';
import { SeverityChip, StatusBadge } from '../../components/logbook/SeverityChip';
import { useCatalogue } from '../../components/logbook/useCatalogue';
import { formatDateTime, formatFull, formatRecent, t } from '../../i18n';
import { useCan, useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';

type StatusFilter = '' | 'open' | EventStatus;

function EventsTable({ events, caption }: { events: EventSummary[]; caption: string }) {
  return (
    <table className="data-table data-table--cards events-table" data-testid="events-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('events.col.title')}</th>
          <th scope="col">{t('events.col.severity')}</th>
          <th scope="col">{t('events.col.status')}</th>
          <th scope="col">{t('events.col.start')}</th>
          <th scope="col">{t('events.col.entries')}</th>
          <th scope="col">{t('events.col.lastEntry')}</th>
          <th scope="col">{t('events.col.children')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-event-title={e.title} className={`events-row events-row--${e.status}`}>
            <th scope="row" className="data-table__primary">
              <Link to={`/evenements/${e.id}`} className="events-row__link">
                {e.title}
              </Link>
              <span className="events-row__type">{e.typeName}</span>
              {e.exercise ? <ExerciseBadge /> : null}
              <AudienceBadge restricted={e.restricted} />
            </th>
            <td data-label={t('events.col.severity')}>
              <SeverityChip severity={e.severity} />
            </td>
            <td data-label={t('events.col.status')}>
              <StatusBadge status={e.status} />
            </td>
            <td data-label={t('events.col.start')}>
              <time dateTime={e.startsAt} title={formatFull(e.startsAt)}>
                {formatDateTime(e.startsAt)}
              </time>
            </td>
            <td data-label={t('events.col.entries')} className="num">
              <span>{e.entryCount}</span>
            </td>
            <td data-label={t('events.col.lastEntry')}>
              {e.lastEntryAt ? (
                <time dateTime={e.lastEntryAt} title={formatFull(e.lastEntryAt)}>
                  {formatRecent(e.lastEntryAt)}
                </time>
              ) : (
                <span className="muted">{t('events.noEntry')}</span>
              )}
            </td>
            <td data-label={t('events.col.children')} className="num">
              <span>{e.childCount}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EventsListPage() {
  const can = useCan();
  const navigate = useNavigate();
  usePageTitle(t('events.title'));
  const types = useCatalogue('eventTypes');
  const [events, setEvents] = useState<EventSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusFilter>('');
  const [typeId, setTypeId] = useState('');
  const [withChildren, setWithChildren] = useState(false);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    try {
      const query: Record<string, string> = {};
      if (status && status !== 'open') query.status = status;
      if (typeId) query.typeId = typeId;
      if (!withChildren) query.roots = 'true';
      const res = await api('listEvents', { query });
      setEvents(res.events);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [status, typeId, withChildren]);

  useEffect(() => {
    void load();
  }, [load]);

  // An event opened, restricted or widened (or a person's functions changed): the list as this
  // person may now see it.
  const session = useSession();
  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (ev) => {
      if (ev.kind === 'events.changed') void load();
    },
    onResync: () => void load(),
  });

  // Keep the counters fresh while the page stays open in the crisis room.
  useEffect(() => {
    const timer = setInterval(() => void load(), 30_000);
    return () => clearInterval(timer);
  }, [load]);

  const [open, closed] = useMemo(() => {
    const list = (events ?? []).filter((e) => status !== 'open' || e.status !== 'closed');
    return [list.filter((e) => e.status !== 'closed'), list.filter((e) => e.status === 'closed')];
  }, [events, status]);

  const parents = (events ?? []).filter((e) => e.status !== 'closed');

  return (
    <div className="page page--wide">
      <div className="page__header page__header--actions">
        <div>
          <p className="page__eyebrow">{t('nav.section.main')}</p>
          <h1 className="page__title">{t('events.title')}</h1>
          <p className="page__intro">{t('events.intro')}</p>
        </div>
        {can('events.manage') ? (
          <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={18} />
            {t('events.create')}
          </button>
        ) : null}
      </div>

      <div className="filters filters--events" role="search" aria-label={t('events.filters')}>
        <SelectField
          label={t('events.filterStatus')}
          value={status}
          onChange={(e) => setStatus(e.target.value as StatusFilter)}
          options={[
            { value: '', label: t('events.filterAll') },
            { value: 'open', label: t('events.filterOpen') },
            { value: 'active', label: eventStatusLabels.active },
            { value: 'watch', label: eventStatusLabels.watch },
            { value: 'closed', label: eventStatusLabels.closed },
          ]}
        />
        <SelectField
          label={t('events.filterType')}
          value={typeId}
          onChange={(e) => setTypeId(e.target.value)}
          options={[{ value: '', label: t('events.filterAllTypes') }, ...(types.items ?? []).map((ty) => ({ value: ty.id, label: ty.archived ? t('catalogue.archivedName', { name: ty.name }) : ty.name }))]}
        />
        <label className="toggle filters__toggle">
          <input type="checkbox" checked={withChildren} onChange={(e) => setWithChildren(e.target.checked)} />
          <span>{t('events.withChildren')}</span>
        </label>
      </div>

      <RetryAlert message={loadError} onRetry={() => void load()} />
      {events === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}

      {events && open.length === 0 && closed.length === 0 ? <p className="empty">{t('events.empty')}</p> : null}

      {open.length > 0 ? (
        <section className="section" aria-labelledby="events-open">
          <h2 id="events-open" className="section__title">
            {t('events.sectionOpen')} <span className="count">{open.length}</span>
          </h2>
          <EventsTable events={open} caption={t('events.sectionOpen')} />
        </section>
      ) : null}
      {closed.length > 0 ? (
        <section className="section" aria-labelledby="events-closed">
          <h2 id="events-closed" className="section__title">
            {t('events.sectionClosed')} <span className="count">{closed.length}</span>
          </h2>
          <EventsTable events={closed} caption={t('events.sectionClosed')} />
        </section>
      ) : null}

      {can('events.manage') ? (
        <NewEventDialog
          open={creating}
          onClose={() => setCreating(false)}
          types={types.active}
          parents={parents}
          onCreated={(e) => {
            setCreating(false);
            navigate(`/evenements/${e.id}`);
          }}
        />
      ) : null}
    </div>
  );
}
