import { useRealtimeStatus } from '../api/realtime';
import { t, type MessageKey } from '../i18n';

const labels: Record<string, MessageKey> = {
  connected: 'shell.realtime.connected',
  connecting: 'shell.realtime.connecting',
  reconnecting: 'shell.realtime.reconnecting',
  idle: 'shell.realtime.offline',
  closed: 'shell.realtime.offline',
};

/** "Temps réel : connecté / reconnexion…" with a coloured dot; announced politely on change. */
export function RealtimeIndicator({ compact = false }: { compact?: boolean }) {
  const status = useRealtimeStatus();
  const label = t(labels[status] ?? 'shell.realtime.offline');
  const tone = status === 'connected' ? 'ok' : status === 'connecting' || status === 'reconnecting' ? 'pending' : 'off';
  return (
    <span
      className={`realtime realtime--${tone}${compact ? ' realtime--compact' : ''}`}
      role="status"
      aria-live="polite"
      data-status={status}
      data-testid={compact ? undefined : 'realtime-status'}
      title={label}
    >
      <span className="realtime__dot" aria-hidden="true" />
      <span className={compact ? 'visually-hidden' : 'realtime__label'}>{label}</span>
    </span>
  );
}
