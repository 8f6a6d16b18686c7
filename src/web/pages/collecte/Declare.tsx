import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CampaignDetail, Declaration, DeclarationHistory, UnusualValueDetail } from '../../../shared';
import { ApiError, api, errorMessage } from '../../api/client';
import { Alert, LiveMessage } from '../../components/Alert';
import { ConfirmDialog } from '../../components/Dialog';
import { TextareaField } from '../../components/Field';
import { formatDateTime, formatTime, t } from '../../i18n';
import { useSession } from '../../session';
import { addDays, formatIsoDay, parisToday, periodOf, periodsUntil } from './dates';
import { dequeue, enqueue, flushQueue, onSent, queueId, useOfflineQueue } from './offlineQueue';
import { CorrectionHistory } from './CorrectionHistory';

type Values = Record<string, string>;

function emptyValues(campaign: CampaignDetail): Values {
  return Object.fromEntries(campaign.indicators.map((i) => [i.key, '']));
}

function toStrings(values: Record<string, number>): Values {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

/** The commune's declaration screen: one large numeric field per indicator, phone first. */
export function DeclarePage({ campaign }: { campaign: CampaignDetail }) {
  const session = useSession();
  const insee = session.organisation.inseeCode ?? '';
  const asked = campaign.communes.some((c) => c.inseeCode === insee);
  const today = periodOf(parisToday(), campaign.period);
  const [date, setDate] = useState(today);
  const [declarations, setDeclarations] = useState<Map<string, Declaration> | null>(null);
  const [values, setValues] = useState<Values>(() => emptyValues(campaign));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [unusual, setUnusual] = useState<UnusualValueDetail[] | null>(null);
  const [history, setHistory] = useState<DeclarationHistory | null>(null);
  const queue = useOfflineQueue(session.user.id);
  const queuedHere = queue.filter((q) => q.campaignId === campaign.id).sort((a, b) => a.date.localeCompare(b.date));
  const queuedNow = queuedHere.find((q) => q.date === date) ?? null;

  // The last 60 days (the missing-days list), reaching further back when an older date is chosen
  // (a year at most per request, the server's limit).
  const recentFrom = campaign.startDate > addDays(today, -60) ? campaign.startDate : addDays(today, -60);
  const loadFrom = date < recentFrom ? (date < addDays(today, -365) ? addDays(today, -365) : date) : recentFrom;
  const loadDeclarations = useCallback(async () => {
    if (!asked) return;
    const from = loadFrom;
    try {
      const { declarations: list } = await api('listDeclarations', { params: { id: campaign.id }, query: { from, to: today, inseeCode: insee } });
      setDeclarations(new Map(list.map((d) => [d.date, d])));
    } catch (err) {
      setFormError(errorMessage(err));
    }
  }, [asked, campaign.id, insee, today, loadFrom]);

  useEffect(() => {
    void loadDeclarations();
  }, [loadDeclarations]);

  const existing = declarations?.get(date) ?? null;

  // Prefill with what waits on this device, else the saved values, when the date changes (or once they are loaded).
  // What the person typed for the date shown is never wiped by a load that ends after they started
  // (a slow phone connection): the prefill only happens on a new date or on an untouched form.
  const touched = useRef(false);
  const prefilledDate = useRef<string | null>(null);
  useEffect(() => {
    if (touched.current && prefilledDate.current === date) return;
    prefilledDate.current = date;
    touched.current = false;
    if (queuedNow) {
      setValues({ ...emptyValues(campaign), ...toStrings(queuedNow.values) });
      setReason(queuedNow.reason ?? '');
    } else {
      setValues(existing ? { ...emptyValues(campaign), ...toStrings(existing.values) } : emptyValues(campaign));
      setReason('');
    }
    setErrors({});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [date, existing?.version, declarations === null]);

  // A declaration that waited for the network has left: show it saved.
  useEffect(
    () =>
      onSent((item) => {
        if (item.campaignId !== campaign.id) return;
        void loadDeclarations();
        setDone(t('collecte.offline.sent', { date: formatIsoDay(item.date) }));
      }),
    [campaign.id, loadDeclarations],
  );

  useEffect(() => {
    setHistory(null);
    if (!existing) return;
    let cancelled = false;
    api('getDeclarationHistory', { params: { id: campaign.id, inseeCode: insee, date } })
      .then((h) => !cancelled && setHistory(h))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [campaign.id, insee, date, existing?.version]); // eslint-disable-line react-hooks/exhaustive-deps

  const missingDays = useMemo(
    () => (declarations ? periodsUntil(campaign.startDate, today, campaign.period).filter((d) => !declarations.has(d)) : []),
    [declarations, campaign.startDate, campaign.period, today],
  );

  const changed = existing ? campaign.indicators.some((i) => values[i.key] !== String(existing.values[i.key] ?? '')) : true;

  function check(): Record<string, number> | null {
    const errs: Record<string, string> = {};
    const out: Record<string, number> = {};
    for (const i of campaign.indicators) {
      const raw = (values[i.key] ?? '').trim();
      if (raw === '') errs[i.key] = t('collecte.form.required');
      else if (!/^\d+$/.test(raw)) errs[i.key] = t('collecte.form.integer');
      else out[i.key] = Number(raw);
    }
    if (existing && changed && !reason.trim()) errs.reason = t('collecte.form.reasonRequired');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('error.formInvalid'));
      return null;
    }
    return out;
  }

  async function send(confirmUnusual: boolean) {
    const parsed = check();
    if (!parsed) return;
    setBusy(true);
    setFormError(null);
    setDone(null);
    const body = { values: parsed, ...(existing && changed ? { reason: reason.trim() } : {}), ...(confirmUnusual ? { confirmUnusual: true } : {}) };
    const keep = () => {
      // No network: kept on this device and sent when it comes back (the PUT is idempotent).
      enqueue({ id: queueId(campaign.id, insee, date), userId: session.user.id, campaignId: campaign.id, inseeCode: insee, date, ...body });
      setUnusual(null);
      setDone(null);
    };
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      keep();
      setBusy(false);
      return;
    }
    try {
      const saved = await api('putDeclaration', { params: { id: campaign.id, inseeCode: insee, date }, body });
      dequeue(queueId(campaign.id, insee, date));
      setUnusual(null);
      const time = formatTime(saved.updatedAt);
      setDone(
        existing && saved.version === existing.version
          ? t('collecte.form.unchanged')
          : existing
            ? t('collecte.form.corrected', { time })
            : t('collecte.form.success', { time }),
      );
      setDeclarations((prev) => new Map(prev ?? []).set(saved.date, saved));
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'network_error' || err.code === 'unavailable')) {
        keep();
        return;
      }
      if (err instanceof ApiError && err.code === 'unusual_value' && Array.isArray(err.details)) {
        setUnusual(err.details as UnusualValueDetail[]);
      } else {
        setUnusual(null);
        if (err instanceof ApiError && err.code === 'reason_required') setErrors({ reason: err.message });
        else if (err instanceof ApiError && err.code === 'validation_failed') {
          const fe = err.fieldErrors;
          setErrors(Object.fromEntries(Object.entries(fe).map(([k, v]) => [k.replace(/^values\./, ''), v])));
        }
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void send(false);
  }

  if (!asked) return <Alert tone="error">{t('collecte.form.noCommune')}</Alert>;
  if (campaign.status !== 'active') return <Alert tone="warning">{t('collecte.form.notActive')}</Alert>;

  const labelOf = (key: string) => campaign.indicators.find((i) => i.key === key)?.label ?? key;

  return (
    <div className="declare">
      {queuedHere.length ? (
        <section className="card offline-queue" aria-labelledby="offline-title" data-testid="offline-pending" role="status">
          <h2 id="offline-title" className="card__title">
            {t('collecte.offline.title', { count: queuedHere.length })}
          </h2>
          <p className="muted small">{t('collecte.offline.intro')}</p>
          <ul className="offline-queue__list">
            {queuedHere.map((q) => (
              <li key={q.id} className={`offline-queue__item offline-queue__item--${q.state}`}>
                <button type="button" className="link-button" onClick={() => setDate(q.date)}>
                  {formatIsoDay(q.date)}
                </button>{' '}
                — {q.state === 'waiting' ? t('collecte.offline.itemWaiting') : t('collecte.offline.itemAttention', { error: q.error ?? '' })}
              </li>
            ))}
          </ul>
          <button type="button" className="button button--secondary button--small" onClick={() => void flushQueue(session.user.id)}>
            {t('collecte.offline.retry')}
          </button>
        </section>
      ) : null}
      <form onSubmit={submit} noValidate className="form card declare__form" aria-labelledby="declare-title">
        <h2 id="declare-title" className="card__title">
          {t('collecte.home.title')} — {formatIsoDay(date)}
        </h2>
        <div className="field">
          <label className="field__label" htmlFor="declare-date">
            {t('collecte.form.date')}
          </label>
          <p className="field__hint" id="declare-date-hint">
            {t('collecte.form.dateHint')}
          </p>
          <input
            id="declare-date"
            className="input"
            type="date"
            value={date}
            min={campaign.startDate}
            max={today}
            step={campaign.period === 'weekly' ? 7 : 1}
            aria-describedby="declare-date-hint"
            onChange={(e) => {
              if (e.target.value) {
                setDate(periodOf(e.target.value, campaign.period));
                setDone(null);
                setFormError(null);
              }
            }}
          />
        </div>
        {queuedNow ? (
          <p className={`declare__state ${queuedNow.state === 'waiting' ? 'declare__state--waiting' : 'declare__state--todo'}`} data-testid="declare-state">
            {queuedNow.state === 'waiting'
              ? t('collecte.offline.waiting', { when: formatTime(queuedNow.queuedAt) })
              : t('collecte.offline.attention', { error: queuedNow.error ?? '' })}
          </p>
        ) : (
          <p className={`declare__state ${existing ? 'declare__state--done' : 'declare__state--todo'}`} data-testid="declare-state">
            {existing
              ? t('collecte.form.alreadyDeclared', { when: formatDateTime(existing.updatedAt), by: existing.updatedBy ?? existing.declaredBy })
              : t('collecte.form.notDeclared')}
          </p>
        )}
        <p className="muted declare__note">{t('collecte.form.empty')}</p>
        <LiveMessage tone="error" message={formError} />
        {campaign.indicators.map((i) => (
          <div key={i.key} className={`field declare__field${errors[i.key] ? ' field--error' : ''}`}>
            <label htmlFor={`ind-${i.key}`} className="field__label">
              {i.label}
            </label>
            {i.help ? (
              <p id={`ind-${i.key}-hint`} className="field__hint">
                {i.help}
              </p>
            ) : null}
            <input
              id={`ind-${i.key}`}
              className="input input--big"
              type="text"
              inputMode="numeric"
              pattern="[0-9]*"
              autoComplete="off"
              placeholder="—"
              value={values[i.key] ?? ''}
              aria-invalid={errors[i.key] ? true : undefined}
              aria-describedby={[i.help ? `ind-${i.key}-hint` : '', errors[i.key] ? `ind-${i.key}-error` : ''].filter(Boolean).join(' ') || undefined}
              onChange={(e) => {
                touched.current = true;
                setValues((v) => ({ ...v, [i.key]: e.target.value.replace(/[^\d]/g, '') }));
                setErrors(({ [i.key]: _gone, ...rest }) => rest);
                setFormError(null);
              }}
            />
            {errors[i.key] ? (
              <p id={`ind-${i.key}-error`} className="field__error">
                <span>{errors[i.key]}</span>
              </p>
            ) : null}
          </div>
        ))}
        {existing && changed ? (
          <TextareaField
            label={t('collecte.form.reason')}
            hint={t('collecte.form.reasonHint')}
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={errors.reason}
          />
        ) : null}
        <div className="declare__actions">
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? t('collecte.form.sending') : existing ? t('collecte.form.submitCorrection') : t('collecte.form.submit')}
          </button>
        </div>
        {done ? (
          <div role="status" aria-live="polite">
            <Alert tone="success">{done}</Alert>
          </div>
        ) : null}
      </form>

      <section className="card declare__side" aria-labelledby="missing-title">
        <h2 id="missing-title" className="card__title">
          {t('collecte.form.missingDays')}
        </h2>
        {declarations && missingDays.length === 0 ? <p className="muted">{t('collecte.form.missingNone')}</p> : null}
        <ul className="chip-list">
          {missingDays.map((d) => (
            <li key={d}>
              <button type="button" className={`chip${d === date ? ' chip--active' : ''}`} aria-pressed={d === date} onClick={() => setDate(d)}>
                {formatIsoDay(d)}
              </button>
            </li>
          ))}
        </ul>
        {existing ? (
          <>
            <h2 className="card__title declare__history-title">{t('collecte.history.title')}</h2>
            {history && history.corrections.length === 0 ? <p className="muted">{t('collecte.history.empty')}</p> : null}
            {history ? <CorrectionHistory history={history} labelOf={labelOf} testId="declaration-history" /> : null}
          </>
        ) : null}
      </section>

      <ConfirmDialog
        open={unusual !== null}
        title={t('collecte.unusual.title')}
        confirmLabel={t('collecte.unusual.confirm')}
        busy={busy}
        onCancel={() => setUnusual(null)}
        onConfirm={() => void send(true)}
      >
        <p>{t('collecte.unusual.intro')}</p>
        <ul className="unusual-list">
          {unusual?.map((u) => (
            <li key={u.indicator}>
              {t('collecte.unusual.item', { label: u.label, value: u.value, usualMax: u.usualMax, days: u.historyDays, limit: u.limit })}
            </li>
          ))}
        </ul>
      </ConfirmDialog>
    </div>
  );
}
