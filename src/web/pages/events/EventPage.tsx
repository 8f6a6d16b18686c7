import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { topicOf, type Entry, type EventDetail, type VerifyResult } from '../../../shared';
import { ApiError, api, errorMessage } from '../../api/client';
import { useRealtimeTopic, type Viewer } from '../../api/realtime';
import { Alert, RetryAlert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { RealtimeIndicator } from '../../components/RealtimeIndicator';
import { EntryForm, type CorrectionTarget } from '../../components/logbook/EntryForm';
import { EntryItem, type CorrectionKind } from '../../components/logbook/EntryItem';
import { EditEventDialog, ExportDialog, NewEventDialog, ReopenEventDialog } from '../../components/logbook/EventDialogs';
import { SeverityChip, StatusBadge } from '../../components/logbook/SeverityChip';
import { useCatalogue } from '../../components/logbook/useCatalogue';
import { SituationCard } from '../../components/situation/SituationCard';
import { EVENT_TAB_PANELS, EventActionsTabs, type EventTab } from '../../components/actions/EventActions';
import { VisioEntry } from '../../components/visio/VisioEntry';
import { EventResources } from '../../components/pcs/EventResources';
import { ExerciseBadge, RiskFact } from '../../components/pcs/PcsBadges';
import { ReflexSheets } from '../../components/pcs/ReflexSheets';

// OpenLayers is loaded with the map tab only (phones opening the main courante do not pay for it).
const EventMap = lazy(() => import('../../components/map/EventMap').then((m) => ({ default: m.EventMap })));
import { withEntryAction } from '../../components/actions/actionUtils';
import { AudienceBadge } from '../../components/rights/AudienceBadge';
import { EventRightsControls } from '../../components/rights/EventRights';
import { formatDateTime, formatFull, formatRecent, parisDayRange, t } from '../../i18n';
import { NotFoundPage } from '../Errors';
import { useCan, useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';

const PAGE_SIZE = 50;

interface Filters {
  tag: string;
  functionName: string;
  source: string;
  important: '' | 'true' | 'false';
  from: string;
  to: string;
}

const noFilters: Filters = { tag: '', functionName: '', source: '', important: '', from: '', to: '' };

function filterQuery(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.tag) q.tag = f.tag;
  if (f.functionName) q.functionName = f.functionName;
  if (f.source.trim()) q.source = f.source.trim();
  if (f.important) q.important = f.important;
  const from = f.from ? parisDayRange(f.from) : null;
  const to = f.to ? parisDayRange(f.to) : null;
  if (from) q.from = from.from;
  if (to) q.to = to.to;
  return q;
}

/** Whether a live entry passes the filters applied on the server. */
function matches(e: Entry, q: Record<string, string>): boolean {
  if (q.tag && !e.tags.includes(q.tag)) return false;
  if (q.functionName && e.functionName !== q.functionName) return false;
  if (q.source && !(e.source ?? '').toLocaleLowerCase('fr').includes(q.source.toLocaleLowerCase('fr'))) return false;
  if (q.important && e.important !== (q.important === 'true')) return false;
  if (q.from && e.occurredAt < q.from) return false;
  if (q.to && e.occurredAt > q.to) return false;
  return true;
}

function initials(name: string): string {
  // "Marc Durand (invité)": the mention in brackets is not part of the name.
  const parts = name.replace(/\s*\([^)]*\)\s*$/, '').trim().split(/\s+/).filter(Boolean);
  const letters = parts.length >= 2 ? parts[0][0] + parts[parts.length - 1][0] : name.slice(0, 2);
  return letters.toUpperCase();
}

/** Adds a new entry (newest first) and marks the entry it corrects. Returns the same list if known. */
function mergeNew(list: Entry[], entry: Entry, visible: boolean): Entry[] {
  let next = list;
  if (entry.correctsId) {
    next = next.map((e) =>
      e.id === entry.correctsId && !e.correctedBy.some((c) => c.id === entry.id)
        ? { ...e, correctedBy: [...e.correctedBy, { id: entry.id, seq: entry.seq, kind: entry.kind }] }
        : e,
    );
  }
  if (visible && !next.some((e) => e.id === entry.id)) next = [entry, ...next].sort((a, b) => b.seq - a.seq);
  return next;
}

function mergeOlder(list: Entry[], older: Entry[]): Entry[] {
  const ids = new Set(list.map((e) => e.id));
  return [...list, ...older.filter((e) => !ids.has(e.id))].sort((a, b) => b.seq - a.seq);
}

