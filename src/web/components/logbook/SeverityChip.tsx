import { eventStatusLabels, severityInfo, type EventStatus, type Severity } from '../../../shared';
import { t } from '../../i18n';

/** Vigilance colour with its name (never the colour alone). */
export function SeverityChip({ severity, compact = false }: { severity: number; compact?: boolean }) {
  const info = severityInfo[(Math.min(4, Math.max(1, severity)) as Severity)];
  return (
    <span
      className={`severity${compact ? ' severity--compact' : ''}`}
      style={{ background: info.colour, color: info.text }}
      data-severity={severity}
      title={t('event.severity', { label: info.label })}
    >
      <span className="visually-hidden">{t('event.severityPrefix')} </span>
      {info.label}
    </span>
  );
}

export function StatusBadge({ status }: { status: EventStatus }) {
  const tone = status === 'active' ? 'primary' : status === 'watch' ? 'info' : 'neutral';
  return (
    <span className={`badge badge--${tone} status-badge`} data-status={status}>
      {eventStatusLabels[status]}
    </span>
  );
}
