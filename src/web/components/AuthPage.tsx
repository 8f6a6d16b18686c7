import type { ReactNode } from 'react';
import { t } from '../i18n';
import { Brand } from './Brand';

/** The frame of the pages outside the shell (login, activation, forced password change): brand, one card, footer. */
export function AuthPage({ titleId, title, tagline, footer = true, children }: { titleId: string; title: ReactNode; tagline?: ReactNode; footer?: boolean; children: ReactNode }) {
  return (
    <div className="auth-page">
      <header className="auth-page__header">
        <Brand />
        <span className="auth-page__tagline">{tagline ?? t('app.tagline')}</span>
      </header>
      <main id="contenu" className="auth-card" aria-labelledby={titleId}>
        <h1 id={titleId} className="auth-card__title">
          {title}
        </h1>
        {children}
      </main>
      {footer ? <footer className="auth-page__footer">{t('login.footer')}</footer> : null}
    </div>
  );
}
