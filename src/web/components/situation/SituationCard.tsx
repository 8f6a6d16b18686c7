import { useCallback, useEffect, useRef, useState } from 'react';
import { severityInfo, topicOf, type EventDetail, type Severity } from '../../../shared';
import type { Situation, SituationVersion } from '../../../shared/schemas/situation';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { formatDateTime, formatFull, t } from '../../i18n';
import { useSession } from '../../session';
import { RetryAlert } from '../Alert';
import { Icon } from '../Icon';
import { SituationFormDialog } from './SituationFormDialog';
import { SituationHistoryDialog } from './SituationHistoryDialog';
import { displayValue } from './values';
import './situation.css';

/** Adds a version received live (newest first, no duplicate). */
export function withVersion(situation: Situation, version: SituationVersion): Situation {
  if (situation.versions.some((v) => v.id === version.id || v.version === version.version)) return situation;
  return { ...situation, versions: [version, ...situation.versions].sort((a, b) => b.version - a.version) };
}

interface SituationCardProps {
  event: EventDetail;
  /** Phone layout: the details start folded. */
  isPhone: boolean;
}

/**
 * The situation analysis pinned at the top of an event: gravity (colour and its name), the latest
 * version's values, who updated it and when; update form, history and comparison; live.
 */
export function SituationCard({ event, isPhone }: SituationCardProps) {
  const session = useSession();
  const [situation, setSituation] = useState<Situation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<null | 'form' | 'history'>(null);
  const [fresh, setFresh] = useState(false);
  const [announce, setAnnounce] = useState<string | null>(null);
  const freshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const canUpdate =
    event.myAccess.write && session.permissions.includes('logbook.write') && !session.guest && event.status !== 'closed';

  const load = useCallback(async () => {
    try {
      setSituation(await api('getSituation', { params: { id: event.id } }));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [event.id]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => () => {
    if (freshTimer.current) clearTimeout(freshTimer.current);
  }, []);

  const situationRef = useRef(situation);
  situationRef.current = situation;

  useRealtimeTopic(topicOf('event', event.id), {
    onEvent: (ev) => {
      if (ev.kind !== 'situation.updated' || ev.eventId !== event.id) return;
      const current = situationRef.current;
      if (!current) {
        void load();
        return;
      }
      const next = withVersion(current, ev.version);
      if (next === current) return;
      situationRef.current = next;
      setSituation(next);
      setFresh(true);
      setAnnounce(t('situation.liveUpdated', { name: ev.version.authorName, version: ev.version.version }));
      if (freshTimer.current) clearTimeout(freshTimer.current);
      freshTimer.current = setTimeout(() => setFresh(false), 2500);
    },
    onResync: () => void load(),
  });

  const latest = situation?.versions[0] ?? null;
  const info = latest ? severityInfo[Math.min(4, Math.max(1, latest.severity)) as Severity] : null;
  const filled = latest ? latest.fields.filter((f) => displayValue(f, latest.values[f.key]) !== null).length : 0;

  return (
    <section
      className={`situation${fresh ? ' situation--fresh' : ''}${latest ? '' : ' situation--empty'}`}
      aria-labelledby="situation-title"
      data-testid="situation"
      data-severity={latest?.severity ?? ''}
      data-version={latest?.version ?? 0}
    >
      <div
        className="situation__band"
        style={info ? { background: info.colour, color: info.text } : undefined}
        data-testid="situation-band"
      >
        <h2 id="situation-title" className="situation__title">
          {t('situation.title')}
        </h2>
        <p className="situation__level">
          {info ? (
            <>
              <span className="situation__level-label">{t('situation.severity')}</span>{' '}
              <strong className="situation__level-name" data-testid="situation-severity">
                {info.label}
              </strong>
            </>
          ) : (
            <strong className="situation__level-name">{t('situation.none.band')}</strong>
          )}
        </p>
      </div>

      <div className="situation__body">
        <div className="situation__head">
          {latest ? (
            <p className="situation__meta" data-testid="situation-meta">
              <span className="situation__version">{t('situation.version', { version: latest.version })}</span>
              <span title={formatFull(latest.createdAt)}>{t('situation.updatedLine', { date: formatDateTime(latest.createdAt), name: latest.authorName })}</span>
            </p>
          ) : situation ? (
            <p className="situation__meta">{canUpdate ? t('situation.none.invite') : t('situation.none.text')}</p>
          ) : error ? null : (
            <p className="situation__meta muted">{t('app.loading')}</p>
          )}
          <div className="situation__buttons">
            {canUpdate && situation ? (
              <button type="button" className="button button--primary button--small" onClick={() => setDialog('form')}>
                <Icon name="edit" size={18} />
                {latest ? t('situation.update') : t('situation.fill')}
              </button>
            ) : null}
            {situation && situation.versions.length > 0 ? (
              <button type="button" className="button button--secondary button--small" onClick={() => setDialog('history')}>
                <Icon name="list" size={18} />
                {t('situation.history')}
                <span className="count">{situation.versions.length}</span>
              </button>
            ) : null}
          </div>
        </div>

        <div aria-live="polite" className="visually-hidden">
          {announce}
        </div>
        <RetryAlert message={error} onRetry={() => void load()} />

        {latest ? (
          <details className="situation__details" open={!isPhone || undefined}>
            <summary className="situation__summary">
              <span>{t('situation.details', { filled, total: latest.fields.length })}</span>
              <Icon name="chevron" size={18} className="situation__chevron" />
            </summary>
            <dl className="situation__values" data-testid="situation-values">
              {latest.fields.map((f) => {
                const shown = displayValue(f, latest.values[f.key]);
                return (
                  <div key={f.key} className={`situation__value situation__value--${f.type}`} data-key={f.key}>
                    <dt>{f.label}</dt>
                    <dd className={shown === null ? 'muted' : undefined}>{shown ?? t('situation.empty')}</dd>
                  </div>
                );
              })}
            </dl>
          </details>
        ) : null}
      </div>

      {situation && canUpdate ? (
        <SituationFormDialog
          open={dialog === 'form'}
          eventId={event.id}
          eventSeverity={event.severity}
          situation={situation}
          onClose={() => setDialog(null)}
          onSaved={(s) => {
            setSituation(s);
            setDialog(null);
          }}
          onReloaded={setSituation}
        />
      ) : null}
      {situation ? <SituationHistoryDialog open={dialog === 'history'} situation={situation} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}