function Presence({ viewers, meId }: { viewers: readonly Viewer[]; meId: string }) {
  const others = viewers.filter((v) => v.userId !== meId);
  return (
    <div className="presence" data-testid="presence" aria-live="polite">
      <Icon name="eye" size={18} className="presence__icon" />
      {others.length === 0 ? (
        <span className="presence__label">{t('event.presence.alone')}</span>
      ) : (
        <>
          <span className="presence__label">{t(others.length === 1 ? 'event.presence.others.one' : 'event.presence.others.many', { count: others.length })}</span>
          <ul className="presence__list">
            {others.map((v) => (
              <li key={v.userId} className="presence__person">
                <span className="avatar avatar--small" aria-hidden="true">
                  {initials(v.name)}
                </span>
                <span>{v.name}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function useIsPhone(): boolean {
  const query = '(max-width: 767px)';
  const [phone, setPhone] = useState(() => typeof window !== 'undefined' && window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const on = () => setPhone(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return phone;
}

/** One page state per event: opening a sub-event or a parent starts afresh. */
export function EventPage() {
  const { id = '' } = useParams();
  return <EventView key={id} id={id} />;
}

function EventView({ id }: { id: string }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const session = useSession();
  const can = useCan();
  const isPhone = useIsPhone();
  const functions = useCatalogue('functions');
  const tags = useCatalogue('tags');
  const types = useCatalogue('eventTypes');

  const [event, setEvent] = useState<EventDetail | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [firstLoaded, setFirstLoaded] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [pageError, setPageError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [sourceInput, setSourceInput] = useState('');
  const [viewers, setViewers] = useState<readonly Viewer[]>([]);
  const [highlightSeq, setHighlightSeq] = useState<number | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [pendingNew, setPendingNew] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [target, setTarget] = useState<CorrectionTarget | null>(null);
  const [focusSignal, setFocusSignal] = useState(0);
  const [composerOpen, setComposerOpen] = useState(false);
  const [targetSeqs, setTargetSeqs] = useState<Record<string, number>>({});
  const [dialog, setDialog] = useState<null | 'edit' | 'close' | 'reopen' | 'export' | 'child'>(null);
  const [tab, setTabState] = useState<EventTab>(() => (searchParams.get('vue') === 'carte' ? 'map' : 'logbook'));
  // The map tab has its own address (?vue=carte): a link, a bookmark or a second screen opens it.
  const setTab = useCallback(
    (next: EventTab) => {
      setTabState(next);
      setSearchParams(
        (prev) => {
          const p = new URLSearchParams(prev);
          if (next === 'map') p.set('vue', 'carte');
          else p.delete('vue');
          return p;
        },
        { replace: true },
      );
    },
    [setSearchParams],
  );
  // The map's code (OpenLayers): fetched at once when the page opens on the map (?vue=carte), else
  // a few seconds after the page, so that tapping « Carte » does not wait for it (cached for good).
  useEffect(() => {
    const load = () => void import('../../components/map/EventMap');
    if (searchParams.get('vue') === 'carte') return load();
    const timer = window.setTimeout(load, 2500);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [mapFocus, setMapFocus] = useState<{ entryId: string; nonce: number } | null>(null);
  const [closeBusy, setCloseBusy] = useState(false);
  const [closeError, setCloseError] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [verifyBusy, setVerifyBusy] = useState(false);
  const [verifyError, setVerifyError] = useState<string | null>(null);

  usePageTitle(event?.title ?? t('events.title'));

  const query = useMemo(() => filterQuery(filters), [filters]);
  const filtered = Object.keys(query).length > 0;
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const nextBeforeRef = useRef(nextBefore);
  nextBeforeRef.current = nextBefore;
  const queryRef = useRef(query);
  queryRef.current = query;
  const generation = useRef(0);
  const busyRef = useRef(false);
  const listRef = useRef<HTMLOListElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const composerRef = useRef<HTMLDivElement>(null);
  const handledEntree = useRef<string | null>(null);

  // Source filter: applied 400 ms after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.source === sourceInput ? f : { ...f, source: sourceInput })), 400);
    return () => clearTimeout(timer);
  }, [sourceInput]);

  const loadEvent = useCallback(async () => {
    try {
      setEvent(await api('getEvent', { params: { id } }));
      setLoadError(null);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.code === 'validation_failed')) setNotFound(true);
      else setLoadError(errorMessage(err));
    }
  }, [id]);

  /** First page (newest entries). `keep`: merge with what is already loaded when contiguous. */
  const loadFirst = useCallback(
    async (keep: boolean) => {
      const gen = ++generation.current;
      try {
        const page = await api('listEntries', { params: { id }, query: { ...queryRef.current, limit: PAGE_SIZE } });
        if (gen !== generation.current) return;
        const current = entriesRef.current;
        const oldest = page.entries[page.entries.length - 1];
        const newestKnown = current[0];
        if (keep && current.length > 0 && (page.nextBefore === null || (oldest && newestKnown && oldest.seq <= newestKnown.seq + 1))) {
          const fresh = new Map(page.entries.map((e) => [e.id, e]));
          const merged = [...page.entries, ...current.filter((e) => !fresh.has(e.id))].sort((a, b) => b.seq - a.seq);
          setEntries(merged);
        } else {
          setEntries(page.entries);
          setNextBefore(page.nextBefore);
        }
        setPageError(null);
        setFirstLoaded(true);
      } catch (err) {
        if (gen !== generation.current) return;
        if (err instanceof ApiError && err.status === 404) setNotFound(true);
        else setPageError(errorMessage(err));
      }
    },
    [id],
  );

  const loadMore = useCallback(async (): Promise<boolean> => {
    const before = nextBeforeRef.current;
    if (before === null || busyRef.current) return false;
    busyRef.current = true;
    setLoadingMore(true);
    const gen = generation.current;
    try {
      const page = await api('listEntries', { params: { id }, query: { ...queryRef.current, before, limit: PAGE_SIZE } });
      // Dropped because the list reloaded meanwhile (realtime resync); the check after each
      // render below asks again if the sentinel is still in view.
      if (gen !== generation.current) return false;
      const merged = mergeOlder(entriesRef.current, page.entries);
      entriesRef.current = merged;
      nextBeforeRef.current = page.nextBefore;
      setEntries(merged);
      setNextBefore(page.nextBefore);
      setPageError(null);
      return true;
    } catch (err) {
      setPageError(errorMessage(err));
      return false;
    } finally {
      busyRef.current = false;
      setLoadingMore(false);
    }
  }, [id]);

  // Event and first page; again when the filters change.
  useEffect(() => {
    setNotFound(false);
    void loadEvent();
  }, [loadEvent]);
  useEffect(() => {
    setFirstLoaded(false);
    setEntries([]);
    entriesRef.current = [];
    setNextBefore(null);
    nextBeforeRef.current = null;
    void loadFirst(false);
  }, [loadFirst, query]);

  const markFresh = useCallback((entryId: string) => {
    setFresh((s) => new Set(s).add(entryId));
    setTimeout(
      () =>
        setFresh((s) => {
          const n = new Set(s);
          n.delete(entryId);
          return n;
        }),
      2500,
    );
  }, []);

  const scrolledDown = () => {
    const list = listRef.current;
    return !!list && list.getBoundingClientRect().top < -120;
  };

  const addEntry = useCallback(
    (entry: Entry, mine: boolean) => {
      if (entry.eventId !== id) return;
      const known = entriesRef.current.some((e) => e.id === entry.id);
      const visible = matches(entry, queryRef.current);
      const next = mergeNew(entriesRef.current, entry, visible);
      if (next === entriesRef.current) return;
      entriesRef.current = next;
      setEntries(next);
      if (known) return;
      setEvent((ev) => (ev ? { ...ev, entryCount: ev.entryCount + 1, lastEntryAt: entry.recordedAt } : ev));
      if (!visible) return;
      markFresh(entry.id);
      if (!mine && scrolledDown()) setPendingNew((n) => n + 1);
    },
    [id, markFresh],
  );

  useRealtimeTopic(id ? topicOf('event', id) : null, {
    onEvent: (ev) => {
      if (ev.kind === 'entry.created') addEntry(ev.entry, ev.entry.authorId === session.user.id);
      else if (ev.kind === 'action.updated') {
        // The entry that started the action shows its new state.
        const next = withEntryAction(entriesRef.current, ev.action);
        if (next !== entriesRef.current) {
          entriesRef.current = next;
          setEntries(next);
        }
      }
      else if (ev.kind === 'event.updated' && ev.event.id === id) {
        setEvent((prev) => (prev ? { ...prev, ...ev.event } : prev));
        // The tree (parents, sub-events) as this person may see it.
        void loadEvent();
      }
    },
    onResync: () => {
      void loadEvent();
      void loadFirst(true);
    },
    onPresence: setViewers,
    // The event is no longer visible to this person (audience restricted): stop showing it.
    onError: (code) => {
      if (code === 'not_found') setNotFound(true);
    },
  });

  // Older pages as the person scrolls (the "Charger plus" button stays as a fallback).
  useEffect(() => {
    const el = sentinelRef.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (items) => {
        if (items.some((i) => i.isIntersecting)) void loadMore();
      },
      { rootMargin: '400px 0px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [loadMore, firstLoaded, nextBefore]);

  // The observer only speaks when the sentinel enters or leaves the view. A page that could not be
  // asked for at that moment (one already loading, or dropped because the list reloaded) would
  // leave the sentinel in view and nothing more loading: after each render, look again.
  useEffect(() => {
    const el = sentinelRef.current;
    if (!el || !firstLoaded || nextBefore === null || loadingMore || busyRef.current) return;
    if (el.offsetParent === null) return; // list hidden (map tab)
    if (el.getBoundingClientRect().top < window.innerHeight + 400) void loadMore();
  }, [entries, firstLoaded, nextBefore, loadingMore, loadMore]);

  // The "N nouvelles entrées" pill goes away once the person is back at the top.
  useEffect(() => {
    if (pendingNew === 0) return;
    const onScroll = () => {
      if (!scrolledDown()) setPendingNew(0);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, [pendingNew]);

  /** Loads pages until the entry is there, then scrolls to it and highlights it. */
  const jumpTo = useCallback(
    async (seq: number) => {
      setNotice(null);
      let guard = 0;
      while (!entriesRef.current.some((e) => e.seq === seq) && nextBeforeRef.current !== null && nextBeforeRef.current > seq && guard < 400) {
        guard += 1;
        if (busyRef.current) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const ok = await loadMore();
        // A page can be dropped when a reload (realtime resync) started meanwhile: wait and go on;
        // `guard` bounds the attempts.
        if (!ok) await new Promise((r) => setTimeout(r, 150));
      }
      if (!entriesRef.current.some((e) => e.seq === seq)) {
        setNotice(filtered ? t('logbook.jumpFiltered', { seq }) : t('logbook.jumpMissing', { seq }));
        return;
      }
      setHighlightSeq(seq);
      requestAnimationFrame(() => {
        const el = document.getElementById(`entree-${seq}`);
        if (el) {
          el.scrollIntoView({ block: 'center', behavior: 'auto' });
          el.focus({ preventScroll: true });
        }
      });
    },
    [loadMore, filtered],
  );

  // ?entree=<seq>: open the event on that entry.
  const entree = searchParams.get('entree');
  useEffect(() => {
    if (!firstLoaded || !entree || handledEntree.current === `${id}:${entree}`) return;
    handledEntree.current = `${id}:${entree}`;
    const seq = Number(entree);
    if (Number.isInteger(seq) && seq > 0) void jumpTo(seq);
  }, [firstLoaded, entree, id, jumpTo]);

  const onJump = useCallback(
    (seq: number) => {
      handledEntree.current = `${id}:${seq}`;
      setSearchParams({ entree: String(seq) }, { replace: true });
      void jumpTo(seq);
    },
    [id, jumpTo, setSearchParams],
  );

  // Sequence numbers of corrected entries that are not loaded (older pages).
  useEffect(() => {
    const known = new Map(entries.map((e) => [e.id, e.seq]));
    const missing = [...new Set(entries.map((e) => e.correctsId).filter((c): c is string => !!c && !known.has(c) && !(c in targetSeqs)))];
    for (const entryId of missing.slice(0, 10)) {
      api('getEntry', { params: { id: entryId } })
        .then((e) => setTargetSeqs((m) => ({ ...m, [entryId]: e.seq })))
        .catch(() => undefined);
    }
  }, [entries, targetSeqs]);

  const seqOf = useMemo(() => {
    const m = new Map(entries.map((e) => [e.id, e.seq]));
    return (entryId: string | null) => (entryId ? (m.get(entryId) ?? targetSeqs[entryId] ?? null) : null);
  }, [entries, targetSeqs]);

  const recentSources = useMemo(() => [...new Set(entries.map((e) => e.source).filter((s): s is string => !!s))].slice(0, 12), [entries]);

  const closed = event?.status === 'closed';
  // The role's permission, then what this person may do on this event (audience, guest's link).
  const canWrite = can('logbook.write') && !closed && (event?.myAccess.write ?? false);
  const canManage = can('events.manage') && (event?.myAccess.manage ?? false);
  const guest = session.guest;

  const startCorrection = useCallback(
    (entry: Entry, kind: CorrectionKind) => {
      setTarget({ entry, kind });
      setComposerOpen(true);
      setFocusSignal((n) => n + 1);
      if (!isPhone) composerRef.current?.scrollIntoView({ block: 'nearest' });
    },
    [isPhone],
  );

  async function confirmClose() {
    if (!event) return;
    setCloseBusy(true);
    setCloseError(null);
    try {
      setEvent(await api('closeEvent', { params: { id: event.id } }));
      setDialog(null);
      setTarget(null);
    } catch (err) {
      setCloseError(errorMessage(err));
    } finally {
      setCloseBusy(false);
    }
  }

  async function runVerify() {
    if (!event) return;
    setVerifyBusy(true);
    setVerifyError(null);
    setVerify(null);
    try {
      setVerify(await api('verifyEvent', { params: { id: event.id } }));
    } catch (err) {
      setVerifyError(errorMessage(err));
    } finally {
      setVerifyBusy(false);
    }
  }

  if (notFound) return <NotFoundPage />;
  if (!event) {
    return (
      <div className="page">
        {loadError ? (
          <Alert tone="error">
            {loadError}{' '}
            <button type="button" className="link-button" onClick={() => void loadEvent()}>
              {t('action.retry')}
            </button>
          </Alert>
        ) : (
          <p className="muted">{t('app.loading')}</p>
        )}
      </div>
    );
  }

  const activeFilterCount = Object.keys(query).length;

  // The safeguard plan (reflex sheets, resources) is the organisation's: not for guests.
  const member = !guest && event.organisationId === session.organisation.id;

  const sidePanel = (
    <aside className="event-side" aria-label={t('event.side')}>
      {guest ? null : <ReflexSheets event={event} isPhone={isPhone} onEventChanged={setEvent} />}
      {member ? <EventResources event={event} isPhone={isPhone} /> : null}
      <details className="card card--compact side-section" open={!isPhone || undefined}>
        <summary className="side-section__summary">
          <h2 className="card__title">{t('event.info')}</h2>
          <Icon name="chevron" size={18} className="side-section__chevron" />
        </summary>
        {event.description ? <p className="event-description">{event.description}</p> : null}
        <dl className="facts">
          <div>
            <dt>{t('event.type')}</dt>
            <dd>{event.typeName}</dd>
          </div>
          <div>
            <dt>{t('event.startsAt')}</dt>
            <dd>
              <time dateTime={event.startsAt} title={formatFull(event.startsAt)}>
                {formatDateTime(event.startsAt)}
              </time>
            </dd>
          </div>
          {event.endsAt ? (
            <div>
              <dt>{t('event.endsAt')}</dt>
              <dd>{formatDateTime(event.endsAt)}</dd>
            </div>
          ) : null}
          {event.closedAt ? (
            <div>
              <dt>{t('event.closedAt')}</dt>
              <dd>{formatDateTime(event.closedAt)}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('event.createdBy')}</dt>
            <dd>{event.createdByName}</dd>
          </div>
          <div>
            <dt>{t('event.entryCount')}</dt>
            <dd data-testid="entry-count">{event.entryCount}</dd>
          </div>
          <div>
            <dt>{t('event.lastEntry')}</dt>
            <dd>{event.lastEntryAt ? formatRecent(event.lastEntryAt) : '—'}</dd>
          </div>
        </dl>
        <div className="verify">
          <button type="button" className="button button--secondary button--small" onClick={() => void runVerify()} disabled={verifyBusy}>
            <Icon name="shield" size={18} />
            {verifyBusy ? t('event.verify.running') : t('event.verify.button')}
          </button>
          <div aria-live="polite" data-testid="verify-result">
            {verify ? (
              verify.valid ? (
                <Alert tone="success">{t('event.verify.ok', { count: verify.entries })}</Alert>
              ) : (
                <Alert tone="error" title={t('event.verify.brokenTitle')}>
                  {verify.firstInvalid
                    ? t('event.verify.broken', { seq: verify.firstInvalid.seq, reason: verify.firstInvalid.reason })
                    : t('event.verify.brokenUnknown')}
                </Alert>
              )
            ) : null}
            {verifyError ? <Alert tone="error">{verifyError}</Alert> : null}
          </div>
        </div>
      </details>

      <details className="card card--compact side-section" open={!isPhone || undefined} data-testid="sub-events">
        <summary className="side-section__summary">
          <h2 className="card__title">
            {t('event.children')} <span className="count">{event.children.length}</span>
          </h2>
          <Icon name="chevron" size={18} className="side-section__chevron" />
        </summary>
        {event.children.length === 0 ? <p className="muted">{t('event.noChildren')}</p> : null}
        {event.children.length > 0 ? (
          <ul className="subevents">
            {event.children.map((c) => (
              <li key={c.id} className={`subevent subevent--${c.status}`}>
                <Link to={`/evenements/${c.id}`} className="subevent__link">
                  {c.title}
                </Link>
                <span className="subevent__meta">
                  <SeverityChip severity={c.severity} compact />
                  <StatusBadge status={c.status} />
                  <span className="muted">{t(c.entryCount === 1 ? 'event.childEntries.one' : 'event.childEntries.many', { count: c.entryCount })}</span>
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {canManage && !closed ? (
          <button type="button" className="button button--secondary button--small" onClick={() => setDialog('child')}>
            <Icon name="plus" size={18} />
            {t('event.createChild')}
          </button>
        ) : null}
      </details>
    </aside>
  );

  return (
    <div className="page page--wide event-page">
      <header className="event-header">
        <nav aria-label={t('event.breadcrumb')} className="breadcrumb">
          <ol>
            {guest ? null : (
              <li>
                <Link to="/evenements">{t('events.title')}</Link>
              </li>
            )}
            {event.ancestors.map((a) => (
              <li key={a.id}>
                <Link to={`/evenements/${a.id}`}>{a.title}</Link>
              </li>
            ))}
            <li aria-current="page">{event.title}</li>
          </ol>
        </nav>
        <div className="event-header__main">
          <div className="event-header__titles">
            <p className="page__eyebrow">{event.parentId ? t('event.childEyebrow', { type: event.typeName }) : event.typeName}</p>
            <h1 className="page__title">{event.title}</h1>
            <p className="event-header__facts">
              {event.exercise ? <ExerciseBadge /> : null}
              <SeverityChip severity={event.severity} />
              <StatusBadge status={event.status} />
              {guest ? null : <AudienceBadge restricted={event.restricted} />}
              {event.riskName ? <RiskFact name={event.riskName} /> : null}
              <span>
                {t('event.since', { date: formatDateTime(event.startsAt) })}
                {event.endsAt ? ` — ${t('event.until', { date: formatDateTime(event.endsAt) })}` : ''}
              </span>
            </p>
          </div>
          <div className="event-actions">
            <VisioEntry eventId={event.id} closed={closed} />
            {canManage && !closed ? (
              <>
                <button type="button" className="button button--secondary button--small" onClick={() => setDialog('edit')}>
                  <Icon name="edit" size={18} />
                  {t('event.action.edit')}
                </button>
                <button
                  type="button"
                  className="button button--danger-outline button--small"
                  onClick={() => {
                    setCloseError(null);
                    setDialog('close');
                  }}
                >
                  <Icon name="lock" size={18} />
                  {t('event.action.close')}
                </button>
              </>
            ) : null}
            {closed && can('events.reopen') ? (
              <button type="button" className="button button--secondary button--small" onClick={() => setDialog('reopen')}>
                <Icon name="undo" size={18} />
                {t('event.action.reopen')}
              </button>
            ) : null}
            <EventRightsControls event={event} onAudienceChanged={() => void loadEvent()} />
            <button type="button" className="button button--secondary button--small" onClick={() => setDialog('export')}>
              <Icon name="download" size={18} />
              {t('event.action.export')}
            </button>
          </div>
        </div>
        <div className="event-header__live">
          <Presence viewers={viewers} meId={session.user.id} />
          <RealtimeIndicator />
        </div>
      </header>

      {closed ? (
        <div className="closed-banner" role="status" data-testid="closed-banner">
          <Icon name="lock" size={22} />
          <div>
            <p className="closed-banner__title">{t('event.closed.title')}</p>
            <p>{t('event.closed.text', { date: formatDateTime(event.closedAt) })}</p>
          </div>
        </div>
      ) : null}

      <SituationCard event={event} isPhone={isPhone} />

      <div className={`event-layout${tab === 'map' ? ' event-layout--map' : ''}`}>
        <div className="event-main">
          {canWrite && isPhone && composerOpen ? <div className="composer-backdrop" aria-hidden="true" onClick={() => setComposerOpen(false)} /> : null}
          {canWrite && tab !== 'map' ? (
            <div
              ref={composerRef}
              className={`composer${composerOpen ? ' composer--open' : ''}`}
              role={isPhone ? 'dialog' : undefined}
              aria-modal={isPhone && composerOpen ? true : undefined}
              aria-label={isPhone ? t('entryForm.title') : undefined}
            >
              <div className="composer__header">
                <h2 className="composer__title">
                  <Icon name="edit" size={18} />
                  {t('entryForm.title')}
                </h2>
                <button type="button" className="icon-button composer__close" aria-label={t('entryForm.closePanel')} onClick={() => setComposerOpen(false)}>
                  <Icon name="close" />
                </button>
              </div>
              <EntryForm
                eventId={event.id}
                functions={functions.active}
                tags={tags.active}
                recentSources={recentSources}
                target={target}
                onCancelTarget={() => setTarget(null)}
                focusSignal={focusSignal}
                onCreated={(entry) => {
                  addEntry(entry, true);
                  setTarget(null);
                  if (isPhone) setComposerOpen(false);
                }}
              />
            </div>
          ) : null}

          {guest && guest.access === 'read' ? (
            <p className="readonly-note" data-testid="guest-read-only">{t('guests.readOnlyNote')}</p>
          ) : !can('logbook.write') ? (
            <p className="readonly-note">{t('logbook.readOnlyRole')}</p>
          ) : !closed && !event.myAccess.write ? (
            <p className="readonly-note">{t('audience.readOnlyNote')}</p>
          ) : null}

          <EventActionsTabs event={event} tab={tab} onTab={setTab} onJump={onJump} />

          {tab === 'map' ? (
            <div id={EVENT_TAB_PANELS.map} role="tabpanel" aria-labelledby="tab-map" className="event-map-panel">
              <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
                <EventMap
                  event={event}
                  focus={mapFocus}
                  onJump={(seq) => {
                    setTab('logbook');
                    onJump(seq);
                  }}
                />
              </Suspense>
            </div>
          ) : null}

          <section className="logbook" aria-labelledby="logbook-title" id={EVENT_TAB_PANELS.logbook} role="tabpanel" hidden={tab !== 'logbook'}>
            <div className="logbook__header">
              <h2 id="logbook-title" className="section__title">
                {t('logbook.title')}
              </h2>
              <details className="logbook-filters" open={!isPhone && activeFilterCount > 0 ? true : undefined}>
                <summary className="button button--secondary button--small">
                  <Icon name="filter" size={18} />
                  {t('logbook.filters')}
                  {activeFilterCount > 0 ? <span className="count count--inverse">{activeFilterCount}</span> : null}
                </summary>
                <div className="logbook-filters__body" role="search" aria-label={t('logbook.filters')}>
                  <SelectField
                    label={t('logbook.filter.tag')}
                    value={filters.tag}
                    onChange={(e) => setFilters((f) => ({ ...f, tag: e.target.value }))}
                    options={[{ value: '', label: t('logbook.filter.all') }, ...(tags.items ?? []).map((tg) => ({ value: tg.name, label: tg.name }))]}
                  />
                  <SelectField
                    label={t('logbook.filter.function')}
                    value={filters.functionName}
                    onChange={(e) => setFilters((f) => ({ ...f, functionName: e.target.value }))}
                    options={[{ value: '', label: t('logbook.filter.all') }, ...(functions.items ?? []).map((fn) => ({ value: fn.name, label: fn.name }))]}
                  />
                  <TextField label={t('logbook.filter.source')} type="search" value={sourceInput} onChange={(e) => setSourceInput(e.target.value)} />
                  <SelectField
                    label={t('logbook.filter.importance')}
                    value={filters.important}
                    onChange={(e) => setFilters((f) => ({ ...f, important: e.target.value as Filters['important'] }))}
                    options={[
                      { value: '', label: t('logbook.filter.all') },
                      { value: 'true', label: t('logbook.filter.importantOnly') },
                      { value: 'false', label: t('logbook.filter.notImportant') },
                    ]}
                  />
                  <TextField label={t('logbook.filter.from')} type="date" value={filters.from} onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value }))} />
                  <TextField label={t('logbook.filter.to')} type="date" value={filters.to} onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value }))} />
                  {activeFilterCount > 0 ? (
                    <button
                      type="button"
                      className="button button--tertiary button--small logbook-filters__reset"
                      onClick={() => {
                        setFilters(noFilters);
                        setSourceInput('');
                      }}
                    >
                      {t('logbook.filter.reset')}
                    </button>
                  ) : null}
                </div>
              </details>
            </div>

            {pendingNew > 0 ? (
              <button
                type="button"
                className="new-pill"
                onClick={() => {
                  setPendingNew(0);
                  const top = (listRef.current?.getBoundingClientRect().top ?? 0) + window.scrollY - 160;
                  window.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
                }}
              >
                <Icon name="arrowUp" size={18} />
                {t(pendingNew === 1 ? 'logbook.newEntries.one' : 'logbook.newEntries.many', { count: pendingNew })}
              </button>
            ) : null}

            <div aria-live="polite">{notice ? <Alert tone="info">{notice}</Alert> : null}</div>
            <RetryAlert message={pageError} onRetry={() => void (firstLoaded ? loadMore() : loadFirst(false))} />
            {!firstLoaded && !pageError ? <p className="muted">{t('app.loading')}</p> : null}
            {firstLoaded && entries.length === 0 ? <p className="empty">{filtered ? t('logbook.emptyFiltered') : t('logbook.empty')}</p> : null}

            <ol className="entries" ref={listRef} data-testid="entries" aria-label={t('logbook.listLabel')}>
              {entries.map((e) => (
                <EntryItem
                  key={e.id}
                  entry={e}
                  eventId={event.id}
                  targetSeq={seqOf(e.correctsId)}
                  canAct={canWrite}
                  highlighted={highlightSeq === e.seq}
                  fresh={fresh.has(e.id)}
                  onCorrect={startCorrection}
                  onJump={onJump}
                  onShowOnMap={(entry) => {
                    setMapFocus({ entryId: entry.id, nonce: Date.now() });
                    setTab('map');
                  }}
                />
              ))}
            </ol>
            <div ref={sentinelRef} className="entries__sentinel" aria-hidden="true" />
            {firstLoaded && nextBefore !== null ? (
              <div className="pager">
                <button type="button" className="button button--secondary" onClick={() => void loadMore()} disabled={loadingMore}>
                  {loadingMore ? t('app.loading') : t('action.loadMore')}
                </button>
              </div>
            ) : null}
            {firstLoaded && nextBefore === null && entries.length > 0 ? <p className="logbook__end">{t('logbook.end')}</p> : null}
          </section>
        </div>
        {tab === 'map' ? null : sidePanel}
      </div>

      {canWrite && !composerOpen && tab !== 'map' ? (
        <button type="button" className="composer-fab" onClick={() => {
          setComposerOpen(true);
          setFocusSignal((n) => n + 1);
        }}>
          <Icon name="plus" size={22} />
          {t('entryForm.open')}
        </button>
      ) : null}

      {canManage ? (
        <>
          <EditEventDialog event={event} open={dialog === 'edit'} onClose={() => setDialog(null)} onSaved={(e) => {
            setEvent(e);
            setDialog(null);
          }} />
          <ConfirmDialog
            open={dialog === 'close'}
            title={t('event.closeConfirm.title', { title: event.title })}
            confirmLabel={t('event.closeConfirm.confirm')}
            danger
            busy={closeBusy}
            error={closeError}
            onCancel={() => setDialog(null)}
            onConfirm={() => void confirmClose()}
          >
            <p>{t('event.closeConfirm.text')}</p>
          </ConfirmDialog>
          <NewEventDialog
            open={dialog === 'child'}
            onClose={() => setDialog(null)}
            types={types.active}
            parents={[{ id: event.id, title: event.title }]}
            parentId={event.id}
            onCreated={(child) => {
              setDialog(null);
              void loadEvent();
              setNotice(t('event.childCreated', { title: child.title }));
            }}
          />
        </>
      ) : null}
      {can('events.reopen') ? (
        <ReopenEventDialog event={event} open={dialog === 'reopen'} onClose={() => setDialog(null)} onDone={(e) => {
          setEvent(e);
          setDialog(null);
        }} />
      ) : null}
      <ExportDialog event={event} open={dialog === 'export'} onClose={() => setDialog(null)} />
    </div>
  );
}
