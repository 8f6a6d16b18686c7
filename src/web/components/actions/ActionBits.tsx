import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { actionStatusLabels, type Action, type ActionStatus } from '../../../shared/schemas/actions';
import type { Entry } from '../../../shared';
import { ApiError, api, errorMessage } from '../../api/client';
import { formatDateTime, formatFull, t } from '../../i18n';
import { Dialog } from '../Dialog';
import { TextareaField } from '../Field';
import { Icon, type IconName } from '../Icon';
import { isOverdue, nextStatuses } from './actionUtils';
import './actions.css';

const statusIcon: Record<ActionStatus, IconName> = { todo: 'flag', doing: 'arrow', done: 'check', cancelled: 'close' };

/** The status in words, with an icon (never the colour alone). */
export function ActionStatusBadge({ status }: { status: ActionStatus }) {
  return (
    <span className={`action-status action-status--${status}`} data-status={status}>
      <Icon name={statusIcon[status]} size={14} />
      {actionStatusLabels[status]}
    </span>
  );
}

/** "Échéance : …", in red with "En retard" when it has passed. */
export function DueLabel({ dueAt, overdue }: { dueAt: string | null; overdue: boolean }) {
  if (!dueAt) return <span className="action-due action-due--none">{t('actions.noDue')}</span>;
  return (
    <span className={`action-due${overdue ? ' action-due--overdue' : ''}`} title={formatFull(dueAt)}>
      {overdue ? (
        <strong className="action-late" data-testid="action-late">
          <Icon name="alert" size={14} />
          {t('actions.overdue')}
        </strong>
      ) : null}
      {t('actions.due', { date: formatDateTime(dueAt) })}
    </span>
  );
}

/** Refreshes `now` every minute so that an action turns overdue on screen when its time passes. */
export function useNow(intervalMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** What an entry shows of the action it started (its current state). */
export function EntryActionBadge({ action }: { action: NonNullable<Entry['action']> }) {
  const now = useNow();
  const overdue = isOverdue(action, now);
  return (
    <p className={`entry-action${overdue ? ' entry-action--overdue' : ''}`} data-testid="entry-action" data-status={action.status}>
      <span className="entry-action__kind">{t('actions.entryBadge')}</span>
      <ActionStatusBadge status={action.status} />
      <span className="entry-action__who">{t('actions.assignee', { name: action.assigneeName })}</span>
      <DueLabel dueAt={action.dueAt} overdue={overdue} />
    </p>
  );
}

export const statusButtonLabel: Record<ActionStatus, Parameters<typeof t>[0]> = {
  todo: 'actions.to.todo',
  doing: 'actions.to.doing',
  done: 'actions.to.done',
  cancelled: 'actions.to.cancelled',
};

interface StatusDialogProps {
  action: Action | null;
  status: ActionStatus | null;
  onClose: () => void;
  onChanged: (action: Action) => void;
}

/** Change of status with an optional comment (both written in the main courante by the server). */
export function StatusChangeDialog({ action, status, onClose, onChanged }: StatusDialogProps) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = action !== null && status !== null;
  useEffect(() => {
    if (open) {
      setComment('');
      setError(null);
    }
  }, [open, action?.id, status]);

  async function confirm() {
    if (!action || !status) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await api('changeActionStatus', { params: { id: action.id }, body: { status, comment: comment.trim() } });
      onChanged(updated);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'validation_failed' ? (err.fieldErrors.comment ?? err.message) : errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      size="small"
      title={status ? t('actions.change.title', { status: actionStatusLabels[status] }) : ''}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="button" className={`button ${status === 'cancelled' ? 'button--danger' : 'button--primary'}`} onClick={() => void confirm()} disabled={busy}>
            {busy ? t('actions.change.saving') : t('actions.change.confirm', { status: status ? actionStatusLabels[status] : '' })}
          </button>
        </>
      }
    >
      {action ? (
        <>
          <p className="action-dialog__title">« {action.title} »</p>
          <p className="muted">{t('actions.change.intro')}</p>
          <TextareaField
            label={t('actions.change.comment')}
            hint={t('actions.change.commentHint')}
            rows={3}
            maxLength={1000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            autoFocus
          />
          <div aria-live="assertive">
            {error ? (
              <p className="form-error" role="alert">
                <Icon name="alert" size={16} /> {error}
              </p>
            ) : null}
          </div>
        </>
      ) : null}
    </Dialog>
  );
}

