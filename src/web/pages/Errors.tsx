import { Link } from 'react-router';
import { roleLabels } from '../../shared';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { useSession } from '../session';
import { usePageTitle } from '../usePageTitle';

export function NotFoundPage() {
  usePageTitle(t('notFound.title'));
  return (
    <div className="page page--centered">
      <div className="status-page">
        <p className="status-page__code" aria-hidden="true">
          404
        </p>
        <h1 className="page__title">{t('notFound.title')}</h1>
        <p>{t('notFound.text')}</p>
        <Link to="/" className="button button--primary">
          {t('notFound.back')}
        </Link>
      </div>
    </div>
  );
}

export function AccessDeniedPage() {
  const session = useSession();
  usePageTitle(t('denied.title'));
  return (
    <div className="page page--centered">
      <div className="status-page" data-testid="access-denied">
        <p className="status-page__code status-page__code--icon" aria-hidden="true">
          <Icon name="lock" size={48} />
        </p>
        <h1 className="page__title">{t('denied.title')}</h1>
        <p>{t('denied.text', { role: roleLabels[session.user.role].toLowerCase() })}</p>
        <Link to="/" className="button button--primary">
          {t('notFound.back')}
        </Link>
      </div>
    </div>
  );
}
