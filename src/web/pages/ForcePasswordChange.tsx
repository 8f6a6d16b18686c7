import { useEffect } from 'react';
import { AuthPage } from '../components/AuthPage';
import { PasswordChangeForm } from '../components/PasswordChangeForm';
import { t } from '../i18n';
import { useSession, useSessionContext } from '../session';

/** Shown instead of everything else while `mustChangePassword` is set. */
export function ForcePasswordChangePage() {
  const session = useSession();
  const { setSession, logout } = useSessionContext();

  useEffect(() => {
    document.title = `${t('forced.title')} — ${t('app.name')}`;
  }, []);

  return (
    <AuthPage titleId="forced-title" title={t('forced.title')} tagline={session.organisation.name} footer={false}>
      <p className="auth-card__intro">{t('forced.intro', { name: session.user.displayName })}</p>
      <PasswordChangeForm currentLabel="forced.current" submitLabel="forced.submit" onChanged={setSession} />
      <p className="auth-card__help">
        <button type="button" className="link-button" onClick={() => void logout()}>
          {t('forced.logout')}
        </button>
      </p>
    </AuthPage>
  );
}
