import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { PASSWORD_MIN_LENGTH, type ActivationInfo } from '../../shared';
import { ApiError, api, errorMessage } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthPage } from '../components/AuthPage';
import { PasswordField } from '../components/Field';
import { t } from '../i18n';
import { useSessionContext } from '../session';

/** The token travels in the fragment (#...): never sent to a server, never in a log. */
function tokenFromHash(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, '')).trim();
}

/** /activation#<token>: a commune contact opens the link the prefecture sent, chooses a password and is signed in. */
export function ActivationPage() {
  const { setSession } = useSessionContext();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenFromHash);
  // Another link opened in the same tab changes only the fragment: follow it.
  useEffect(() => {
    const onHash = () => {
      setToken(tokenFromHash());
      setInfo(null);
      setLinkError(null);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const [info, setInfo] = useState<ActivationInfo | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('activation.title')} — ${t('app.name')}`;
    if (!token) {
      setLinkError(t('activation.noToken'));
      return;
    }
    api('checkActivation', { body: { token } })
      .then(setInfo)
      .catch((err: unknown) => setLinkError(errorMessage(err)));
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (password.length < PASSWORD_MIN_LENGTH) errs.password = t('activation.tooShort', { n: PASSWORD_MIN_LENGTH });
    if (confirm !== password) errs.confirm = t('activation.mismatch');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setFormError(null);
    try {
      const session = await api('activateAccount', { body: { token, password } });
      // The link is spent: take it out of the address bar and the history.
      window.history.replaceState(null, '', '/activation');
      setSession(session);
      navigate('/', { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && (err.code === 'activation_invalid' || err.code === 'activation_expired')) setLinkError(errorMessage(err));
      else if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    }
  }

  return (
    <AuthPage titleId="activation-title" title={t('activation.title')}>
      {linkError ? (
        <>
          <Alert tone="error" className="auth-card__notice">
            <span data-testid="activation-error">{linkError}</span>
          </Alert>
          <p className="auth-card__help">
            <a href="/connexion">{t('activation.toLogin')}</a>
          </p>
        </>
      ) : !info ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <>
          <p className="auth-card__intro" data-testid="activation-intro">
            {t('activation.intro', { name: info.displayName, commune: info.communeName })}
          </p>
          <dl className="facts facts--compact">
            <div>
              <dt>{t('activation.email')}</dt>
              <dd>{info.email}</dd>
            </div>
            <div>
              <dt>{t('activation.organisation')}</dt>
              <dd>{info.organisationName}</dd>
            </div>
          </dl>
          <div aria-live="assertive">{formError ? <Alert tone="error" className="auth-card__notice">{formError}</Alert> : null}</div>
          <form onSubmit={submit} noValidate className="form">
            {/* The e-mail in a hidden username field lets password managers store the pair. */}
            <input type="email" name="username" autoComplete="username" value={info.email} readOnly hidden />
            <PasswordField
              label={t('activation.password')}
              hint={t('activation.passwordHint', { n: PASSWORD_MIN_LENGTH })}
              autoComplete="new-password"
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                setErrors(({ password: _gone, ...rest }) => rest);
              }}
              error={errors.password}
              required
              autoFocus
            />
            <PasswordField label={t('activation.confirm')} autoComplete="new-password" value={confirm} onChange={(e) => {
                setConfirm(e.target.value);
                setErrors(({ confirm: _gone, ...rest }) => rest);
              }} error={errors.confirm} required />
            <button type="submit" className="button button--primary button--block" disabled={busy}>
              {busy ? t('activation.busy') : t('activation.submit')}
            </button>
          </form>
        </>
      )}
    </AuthPage>
  );
}
