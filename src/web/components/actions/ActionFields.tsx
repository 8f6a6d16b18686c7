import { useEffect, useId, useState } from 'react';
import type { Assignees } from '../../../shared/schemas/rights';
import type { NewAction } from '../../../shared/schemas/actions';
import { api, errorMessage } from '../../api/client';
import { fromParisInput, t } from '../../i18n';
import { Icon } from '../Icon';
import { TextField } from '../Field';
import './actions.css';

/** What the entry form keeps about the action: the assignee as "f:<id>" or "u:<id>". */
export interface ActionDraft {
  enabled: boolean;
  assignee: string;
  dueAt: string;
}

export const emptyActionDraft: ActionDraft = { enabled: false, assignee: '', dueAt: '' };

/**
 * The `action` of the entry body, or undefined when the entry is not an action. An unreadable due
 * time gives `dueAt: 'invalide'` for the shared schema to refuse in French.
 */
export function actionBody(draft: ActionDraft): NewAction | undefined {
  if (!draft.enabled) return undefined;
  const [kind, id] = draft.assignee.split(':');
  const dueAt = draft.dueAt.trim() ? (fromParisInput(draft.dueAt) ?? 'invalide') : null;
  return {
    assigneeUserId: kind === 'u' && id ? id : null,
    assigneeFunctionId: kind === 'f' && id ? id : null,
    dueAt,
  };
}

/** Errors of the body keyed `action.*` for the two fields shown. */
export function actionErrors(errors: Record<string, string>): { assignee?: string; dueAt?: string } {
  return {
    assignee: errors['action.assigneeUserId'] ?? errors['action.assigneeFunctionId'] ?? errors.action,
    dueAt: errors['action.dueAt'],
  };
}

interface ActionFieldsProps {
  eventId: string;
  value: ActionDraft;
  onChange: (draft: ActionDraft) => void;
  errors: Record<string, string>;
}

/** "C’est une action à suivre": assignee (functions, then people) and an optional due time. */
export function ActionFields({ eventId, value, onChange, errors }: ActionFieldsProps) {
  const id = useId();
  const [assignees, setAssignees] = useState<Assignees | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { assignee: assigneeError, dueAt: dueError } = actionErrors(errors);

  // Loaded the first time the box is ticked.
  useEffect(() => {
    if (!value.enabled || assignees) return;
    let cancelled = false;
    api('listAssignees', { params: { id: eventId } })
      .then((a) => {
        if (!cancelled) {
          setAssignees(a);
          setLoadError(null);
        }
      })
      .catch((err: unknown) => {
        if (!cancelled) setLoadError(errorMessage(err));
      });
    return () => {
      cancelled = true;
    };
  }, [value.enabled, assignees, eventId]);

  const functionName = new Map((assignees?.functions ?? []).map((f) => [f.id, f.name]));
  const selectId = `${id}-assignee`;
  const describedBy = [assigneeError ? `${selectId}-error` : null, loadError ? `${selectId}-load` : null].filter(Boolean).join(' ') || undefined;

  return (
    <div className={`action-fields${value.enabled ? ' action-fields--on' : ''}`} data-testid="action-fields">
      <label className="toggle toggle--action">
        <input type="checkbox" name="isAction" checked={value.enabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} aria-controls={`${id}-body`} aria-expanded={value.enabled} />
        <span>
          <Icon name="check" size={16} />
          {t('actions.form.toggle')}
        </span>
      </label>
      {value.enabled ? (
        <div id={`${id}-body`} className="action-fields__body">
          <div className={`field${assigneeError ? ' field--error' : ''}`}>
            <label htmlFor={selectId} className="field__label">
              {t('actions.form.assignee')}
            </label>
            <select
              id={selectId}
              name="assignee"
              className="input select"
              value={value.assignee}
              onChange={(e) => onChange({ ...value, assignee: e.target.value })}
              aria-invalid={assigneeError ? true : undefined}
              aria-describedby={describedBy}
              disabled={!assignees && !loadError}
            >
              <option value="">{assignees ? t('actions.form.assigneeChoose') : t('app.loading')}</option>
              {assignees && assignees.functions.length > 0 ? (
                <optgroup label={t('actions.form.functions')}>
                  {assignees.functions.map((f) => (
                    <option key={f.id} value={`f:${f.id}`}>
                      {f.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
              {assignees && assignees.users.length > 0 ? (
                <optgroup label={t('actions.form.people')}>
                  {assignees.users.map((u) => {
                    const fns = u.functionIds.map((f) => functionName.get(f)).filter(Boolean);
                    return (
                      <option key={u.id} value={`u:${u.id}`}>
                        {fns.length ? `${u.displayName} (${fns.join(', ')})` : u.displayName}
                      </option>
                    );
                  })}
                </optgroup>
              ) : null}
            </select>
            {loadError ? (
              <p id={`${selectId}-load`} className="field__error">
                <Icon name="alert" size={16} />
                <span>{loadError}</span>
              </p>
            ) : null}
            {assigneeError ? (
              <p id={`${selectId}-error`} className="field__error">
                <Icon name="alert" size={16} />
                <span>{assigneeError}</span>
              </p>
            ) : null}
          </div>
          <TextField
            label={t('actions.form.due')}
            hint={t('actions.form.dueHint')}
            type="datetime-local"
            name="actionDueAt"
            value={value.dueAt}
            onChange={(e) => onChange({ ...value, dueAt: e.target.value })}
            error={dueError}
          />
        </div>
      ) : null}
    </div>
  );
}
