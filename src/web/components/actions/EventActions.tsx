import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { topicOf, type EventDetail } from '../../../shared';
import type { Action } from '../../../shared/schemas/actions';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { t } from '../../i18n';
import { useSession } from '../../session';
import { RetryAlert } from '../Alert';
import { Icon } from '../Icon';
import { ActionList, useNow } from './ActionBits';
import { isOpen, isOverdue, localCanChange, mergeAction, sortActions } from './actionUtils';

export type EventTab = 'logbook' | 'actions' | 'map';

/** Ids of the panels, for the tabs' `aria-controls`. */
export const EVENT_TAB_PANELS: Record<EventTab, string> = { logbook: 'panel-main-courante', actions: 'panel-actions', map: 'panel-carte' };

interface EventActionsTabsProps {
  event: EventDetail;
  tab: EventTab;
  onTab: (tab: EventTab) => void;
  /** Shows an entry of this event in the main courante (loading older pages if needed). */
  onJump: (seq: number) => void;
}

/**
 * Tabs "Main courante" / "Actions" of an event page, and the actions panel: open actions of the
 * event (and of its sub-events), overdue first, status buttons, live on `action.updated`.
 */
export function EventActionsTabs({ event, tab, onTab, onJump }: EventActionsTabsProps) {
  const session = useSession();
  const now = useNow();
  const [scope, setScope] = useState<'open' | 'all'>('open');
  const [actions, setActions] = useState<Action[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const actionsRef = useRef(actions);
  actionsRef.current = actions;
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  const generation = useRef(0);
  const writeAccess = event.myAccess.write && event.status !== 'closed';

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const res = await api('listEventActions', { params: { id: event.id }, query: { status: scopeRef.current } });
      if (gen !== generation.current) return;
      setActions(res.actions);
      setError(null);
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err));
    }
  }, [event.id]);

  useEffect(() => {
    void load();
  }, [load, scope]);

  const apply = useCallback(
    (incoming: Action) => {
      const current = actionsRef.current;
      if (!current) return;
      let next = mergeAction(current, incoming, (a) => localCanChange(a, session, writeAccess));
      if (scopeRef.current === 'open') next = next.filter((a) => isOpen(a.status) || a.id === incoming.id);
      actionsRef.current = next;
      setActions(next);
    },
    [session, writeAccess],
  );

  useRealtimeTopic(topicOf('event', event.id), {
    onEvent: (ev) => {
      if (ev.kind === 'action.updated') apply(ev.action);
    },
    onResync: () => void load(),
  });
  // Actions of sub-events arrive on their own topics: the organisation's signal reloads the list
  // (members of the event's organisation; guests have no such topic).
  useRealtimeTopic(!session.guest && event.organisationId === session.organisation.id && event.childCount > 0 ? topicOf('organisation', session.organisation.id) : null, {
    onEvent: (ev) => {
      if (ev.kind === 'actions.changed') void load();
    },
  });

  const shown = actions ? sortActions(actions, now) : [];
  const openCount = actions ? actions.filter((a) => isOpen(a.status)).length : null;
  const overdueCount = actions ? actions.filter((a) => isOverdue(a, now)).length : 0;

  const tabs: { id: EventTab; label: string }[] = [
    { id: 'logbook', label: t('actions.tab.logbook') },
    { id: 'actions', label: t('actions.tab.actions') },
    { id: 'map', label: t('map.tab') },
  ];
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const order = tabs.map((x) => x.id);
    const next = order[(order.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : order.length - 1)) % order.length];
    onTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  }

  return (
    <>
      <div className="event-tabs" role="tablist" aria-label={t('actions.tab.label')} onKeyDown={onKeyDown}>
        {tabs.map((item) => (
          <button
            key={item.id}
            id={`tab-${item.id}`}
            type="button"
            role="tab"
            className="event-tabs__tab"
            aria-selected={tab === item.id}
            aria-controls={EVENT_TAB_PANELS[item.id]}
            tabIndex={tab === item.id ? 0 : -1}
            onClick={() => onTab(item.id)}
          >
            <Icon name={item.id === 'logbook' ? 'audit' : item.id === 'map' ? 'map' : 'check'} size={18} />
            {item.label}
            {item.id === 'actions' && openCount !== null ? (
              <span className={`count${overdueCount > 0 ? ' count--danger' : ''}`} data-testid="actions-count">
                {openCount}
              </span>
            ) : null}
            {item.id === 'actions' && overdueCount > 0 ? <span className="visually-hidden">{t('actions.tab.overdue', { count: overdueCount })}</span> : null}
          </button>
        ))}
      </div>

      {tab === 'actions' ? (
        <section id={EVENT_TAB_PANELS.actions} role="tabpanel" aria-labelledby="tab-actions" className="event-actions-panel" data-testid="event-actions">
          <div className="event-actions-panel__header">
            <h2 className="section__title event-actions-panel__title">
              {t('actions.eventTitle')}
              {overdueCount > 0 ? (
                <span className="action-late" data-testid="actions-overdue">
                  <Icon name="alert" size={14} />
                  {t(overdueCount === 1 ? 'actions.summary.overdue.one' : 'actions.summary.overdue.many', { count: overdueCount })}
                </span>
              ) : null}
            </h2>
            <div className="segmented" role="radiogroup" aria-label={t('actions.filter.label')}>
              {(['open', 'all'] as const).map((s) => (
                <label key={s} className={`segmented__item${scope === s ? ' segmented__item--on' : ''}`}>
                  <input type="radio" name="actions-scope" value={s} checked={scope === s} onChange={() => setScope(s)} />
                  {s === 'open' ? t('actions.filter.open') : t('actions.filter.all')}
                </label>
              ))}
            </div>
          </div>
          <p className="muted event-actions-panel__intro">{t('actions.eventIntro')}</p>
          <RetryAlert message={error} onRetry={() => void load()} />
          {actions === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
          {actions !== null && shown.length === 0 ? <p className="empty">{scope === 'open' ? t('actions.emptyOpen') : t('actions.empty')}</p> : null}
          {shown.length > 0 ? (
            <ActionList
              actions={shown}
              now={now}
              showEvent
              currentEventId={event.id}
              onChanged={apply}
              label={t('actions.eventTitle')}
              onOpenEntry={(a) => {
                if (a.eventId !== event.id) return false;
                onTab('logbook');
                onJump(a.entrySeq);
                return true;
              }}
            />
          ) : null}
        </section>
      ) : null}
    </>
  );
}
