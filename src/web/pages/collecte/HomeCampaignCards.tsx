import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { CampaignSummary } from '../../../shared';
import { api } from '../../api/client';
import { formatDateTime, t } from '../../i18n';
import { useSession } from '../../session';
import { parisToday, periodOf } from './dates';
import { useOfflineQueue } from './offlineQueue';

// On its own so that the home page does not pull the collection pages into the main script.

/** Accueil of a commune: one card per active campaign asking it, with today's state. */
export function HomeCampaignCards() {
  const session = useSession();
  const insee = session.organisation.inseeCode;
  const isCommune = session.organisation.kind === 'commune' && !!insee;
  const [cards, setCards] = useState<Array<{ campaign: CampaignSummary; date: string; declaredAt: string | null }>>([]);
  useEffect(() => {
    if (!isCommune || !session.permissions.includes('collection.read')) return;
    let cancelled = false;
    (async () => {
      const { campaigns } = await api('listCampaigns');
      const active = campaigns.filter((c) => c.status === 'active' && c.organisationId !== session.organisation.id);
      const out = await Promise.all(
        active.map(async (campaign) => {
          const date = periodOf(parisToday(), campaign.period);
          const { declarations } = await api('listDeclarations', { params: { id: campaign.id }, query: { from: date, to: date, inseeCode: insee } });
          return { campaign, date, declaredAt: declarations[0]?.updatedAt ?? null };
        }),
      );
      if (!cancelled) setCards(out);
    })().catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [isCommune, insee, session.organisation.id, session.permissions]);

  const queue = useOfflineQueue(session.user.id);
  if (cards.length === 0) return null;
  return (
    <>
      {cards.map(({ campaign, date, declaredAt }) => {
        const waiting = queue.some((q) => q.campaignId === campaign.id && q.date === date);
        return (
        <section key={campaign.id} className={`card today-card ${declaredAt ? 'today-card--done' : 'today-card--todo'}`} aria-labelledby={`today-${campaign.id}`} data-testid="today-card">
          <div className="card__header">
            <h2 id={`today-${campaign.id}`} className="card__title">
              {t('collecte.home.title')}
            </h2>
            {waiting && !declaredAt ? (
              <span className="badge badge--warning">{t('collecte.home.pending')}</span>
            ) : (
              <span className={`badge ${declaredAt ? 'badge--success' : 'badge--danger'}`}>{declaredAt ? t('collecte.home.declared') : t('collecte.home.toDeclare')}</span>
            )}
          </div>
          <p className="today-card__name">{campaign.name}</p>
          <p className="muted">{declaredAt ? t('collecte.home.declaredAt', { when: formatDateTime(declaredAt) }) : t('collecte.home.deadline', { time: campaign.deadline })}</p>
          <Link className={`button ${declaredAt ? 'button--secondary' : 'button--primary'} button--block`} to={`/collecte/${campaign.id}`}>
            {declaredAt ? t('collecte.home.view') : t('collecte.home.action')}
          </Link>
        </section>
        );
      })}
    </>
  );
}
