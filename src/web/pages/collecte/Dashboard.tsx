import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { alertLevelLabels, TOTAL_INDICATOR, topicOf, type CampaignDetail, type Completeness, type Overview, type Totals } from '../../../shared';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { Alert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { RealtimeIndicator } from '../../components/RealtimeIndicator';
import { formatDateTime, formatTime, t, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { AlarmsCard } from './AlarmsCard';
import { CommuneMap, Swatch } from './CommuneMap';
import { CommunePanel } from './CommunePanel';
import { CompletenessCard } from './CompletenessCard';
import { addDays, formatIsoDay, parisToday, periodOf } from './dates';
import { LEVEL_COLORS, LEVEL_INK, mapModes, mapStyles, valueFor, type MapMode } from './levels';
import { TotalsChart } from './TotalsChart';
import { ExportDialog, ImportDialog } from './TransferDialogs';

const fmt1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const fmt0 = new Intl.NumberFormat('fr-FR');

const modeLabels: Record<MapMode, MessageKey> = {
  count: 'collecte.mode.count',
  rate7: 'collecte.mode.rate7',
  ratePeriod: 'collecte.mode.ratePeriod',
  level: 'collecte.mode.level',
};

/** Days of department totals shown under the map. */
const TOTALS_DAYS = 60;

/** Prefecture view of a campaign: department level, map, alarms, completeness, a commune's series — live. */
export function DashboardPage({ campaign }: { campaign: CampaignDetail }) {
  const session = useSession();
  const today = periodOf(parisToday(), campaign.period);
  const step = campaign.period === 'weekly' ? 7 : 1;
  const [params, setParams] = useSearchParams();
  const date = params.get('date') && /^\d{4}-\d{2}-\d{2}$/.test(params.get('date')!) ? periodOf(params.get('date')!, campaign.period) : today;
  const indicatorParam = params.get('indicateur') ?? TOTAL_INDICATOR;
  const indicator = indicatorParam === TOTAL_INDICATOR || campaign.indicators.some((i) => i.key === indicatorParam) ? indicatorParam : TOTAL_INDICATOR;
  const mode = (mapModes as string[]).includes(params.get('carte') ?? '') ? (params.get('carte') as MapMode) : 'count';
  const selected = params.get('commune');
  const set = useCallback(
    (changes: Record<string, string | null>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null) next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const [overview, setOverview] = useState<Overview | null>(null);
  const [completeness, setCompleteness] = useState<Completeness | null>(null);
  const [totals, setTotals] = useState<Totals | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [dialog, setDialog] = useState<'export' | 'import' | null>(null);
  /** Bumped on every change that concerns the selected commune (its panel reloads). */
  const [communeVersion, setCommuneVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      const [o, c] = await Promise.all([
        api('getOverview', { params: { id: campaign.id }, query: { date, indicator } }),
        api('getCompleteness', { params: { id: campaign.id }, query: { date } }),
      ]);
      setOverview(o);
      setCompleteness(c);
      setUpdatedAt(new Date());
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [campaign.id, date, indicator]);

  const loadTotals = useCallback(async () => {
    const from = addDays(date, -(TOTALS_DAYS - 1) * step);
    try {
      setTotals(await api('getTotals', { params: { id: campaign.id }, query: { from: from < campaign.startDate ? campaign.startDate : from, to: date } }));
    } catch {
      setTotals(null);
    }
  }, [campaign.id, campaign.startDate, date, step]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    void loadTotals();
  }, [loadTotals]);

  // Many communes answer in the same minute: reloads are grouped.
  const pending = useRef<number | null>(null);
  const scheduleReload = useCallback(
    (withTotals: boolean) => {
      if (pending.current !== null) window.clearTimeout(pending.current);
      pending.current = window.setTimeout(() => {
        pending.current = null;
        void load();
        if (withTotals) void loadTotals();
      }, 250);
    },
    [load, loadTotals],
  );
  useEffect(() => () => void (pending.current !== null && window.clearTimeout(pending.current)), []);

  useRealtimeTopic(topicOf('campaign', campaign.id), {
    onEvent: (event) => {
      if (event.kind === 'declaration.saved') {
        const d = event.declaration;
        if (d.date <= date) scheduleReload(d.date > addDays(date, -TOTALS_DAYS * step));
        if (d.inseeCode === selected) setCommuneVersion((v) => v + 1);
      } else if (event.kind === 'detection.updated') {
        scheduleReload(false);
        if (selected && event.areas.includes(selected)) setCommuneVersion((v) => v + 1);
      } else if (event.kind === 'declarations.imported' || event.kind === 'campaign.updated') {
        scheduleReload(true);
        setCommuneVersion((v) => v + 1);
      }
    },
    onResync: () => scheduleReload(true),
  });

  const { styles, legend } = useMemo(() => (overview ? mapStyles(overview.communes, mode) : { styles: new Map(), legend: [] }), [overview, mode]);
  const byCode = useMemo(() => new Map(overview?.communes.map((c) => [c.inseeCode, c]) ?? []), [overview]);
  const selectedCommune = selected ? (byCode.get(selected) ?? null) : null;
  const indicatorLabel = overview?.indicatorLabel ?? t('collecte.dash.total');
  const canManage = session.permissions.includes('campaigns.manage');
  const canOnboard = session.permissions.includes('communes.onboard');

  const describe = (code: string) => {
    const c = byCode.get(code);
    if (!c) return null;
    const v = valueFor(c, mode);
    const what =
      mode === 'level'
        ? alertLevelLabels[c.level]
        : v === null
          ? t('collecte.dash.noAnswer')
          : mode === 'count'
            ? fmt0.format(v)
            : t('collecte.dash.ratePer100k', { rate: fmt1.format(v) });
    return `${c.name} : ${what}`;
  };

  const dep = overview?.department;
  return (
    <div className="dashboard">
      <div className="dashboard__actions">
        <Link className="button button--secondary button--small" to={`/collecte/${campaign.id}/rapport?date=${date}`}>
          <Icon name="file" size={18} /> {t('collecte.dash.report')}
        </Link>
        <button type="button" className="button button--secondary button--small" onClick={() => setDialog('export')}>
          <Icon name="download" size={18} /> {t('collecte.dash.export')}
        </button>
        {canManage ? (
          <button type="button" className="button button--secondary button--small" onClick={() => setDialog('import')}>
            <Icon name="arrowUp" size={18} /> {t('collecte.dash.import')}
          </button>
        ) : null}
        {canManage ? (
          <Link className="button button--secondary button--small" to={`/collecte/${campaign.id}/parametres`}>
            <Icon name="edit" size={18} /> {t('collecte.dash.settings')}
          </Link>
        ) : null}
        {canOnboard ? (
          <Link className="button button--tertiary button--small" to="/collecte/communes">
            <Icon name="users" size={18} /> {t('collecte.dash.contacts')}
          </Link>
        ) : null}
      </div>

      <div className="dashboard__toolbar card" role="group" aria-label={t('collecte.dash.filters')}>
        <div className="field dashboard__date">
          <label className="field__label" htmlFor="dash-date">
            {t('collecte.dash.date')}
          </label>
          <div className="date-stepper">
            <button type="button" className="icon-button" aria-label={t('collecte.dash.previous')} onClick={() => set({ date: addDays(date, -step) })} disabled={addDays(date, -step) < campaign.startDate}>
              <span aria-hidden="true">‹</span>
            </button>
            <input
              id="dash-date"
              className="input"
              type="date"
              value={date}
              min={campaign.startDate}
              max={today}
              onChange={(e) => e.target.value && set({ date: periodOf(e.target.value, campaign.period) })}
            />
            <button type="button" className="icon-button" aria-label={t('collecte.dash.next')} onClick={() => set({ date: addDays(date, step) })} disabled={addDays(date, step) > today}>
              <span aria-hidden="true">›</span>
            </button>
          </div>
        </div>
        <div className="field dashboard__indicator">
          <label className="field__label" htmlFor="dash-indicator">
            {t('collecte.dash.indicator')}
          </label>
          <select id="dash-indicator" className="input select" value={indicator} onChange={(e) => set({ indicateur: e.target.value === TOTAL_INDICATOR ? null : e.target.value })}>
            <option value={TOTAL_INDICATOR}>{t('collecte.dash.totalAll')}</option>
            {campaign.indicators.map((i) => (
              <option key={i.key} value={i.key}>
                {i.label}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="dashboard__modes">
          <legend className="field__label">{t('collecte.dash.mapMode')}</legend>
          <div className="segmented">
            {mapModes.map((m) => (
              <label key={m} className={`segmented__item${m === mode ? ' segmented__item--on' : ''}`}>
                <input type="radio" name="map-mode" value={m} checked={m === mode} onChange={() => set({ carte: m === 'count' ? null : m })} />
                {t(modeLabels[m])}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="dashboard__live">
          <RealtimeIndicator />
          <p className="muted small" data-testid="detection-state">
            {overview && overview.detectionPending > 0
              ? t('collecte.dash.detectionPending', { count: overview.detectionPending })
              : overview?.detectionUpdatedAt
                ? t('collecte.dash.detectionAt', { time: formatTime(overview.detectionUpdatedAt) })
                : t('collecte.dash.detectionNone')}
          </p>
        </div>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}

      {dep && completeness ? (
        <section className="summary" aria-label={t('collecte.dash.summary')}>
          <div className="summary__level" style={{ background: LEVEL_COLORS[dep.level], color: LEVEL_INK[dep.level] }} data-testid="department-level" data-level={dep.level}>
            <span className="summary__eyebrow">{t('collecte.dash.departmentLevel', { name: dep.name })}</span>
            <strong className="summary__value">{alertLevelLabels[dep.level]}</strong>
            {dep.reasons.length ? <span className="summary__detail">{dep.reasons[0].message}</span> : <span className="summary__detail">{t('collecte.dash.departmentCalm')}</span>}
          </div>
          <dl className="summary__stats">
            <div className="stat stat--ok">
              <dt>{t('collecte.dash.answered')}</dt>
              <dd data-testid="count-answered">
                {completeness.totals.answered} / {completeness.totals.asked}
              </dd>
            </div>
            <div className={`stat${completeness.totals.late ? ' stat--late' : ''}`}>
              <dt>{completeness.deadlinePassed ? t('collecte.dash.late') : t('collecte.dash.missing')}</dt>
              <dd data-testid="count-late">{completeness.deadlinePassed ? completeness.totals.late : completeness.totals.missing}</dd>
            </div>
            <div className="stat">
              <dt>{t('collecte.dash.dayValue', { label: indicatorLabel })}</dt>
              <dd data-testid="department-value">{fmt0.format(dep.value)}</dd>
            </div>
            <div className="stat">
              <dt>{t('collecte.dash.windowValue', { n: overview.windowPeriods, unit: step === 7 ? t('collecte.unit.weeks') : t('collecte.unit.days') })}</dt>
              <dd>
                {fmt0.format(dep.window.sum)}
                {dep.window.rate !== null ? <span className="stat__sub">{t('collecte.dash.ratePer100k', { rate: fmt1.format(dep.window.rate) })}</span> : null}
              </dd>
            </div>
            <div className="stat">
              <dt>{t('collecte.dash.sinceStart')}</dt>
              <dd>
                {fmt0.format(dep.period.sum)}
                {dep.period.rate !== null ? <span className="stat__sub">{t('collecte.dash.ratePer100k', { rate: fmt1.format(dep.period.rate) })}</span> : null}
              </dd>
            </div>
          </dl>
        </section>
      ) : !error ? (
        <p className="muted">{t('app.loading')}</p>
      ) : null}

      <div className="dashboard__grid">
        <section className="card dashboard__map" aria-labelledby="map-title">
          <h2 id="map-title" className="card__title">
            {t('collecte.dash.mapTitle', { mode: t(modeLabels[mode]).toLowerCase(), label: indicatorLabel.toLowerCase(), date: formatIsoDay(date) })}
          </h2>
          <p className="muted small">{t('collecte.dash.mapHint')}</p>
          <CommuneMap departmentCode={campaign.departmentCode} styles={styles} selected={selected} onSelect={(code) => set({ commune: code })} labelOf={describe} />
          <ul className="legend" aria-label={t('collecte.dash.legend')} data-testid="map-legend">
            {legend.map((l) => (
              <li key={l.key}>
                <Swatch color={l.color} />
                {l.label}
              </li>
            ))}
            <li>
              <Swatch color="#ffffff" />
              {t('collecte.dash.notAsked')}
            </li>
          </ul>
          {mode !== 'level' && mode !== 'count' ? <p className="muted small">{t('collecte.dash.rateNote')}</p> : null}
          <details className="commune-table">
            <summary>{t('collecte.dash.communeList', { count: overview?.communes.length ?? campaign.communes.length })}</summary>
            <div className="table-scroll">
              <table className="data-table data-table--compact" data-testid="commune-list">
                <thead>
                  <tr>
                    <th scope="col">{t('collecte.dash.commune')}</th>
                    <th scope="col">{t('collecte.dash.status')}</th>
                    <th scope="col" className="num">{t('collecte.dash.dayShort')}</th>
                    <th scope="col" className="num">{t('collecte.dash.rate7Short')}</th>
                    <th scope="col">{t('collecte.dash.level')}</th>
                  </tr>
                </thead>
                <tbody>
                  {overview?.communes.map((c) => (
                    <tr key={c.inseeCode} data-insee={c.inseeCode} data-class={styles.get(c.inseeCode)?.key ?? 'none'} data-level={c.level}>
                      <td>
                        <button type="button" className="link-button" onClick={() => set({ commune: c.inseeCode })}>
                          {c.name}
                        </button>
                      </td>
                      <td>{t(`collecte.status.${c.status}` as MessageKey)}</td>
                      <td className="num">{c.value === null ? '—' : fmt0.format(c.value)}</td>
                      <td className="num">{c.window.rate === null || c.window.answered === 0 ? '—' : fmt1.format(c.window.rate)}</td>
                      <td>
                        <span className="level-dot" style={{ background: LEVEL_COLORS[c.level] }} aria-hidden="true" /> {alertLevelLabels[c.level]}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>

        <div className="dashboard__side">
          {selectedCommune ? (
            <CommunePanel
              key={selectedCommune.inseeCode}
              campaign={campaign}
              commune={selectedCommune}
              date={date}
              indicator={indicator}
              version={communeVersion}
              onClose={() => set({ commune: null })}
            />
          ) : null}
          {overview ? <AlarmsCard overview={overview} onSelect={(code) => set({ commune: code })} /> : null}
        </div>
      </div>

      <div className="dashboard__grid dashboard__grid--even">
        {completeness ? <CompletenessCard completeness={completeness} onSelect={(code) => set({ commune: code })} /> : null}
        <section className="card" aria-labelledby="totals-title">
          <h2 id="totals-title" className="card__title">
            {t('collecte.totals.title')}
          </h2>
          <p className="muted small">{t('collecte.totals.hint')}</p>
          {totals ? <TotalsChart totals={totals} indicators={campaign.indicators} /> : <p className="muted">{t('app.loading')}</p>}
        </section>
      </div>
      {updatedAt ? <p className="muted small dashboard__updated">{t('collecte.dash.updatedAt', { when: formatDateTime(updatedAt) })}</p> : null}

      <ExportDialog open={dialog === 'export'} campaign={campaign} date={date} onClose={() => setDialog(null)} />
      {canManage ? <ImportDialog open={dialog === 'import'} campaign={campaign} onClose={() => setDialog(null)} onImported={() => scheduleReload(true)} /> : null}
    </div>
  );
}
