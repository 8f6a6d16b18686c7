import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { topicOf, type EventDetail } from '../../../shared';
import type { EventReflexSheets, ReflexRun, Risk } from '../../../shared/schemas/pcs';
import { ApiError, api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { formatRecent, formatFull, t } from '../../i18n';
import { useCan, useSession } from '../../session';
import { RetryAlert } from '../Alert';
import { SelectField } from '../Field';
import { Icon } from '../Icon';
import './pcs.css';

interface Props {
  event: EventDetail;
  isPhone: boolean;
  /** The event as saved after a risk was attached here. */
  onEventChanged: (event: EventDetail) => void;
}

type Step = ReflexRun['steps'][number];

function doneCount(run: ReflexRun): number {
  return run.steps.filter((s) => s.status === 'done').length;
}

/**
 * The reflex sheets of the event's risk (plan communal de sauvegarde): those proposed, with a
 * « Démarrer » button, and those started as checklists whose steps are the event's actions (ticking
 * one sets the action to done, written in the main courante). Live on `reflex.started` and
 * `action.updated`.
 */
export function ReflexSheets({ event, isPhone, onEventChanged }: Props) {
  const session = useSession();
  const can = useCan();
  const [data, setData] = useState<EventReflexSheets | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busySteps, setBusySteps] = useState<ReadonlySet<string>>(new Set());
  const [stepError, setStepError] = useState<{ runId: string; message: string } | null>(null);
  const [open, setOpen] = useState(!isPhone);
  const openedOnce = useRef(!isPhone);
  const generation = useRef(0);

  const closed = event.status === 'closed';
  const member = !session.guest && event.organisationId === session.organisation.id;
  const canStart = !closed && event.myAccess.write && !session.guest && member && can('logbook.write');
  const canAttach = !closed && member && can('events.manage') && event.myAccess.manage;

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const res = await api('getEventReflexSheets', { params: { id: event.id } });
      if (gen !== generation.current) return;
      setData(res);
      setError(null);
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err));
    }
  }, [event.id]);

  // Again when the event's risk changes (attached here, or by someone else: `event.updated`).
  useEffect(() => {
    void load();
  }, [load, event.riskId]);

  // On a phone the section is folded (its summary gives the progress), unless the event is starting:
  // none started yet, and sheets to start or a risk to attach.
  useEffect(() => {
    if (!data || openedOnce.current) return;
    openedOnce.current = true;
    if (data.runs.length === 0 && ((canStart && data.proposed.length > 0) || (canAttach && !data.risk))) setOpen(true);
  }, [data, canStart, canAttach]);

  const applyStep = useCallback((actionId: string, status: Step['status']) => {
    setData((prev) => {
      if (!prev) return prev;
      let changed = false;
      const runs = prev.runs.map((r) => {
        if (!r.steps.some((s) => s.actionId === actionId && s.status !== status)) return r;
        changed = true;
        return { ...r, steps: r.steps.map((s) => (s.actionId === actionId ? { ...s, status } : s)) };
      });
      return changed ? { ...prev, runs } : prev;
    });
  }, []);

  useRealtimeTopic(topicOf('event', event.id), {
    onEvent: (ev) => {
      if (ev.kind === 'reflex.started' && ev.eventId === event.id) void load();
      else if (ev.kind === 'action.updated' && ev.action.eventId === event.id) applyStep(ev.action.id, ev.action.status);
    },
    onResync: () => void load(),
  });

  async function start(sheetId: string) {
    setStarting(sheetId);
    setStartError(null);
    setNotice(null);
    try {
      const run = await api('startReflexSheet', { params: { id: event.id, sheetId } });
      setData((prev) =>
        prev ? { ...prev, proposed: prev.proposed.filter((s) => s.id !== sheetId), runs: prev.runs.some((r) => r.id === run.id) ? prev.runs : [...prev.runs, run] } : prev,
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === 'reflex_sheet_started') {
        setNotice(t('pcsEvent.sheets.alreadyStarted'));
        void load();
      } else setStartError(errorMessage(err));
    } finally {
      setStarting(null);
    }
  }

  async function tick(run: ReflexRun, step: Step, checked: boolean) {
    const status = checked ? 'done' : 'todo';
    setStepError(null);
    setBusySteps((prev) => new Set(prev).add(step.actionId));
    const before = step.status;
    applyStep(step.actionId, status);
    try {
      const action = await api('changeActionStatus', { params: { id: step.actionId }, body: { status } });
      applyStep(action.id, action.status);
    } catch (err) {
      applyStep(step.actionId, before);
      setStepError({ runId: run.id, message: errorMessage(err) });
    } finally {
      setBusySteps((prev) => {
        const next = new Set(prev);
        next.delete(step.actionId);
        return next;
      });
    }
  }

  const title = data?.risk ? t('pcsEvent.sheets.titleRisk', { risk: data.risk.name }) : event.riskName ? t('pcsEvent.sheets.titleRisk', { risk: event.riskName }) : t('pcsEvent.sheets.title');
  const totalSteps = data ? data.runs.reduce((n, r) => n + r.steps.length, 0) : 0;
  const totalDone = data ? data.runs.reduce((n, r) => n + doneCount(r), 0) : 0;

  return (
    <details
      className="card card--compact side-section pcs-panel"
      data-testid="reflex-sheets"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary className="side-section__summary">
        <h2 className="card__title pcs-panel__title">
          <span>{title}</span>
          {data && data.runs.length > 0 ? (
            <span className="count" aria-label={t('pcsEvent.sheets.progressLabel', { done: totalDone, total: totalSteps })}>
              {t('pcsEvent.sheets.progress', { done: totalDone, total: totalSteps })}
            </span>
          ) : null}
        </h2>
        <Icon name="chevron" size={18} className="side-section__chevron" />
      </summary>

      <RetryAlert message={error} onRetry={() => void load()} />
      {data === null && !error ? <p className="muted">{t('app.loading')}</p> : null}

      {data && !data.risk ? (
        <>
          <p className="muted pcs-panel__note">{t('pcsEvent.sheets.noRisk')}</p>
          {canAttach ? <AttachRisk event={event} onEventChanged={onEventChanged} /> : null}
        </>
      ) : null}

      {data && data.risk && data.proposed.length === 0 && data.runs.length === 0 ? <p className="muted pcs-panel__note">{t('pcsEvent.sheets.noSheets')}</p> : null}

      <div aria-live="polite">{notice ? <p className="pcs-panel__notice">{notice}</p> : null}</div>

      {data && data.runs.length > 0 ? (
        <ul className="pcs-runs" aria-label={t('pcsEvent.sheets.started')}>
          {data.runs.map((run) => (
            <RunChecklist
              key={run.id}
              run={run}
              busySteps={busySteps}
              readOnly={closed}
              error={stepError?.runId === run.id ? stepError.message : null}
              onTick={(step, checked) => void tick(run, step, checked)}
            />
          ))}
        </ul>
      ) : null}

      {data && data.proposed.length > 0 ? (
        <div className="pcs-proposed">
          <h3 className="pcs-subtitle">{t('pcsEvent.sheets.proposed')}</h3>
          {canStart ? <p className="muted small">{t('pcsEvent.sheets.startIntro')}</p> : null}
          {startError ? (
            <p className="form-error" role="alert">
              <Icon name="alert" size={16} /> {startError}
            </p>
          ) : null}
          <ul className="pcs-sheets">
            {data.proposed.map((sheet) => (
              <li key={sheet.id} className="pcs-sheet" data-sheet-title={sheet.title}>
                <div className="pcs-sheet__text">
                  <strong className="pcs-sheet__title">{sheet.title}</strong>
                  <span className="pcs-sheet__meta">
                    {t('pcsEvent.sheets.function', { name: sheet.functionName })} ·{' '}
                    {t(sheet.steps.length === 1 ? 'pcsEvent.sheets.steps.one' : 'pcsEvent.sheets.steps.many', { count: sheet.steps.length })}
                  </span>
                </div>
                {canStart ? (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-label={t('pcsEvent.sheets.startLabel', { title: sheet.title })}
                    disabled={starting !== null}
                    onClick={() => void start(sheet.id)}
                  >
                    <Icon name="arrow" size={16} />
                    {starting === sheet.id ? t('pcsEvent.sheets.starting') : t('pcsEvent.sheets.start')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : data && data.risk && data.runs.length > 0 && member ? (
        <p className="muted small">{t('pcsEvent.sheets.allStarted')}</p>
      ) : null}
    </details>
  );
}

function RunChecklist({
  run,
  busySteps,
  readOnly,
  error,
  onTick,
}: {
  run: ReflexRun;
  busySteps: ReadonlySet<string>;
  /** The event is closed: the steps are shown, not changed. */
  readOnly: boolean;
  error: string | null;
  onTick: (step: Step, checked: boolean) => void;
}) {
  const titleId = useId();
  const done = doneCount(run);
  const total = run.steps.length;
  const complete = total > 0 && done === total;
  return (
    <li className={`pcs-run${complete ? ' pcs-run--complete' : ''}`} aria-labelledby={titleId} data-run-title={run.title}>
      <div className="pcs-run__header">
        <h3 id={titleId} className="pcs-run__title">
          {complete ? <Icon name="check" size={16} /> : null}
          {run.title}
        </h3>
        <span className="pcs-run__progress" data-testid="reflex-progress" aria-label={t('pcsEvent.sheets.progressLabel', { done, total })}>
          {t('pcsEvent.sheets.progress', { done, total })}
        </span>
      </div>
      <div className="progress pcs-run__bar" aria-hidden="true">
        <div className="progress__bar" style={{ width: `${total ? Math.round((done / total) * 100) : 0}%` }} />
      </div>
      <p className="pcs-run__meta">
        {t('pcsEvent.sheets.function', { name: run.functionName })} ·{' '}
        <time dateTime={run.startedAt} title={formatFull(run.startedAt)}>
          {t('pcsEvent.sheets.startedBy', { name: run.startedByName, date: formatRecent(run.startedAt) })}
        </time>
      </p>
      <ul className="pcs-steps" aria-label={t('pcsEvent.sheets.stepsLabel', { title: run.title })}>
        {run.steps.map((s) => {
          const cancelled = s.status === 'cancelled';
          return (
            <li key={s.actionId} className={`pcs-step pcs-step--${s.status}`} data-status={s.status}>
              <label className="pcs-step__label">
                <input
                  type="checkbox"
                  checked={s.status === 'done'}
                  disabled={readOnly || !s.canChange || cancelled || busySteps.has(s.actionId)}
                  onChange={(e) => onTick(s, e.target.checked)}
                />
                <span>
                  {s.text}
                  {cancelled ? <span className="muted"> {t('pcsEvent.sheets.cancelled')}</span> : null}
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      {error ? (
        <p className="form-error" role="alert">
          <Icon name="alert" size={16} /> {error}
        </p>
      ) : null}
    </li>
  );
}

/** For managers of an event without a risk: attach one of the plan's risks (its sheets are then proposed). */
function AttachRisk({ event, onEventChanged }: { event: EventDetail; onEventChanged: (event: EventDetail) => void }) {
  const [risks, setRisks] = useState<Risk[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [riskId, setRiskId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setRisks((await api('listRisks')).risks);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function attach() {
    if (!riskId) return;
    setBusy(true);
    setError(null);
    try {
      onEventChanged(await api('updateEvent', { params: { id: event.id }, body: { riskId } }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (loadError) return <RetryAlert message={loadError} onRetry={() => void load()} />;
  if (!risks) return <p className="muted small">{t('app.loading')}</p>;
  if (risks.length === 0) return null;
  return (
    <form
      className="pcs-attach"
      onSubmit={(e) => {
        e.preventDefault();
        void attach();
      }}
    >
      <SelectField
        label={t('pcsEvent.sheets.attachLabel')}
        value={riskId}
        onChange={(e) => setRiskId(e.target.value)}
        options={[{ value: '', label: t('pcsEvent.sheets.attachChoose') }, ...risks.map((r) => ({ value: r.id, label: r.name }))]}
        error={error}
      />
      <button type="submit" className="button button--secondary button--small" disabled={!riskId || busy}>
        {busy ? t('pcsEvent.sheets.attaching') : t('pcsEvent.sheets.attachSubmit')}
      </button>
    </form>
  );
}
