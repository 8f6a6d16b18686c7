import { useCallback, useEffect, useMemo, useState } from 'react';
import { topicOf, type CampaignDetail, type Completeness, type Declaration, type Detection } from '../../../shared';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { Alert } from '../../components/Alert';
import { RealtimeIndicator } from '../../components/RealtimeIndicator';
import { formatDateTime, t } from '../../i18n';
import { CLASSES, classOf, CommuneMap, HatchSwatch, NOT_ASKED_COLOR } from './CommuneMap';
import { formatIsoDay, parisToday, periodOf } from './dates';
import { SeriesChart } from './SeriesChart';

/** Prefecture view of a campaign: completeness, map, a commune's series — live. */
export function DashboardPage({ campaign }: { campaign: CampaignDetail }) {
  const today = periodOf(parisToday(), campaign.period);
  const [date, setDate] = useState(today);
  const [completeness, setCompleteness] = useState<Completeness | null>(null);
  const [declarations, setDeclarations] = useState<Map<string, Declaration>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detection, setDetection] = useState<Detection | null>(null);

  const load = useCallback(async () => {
    try {
      const [c, d] = await Promise.all([
        api('getCompleteness', { params: { id: campaign.id }, query: { date } }),
        api('listDeclarations', { params: { id: campaign.id }, query: { from: date, to: date } }),
      ]);
      setCompleteness(c);
      setDeclarations(new Map(d.declarations.map((x) => [x.inseeCode, x])));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [campaign.id, date]);

  useEffect(() => {
    void load();
  }, [load]);

  const loadDetection = useCallback(async () => {
    if (!selected) return;
    try {
      setDetection(await api('getDetection', { params: { id: campaign.id }, query: { inseeCode: selected, days: 28 } }));
    } catch {
      setDetection(null);
    }
  }, [campaign.id, selected]);

  useEffect(() => {
    setDetection(null);
    void loadDetection();
  }, [loadDetection]);

  useRealtimeTopic(topicOf('campaign', campaign.id), {
    onEvent: (event) => {
      if (event.kind !== 'declaration.saved') return;
      const d = event.declaration;
      if (d.date === date) {
        setDeclarations((prev) => new Map(prev).set(d.inseeCode, d));
        void load();
      }
      if (d.inseeCode === selected) void loadDetection();
    },
    onResync: () => void load(),
  });

  const totals = useMemo(() => {
    const m = new Map<string, number | null>();
    for (const c of campaign.communes) {
      const d = declarations.get(c.inseeCode);
      m.set(c.inseeCode, d ? Object.values(d.values).reduce((a, b) => a + b, 0) : null);
    }
    return m;
  }, [campaign.communes, declarations]);

  const statusOf = new Map(completeness?.communes.map((c) => [c.inseeCode, c.status]) ?? []);
  const selectedCommune = campaign.communes.find((c) => c.inseeCode === selected);
  const selectedDecl = selected ? declarations.get(selected) : undefined;
  const alarms = detection?.points.filter((p) => p.alarm) ?? [];
  const lastPoint = detection?.points.at(-1);

  return (
    <div className="dashboard">
      <div className="dashboard__toolbar card">
        <div className="field dashboard__date">
          <label className="field__label" htmlFor="dash-date">
            {t('collecte.dash.date')}
          </label>
          <input
            id="dash-date"
            className="input"
            type="date"
            value={date}
            min={campaign.startDate}
            max={today}
            onChange={(e) => e.target.value && setDate(periodOf(e.target.value, campaign.period))}
          />
        </div>
        <RealtimeIndicator />
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}

      <section className="card" aria-labelledby="completeness-title">
        <h2 id="completeness-title" className="card__title">
          {t('collecte.dash.completeness')} — {formatIsoDay(date)}
        </h2>
        {completeness ? (
          <>
            <dl className="stats" data-testid="completeness" aria-live="polite">
              <div className="stat stat--ok">
                <dt>{t('collecte.dash.answered')}</dt>
                <dd data-testid="count-answered">
                  {completeness.totals.answered} / {completeness.totals.asked}
                </dd>
              </div>
              <div className="stat">
                <dt>{t('collecte.dash.missing')}</dt>
                <dd data-testid="count-missing">{completeness.totals.missing}</dd>
              </div>
              <div className="stat stat--late">
                <dt>{t('collecte.dash.late')}</dt>
                <dd data-testid="count-late">{completeness.totals.late}</dd>
              </div>
            </dl>
            <p className="muted">{t('collecte.dash.deadline', { when: formatDateTime(completeness.deadline) })}</p>
            <h3 className="subtitle">{t('collecte.dash.lateList')}</h3>
            {completeness.late.length === 0 ? <p className="muted">{t('collecte.dash.lateNone')}</p> : null}
            <ul className="late-list">
              {completeness.late.map((l) => (
                <li key={l.inseeCode}>
                  <strong>{l.name}</strong>{' '}
                  <span className="late-list__contacts">
                    {l.contacts.length ? l.contacts.map((c, i) => (
                      <span key={c}>
                        {i > 0 ? ', ' : ''}
                        <a href={`mailto:${c}`}>{c}</a>
                      </span>
                    )) : t('collecte.dash.noContact')}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">{t('app.loading')}</p>
        )}
      </section>

      <div className="dashboard__grid">
        <section className="card" aria-labelledby="map-title">
          <h2 id="map-title" className="card__title">
            {t('collecte.dash.map')}
          </h2>
          <p className="muted">{t('collecte.dash.mapHint')}</p>
          <CommuneMap departmentCode={campaign.departmentCode} totals={totals} selected={selected} onSelect={setSelected} />
          <ul className="legend" aria-label={t('collecte.dash.legend')}>
            {CLASSES.map((c) => (
              <li key={c.label}>
                <span className="legend__swatch" style={{ background: c.color }} aria-hidden="true" />
                {c.label}
              </li>
            ))}
            <li>
              <HatchSwatch />
              {t('collecte.dash.noAnswer')}
            </li>
            <li>
              <span className="legend__swatch" style={{ background: NOT_ASKED_COLOR }} aria-hidden="true" />
              {t('collecte.dash.notAsked')}
            </li>
          </ul>
          <details className="commune-table">
            <summary>{t('collecte.dash.commune')}s ({campaign.communes.length})</summary>
            <ul data-testid="commune-list">
              {campaign.communes.map((c) => {
                const total = totals.get(c.inseeCode);
                const cls = classOf(total);
                return (
                  <li key={c.inseeCode} data-insee={c.inseeCode} data-class={cls ? cls.label : 'no-answer'}>
                    <button type="button" className="link-button" onClick={() => setSelected(c.inseeCode)}>
                      {c.name}
                    </button>{' '}
                    : {cls ? total : t('collecte.dash.noAnswer')}
                    {statusOf.get(c.inseeCode) === 'late' ? ` (${t('collecte.dash.late').toLowerCase()})` : ''}
                  </li>
                );
              })}
            </ul>
          </details>
        </section>

        <section className="card" aria-labelledby="commune-title" data-testid="commune-panel">
          <h2 id="commune-title" className="card__title">
            {selectedCommune ? selectedCommune.name : t('collecte.dash.commune')}
          </h2>
          {!selectedCommune ? <p className="muted">{t('collecte.dash.selectHint')}</p> : null}
          {selectedCommune ? (
            <>
              <h3 className="subtitle">{t('collecte.dash.values', { date: formatIsoDay(date) })}</h3>
              {selectedDecl ? (
                <dl className="facts">
                  {campaign.indicators.map((i) => (
                    <div key={i.key}>
                      <dt>{i.label}</dt>
                      <dd>{selectedDecl.values[i.key] ?? '—'}</dd>
                    </div>
                  ))}
                  <div>
                    <dt>{t('collecte.dash.total')}</dt>
                    <dd>{totals.get(selectedCommune.inseeCode)}</dd>
                  </div>
                </dl>
              ) : (
                <p className="muted">{t('collecte.dash.notDeclared')}</p>
              )}
              <h3 className="subtitle">{t('collecte.dash.series')}</h3>
              {detection ? (
                <>
                  <SeriesChart detection={detection} />
                  <p className="muted small">{detection.methodDescription}</p>
                  {lastPoint ? (
                    <p className={`last-point${lastPoint.alarm ? ' last-point--alarm' : ''}`} data-testid="last-point">
                      <strong>{formatIsoDay(lastPoint.date)}</strong> — {lastPoint.explanation}
                    </p>
                  ) : null}
                  <h3 className="subtitle">{t('collecte.dash.alarms')}</h3>
                  {alarms.length === 0 ? <p className="muted">{t('collecte.dash.noAlarm')}</p> : null}
                  <ul className="alarm-list" data-testid="alarms">
                    {alarms.map((p) => (
                      <li key={p.date}>
                        <strong>{formatIsoDay(p.date)}</strong> — {p.explanation}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p className="muted">{t('app.loading')}</p>
              )}
            </>
          ) : null}
        </section>
      </div>
    </div>
  );
}
