import { useState } from 'react';
import { organisationKindLabels, roleLabels } from '../../shared';
import { errorMessage } from '../api/client';
import { LiveMessage } from '../components/Alert';
import { ConfirmDialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { PasswordChangeForm } from '../components/PasswordChangeForm';
import { formatDateTime, t } from '../i18n';
import { useSession, useSessionContext } from '../session';
import { usePageTitle } from '../usePageTitle';

export function AccountPage() {
  const session = useSession();
  const { setSession, logoutAll } = useSessionContext();
  usePageTitle(t('account.title'));
  const [changed, setChanged] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="page">
      <div className="page__header">
        <h1 className="page__title">{t('account.title')}</h1>
      </div>
      <div className="account-grid">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title" className="card__title">
            <Icon name="account" />
            {t('account.profile')}
          </h2>
          <dl className="facts facts--stacked">
            <div>
              <dt>{t('account.name')}</dt>
              <dd>{session.user.displayName}</dd>
            </div>
            <div>
              <dt>{t('account.email')}</dt>
              <dd className="break">{session.user.email}</dd>
            </div>
            <div>
              <dt>{t('account.role')}</dt>
              <dd>{roleLabels[session.user.role]}</dd>
            </div>
            <div>
              <dt>{t('account.organisation')}</dt>
              <dd>
                {session.organisation.name} ({organisationKindLabels[session.organisation.kind]})
              </dd>
            </div>
            <div>
              <dt>{t('account.sessionUntil')}</dt>
              <dd>{formatDateTime(session.expiresAt)}</dd>
            </div>
          </dl>
        </section>

        <section className="card" aria-labelledby="password-title">
          <h2 id="password-title" className="card__title">
            <Icon name="lock" />
            {t('account.password.title')}
          </h2>
          <LiveMessage tone="success" message={changed} />
          <PasswordChangeForm
            currentLabel="password.current"
            submitLabel="account.password.submit"
            onChanged={(s) => {
              setSession(s);
              setChanged(t('password.changed'));
            }}
          />
        </section>

        <section className="card" aria-labelledby="sessions-title">
          <h2 id="sessions-title" className="card__title">
            <Icon name="logout" />
            {t('account.sessions.title')}
          </h2>
          <p>{t('account.sessions.intro')}</p>
          <LiveMessage tone="error" message={confirming ? null : error} />
          <button type="button" className="button button--danger-outline" onClick={() => setConfirming(true)}>
            {t('account.sessions.logoutAll')}
          </button>
        </section>
      </div>

      <ConfirmDialog
        open={confirming}
        title={t('account.sessions.confirmTitle')}
        confirmLabel={t('account.sessions.logoutAll')}
        danger
        busy={busy}
        error={error}
        onCancel={() => {
          setConfirming(false);
          setError(null);
        }}
        onConfirm={async () => {
          setBusy(true);
          setError(null);
          try {
            await logoutAll();
          } catch (err) {
            setError(errorMessage(err));
            setBusy(false);
          }
        }}
      >
        <p>{t('account.sessions.confirmText')}</p>
      </ConfirmDialog>
    </div>
  );
}
