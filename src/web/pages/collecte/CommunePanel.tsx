import { useEffect, useState } from 'react';
import { alertLevelLabels, type CampaignDetail, type Declaration, type DeclarationHistory, type Detection, type OverviewCommune } from '../../../shared';
import { api } from '../../api/client';
import { Icon } from '../../components/Icon';
import { formatDateTime, formatRecent, t } from '../../i18n';
import { addDays, formatIsoDay, formatShortIsoDay } from './dates';
import { LEVEL_COLORS, LEVEL_INK } from './levels';
import { SeriesChart } from './SeriesChart';
import { ReasonList } from './AlarmsCard';
import { CorrectionHistory } from './CorrectionHistory';

const fmt0 = new Intl.NumberFormat('fr-FR');
const fmt1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
/** Periods of the chart and of the declarations list. */
const CHART_PERIODS = 42;
const LIST_PERIODS = 10;

/** One commune: level and why, the date's values, series with expected value and threshold, declarations and corrections. */
export function CommunePanel({
  campaign,
  commune,
  date,
  indicator,
  version,
  onClose,
}: {
  campaign: CampaignDetail;
  commune: OverviewCommune;
  date: string;
  indicator: string;
  version: number;
  onClose: () => void;
}) {
  const [detection, setDetection] = useState<Detection | null>(null);
  const [declarations, setDeclarations] = useState<Declaration[] | null>(null);
  const [history, setHistory] = useState<DeclarationHistory | null>(null);
  const step = campaign.period === 'weekly' ? 7 : 1;

  useEffect(() => {
    let cancelled = false;
    const from = addDays(date, -(LIST_PERIODS - 1) * step);
    void Promise.all([
      api('getDetection', { params: { id: campaign.id }, query: { inseeCode: commune.inseeCode, indicator, days: CHART_PERIODS } }).catch(() => null),
      api('listDeclarations', { params: { id: campaign.id }, query: { from: from < campaign.startDate ? campaign.startDate : from, to: date, inseeCode: commune.inseeCode } }).catch(() => null),
    ]).then(([d, l]) => {
      if (cancelled) return;
      setDetection(d);
      setDeclarations(l ? [...l.declarations].reverse() : []);
      const current = l?.declarations.find((x) => x.date === date);
      if (current && current.version > 1) {
        api('getDeclarationHistory', { params: { id: campaign.id, inseeCode: commune.inseeCode, date } })
          .then((h) => !cancelled && setHistory(h))
          .catch(() => {});
      } else setHistory(null);
    });
    return () => {
      cancelled = true;
    };
  }, [campaign.id, campaign.startDate, commune.inseeCode, date, indicator, step, version]);

  const current = declarations?.find((d) => d.date === date) ?? null;
  const labelOf = (key: string) => campaign.indicators.find((i) => i.key === key)?.label ?? key;
  const lastPoint = detection?.points.findLast((p) => p.date <= date);

  return (
    <section className="card commune-panel" aria-labelledby="commune-title" data-testid="commune-panel">
      <div className="card__header">
        <h2 id="commune-title" className="card__title">
          {commune.name}
        </h2>
        <button type="button" className="icon-button" aria-label={t('action.close')} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      <p className="muted small">
        {t('collecte.panel.facts', { insee: commune.inseeCode, population: commune.population === null ? '—' : fmt0.format(commune.population) })}
      </p>
      <div className="commune-panel__level">
        <span className="level-pill" style={{ background: LEVEL_COLORS[commune.level], color: LEVEL_INK[commune.level] }} data-testid="commune-level">
          {alertLevelLabels[commune.level]}
        </span>
        {commune.reasons.length === 0 ? <span className="muted small">{t('collecte.panel.noReason')}</span> : null}
      </div>
      {commune.reasons.length ? (
        <ReasonList reasons={commune.reasons} testId="commune-reasons" />
      ) : null}

      <h3 className="subtitle">{t('collecte.dash.values', { date: formatIsoDay(date) })}</h3>
      {declarations === null ? <p className="muted">{t('app.loading')}</p> : null}
      {declarations && !current ? <p className="muted" data-testid="commune-not-declared">{t('collecte.dash.notDeclared')}</p> : null}
      {current ? (
        <dl className="facts">
          {campaign.indicators.map((i) => (
            <div key={i.key}>
              <dt>{i.label}</dt>
              <dd>{current.values[i.key] ?? '—'}</dd>
            </div>
          ))}
          <div>
            <dt>{t('collecte.dash.total')}</dt>
            <dd>{Object.values(current.values).reduce((a, b) => a + b, 0)}</dd>
          </div>
        </dl>
      ) : null}
      <dl className="facts facts--compact">
        <div>
          <dt>{t('collecte.panel.window', { n: commune.window.expected })}</dt>
          <dd>
            {fmt0.format(commune.window.sum)} ({t('collecte.panel.answeredOf', { answered: commune.window.answered, expected: commune.window.expected })})
            {commune.window.rate !== null ? ` — ${t('collecte.dash.ratePer100k', { rate: fmt1.format(commune.window.rate) })}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('collecte.dash.sinceStart')}</dt>
          <dd>
            {fmt0.format(commune.period.sum)}
            {commune.period.rate !== null ? ` — ${t('collecte.dash.ratePer100k', { rate: fmt1.format(commune.period.rate) })}` : ''}
          </dd>
        </div>
      </dl>

      <h3 className="subtitle">{t('collecte.dash.series', { label: detection?.indicatorLabel ?? '' })}</h3>
      {detection ? (
        <>
          <SeriesChart detection={detection} />
          <p className="muted small">{detection.methodDescription}</p>
          {lastPoint ? (
            <p className={`last-point${lastPoint.alarm ? ' last-point--alarm' : ''}`} data-testid="last-point">
              <strong>{formatIsoDay(lastPoint.date)}</strong> — {lastPoint.explanation}
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted">{t('app.loading')}</p>
      )}

      <h3 className="subtitle">{t('collecte.panel.declarations')}</h3>
      <div className="table-scroll">
        <table className="data-table data-table--compact" data-testid="commune-declarations">
          <thead>
            <tr>
              <th scope="col">{t('collecte.dash.date')}</th>
              <th scope="col" className="num">{t('collecte.dash.total')}</th>
              <th scope="col">{t('collecte.panel.by')}</th>
            </tr>
          </thead>
          <tbody>
            {declarations?.map((d) => (
              <tr key={d.date}>
                <td className="nowrap">{formatShortIsoDay(d.date)}</td>
                <td className="num">{Object.values(d.values).reduce((a, b) => a + b, 0)}</td>
                <td>
                  <span className="small">{d.updatedBy ?? d.declaredBy}</span>
                  <span className="muted small"> — {formatRecent(d.updatedAt)}</span>
                  {d.version > 1 ? (
                    <>
                      {' '}
                      <span className="badge badge--warning">{t('collecte.panel.corrected', { version: d.version })}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {history && history.corrections.length ? (
        <>
          <h3 className="subtitle">{t('collecte.history.titleOf', { date: formatIsoDay(date) })}</h3>
          <CorrectionHistory history={history} labelOf={labelOf} testId="commune-history" />
        </>
      ) : null}
    </section>
  );
}
