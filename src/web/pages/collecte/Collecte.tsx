import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { campaignPeriodLabels, campaignStatusLabels, type CampaignDetail, type CampaignSummary } from '../../../shared';
import { api, errorMessage } from '../../api/client';
import { Alert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';
import { DeclarePage } from './Declare';

// The prefecture's dashboard (map, charts) loads with it: the home page and a commune's declaration
// form, on a phone, do not download the charting and mapping libraries.
const DashboardPage = lazy(() => import('./Dashboard').then((m) => ({ default: m.DashboardPage })));

/** /collecte: the campaigns the user sees. */
export function CampaignsPage() {
  usePageTitle(t('collecte.title'));
  const [campaigns, setCampaigns] = useState<CampaignSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api('listCampaigns')
      .then((r) => setCampaigns(r.campaigns))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);
  const session = useSession();
  const isPrefecture = session.organisation.kind === 'prefecture';
  return (
    <div className="page">
      <header className="page__header">
        <h1>{t('collecte.title')}</h1>
        <p className="muted">{isPrefecture ? t('collecte.intro') : t('collecte.introCommune')}</p>
        {isPrefecture ? (
          <div className="button-row">
            {session.permissions.includes('campaigns.manage') ? (
              <Link className="button button--primary" to="/collecte/nouvelle">
                <Icon name="plus" size={18} /> {t('collecte.new')}
              </Link>
            ) : null}
            {session.permissions.includes('communes.onboard') ? (
              <Link className="button button--secondary" to="/collecte/communes">
                <Icon name="users" size={18} /> {t('collecte.dash.contacts')}
              </Link>
            ) : null}
          </div>
        ) : null}
      </header>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {campaigns === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {campaigns?.length === 0 ? <p className="empty">{t('collecte.empty')}</p> : null}
      <ul className="campaign-list">
        {campaigns?.map((c) => (
          <li key={c.id} className="card campaign-card">
            <h2 className="card__title">
              <Link to={`/collecte/${c.id}`}>{c.name}</Link>
            </h2>
            <p className="muted">{c.organisationName}</p>
            <dl className="facts">
              <div>
                <dt>{t('collecte.status')}</dt>
                <dd>{campaignStatusLabels[c.status]}</dd>
              </div>
              <div>
                <dt>{t('collecte.period')}</dt>
                <dd>{campaignPeriodLabels[c.period]}</dd>
              </div>
              <div>
                <dt>{t('collecte.deadline')}</dt>
                <dd>{c.deadline}</dd>
              </div>
            </dl>
            <p>{t('collecte.communes', { count: c.communeCount })}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** /collecte/:campaignId: the declaration form for a commune, the dashboard for the prefecture. */
export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const session = useSession();
  const [campaign, setCampaign] = useState<CampaignDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  usePageTitle(campaign?.name ?? t('collecte.title'));
  useEffect(() => {
    setCampaign(null);
    api('getCampaign', { params: { id: campaignId } })
      .then(setCampaign)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [campaignId]);
  const isOwner = campaign && campaign.organisationId === session.organisation.id;
  return (
    <div className={`page${isOwner ? ' page--wide' : ''}`}>
      <header className="page__header page__header--stacked">
        {isOwner ? (
          <p className="page__back">
            <Link to="/collecte">← {t('collecte.back')}</Link>
          </p>
        ) : null}
        <h1 className="page__title">{campaign?.name ?? t('collecte.title')}</h1>
        {campaign?.description ? <p className="muted page__intro">{campaign.description}</p> : null}
      </header>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {!campaign && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {campaign ? (
        isOwner ? (
          <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
            <DashboardPage campaign={campaign} />
          </Suspense>
        ) : (
          <DeclarePage campaign={campaign} />
        )
      ) : null}
    </div>
  );
}
