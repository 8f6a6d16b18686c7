import { useEffect } from 'react';
import { Brand } from '../components/Brand';
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
    <div className="auth-page">
      <header className="auth-page__header">
        <Brand />
        <span className="auth-page__tagline">{session.organisation.name}</span>
      </header>
      <main id="contenu" className="auth-card" aria-labelledby="forced-title">
        <h1 id="forced-title" className="auth-card__title">
          {t('forced.title')}
        </h1>
        <p className="auth-card__intro">{t('forced.intro', { name: session.user.displayName })}</p>
        <PasswordChangeForm currentLabel="forced.current" submitLabel="forced.submit" onChanged={setSession} />
        <p className="auth-card__help">
          <button type="button" className="link-button" onClick={() => void logout()}>
            {t('forced.logout')}
          </button>
        </p>
      </main>
    </div>
  );
}
