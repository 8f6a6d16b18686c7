import { t } from '../../i18n';
import { Icon } from '../Icon';
import './rights.css';

/** "Liste restreinte" on an event seen by a list only (nothing for an event open to the organisation). */
export function AudienceBadge({ restricted }: { restricted: boolean }) {
  if (!restricted) return null;
  return (
    <span className="audience-badge" data-testid="audience-badge" title={t('audience.badgeTitle')}>
      <Icon name="lock" size={14} />
      {t('audience.badge')}
    </span>
  );
}
