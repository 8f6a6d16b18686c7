import { useCallback, useEffect, useMemo, useState } from 'react';
import { topicOf, type EventDetail } from '../../../shared';
import { resourceKinds, type Resource, type ResourceKind } from '../../../shared/schemas/pcs';
import { ApiError, api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { formatFull, formatRecent, t } from '../../i18n';
import { useCan, useSession } from '../../session';
import { LiveMessage, RetryAlert } from '../Alert';
import { Dialog } from '../Dialog';
import { SelectField, TextField } from '../Field';
import { Icon } from '../Icon';
import { mergeEngaged, overCapacity, resourceKindLabel, sortResources } from './pcsUtils';
import './pcs.css';
import { elsewhereMessage, OccupancyDialog, ReleaseDialog } from './ResourceActionDialogs';

interface Props {
  event: EventDetail;
  isPhone: boolean;
}

/**
 * « Moyens engagés » of an event: the organisation's resources engaged on it (shelters with their
 * occupancy), released or engaged from here, live on `resource.updated`. Members of the event's
 * organisation only (resources are the organisation's; never guests).
 */
export function EventResources({ event, isPhone }: Props) {
  const session = useSession();
  const can = useCan();
  const [resources, setResources] = useState<Resource[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [engaging, setEngaging] = useState(false);
  const [releasing, setReleasing] = useState<Resource | null>(null);
  const [occupancyOf, setOccupancyOf] = useState<Resource | null>(null);
  // Folded on a phone (its summary gives the count), like the page's other side sections.
  const [open, setOpen] = useState(!isPhone);

  const closed = event.status === 'closed';
  const canEngage = !closed && !session.guest && event.myAccess.write && can('resources.engage') && event.organisationId === session.organisation.id;

  const load = useCallback(async () => {
    try {
      const res = await api('listResources', { query: { eventId: event.id } });
      setResources(sortResources(res.resources));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [event.id]);

  useEffect(() => {
    void load();
  }, [load]);

  // The confirmation goes away after a while (the main courante keeps the trace).
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 8000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  const apply = useCallback(
    (incoming: Resource) => setResources((prev) => (prev ? mergeEngaged(prev, incoming, event.id) : prev)),
    [event.id],
  );

  useRealtimeTopic(topicOf('event', event.id), {
    onEvent: (ev) => {
      if (ev.kind === 'resource.updated' && ev.eventId === event.id) apply(ev.resource);
    },
    onResync: () => void load(),
  });

  return (
    <details className="card card--compact side-section pcs-panel" data-testid="event-resources" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="side-section__summary">
        <h2 className="card__title pcs-panel__title">
          <span>{t('pcsEvent.resources.title')}</span>
          {resources ? <span className="count">{resources.length}</span> : null}
        </h2>
        <Icon name="chevron" size={18} className="side-section__chevron" />
      </summary>

      <RetryAlert message={error} onRetry={() => void load()} />
      <LiveMessage tone="success" message={notice} />
      {resources === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {resources && resources.length === 0 ? <p className="muted pcs-panel__note">{t('pcsEvent.resources.empty')}</p> : null}

      {resources && resources.length > 0 ? (
        <ul className="pcs-resources" aria-label={t('pcsEvent.resources.title')}>
          {resources.map((r) => (
            <ResourceItem
              key={r.id}
              resource={r}
              canAct={canEngage}
              onRelease={() => {
                setNotice(null);
                setReleasing(r);
              }}
              onOccupancy={() => {
                setNotice(null);
                setOccupancyOf(r);
              }}
            />
          ))}
        </ul>
      ) : null}

      {canEngage ? (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            setNotice(null);
            setEngaging(true);
          }}
        >
          <Icon name="plus" size={18} />
          {t('pcsEvent.resources.engage')}
        </button>
      ) : null}

      {canEngage ? (
        <>
          <EngageDialog
            open={engaging}
            eventId={event.id}
            onClose={() => setEngaging(false)}
            onEngaged={(r) => {
              setEngaging(false);
              apply(r);
              setNotice(t('pcsEvent.resources.engaged', { name: r.name }));
            }}
          />
          {releasing ? (
            <ReleaseDialog
              resource={releasing}
              onClose={() => setReleasing(null)}
              onReleased={(r) => {
                setReleasing(null);
                apply(r);
                setNotice(t('pcsEvent.resources.released', { name: r.name }));
              }}
              onStale={() => void load()}
            />
          ) : null}
          {occupancyOf ? (
            <OccupancyDialog
              resource={occupancyOf}
              onClose={() => setOccupancyOf(null)}
              onSaved={(r) => {
                setOccupancyOf(null);
                apply(r);
              }}
              onStale={() => void load()}
            />
          ) : null}
        </>
      ) : null}
    </details>
  );
}

function ResourceItem({ resource: r, canAct, onRelease, onOccupancy }: { resource: Resource; canAct: boolean; onRelease: () => void; onOccupancy: () => void }) {
  const over = overCapacity(r);
  const shelter = r.kind === 'shelter';
  const ratio = shelter && r.capacity ? Math.min(100, Math.round((r.occupancy / r.capacity) * 100)) : 0;
  const releaseButton = (
    <button type="button" className="button button--tertiary button--small pcs-resource__release" aria-label={t('pcsEvent.resources.releaseLabel', { name: r.name })} onClick={onRelease}>
      {t('pcsEvent.resources.release')}
    </button>
  );
  return (
    <li className={`pcs-resource pcs-resource--${r.kind}${over ? ' pcs-resource--over' : ''}`} data-resource-name={r.name} data-resource-kind={r.kind}>
      <div className="pcs-resource__top">
        <span className={`pcs-glyph pcs-glyph--${r.kind}`} aria-hidden="true" />
        <div className="pcs-resource__text">
          <strong className="pcs-resource__name">{r.name}</strong>
          <span className="pcs-resource__meta">
            {resourceKindLabel(r.kind)}
            {r.engagedAt ? (
              <>
                {' · '}
                <time dateTime={r.engagedAt} title={formatFull(r.engagedAt)}>
                  {t('pcsEvent.resources.since', { date: formatRecent(r.engagedAt) })}
                </time>
              </>
            ) : null}
            {r.engagedByName ? ` ${t('pcsEvent.resources.by', { name: r.engagedByName })}` : null}
          </span>
        </div>
        {canAct && !shelter ? releaseButton : null}
      </div>
      {shelter ? (
        <div className="pcs-occupancy" data-testid="resource-occupancy" data-occupancy={r.occupancy} data-capacity={r.capacity ?? ''}>
          <span className={`pcs-occupancy__text${over ? ' pcs-occupancy__text--over' : ''}`}>
            {over ? <Icon name="alert" size={14} /> : null}
            {r.capacity !== null
              ? t('pcsEvent.resources.occupancy', { occupancy: r.occupancy, capacity: r.capacity })
              : t('pcsEvent.resources.occupancyNoCapacity', { occupancy: r.occupancy })}
            {over ? ` — ${t('pcsEvent.resources.over')}` : ''}
          </span>
          {r.capacity !== null ? (
            <div
              className={`progress pcs-occupancy__bar${over ? ' pcs-occupancy__bar--over' : ''}`}
              role="meter"
              aria-valuemin={0}
              aria-valuemax={r.capacity}
              aria-valuenow={r.occupancy}
              aria-label={t('pcsEvent.occupancy.count')}
            >
              <div className="progress__bar" style={{ width: `${over ? 100 : ratio}%` }} />
            </div>
          ) : null}
        </div>
      ) : null}
      {canAct && shelter ? (
        <div className="pcs-resource__buttons">
          <button type="button" className="button button--secondary button--small" aria-label={t('pcsEvent.resources.occupancyButtonLabel', { name: r.name })} onClick={onOccupancy}>
            {t('pcsEvent.resources.occupancyButton')}
          </button>
          {releaseButton}
        </div>
      ) : null}
    </li>
  );
}

function EngageDialog({ open, eventId, onClose, onEngaged }: { open: boolean; eventId: string; onClose: () => void; onEngaged: (r: Resource) => void }) {
  const [available, setAvailable] = useState<Resource[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [kind, setKind] = useState<'' | ResourceKind>('');
  const [search, setSearch] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setAvailable(sortResources((await api('listResources', { query: { status: 'available' } })).resources));
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    if (!open) return;
    setAvailable(null);
    setKind('');
    setSearch('');
    setNote('');
    setError(null);
    void load();
  }, [open, load]);

  const shown = useMemo(() => {
    const q = search.trim().toLocaleLowerCase('fr');
    return (available ?? []).filter((r) => (!kind || r.kind === kind) && (!q || `${r.name} ${r.address} ${r.note}`.toLocaleLowerCase('fr').includes(q)));
  }, [available, kind, search]);

  async function engage(r: Resource) {
    setBusy(r.id);
    setError(null);
    try {
      onEngaged(await api('engageResource', { params: { id: r.id }, body: { eventId, note: note.trim() } }));
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'validation_failed'
          ? (err.fieldErrors.note ?? err.message)
          : err instanceof ApiError && err.code === 'resource_engaged_elsewhere'
            ? elsewhereMessage(err)
            : errorMessage(err),
      );
      // Someone else engaged it meanwhile (or made it unavailable): the list as it is now.
      if (err instanceof ApiError && (err.code === 'resource_engaged_elsewhere' || err.code === 'resource_unavailable' || err.code === 'resource_already_engaged_here')) void load();
    } finally {
      setBusy(null);
    }
  }

  return (
    <Dialog
      open={open}
      title={t('pcsEvent.engage.title')}
      onClose={onClose}
      dismissible={busy === null}
      footer={
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy !== null}>
          {t('action.close')}
        </button>
      }
    >
      <p className="muted">{t('pcsEvent.engage.intro')}</p>
      <div className="pcs-engage__filters" role="search">
        <SelectField
          label={t('pcsEvent.engage.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as '' | ResourceKind)}
          options={[{ value: '', label: t('pcsEvent.engage.allKinds') }, ...resourceKinds.map((k) => ({ value: k, label: resourceKindLabel(k) }))]}
        />
        <TextField label={t('pcsEvent.engage.search')} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <TextField label={t('pcsEvent.engage.note')} hint={t('pcsEvent.engage.noteHint')} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      <div aria-live="assertive">
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" size={16} /> {error}
          </p>
        ) : null}
      </div>
      <RetryAlert message={loadError} onRetry={() => void load()} />
      {available === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
      {available && shown.length === 0 ? <p className="empty">{available.length === 0 ? t('pcsEvent.engage.none') : t('pcsEvent.engage.noneFiltered')}</p> : null}
      {shown.length > 0 ? (
        <ul className="pcs-available" aria-label={t('pcsEvent.engage.listLabel')}>
          {shown.map((r) => (
            <li key={r.id} className="pcs-available__item" data-resource-name={r.name}>
              <span className={`pcs-glyph pcs-glyph--${r.kind}`} aria-hidden="true" />
              <div className="pcs-resource__text">
                <strong className="pcs-resource__name">{r.name}</strong>
                <span className="pcs-resource__meta">
                  {resourceKindLabel(r.kind)}
                  {r.address ? ` · ${r.address}` : ''}
                  {r.kind === 'shelter' && r.capacity !== null ? ` · ${t('pcsEvent.engage.capacity', { capacity: r.capacity })}` : ''}
                </span>
              </div>
              <button
                type="button"
                className="button button--primary button--small"
                aria-label={t('pcsEvent.engage.submitLabel', { name: r.name })}
                disabled={busy !== null}
                onClick={() => void engage(r)}
              >
                {t('pcsEvent.engage.submit')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </Dialog>
  );
}
