import { matchPath, Navigate, Outlet, useLocation } from 'react-router';
import { formatDateTime, t } from '../../i18n';
import { useSession, useSessionContext } from '../../session';
import { Brand } from '../Brand';
import { Icon } from '../Icon';
import { RealtimeIndicator } from '../RealtimeIndicator';
import './rights.css';

/**
 * The reduced frame of a guest invited by link: no menu, no search, no administration; only the
 * event page (its sub-events too when the link includes them: the server answers for those).
 */
export function GuestShell() {
  const session = useSession();
  const { logout } = useSessionContext();
  const location = useLocation();
  const guest = session.guest;
  if (!guest) return null;
  if (!matchPath('/evenements/:id', location.pathname) && !matchPath('/evenements/:id/salle', location.pathname)) return <Navigate to={`/evenements/${guest.eventId}`} replace />;
  return (
    <div className="shell guest-shell" data-testid="guest-shell">
      <a className="skip-link" href="#contenu">
        {t('app.skipToContent')}
      </a>
      <header className="guest-topbar">
        <div className="guest-topbar__start">
          <Brand />
          <p className="guest-topbar__who" data-testid="guest-banner">
            <strong>{t('guests.shell.header', { host: guest.hostOrganisation, title: guest.eventTitle, name: guest.name })}</strong>
            <span className="guest-topbar__detail">
              {guest.access === 'write' ? t('guests.access.write') : t('guests.access.read')}
              {' · '}
              {t('guests.shell.until', { date: formatDateTime(session.expiresAt) })}
            </span>
          </p>
        </div>
        <div className="guest-topbar__end">
          <RealtimeIndicator compact />
          <button type="button" className="button button--secondary button--small" onClick={() => void logout()}>
            <Icon name="logout" size={18} />
            {t('guests.shell.quit')}
          </button>
        </div>
      </header>
      <main id="contenu" className="content guest-content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
