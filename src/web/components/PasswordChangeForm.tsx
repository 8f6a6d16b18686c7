import { useState, type FormEvent } from 'react';
import { changePasswordBodySchema, PASSWORD_MIN_LENGTH, type SessionInfo } from '../../shared';
import { ApiError, api, errorMessage, validate } from '../api/client';
import { t, type MessageKey } from '../i18n';
import { LiveMessage } from './Alert';
import { PasswordField } from './Field';

interface Props {
  currentLabel: MessageKey;
  submitLabel: MessageKey;
  onChanged: (session: SessionInfo) => void;
}

/** Current + new + confirmation, with the length rule visible and checked as you type. */
export function PasswordChangeForm({ currentLabel, submitLabel, onChanged }: Props) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const long = newPassword.length >= PASSWORD_MIN_LENGTH;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = validate(changePasswordBodySchema, { currentPassword, newPassword });
    const errs: Record<string, string> = { ...(v.errors ?? {}) };
    if (!errs.newPassword && confirm !== newPassword) errs.confirm = t('password.mismatch');
    if (v.errors || errs.confirm) {
      setErrors(errs);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const session = await api('changePassword', { body: v.data! });
      setCurrent('');
      setNew('');
      setConfirm('');
      setBusy(false);
      onChanged(session);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError) {
        if (err.code === 'wrong_current_password') {
          setErrors({ currentPassword: err.message });
          return;
        }
        if (err.code === 'weak_password' || err.code === 'password_reused') {
          setErrors({ newPassword: err.message });
          return;
        }
        if (err.code === 'validation_failed') setErrors(err.fieldErrors);
      }
      setFormError(errorMessage(err));
    }
  }

  return (
    <form onSubmit={submit} noValidate className="form">
      <LiveMessage tone="error" message={formError} />
      <PasswordField
        label={t(currentLabel)}
        name="currentPassword"
        autoComplete="current-password"
        value={currentPassword}
        onChange={(e) => setCurrent(e.target.value)}
        error={errors.currentPassword}
        required
      />
      <PasswordField
        label={t('password.new')}
        name="newPassword"
        autoComplete="new-password"
        hint={
          <>
            {t('password.rule', { min: PASSWORD_MIN_LENGTH })}{' '}
            <span className={`rule-count${long ? ' rule-count--ok' : ''}`}>
              {t('password.ruleCount', { count: newPassword.length, min: PASSWORD_MIN_LENGTH })}
            </span>
          </>
        }
        value={newPassword}
        onChange={(e) => setNew(e.target.value)}
        error={errors.newPassword}
        minLength={PASSWORD_MIN_LENGTH}
        required
      />
      <PasswordField
        label={t('password.confirm')}
        name="confirmPassword"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        error={errors.confirm}
        required
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t('password.submitting') : t(submitLabel)}
        </button>
      </div>
    </form>
  );
}
