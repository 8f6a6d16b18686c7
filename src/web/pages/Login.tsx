import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { loginBodySchema } from '../../shared';
import { ApiError, api, errorMessage, validate } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthPage } from '../components/AuthPage';
import { PasswordField, TextField } from '../components/Field';
import { t } from '../i18n';
import { useSessionContext } from '../session';

export function LoginPage() {
  const { state, setSession } = useSessionContext();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const notice = state.status === 'anonymous' ? state.notice : null;
  const from = (location.state as { from?: string } | null)?.from;

  useEffect(() => {
    document.title = `${t('login.title')} — ${t('app.name')}`;
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = validate(loginBodySchema, { email, password });
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const session = await api('login', { body: v.data });
      setSession(session);
      navigate(from && from.startsWith('/') && !from.startsWith('/connexion') ? from : '/', { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      // The server's French message never says whether the e-mail exists.
      setFormError(errorMessage(err));
      setPassword('');
      passwordRef.current?.focus();
    }
  }

  return (
    <AuthPage titleId="login-title" title={t('login.title')}>
      <p className="auth-card__intro">{t('login.intro')}</p>
      {notice && !formError ? (
        <Alert tone="info" className="auth-card__notice">
          {t(notice)}
        </Alert>
      ) : null}
      <div aria-live="assertive" aria-atomic="true">
        {formError ? (
          <Alert tone="error" className="auth-card__notice">
            <span data-testid="login-error">{formError}</span>
          </Alert>
        ) : null}
      </div>
      <form onSubmit={submit} noValidate className="form">
        <TextField
          label={t('login.email')}
          hint={t('login.emailHint')}
          name="email"
          type="email"
          autoComplete="username"
          inputMode="email"
          autoCapitalize="off"
          spellCheck={false}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          required
          autoFocus
        />
        <PasswordField
          ref={passwordRef}
          label={t('login.password')}
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p className="auth-card__help">{t('login.forgotten')}</p>
    </AuthPage>
  );
}
