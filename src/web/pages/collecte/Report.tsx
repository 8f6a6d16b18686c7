import { useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { alertLevelLabels, alertLevelRank, isNewAlarm, OVERVIEW_WINDOW, TOTAL_INDICATOR, type CampaignDetail, type Completeness, type Overview, type OverviewCommune, type Totals } from '../../../shared';
import { api, errorMessage, routeUrl } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { formatDateTime, t } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';
import { ReasonList } from './AlarmsCard';
import { CommuneMap, Swatch } from './CommuneMap';
import { addDays, formatIsoDay, parisToday, periodOf } from './dates';
import { LEVEL_COLORS, LEVEL_INK, mapStyles } from './levels';

const fmt0 = new Intl.NumberFormat('fr-FR');
const fmt1 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

function AlarmItem({ c, isNew }: { c: OverviewCommune; isNew: boolean }) {
  return (
    <li className="alarm" style={{ borderColor: LEVEL_COLORS[c.level] }} data-insee={c.inseeCode}>
      <p className="alarm__head">
        <span className="level-pill" style={{ background: LEVEL_COLORS[c.level], color: LEVEL_INK[c.level] }}>
          {alertLevelLabels[c.level]}
        </span>{' '}
        <strong>{c.name}</strong>
        {isNew ? <span className="muted small"> — {t('report.was', { level: alertLevelLabels[c.previousLevel] })}</span> : null}
        <span className="muted small"> — {c.value === null ? t('collecte.dash.noAnswer') : t('report.dayValue', { value: c.value })}</span>
      </p>
      <ReasonList reasons={c.reasons} />
    </li>
  );
}

/** /collecte/:campaignId/rapport: the morning report, printable, with its PDF. */
export function ReportPage() {
  const { campaignId = '' } = useParams();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const [campaign, setCampaign] = useState<CampaignDetail | null>(null);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [completeness, setCompleteness] = useState<Completeness | null>(null);
  const [totals, setTotals] = useState<Totals | null>(null);
  const [error, setError] = useState<string | null>(null);
  usePageTitle(campaign ? t('report.pageTitle', { name: campaign.name }) : t('report.title'));

  useEffect(() => {
    api('getCampaign', { params: { id: campaignId } })
      .then(setCampaign)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [campaignId]);

  const today = campaign ? periodOf(parisToday(), campaign.period) : parisToday();
  const date = campaign && params.get('date') ? periodOf(params.get('date')!, campaign.period) : today;

  useEffect(() => {
    if (!campaign) return;
    const from = addDays(date, -365) < campaign.startDate ? campaign.startDate : addDays(date, -365);
    setOverview(null);
    Promise.all([
      api('getOverview', { params: { id: campaign.id }, query: { date, indicator: TOTAL_INDICATOR } }),
      api('getCompleteness', { params: { id: campaign.id }, query: { date } }),
      api('getTotals', { params: { id: campaign.id }, query: { from, to: date } }),
    ])
      .then(([o, c, tt]) => {
        setOverview(o);
        setCompleteness(c);
        setTotals(tt);
        setError(null);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [campaign, date]);

  const { styles } = useMemo(() => (overview ? mapStyles(overview.communes, 'level') : { styles: new Map() }), [overview]);
  if (error) return <div className="page"><Alert tone="error">{error}</Alert></div>;
  if (!campaign || !overview || !completeness || !totals) return <div className="page"><p className="muted">{t('app.loading')}</p></div>;

  const step = campaign.period === 'weekly' ? 7 : 1;
  const weekFrom = addDays(date, -(OVERVIEW_WINDOW - 1) * step);
  const week = totals.periods.filter((p) => p.date >= weekFrom);
  const day = totals.periods.find((p) => p.date === date);
  const dep = overview.department;
  const sum = (ps: Totals['periods'], key: string | null) => ps.reduce((s, p) => s + (key ? (p.values[key] ?? 0) : p.total), 0);
  const fresh = overview.communes.filter(isNewAlarm).sort((a, b) => alertLevelRank(b.level) - alertLevelRank(a.level) || a.name.localeCompare(b.name, 'fr'));
  const ongoing = overview.communes.filter((c) => c.level !== 'vert' && !fresh.includes(c)).sort((a, b) => alertLevelRank(b.level) - alertLevelRank(a.level) || a.name.localeCompare(b.name, 'fr'));
  const lateList = completeness.deadlinePassed ? completeness.late : [];
  const unit = step === 7 ? t('collecte.unit.weeks') : t('collecte.unit.days');

  return (
    <div className="page report" data-testid="report">
      <div className="report__tools no-print">
        <Link to={`/collecte/${campaign.id}?date=${date}`}>← {t('collecte.form2.backToDashboard')}</Link>
        <div className="field report__date">
          <label className="field__label" htmlFor="report-date">
            {t('collecte.dash.date')}
          </label>
          <input id="report-date" className="input" type="date" value={date} min={campaign.startDate} max={today} onChange={(e) => e.target.value && setParams({ date: e.target.value }, { replace: true })} />
        </div>
        <button type="button" className="button button--secondary" onClick={() => window.print()}>
          {t('report.print')}
        </button>
        <a className="button button--primary" href={routeUrl('getReportPdf', { id: campaign.id }, { date })} target="_blank" rel="noopener">
          <Icon name="download" size={18} /> {t('report.pdf')}
        </a>
      </div>

      <header className="report__header">
        <p className="page__eyebrow">{t('report.title')}</p>
        <h1>{campaign.name}</h1>
        <p className="muted">
          {session.organisation.name} — {dep.name} ({dep.code}) — {formatIsoDay(date)}
        </p>
        <p className="muted small">
          {t('report.generated', { when: formatDateTime(new Date()), by: session.user.displayName })}{' '}
          {t('report.answered', { answered: completeness.totals.answered, asked: completeness.totals.asked })}
          {overview.detectionUpdatedAt ? ` ${t('report.detectionAt', { when: formatDateTime(overview.detectionUpdatedAt) })}` : ''}
        </p>
      </header>

      <section className="report__level" style={{ background: LEVEL_COLORS[dep.level], color: LEVEL_INK[dep.level] }} data-testid="report-level">
        <strong>{t('report.departmentLevel', { level: alertLevelLabels[dep.level] })}</strong>
        {dep.previousLevel !== dep.level ? <span> ({t('report.was', { level: alertLevelLabels[dep.previousLevel] })})</span> : null}
      </section>
      {dep.reasons.length ? (
        <ul className="alarm__reasons">
          {dep.reasons.map((r, i) => (
            <li key={i}>{r.message}</li>
          ))}
        </ul>
      ) : null}
      <p className="muted small">{(['rouge', 'orange', 'jaune', 'vert'] as const).map((l) => `${alertLevelLabels[l]} : ${dep.levelCounts[l]}`).join(' · ')}</p>

      <section className="report__section">
        <h2>{t('report.figures')}</h2>
        <div className="table-scroll">
          <table className="data-table data-table--compact" data-testid="report-figures">
            <thead>
              <tr>
                <th scope="col">{t('collecte.rules.indicator')}</th>
                <th scope="col" className="num">{t('report.day')}</th>
                <th scope="col" className="num">{t('report.window', { n: OVERVIEW_WINDOW, unit })}</th>
                <th scope="col" className="num">{t('collecte.dash.sinceStart')}</th>
                <th scope="col" className="num">{t('report.rate', { n: OVERVIEW_WINDOW, unit })}</th>
              </tr>
            </thead>
            <tbody>
              {[...campaign.indicators.map((i) => ({ key: i.key as string | null, label: i.label })), { key: null, label: t('collecte.dash.total') }].map((row) => (
                <tr key={row.key ?? 'total'} className={row.key ? '' : 'data-table__total'}>
                  <th scope="row">{row.label}</th>
                  <td className="num">{fmt0.format(row.key ? (day?.values[row.key] ?? 0) : (day?.total ?? 0))}</td>
                  <td className="num">{fmt0.format(sum(week, row.key))}</td>
                  <td className="num">{fmt0.format(sum(totals.periods, row.key))}</td>
                  <td className="num">{dep.population ? fmt1.format((sum(week, row.key) / dep.population) * 100_000) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="report__section report__map">
        <h2>{t('report.map')}</h2>
        <CommuneMap departmentCode={campaign.departmentCode} styles={styles} still className="commune-map--report" />
        <ul className="legend">
          {(['rouge', 'orange', 'jaune', 'vert'] as const).map((l) => (
            <li key={l}>
              <Swatch color={LEVEL_COLORS[l]} /> {alertLevelLabels[l]} ({dep.levelCounts[l]})
            </li>
          ))}
          <li>
            <Swatch color="hatch" /> {t('report.noAnswerGreen')}
          </li>
        </ul>
      </section>

      <section className="report__section" data-testid="report-new-alarms">
        <h2>{t('report.newAlarms', { count: fresh.length })}</h2>
        {fresh.length === 0 ? <p className="muted">{t('report.noNewAlarm')}</p> : null}
        <ul className="alarm-list">
          {fresh.map((c) => (
            <AlarmItem key={c.inseeCode} c={c} isNew />
          ))}
        </ul>
      </section>
      <section className="report__section">
        <h2>{t('report.ongoing', { count: ongoing.length })}</h2>
        {ongoing.length === 0 ? <p className="muted">{t('report.noOngoing')}</p> : null}
        <ul className="alarm-list">
          {ongoing.map((c) => (
            <AlarmItem key={c.inseeCode} c={c} isNew={false} />
          ))}
        </ul>
      </section>
      <section className="report__section" data-testid="report-late">
        <h2>{completeness.deadlinePassed ? t('report.late', { count: lateList.length }) : t('report.notYet', { count: completeness.totals.missing, time: campaign.deadline })}</h2>
        {completeness.deadlinePassed && lateList.length === 0 ? <p className="muted">{t('collecte.dash.lateNone')}</p> : null}
        {!completeness.deadlinePassed ? (
          <p className="small">
            {completeness.communes
              .filter((c) => c.status !== 'answered')
              .map((c) => c.name)
              .join(', ')}
          </p>
        ) : null}
        <ul className="report__late">
          {lateList.map((l) => (
            <li key={l.inseeCode}>
              <strong>{l.name}</strong>
              {l.people.length
                ? ` — ${l.people.map((p) => [p.name, p.jobTitle, p.phone, p.email].filter(Boolean).join(', ')).join(' ; ')}`
                : ` — ${t('collecte.dash.noContact')}`}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
