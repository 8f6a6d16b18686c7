import type { MouseEvent } from 'react';
import type { Entry } from '../../../shared';
import { routeUrl } from '../../api/client';
import { formatDay, formatFull, formatTime, sameParisDay, t } from '../../i18n';
import { Icon } from '../Icon';
import { EntryActionBadge } from '../actions/ActionBits';

function sizeLabel(bytes: number): string {
  if (bytes < 1024) return t('entry.size.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('entry.size.kb', { n: Math.max(1, Math.round(bytes / 1024)) });
  return t('entry.size.mb', { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

export type CorrectionKind = 'correction' | 'cancellation';

interface EntryItemProps {
  entry: Entry;
  eventId: string;
  /** Sequence number of the entry a correction or cancellation targets (when known). */
  targetSeq: number | null;
  canAct: boolean;
  highlighted: boolean;
  fresh: boolean;
  onCorrect: (entry: Entry, kind: CorrectionKind) => void;
  onJump: (seq: number) => void;
  /** The entry carries a position: show it on the event's map. */
  onShowOnMap?: (entry: Entry) => void;
  now?: Date;
}

export function EntryItem({ entry, eventId, targetSeq, canAct, highlighted, fresh, onCorrect, onJump, onShowOnMap, now = new Date() }: EntryItemProps) {
  const struck = entry.correctedBy.length > 0;
  const system = entry.kind === 'system';
  const classes = [
    'entry',
    `entry--${entry.kind}`,
    struck ? 'entry--struck' : '',
    entry.important ? 'entry--important' : '',
    highlighted ? 'entry--highlight' : '',
    fresh ? 'entry--fresh' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const jump = (seq: number) => (e: MouseEvent) => {
    e.preventDefault();
    onJump(seq);
  };
  const href = (seq: number) => `/evenements/${eventId}?entree=${seq}`;
  const today = sameParisDay(entry.occurredAt, now);

  return (
    <li id={`entree-${entry.seq}`} className={classes} data-seq={entry.seq} data-kind={entry.kind} tabIndex={-1} aria-labelledby={`entree-${entry.seq}-label`}>
      <div className="entry__when">
        <time className="entry__time" dateTime={entry.occurredAt} title={formatFull(entry.occurredAt)}>
          {formatTime(entry.occurredAt)}
        </time>
        {!today ? <span className="entry__day">{formatDay(entry.occurredAt)}</span> : null}
        <span className="entry__recorded" title={formatFull(entry.recordedAt)}>
          {t('entry.recordedAt', { time: sameParisDay(entry.recordedAt, entry.occurredAt) ? formatTime(entry.recordedAt) : `${formatDay(entry.recordedAt)} ${formatTime(entry.recordedAt)}` })}
        </span>
      </div>
      <div className="entry__body">
        <p className="entry__meta" id={`entree-${entry.seq}-label`}>
          <span className="entry__seq">{t('entry.number', { seq: entry.seq })}</span>
          {system ? <span className="badge badge--neutral">{t('entry.kind.system')}</span> : null}
          {entry.important ? (
            <span className="entry__flag">
              <Icon name="alert" size={14} />
              {t('entry.important')}
            </span>
          ) : null}
          {entry.kind === 'correction' ? <span className="badge badge--info">{t('entry.kind.correction')}</span> : null}
          {entry.kind === 'cancellation' ? <span className="badge badge--warning">{t('entry.kind.cancellation')}</span> : null}
          <span className="entry__author">{entry.authorName}</span>
          {entry.functionName ? <span className="entry__function">{entry.functionName}</span> : null}
          {entry.source ? <span className="entry__source">{t('entry.sourceLabel', { source: entry.source })}</span> : null}
        </p>

        {entry.correctsId ? (
          <p className="entry__ref">
            <Icon name="undo" size={16} />
            {targetSeq !== null ? (
              <a href={href(targetSeq)} onClick={jump(targetSeq)}>
                {entry.kind === 'cancellation' ? t('entry.cancels', { seq: targetSeq }) : t('entry.corrects', { seq: targetSeq })}
              </a>
            ) : (
              <span>{entry.kind === 'cancellation' ? t('entry.cancelsUnknown') : t('entry.correctsUnknown')}</span>
            )}
          </p>
        ) : null}

        {struck ? <span className="visually-hidden">{t('entry.struckNotice')}</span> : null}
        <p className="entry__text">{entry.text}</p>
        {entry.action ? <EntryActionBadge action={entry.action} /> : null}

        {entry.tags.length > 0 ? (
          <ul className="chips" aria-label={t('entry.tags')}>
            {entry.tags.map((tag) => (
              <li key={tag} className="chip">
                {tag}
              </li>
            ))}
          </ul>
        ) : null}

        {entry.position && onShowOnMap ? (
          <button type="button" className="link-button entry__place" onClick={() => onShowOnMap(entry)}>
            <Icon name="map" size={16} />
            {entry.position.source === 'device' ? t('entry.placeDevice', { accuracy: String(Math.round(entry.position.accuracy ?? 0)) }) : t('entry.placeMap')}
          </button>
        ) : null}

        {entry.attachments.length > 0 ? (
          <ul className="attachments" aria-label={t('entry.attachments')}>
            {entry.attachments.map((a) => {
              const url = routeUrl('getAttachment', { id: a.id });
              return a.contentType.startsWith('image/') ? (
                <li key={a.id} className="attachment attachment--image">
                  <a href={url} target="_blank" rel="noopener" title={t('entry.openImage', { name: a.fileName })}>
                    <img src={url} alt={a.fileName} loading="lazy" decoding="async" />
                  </a>
                </li>
              ) : (
                <li key={a.id} className="attachment attachment--file">
                  <a href={url} download={a.fileName}>
                    <Icon name="file" size={18} />
                    <span className="attachment__name">{a.fileName}</span>
                    <span className="attachment__size">{t('entry.pdfSize', { size: sizeLabel(a.sizeBytes) })}</span>
                  </a>
                </li>
              );
            })}
          </ul>
        ) : null}

        {entry.correctedBy.map((c) => (
          <p key={c.id} className="entry__corrected">
            <Icon name="arrow" size={16} />
            <a href={href(c.seq)} onClick={jump(c.seq)}>
              {c.kind === 'cancellation' ? t('entry.cancelledBy', { seq: c.seq }) : t('entry.correctedBy', { seq: c.seq })}
            </a>
          </p>
        ))}

        {canAct && !system ? (
          <div className="entry__actions">
            <button
              type="button"
              className="button button--tertiary button--small"
              aria-label={t('entry.correctLabel', { seq: entry.seq })}
              onClick={() => onCorrect(entry, 'correction')}
            >
              <Icon name="edit" size={16} />
              {t('entry.correct')}
            </button>
            <button
              type="button"
              className="button button--tertiary button--small"
              aria-label={t('entry.cancelLabel', { seq: entry.seq })}
              onClick={() => onCorrect(entry, 'cancellation')}
            >
              <Icon name="close" size={16} />
              {t('entry.cancel')}
            </button>
          </div>
        ) : null}
      </div>
    </li>
  );
}
