import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { actionStatusLabels, type Action } from '../../../shared/schemas/actions';
import { api, errorMessage } from '../../api/client';
import { Alert, RetryAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { ActionList, useNow } from '../../components/actions/ActionBits';
import { isOverdue, sortActions } from '../../components/actions/actionUtils';
import { formatRecent, t } from '../../i18n';
import { usePageTitle } from '../../usePageTitle';
import { useRealtimeTopic } from '../../api/realtime';
import { useSession } from '../../session';
import { topicOf } from '../../../shared/realtime';

type Scope = 'mine' | 'open';
type Order = 'due' | 'event';

/** Reload period: actions change on events this page does not follow live (no presence there). */
const REFRESH_MS = 30_000;

/**
 * Actions of every event the person sees: "mes actions" (assigned to them or to one of their
 * functions) or every open action; overdue first; by due time or grouped by event.
 */
export function ActionsPage() {
  usePageTitle(t('actions.title'));
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const scope: Scope = params.get('vue') === 'toutes' ? 'open' : 'mine';
  const order: Order = params.get('tri') === 'evenement' ? 'event' : 'due';
  const now = useNow();
  const [actions, setActions] = useState<Action[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const res = await api('listActions', { query: { status: 'open', mine: scope === 'mine' ? 'true' : 'false' } });
      if (gen !== generation.current) return;
      setActions(res.actions);
      setError(null);
      setLoadedAt(new Date());
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err));
    }
  }, [scope]);

  useEffect(() => {
    setActions(null);
    void load();
  }, [load]);

  // Live: any action of the organisation created or changed (the message names nothing).
  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (ev) => {
      if (ev.kind === 'actions.changed') void load();
    },
    onResync: () => void load(),
  });

  // Also kept fresh while the page stays open (partners' events), and when the person comes back to it.
  useEffect(() => {
    const timer = setInterval(() => void load(), REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  const sorted = useMemo(() => (actions ? sortActions(actions, now) : []), [actions, now]);
  const overdue = sorted.filter((a) => isOverdue(a, now)).length;
  const groups = useMemo(() => {
    const byEvent = new Map<string, { eventId: string; title: string; actions: Action[] }>();
    for (const a of sorted) {
      const g = byEvent.get(a.eventId) ?? { eventId: a.eventId, title: a.eventTitle, actions: [] };
      g.actions.push(a);
      byEvent.set(a.eventId, g);
    }
    // Events with overdue actions first, then by name.
    return [...byEvent.values()].sort(
      (x, y) =>
        Number(y.actions.some((a) => isOverdue(a, now))) - Number(x.actions.some((a) => isOverdue(a, now))) || x.title.localeCompare(y.title, 'fr'),
    );
  }, [sorted, now]);

  function set(key: 'vue' | 'tri', value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  }

  function changed(updated: Action) {
    setNotice(t('actions.changed', { title: updated.title, status: actionStatusLabels[updated.status] }));
    // Done or cancelled: it leaves the list of open actions (after the server confirmed).
    setActions((list) => (list ? list.map((a) => (a.id === updated.id ? updated : a)).filter((a) => a.status === 'todo' || a.status === 'doing') : list));
  }

  return (
    <div className="page page--wide actions-page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('nav.section.main')}</p>
          <h1 className="page__title">{t('actions.title')}</h1>
          <p className="page__intro">{t('actions.intro')}</p>
        </div>
      </div>

      <div className="actions-toolbar" role="search" aria-label={t('actions.filter.label')}>
        <fieldset className="actions-toolbar__group">
          <legend className="field__label">{t('actions.filter.show')}</legend>
          <div className="segmented">
            {(['mine', 'open'] as const).map((s) => (
              <label key={s} className={`segmented__item${scope === s ? ' segmented__item--on' : ''}`}>
                <input type="radio" name="actions-scope" checked={scope === s} onChange={() => set('vue', s === 'open' ? 'toutes' : null)} />
                {s === 'mine' ? t('actions.filter.mine') : t('actions.filter.allOpen')}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="actions-toolbar__group">
          <legend className="field__label">{t('actions.order.label')}</legend>
          <div className="segmented">
            {(['due', 'event'] as const).map((o) => (
              <label key={o} className={`segmented__item${order === o ? ' segmented__item--on' : ''}`}>
                <input type="radio" name="actions-order" checked={order === o} onChange={() => set('tri', o === 'event' ? 'evenement' : null)} />
                {o === 'due' ? t('actions.order.due') : t('actions.order.event')}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="actions-toolbar__refresh">
          <button type="button" className="button button--tertiary button--small" onClick={() => void load()}>
            <Icon name="undo" size={16} />
            {t('actions.refresh')}
          </button>
          {loadedAt ? <span className="muted small">{t('actions.loadedAt', { time: formatRecent(loadedAt) })}</span> : null}
        </div>
      </div>

      <div aria-live="polite" className="actions-summary" data-testid="actions-summary">
        {actions ? (
          <p>
            <strong>{t(sorted.length === 1 ? 'actions.count.one' : 'actions.count.many', { count: sorted.length })}</strong>
            {overdue > 0 ? (
              <span className="action-late">
                <Icon name="alert" size={14} />
                {t(overdue === 1 ? 'actions.summary.overdue.one' : 'actions.summary.overdue.many', { count: overdue })}
              </span>
            ) : null}
          </p>
        ) : null}
      </div>

      <div aria-live="polite">{notice ? <Alert tone="success">{notice}</Alert> : null}</div>
      <RetryAlert message={error} onRetry={() => void load()} />
      {actions === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {actions !== null && sorted.length === 0 ? <p className="empty">{scope === 'mine' ? t('actions.emptyMine') : t('actions.emptyOpen')}</p> : null}

      {sorted.length > 0 && order === 'due' ? <ActionList actions={sorted} now={now} showEvent onChanged={changed} label={t('actions.title')} /> : null}
      {sorted.length > 0 && order === 'event'
        ? groups.map((g) => (
            <section key={g.eventId} className="section actions-group" aria-labelledby={`actions-event-${g.eventId}`}>
              <h2 id={`actions-event-${g.eventId}`} className="section__title actions-group__title">
                <Link to={`/evenements/${g.eventId}`}>{g.title}</Link> <span className="count">{g.actions.length}</span>
              </h2>
              <ActionList actions={g.actions} now={now} showEvent={false} onChanged={changed} label={g.title} />
            </section>
          ))
        : null}
    </div>
  );
}