interface ActionItemProps {
  action: Action;
  now: Date;
  /** The event's name and link (cross-event page, or an action of a sub-event). */
  showEvent: boolean;
  onStatus: (action: Action, status: ActionStatus) => void;
  /** Opens the entry in the page already showing its event (instead of navigating). */
  onOpenEntry?: (action: Action) => boolean;
}

export function ActionItem({ action, now, showEvent, onStatus, onOpenEntry }: ActionItemProps) {
  const titleId = useId();
  const overdue = isOverdue(action, now);
  const entryHref = `/evenements/${action.eventId}?entree=${action.entrySeq}`;
  return (
    <li
      className={`action-item action-item--${action.status}${overdue ? ' action-item--overdue' : ''}`}
      data-testid="action"
      data-status={action.status}
      data-overdue={overdue ? 'true' : 'false'}
      aria-labelledby={titleId}
    >
      <div className="action-item__top">
        <ActionStatusBadge status={action.status} />
        <Link
          id={titleId}
          to={entryHref}
          className="action-item__title"
          onClick={(e) => {
            if (onOpenEntry?.(action)) e.preventDefault();
          }}
        >
          {action.title}
        </Link>
      </div>
      <p className="action-item__meta">
        <span className="action-item__who">
          <Icon name="account" size={14} />
          {action.assigneeName}
        </span>
        <DueLabel dueAt={action.dueAt} overdue={overdue} />
        {showEvent ? (
          <Link to={`/evenements/${action.eventId}`} className="action-item__event">
            <Icon name="flag" size={14} />
            {action.eventTitle}
          </Link>
        ) : null}
        <span className="action-item__entry">{t('actions.fromEntry', { seq: action.entrySeq })}</span>
      </p>
      {action.canChange ? (
        <div className="action-item__buttons">
          {nextStatuses(action.status).map((s) => (
            <button
              key={s}
              type="button"
              className={`button button--small ${s === 'cancelled' ? 'button--tertiary' : s === 'done' ? 'button--primary' : 'button--secondary'}`}
              aria-describedby={titleId}
              onClick={() => onStatus(action, s)}
            >
              {s === 'done' ? <Icon name="check" size={16} /> : null}
              {t(statusButtonLabel[s])}
            </button>
          ))}
        </div>
      ) : null}
    </li>
  );
}

interface ActionListProps {
  actions: readonly Action[];
  now: Date;
  showEvent: boolean;
  onChanged: (action: Action) => void;
  label: string;
  onOpenEntry?: (action: Action) => boolean;
  /** The event the page shows: its name is not repeated on its own actions. */
  currentEventId?: string;
}

/** A list of actions with their status buttons and the dialog they open. */
export function ActionList({ actions, now, showEvent, onChanged, label, onOpenEntry, currentEventId }: ActionListProps) {
  const [change, setChange] = useState<{ action: Action; status: ActionStatus } | null>(null);
  return (
    <>
      <ul className="action-list" aria-label={label} data-testid="action-list">
        {actions.map((a) => (
          <ActionItem key={a.id} action={a} now={now} showEvent={showEvent && a.eventId !== currentEventId} onStatus={(action, status) => setChange({ action, status })} onOpenEntry={onOpenEntry} />
        ))}
      </ul>
      <StatusChangeDialog
        action={change?.action ?? null}
        status={change?.status ?? null}
        onClose={() => setChange(null)}
        onChanged={(a) => {
          setChange(null);
          onChanged(a);
        }}
      />
    </>
  );
}
