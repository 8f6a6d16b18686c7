import { useId } from 'react';
import { t } from '../i18n';
import { Alert } from './Alert';
import { Icon } from './Icon';
import { useCopy } from './useCopy';

/** Shows a temporary password once, with a copy button and the "never shown again" warning. */
export function TemporaryPassword({ password, intro }: { password: string; intro: string }) {
  const { copied, copy: copyText, inputRef } = useCopy();
  const id = useId();
  const copy = () => copyText(password);

  return (
    <div className="temp-password">
      <p role="status">{intro}</p>
      <label htmlFor={id} className="field__label">
        {t('users.temp.label')}
      </label>
      <div className="temp-password__row">
        <input
          ref={inputRef}
          id={id}
          className="input temp-password__value"
          data-testid="temporary-password"
          readOnly
          value={password}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          <Icon name={copied ? 'check' : 'copy'} size={18} />
          <span aria-live="polite">{copied ? t('action.copied') : t('action.copy')}</span>
        </button>
      </div>
      <Alert tone="warning">{t('users.temp.warning')}</Alert>
    </div>
  );
}
