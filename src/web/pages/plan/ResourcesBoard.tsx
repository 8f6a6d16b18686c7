// The crisis room's board of resources ("moyens"): every vehicle, piece of equipment, room, shelter
// and team of the organisation, its status live, and what may be done with it (engage on an event,
// release, shelter occupancy; for the plan's managers: add, edit, make unavailable, archive).

import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { Link, useSearchParams } from 'react-router';
import { topicOf } from '../../../shared';
import { resourceKinds, resourceStatuses, type Resource, type ResourceKind, type ResourceStatus } from '../../../shared/schemas/pcs';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { LiveMessage, RetryAlert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon, type IconName } from '../../components/Icon';
import { formatFull, formatRecent, t, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { EngageDialog, OccupancyDialog, ReleaseDialog, ResourceFormDialog, kindLabelKeys } from './ResourceDialogs';

const kindFilterKeys: Record<ResourceKind, MessageKey> = {
  vehicle: 'resources.filter.kind.vehicle',
  equipment: 'resources.filter.kind.equipment',
  room: 'resources.filter.kind.room',
  shelter: 'resources.filter.kind.shelter',
  team: 'resources.filter.kind.team',
};

const statusKeys: Record<ResourceStatus, MessageKey> = {
  available: 'resources.status.available',
  engaged: 'resources.status.engaged',
  unavailable: 'resources.status.unavailable',
};

const statusIcons: Record<ResourceStatus, IconName> = { available: 'check', engaged: 'flag', unavailable: 'close' };

const countKeys: Record<ResourceStatus, [MessageKey, MessageKey]> = {
  available: ['resources.counts.available.one', 'resources.counts.available.many'],
  engaged: ['resources.counts.engaged.one', 'resources.counts.engaged.many'],
  unavailable: ['resources.counts.unavailable.one', 'resources.counts.unavailable.many'],
};

/** French agreement: 0 and 1 take the singular. */
function countText([one, many]: [MessageKey, MessageKey], n: number): string {
  return t(n <= 1 ? one : many, { n });
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

function isKind(v: string | null): v is ResourceKind {
  return v !== null && (resourceKinds as readonly string[]).includes(v);
}

function isStatus(v: string | null): v is ResourceStatus {
  return v !== null && (resourceStatuses as readonly string[]).includes(v);
}

type DialogState =
  | { type: 'create' }
  | { type: 'edit' | 'engage' | 'release' | 'occupancy' | 'archive'; resource: Resource };

function Occupancy({ r }: { r: Resource }) {
  if (r.capacity === null) {
    return <p className="resource-card__occupancy">{t('resources.occupancyNoCapacity', { occupancy: r.occupancy })}</p>;
  }
  const over = r.occupancy > r.capacity;
  const text = t('resources.occupancy', { occupancy: r.occupancy, capacity: r.capacity });
  const pct = r.capacity > 0 ? Math.min(100, Math.round((r.occupancy / r.capacity) * 100)) : over ? 100 : 0;
  return (
    <div className={`resource-card__occupancy${over ? ' resource-card__occupancy--over' : ''}`}>
      <p className="resource-card__occupancy-text">
        <span>{text}</span>
        {over ? (
          <span className="resource-card__over">
            <Icon name="alert" size={16} />
            {t('resources.overCapacity')}
          </span>
        ) : null}
      </p>
      <div
        className="resource-progress"
        role="progressbar"
        aria-label={t('resources.occupancyLabel', { name: r.name })}
        aria-valuemin={0}
        aria-valuemax={r.capacity}
        aria-valuenow={r.occupancy}
        aria-valuetext={over ? `${text} — ${t('resources.overCapacity')}` : text}
        data-testid="resource-occupancy"
      >
        <div className="resource-progress__bar" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

interface CardProps {
  r: Resource;
  canManage: boolean;
  canEngage: boolean;
  pending: boolean;
  onOpen: (type: Exclude<DialogState['type'], 'create'>, r: Resource) => void;
  onStatus: (r: Resource, status: 'available' | 'unavailable') => void;
  onRestore: (r: Resource) => void;
}

function ResourceCard({ r, canManage, canEngage, pending, onOpen, onStatus, onRestore }: CardProps) {
  const statusLabel = r.archived ? t('resources.status.archived') : t(statusKeys[r.status]);
  const titleId = `resource-${r.id}`;
  const buttons: ReactElement[] = [];
  const manage: ReactElement[] = [];
  if (r.archived) {
    if (canManage)
      buttons.push(
        <button key="restore" type="button" className="button button--secondary" disabled={pending} aria-label={t('resources.restoreLabel', { name: r.name })} onClick={() => onRestore(r)}>
          <Icon name="undo" size={18} />
          {t('resources.restore')}
        </button>,
      );
  } else {
    if (canEngage && r.status === 'available')
      buttons.push(
        <button key="engage" type="button" className="button button--primary" disabled={pending} aria-label={t('resources.engageLabel', { name: r.name })} onClick={() => onOpen('engage', r)}>
          <Icon name="flag" size={18} />
          {t('resources.engage')}
        </button>,
      );
    if (canEngage && r.status === 'engaged')
      buttons.push(
        <button key="release" type="button" className="button button--primary" disabled={pending} aria-label={t('resources.releaseLabel', { name: r.name })} onClick={() => onOpen('release', r)}>
          <Icon name="undo" size={18} />
          {t('resources.release')}
        </button>,
      );
    if (canEngage && r.status === 'engaged' && r.kind === 'shelter')
      buttons.push(
        <button key="occupancy" type="button" className="button button--secondary" disabled={pending} aria-label={t('resources.setOccupancyLabel', { name: r.name })} onClick={() => onOpen('occupancy', r)}>
          <Icon name="users" size={18} />
          {t('resources.setOccupancy')}
        </button>,
      );
    if (canManage) {
      manage.push(
        <button key="edit" type="button" className="button button--tertiary" disabled={pending} aria-label={t('resources.editLabel', { name: r.name })} onClick={() => onOpen('edit', r)}>
          <Icon name="edit" size={18} />
          {t('resources.edit')}
        </button>,
      );
      if (r.status === 'available')
        manage.push(
          <button key="unavailable" type="button" className="button button--tertiary" disabled={pending} aria-label={t('resources.makeUnavailableLabel', { name: r.name })} onClick={() => onStatus(r, 'unavailable')}>
            {t('resources.makeUnavailable')}
          </button>,
        );
      if (r.status === 'unavailable')
        manage.push(
          <button key="available" type="button" className="button button--tertiary" disabled={pending} aria-label={t('resources.makeAvailableLabel', { name: r.name })} onClick={() => onStatus(r, 'available')}>
            {t('resources.makeAvailable')}
          </button>,
        );
      if (r.status !== 'engaged')
        manage.push(
          <button key="archive" type="button" className="button button--tertiary resource-card__danger" disabled={pending} aria-label={t('resources.archiveLabel', { name: r.name })} onClick={() => onOpen('archive', r)}>
            <Icon name="archive" size={18} />
            {t('resources.archive')}
          </button>,
        );
    }
  }

  return (
    <li
      className={`resource-card resource-card--${r.archived ? 'archived' : r.status}`}
      data-testid="resource-card"
      data-resource-name={r.name}
      data-status={r.status}
      aria-labelledby={titleId}
      aria-busy={pending || undefined}
    >
      <div className="resource-card__head">
        <div className="resource-card__titles">
          <h3 id={titleId} className="resource-card__name">
            {r.name}
          </h3>
          <p className="resource-card__kind">{t(kindLabelKeys[r.kind])}</p>
        </div>
        <span className={`badge resource-badge resource-badge--${r.archived ? 'archived' : r.status}`} data-testid="resource-status">
          <Icon name={r.archived ? 'archive' : statusIcons[r.status]} size={14} />
          <span className="visually-hidden">{t('resources.status.prefix')}</span>
          {statusLabel}
        </span>
      </div>

      <p className={`resource-card__address${r.address ? '' : ' muted'}`}>{r.address || t('resources.noAddress')}</p>

      {r.status === 'engaged' && r.engagedEvent ? (
        <div className="resource-card__engaged" data-testid="resource-engaged">
          <p>
            <span className="resource-card__engaged-label">{t('resources.engagedOn')}</span>{' '}
            {r.engagedEvent.id ? (
              <Link to={`/evenements/${r.engagedEvent.id}`} className="resource-card__event">
                {r.engagedEvent.title}
              </Link>
            ) : (
              <span className="resource-card__event">{r.engagedEvent.title}</span>
            )}
          </p>
          {r.engagedAt ? (
            <p className="resource-card__since">
              <time dateTime={r.engagedAt} title={formatFull(r.engagedAt)}>
                {r.engagedByName
                  ? t('resources.engagedSinceBy', { when: formatRecent(r.engagedAt), name: r.engagedByName })
                  : t('resources.engagedSince', { when: formatRecent(r.engagedAt) })}
              </time>
            </p>
          ) : null}
        </div>
      ) : null}

      {r.kind === 'shelter' ? <Occupancy r={r} /> : null}

      {r.note ? <p className="resource-card__note">{r.note}</p> : null}

      {buttons.length > 0 || manage.length > 0 ? (
        <div className="resource-card__actions" role="group" aria-label={t('resources.actionsFor', { name: r.name })}>
          {buttons.length > 0 ? <div className="resource-card__main">{buttons}</div> : null}
          {manage.length > 0 ? <div className="resource-card__manage">{manage}</div> : null}
        </div>
      ) : null}
    </li>
  );
}

interface ResourcesBoardProps {
  /** Something the plan's overview counts changed (a resource added, archived or restored). */
  onChanged?: () => void;
}

export function ResourcesBoard({ onChanged }: ResourcesBoardProps) {
  const session = useSession();
  const canManage = session.permissions.includes('plan.manage');
  const canEngage = session.permissions.includes('resources.engage');
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('type');
  const statusParam = params.get('statut');
  const kind: ResourceKind | null = isKind(kindParam) ? kindParam : null;
  const status: ResourceStatus | null = isStatus(statusParam) ? statusParam : null;
  const [query, setQuery] = useState('');
  const [archived, setArchived] = useState(false);
  const [resources, setResources] = useState<Resource[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [archiveError, setArchiveError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const r = await api('listResources', { query: { archived: archived ? 'true' : 'false' } });
      if (gen !== generation.current) return;
      setResources(r.resources);
      setLoadError(null);
    } catch (err) {
      if (gen === generation.current) setLoadError(errorMessage(err));
    }
  }, [archived]);

  useEffect(() => {
    setResources(null);
    void load();
  }, [load]);

  // Live: the message names nothing (an engagement on an event the reader may not see must not leak).
  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (ev) => {
      if (ev.kind === 'plan.changed' && ev.part === 'resources') void load();
    },
    onResync: () => void load(),
  });

  function setFilter(key: 'type' | 'statut', value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  }

  const sorted = useMemo(() => [...(resources ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base', numeric: true })), [resources]);
  // Kind and text first: the status counts describe what the other filters keep.
  const matching = useMemo(() => {
    const q = fold(query.trim());
    return sorted.filter((r) => (!kind || r.kind === kind) && (!q || fold(r.name).includes(q) || fold(r.address).includes(q)));
  }, [sorted, kind, query]);
  const counts = useMemo(() => {
    const c: Record<ResourceStatus, number> = { available: 0, engaged: 0, unavailable: 0 };
    for (const r of matching) c[r.status] += 1;
    return c;
  }, [matching]);
  const shown = useMemo(() => (status ? matching.filter((r) => r.status === status) : matching), [matching, status]);
  const filtered = kind !== null || status !== null || query.trim() !== '';

  function upsert(r: Resource) {
    setResources((list) => {
      if (!list) return list;
      // A resource that left this view (archived, restored) leaves the list.
      if (r.archived !== archived) return list.filter((x) => x.id !== r.id);
      return list.some((x) => x.id === r.id) ? list.map((x) => (x.id === r.id ? r : x)) : [...list, r];
    });
  }

  function finished(r: Resource, message: string, overviewChanged = false) {
    setDialog(null);
    setActionError(null);
    upsert(r);
    setDone(message);
    void load();
    if (overviewChanged) onChanged?.();
  }

  async function patch(r: Resource, body: { status?: 'available' | 'unavailable'; archived?: boolean }, message: string, overviewChanged: boolean) {
    setPendingId(r.id);
    setActionError(null);
    setDone(null);
    try {
      const saved = await api('updateResource', { params: { id: r.id }, body });
      finished(saved, message, overviewChanged);
      return true;
    } catch (err) {
      setActionError(errorMessage(err));
      void load();
      return false;
    } finally {
      setPendingId(null);
    }
  }

  function open(type: Exclude<DialogState['type'], 'create'>, r: Resource) {
    setDone(null);
    setActionError(null);
    setArchiveError(null);
    setDialog({ type, resource: r });
  }

  const total = resources?.length ?? 0;

  return (
    <div className="resources-board" data-testid="resources-board">
      <div className="resources-board__header">
        <div>
          <h2 className="section__title">{t('resources.title')}</h2>
          <p className="muted">{t('resources.intro')}</p>
        </div>
        {canManage && !archived ? (
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setDone(null);
              setDialog({ type: 'create' });
            }}
          >
            <Icon name="plus" size={18} />
            {t('resources.add')}
          </button>
        ) : null}
      </div>

      <div className="resources-filters" role="search" aria-label={t('resources.filters')}>
        <div className="field resources-filters__search">
          <label htmlFor="resources-search" className="field__label">
            {t('resources.search')}
          </label>
          <input
            id="resources-search"
            className="input"
            type="search"
            value={query}
            placeholder={t('resources.searchPlaceholder')}
            autoComplete="off"
            onChange={(e) => setQuery(e.target.value)}
            data-testid="resources-search"
          />
        </div>
        <fieldset className="fieldset resources-filters__group">
          <legend className="field__label">{t('resources.filter.kind')}</legend>
          <ul className="chip-list resources-chips">
            <li>
              <button type="button" className={`chip${kind === null ? ' chip--active' : ''}`} aria-pressed={kind === null} onClick={() => setFilter('type', null)}>
                {t('resources.filter.all')}
              </button>
            </li>
            {resourceKinds.map((k) => (
              <li key={k}>
                <button type="button" className={`chip${kind === k ? ' chip--active' : ''}`} aria-pressed={kind === k} onClick={() => setFilter('type', k)} data-kind={k}>
                  {t(kindFilterKeys[k])}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
        {!archived ? (
          <fieldset className="fieldset resources-filters__group">
            <legend className="field__label">{t('resources.filter.status')}</legend>
            <div className="segmented resources-status-filter">
              {([null, ...resourceStatuses] as const).map((s) => (
                <label key={s ?? 'all'} className={`segmented__item${status === s ? ' segmented__item--on' : ''}`}>
                  <input type="radio" name="resources-status" value={s ?? ''} checked={status === s} onChange={() => setFilter('statut', s)} />
                  {s ? t(statusKeys[s]) : t('resources.filter.all')}
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
        {canManage ? (
          <label className="toggle resources-filters__archived">
            <input
              type="checkbox"
              checked={archived}
              onChange={(e) => {
                setDone(null);
                setActionError(null);
                setArchived(e.target.checked);
              }}
            />
            <span>{t('resources.filter.archived')}</span>
          </label>
        ) : null}
      </div>

      {resources ? (
        <p className="resources-counts" aria-live="polite" data-testid="resources-counts">
          {archived ? (
            countText(['resources.counts.archived.one', 'resources.counts.archived.many'], matching.length)
          ) : (
            <>
              {resourceStatuses.map((s, i) => (
                <span key={s} className={`resources-counts__item resources-counts__item--${s}`}>
                  {countText(countKeys[s], counts[s])}
                  {i < resourceStatuses.length - 1 ? <span className="resources-counts__sep"> · </span> : null}
                </span>
              ))}
            </>
          )}
          {filtered && shown.length !== total ? <span className="muted"> — {t('resources.shown', { shown: shown.length, total })}</span> : null}
        </p>
      ) : null}

      {archived ? <p className="muted">{t('resources.archivedView')}</p> : null}

      <RetryAlert message={loadError} onRetry={() => void load()} />
      <LiveMessage tone="success" message={done} />
      <LiveMessage tone="error" message={actionError} />

      {resources === null && !loadError ? <p className="muted">{t('resources.loading')}</p> : null}
      {resources !== null && total === 0 ? <p className="empty">{archived ? t('resources.emptyArchived') : t('resources.empty')}</p> : null}
      {resources !== null && total > 0 && shown.length === 0 ? (
        <div className="empty">
          <p>{t('resources.emptyFiltered')}</p>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setQuery('');
              const next = new URLSearchParams(params);
              next.delete('type');
              next.delete('statut');
              setParams(next, { replace: true });
            }}
          >
            {t('resources.resetFilters')}
          </button>
        </div>
      ) : null}
      {shown.length > 0 ? (
        <ul className="resource-grid" aria-label={t('resources.title')}>
          {shown.map((r) => (
            <ResourceCard
              key={r.id}
              r={r}
              canManage={canManage}
              canEngage={canEngage && !r.archived}
              pending={pendingId === r.id}
              onOpen={open}
              onStatus={(x, s) =>
                void patch(x, { status: s }, t(s === 'available' ? 'resources.done.available' : 'resources.done.unavailable', { name: x.name }), false)
              }
              onRestore={(x) => void patch(x, { archived: false }, t('resources.done.restored', { name: x.name }), true)}
            />
          ))}
        </ul>
      ) : null}

      {dialog?.type === 'create' || dialog?.type === 'edit' ? (
        <ResourceFormDialog
          resource={dialog.type === 'edit' ? dialog.resource : null}
          onClose={() => setDialog(null)}
          onSaved={(r, created) => finished(r, t(created ? 'resources.done.created' : 'resources.done.updated', { name: r.name }), created)}
        />
      ) : null}
      {dialog?.type === 'engage' ? (
        <EngageDialog
          resource={dialog.resource}
          organisationId={session.organisation.id}
          onClose={() => setDialog(null)}
          onEngaged={(r, eventTitle) => finished(r, t('resources.done.engaged', { name: r.name, event: r.engagedEvent?.title ?? eventTitle }))}
          onStale={() => void load()}
        />
      ) : null}
      {dialog?.type === 'release' ? (
        <ReleaseDialog
          resource={dialog.resource}
          onClose={() => setDialog(null)}
          onReleased={(r) => finished(r, t('resources.done.released', { name: r.name }))}
          onStale={() => void load()}
        />
      ) : null}
      {dialog?.type === 'occupancy' ? (
        <OccupancyDialog
          resource={dialog.resource}
          onClose={() => setDialog(null)}
          onSaved={(r) => finished(r, t('resources.done.occupancy', { name: r.name, occupancy: r.occupancy }))}
          onStale={() => void load()}
        />
      ) : null}
      <ConfirmDialog
        open={dialog?.type === 'archive'}
        title={dialog?.type === 'archive' ? t('resources.archiveTitle', { name: dialog.resource.name }) : ''}
        confirmLabel={t('resources.archive')}
        danger
        busy={dialog?.type === 'archive' && pendingId === dialog.resource.id}
        error={archiveError}
        onCancel={() => setDialog(null)}
        onConfirm={async () => {
          if (dialog?.type !== 'archive') return;
          const r = dialog.resource;
          setPendingId(r.id);
          setArchiveError(null);
          try {
            const saved = await api('updateResource', { params: { id: r.id }, body: { archived: true } });
            finished(saved, t('resources.done.archived', { name: r.name }), true);
          } catch (err) {
            setArchiveError(errorMessage(err));
            void load();
          } finally {
            setPendingId(null);
          }
        }}
      >
        <p>{t('resources.archive.text')}</p>
      </ConfirmDialog>
    </div>
  );
}
