import { AuthPage } from '../components/AuthPage';
import { Alert } from '../components/Alert';
import { t } from '../i18n';
import type { GuestEnded } from '../session';

/** Shown in place of the event when a guest's access ends (link revoked or expired) or the guest left. */
export function GuestEndedPage({ ended }: { ended: GuestEnded }) {
  const left = ended.reason === 'left';
  return (
    <AuthPage titleId="guest-ended-title" title={left ? t('guests.left.title') : t('guests.ended.title')} tagline={t('guests.invite.tagline')}>
      <div data-testid="guest-ended">
        {left ? (
          <p className="auth-card__intro">{t('guests.left.text', { title: ended.eventTitle, host: ended.hostOrganisation })}</p>
        ) : (
          <>
            <Alert tone="warning" className="auth-card__notice">
              {ended.reason === 'revoked' ? t('guests.ended.revoked', { host: ended.hostOrganisation }) : t('guests.ended.text')}
            </Alert>
            <p className="auth-card__intro">{t('guests.ended.what', { title: ended.eventTitle, host: ended.hostOrganisation })}</p>
          </>
        )}
        <p className="auth-card__help">
          {t('guests.ended.member')} <a href="/connexion">{t('guests.ended.login')}</a>
        </p>
      </div>
    </AuthPage>
  );
}
