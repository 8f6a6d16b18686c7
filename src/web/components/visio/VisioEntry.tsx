// The way into an event's virtual room from its page: in this tab, or in a tab of its own (a wall
// screen in the crisis room keeps it open), with how many people are in it now.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { t } from '../../i18n';
import { Icon } from '../Icon';

const REFRESH_MS = 30_000;

export function VisioEntry({ eventId, closed }: { eventId: string; closed: boolean }) {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (closed) return;
    let alive = true;
    const load = () =>
      api('getVisioRoom', { params: { id: eventId } })
        .then((r) => alive && setCount(r.participants.length))
        .catch(() => {});
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [eventId, closed]);
  if (closed) return null;
  const to = `/evenements/${eventId}/salle`;
  return (
    <span className="visio-entry">
      <Link to={to} className="button button--secondary button--small visio-entry__open" data-testid="visio-open">
        <Icon name="video" size={18} />
        {t('visio.openHere')}
        {count ? <span className="visio-entry__count">{t('visio.inRoomCount', { count })}</span> : null}
      </Link>
      <a href={to} target="_blank" rel="noopener" className="button button--secondary button--small visio-entry__tab" aria-label={t('visio.openTab')} title={t('visio.openTab')}>
        <Icon name="share" size={18} />
      </a>
    </span>
  );
}
