import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { GUEST_SUFFIX, guestJoinBodySchema, type GuestInvitation } from '../../shared/schemas/rights';
import { ApiError, api, errorMessage, validate } from '../api/client';
import { Alert } from '../components/Alert';
import { AuthPage } from '../components/AuthPage';
import { TextField } from '../components/Field';
import { formatDateTime, t, type MessageKey } from '../i18n';
import { useSessionContext } from '../session';
import '../components/rights/rights.css';

/** The token travels in the fragment (#...): never sent to a server by the browser, never in a log. */
function tokenFromHash(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, '')).trim();
}

interface LinkProblem {
  title: MessageKey;
  message: string;
  what: MessageKey;
}

function problemOf(err: unknown): LinkProblem {
  const code = err instanceof ApiError ? err.code : null;
  if (code === 'guest_link_expired') return { title: 'guests.invite.expiredTitle', message: errorMessage(err), what: 'guests.invite.askNew' };
  if (code === 'guest_link_revoked') return { title: 'guests.invite.revokedTitle', message: errorMessage(err), what: 'guests.invite.askNew' };
  if (code === 'rate_limited') return { title: 'guests.invite.rateTitle', message: errorMessage(err), what: 'guests.invite.rateWhat' };
  if (code === 'guest_link_invalid' || code === 'validation_failed' || code === 'not_found')
    return { title: 'guests.invite.invalidTitle', message: t('guests.invite.invalidText'), what: 'guests.invite.invalidWhat' };
  return { title: 'guests.invite.errorTitle', message: errorMessage(err), what: 'guests.invite.retryWhat' };
}

/**
 * /invite#<token>: a person outside the organisation opens the link a coordinator sent, sees
 * which event it opens, gives a name and lands on the event page as a guest.
 */
export function InvitePage() {
  const { state, setSession } = useSessionContext();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenFromHash);
  const [info, setInfo] = useState<GuestInvitation | null>(null);
  const [problem, setProblem] = useState<LinkProblem | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Another link opened in the same tab changes only the fragment: follow it.
  useEffect(() => {
    const onHash = () => {
      setToken(tokenFromHash());
      setInfo(null);
      setProblem(null);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${t('guests.invite.title')} — ${t('app.name')}`;
    if (!token) {
      setProblem({ title: 'guests.invite.invalidTitle', message: t('guests.invite.noToken'), what: 'guests.invite.invalidWhat' });
      return;
    }
    let cancelled = false;
    api('guestCheck', { body: { token } })
      .then((i) => {
        if (!cancelled) setInfo(i);
      })
      .catch((err: unknown) => {
        if (!cancelled) setProblem(problemOf(err));
      });
    return () => {
      cancelled = true;
    };
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = validate(guestJoinBodySchema, { token, name });
    if (v.errors) {
      setNameError(v.errors.name ?? Object.values(v.errors)[0] ?? null);
      return;
    }
    setNameError(null);
    setBusy(true);
    try {
      const session = await api('guestJoin', { body: v.data });
      // The link stays valid for other guests, but not in this tab's address bar and history.
      // A link to the room (/invite?salle#…) opens the event's virtual room, else the event.
      const toRoom = new URLSearchParams(window.location.search).has('salle');
      window.history.replaceState(null, '', '/invite');
      setSession(session);
      navigate(`/evenements/${session.guest?.eventId ?? info?.eventId ?? ''}${toRoom ? '/salle' : ''}`, { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && ['guest_link_invalid', 'guest_link_expired', 'guest_link_revoked'].includes(err.code)) setProblem(problemOf(err));
      else if (err instanceof ApiError && err.code === 'validation_failed') {
        setNameError(err.fieldErrors.name ?? null);
        setFormError(errorMessage(err));
      } else setFormError(problemOf(err).message);
    }
  }

  const signedIn = state.status === 'authenticated' && !state.session.guest ? state.session : null;
  const preview = name.trim() ? `${name.trim()}${GUEST_SUFFIX}` : null;

  return (
    <AuthPage titleId="invite-title" title={problem ? t(problem.title) : t('guests.invite.title')} tagline={t('guests.invite.tagline')}>
      {problem ? (
        <div data-testid="invite-error">
          <Alert tone="error" className="auth-card__notice">
            {problem.message}
          </Alert>
          <p className="auth-card__intro">{t(problem.what)}</p>
          {problem.what === 'guests.invite.rateWhat' ? (
            <button type="button" className="button button--secondary" onClick={() => window.location.reload()}>
              {t('action.retry')}
            </button>
          ) : null}
        </div>
      ) : !info ? (
        <p className="muted">{t('app.loading')}</p>
      ) : (
        <>
          <p className="auth-card__intro" data-testid="invite-intro">
            {t('guests.invite.intro', { host: info.hostOrganisation, title: info.eventTitle })}
          </p>
          <dl className="facts facts--compact invite-facts">
            <div>
              <dt>{t('guests.invite.event')}</dt>
              <dd>{info.eventTitle}</dd>
            </div>
            <div>
              <dt>{t('guests.invite.host')}</dt>
              <dd>{info.hostOrganisation}</dd>
            </div>
            <div>
              <dt>{t('guests.invite.access')}</dt>
              <dd>
                {info.access === 'write' ? t('guests.invite.accessWrite') : t('guests.invite.accessRead')}
                {info.includeChildren ? ` ${t('guests.invite.withChildren')}` : ''}
              </dd>
            </div>
            <div>
              <dt>{t('guests.invite.expires')}</dt>
              <dd>{formatDateTime(info.expiresAt)}</dd>
            </div>
          </dl>
          {signedIn ? <Alert tone="warning">{t('guests.invite.signedIn', { name: signedIn.user.displayName })}</Alert> : null}
          <div aria-live="assertive">{formError ? <Alert tone="error" className="auth-card__notice">{formError}</Alert> : null}</div>
          <form onSubmit={submit} noValidate className="form">
            <TextField
              label={t('guests.invite.name')}
              hint={preview ? t('guests.invite.nameHintPreview', { shown: preview }) : t('guests.invite.nameHint')}
              autoComplete="name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setNameError(null);
              }}
              error={nameError}
              maxLength={80}
              required
              autoFocus
            />
            <button type="submit" className="button button--primary button--block" disabled={busy}>
              {busy ? t('guests.invite.joining') : t('guests.invite.join')}
            </button>
          </form>
          <p className="auth-card__help">{t('guests.invite.privacy')}</p>
        </>
      )}
    </AuthPage>
  );
}
