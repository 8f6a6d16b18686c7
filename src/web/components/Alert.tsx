import type { ReactNode } from 'react';
import { t } from '../i18n';
import { Icon } from './Icon';

type Tone = 'error' | 'success' | 'info' | 'warning';

/**
 * A message box. Errors use role="alert" (announced at once); other tones are polite status
 * messages. Render the component always and pass `children` null to keep the live region stable.
 */
export function Alert({ tone, children, title, className }: { tone: Tone; children: ReactNode; title?: ReactNode; className?: string }) {
  const icon = tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'alert';
  return (
    <div className={`alert alert--${tone}${className ? ` ${className}` : ''}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children ? (
        <>
          <Icon name={icon} className="alert__icon" />
          <div className="alert__body">
            {title ? <p className="alert__title">{title}</p> : null}
            <div>{children}</div>
          </div>
        </>
      ) : null}
    </div>
  );
}

/** A live region that stays in the DOM; shows its message only when non-empty. */
export function LiveMessage({ tone, message }: { tone: Tone; message: string | null }) {
  return (
    <div aria-live={tone === 'error' ? 'assertive' : 'polite'} aria-atomic="true" className="live-message">
      {message ? <Alert tone={tone}>{message}</Alert> : null}
    </div>
  );
}

/** A load that failed: its message and a "Réessayer" link; nothing when `message` is null. */
export function RetryAlert({ message, onRetry }: { message: string | null; onRetry: () => void }) {
  if (!message) return null;
  return (
    <Alert tone="error">
      {message}{' '}
      <button type="button" className="link-button" onClick={onRetry}>
        {t('action.retry')}
      </button>
    </Alert>
  );
}
