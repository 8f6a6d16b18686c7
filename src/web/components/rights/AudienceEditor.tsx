import { useId } from 'react';
import { roleLabels, roles } from '../../../shared';
import { accessLevels, type AccessLevel, type AudienceGrant, type EventAudienceMode, type PrincipalKind } from '../../../shared/schemas/rights';
import { t, type MessageKey } from '../../i18n';
import { Icon } from '../Icon';
import { audienceInWords, grantName, newGrant, subjectId, withSubject, type AudienceDirectory } from './audience';
import './rights.css';

const kindLabels: Record<PrincipalKind, MessageKey> = { role: 'audience.kind.role', function: 'audience.kind.function', user: 'audience.kind.user' };
const accessLabels: Record<AccessLevel, MessageKey> = { read: 'audience.access.read', write: 'audience.access.write' };
const modeLabels: Record<EventAudienceMode, MessageKey> = {
  inherit: 'audience.mode.inherit',
  organisation: 'audience.mode.organisation',
  restricted: 'audience.mode.restricted',
};
const modeHints: Record<EventAudienceMode, MessageKey> = {
  inherit: 'audience.modeHint.inherit',
  organisation: 'audience.modeHint.organisation',
  restricted: 'audience.modeHint.restricted',
};

interface Props<M extends EventAudienceMode> {
  /** Modes offered, in order (a type: organisation / restricted; an event: inherit too). */
  modes: readonly M[];
  mode: M;
  grants: readonly AudienceGrant[];
  onChange: (mode: M, grants: AudienceGrant[]) => void;
  directory: AudienceDirectory;
  /** Legend of the mode choice ("Qui voit ce type"). */
  legend: string;
  /** Per-mode hint replacing the default one (the inherited audience, for an event). */
  hints?: Partial<Record<M, string>>;
  lineErrors?: Record<number, string>;
  formError?: string | null;
  disabled?: boolean;
}

/**
 * "Toute l’organisation" / "Liste restreinte" (and "Comme son type" for an event), then the lines
 * of the restricted list: role, crisis-cell function or named person, read or read and write.
 */
export function AudienceEditor<M extends EventAudienceMode>({ modes, mode, grants, onChange, directory, legend, hints, lineErrors = {}, formError, disabled }: Props<M>) {
  const id = useId();
  const restricted = mode === 'restricted';
  const set = (i: number, g: AudienceGrant) => onChange(mode, grants.map((x, j) => (j === i ? g : x)));
  const activeFunctions = directory.functions.filter((f) => !f.archived);
  const activeUsers = directory.users.filter((u) => u.status !== 'disabled');

  function subjectOptions(g: AudienceGrant): { value: string; label: string }[] {
    const current = subjectId(g);
    let options: { value: string; label: string }[];
    if (g.kind === 'role') options = roles.map((r) => ({ value: r, label: roleLabels[r] }));
    else if (g.kind === 'function') options = activeFunctions.map((f) => ({ value: f.id, label: f.name }));
    else options = activeUsers.map((u) => ({ value: u.id, label: u.displayName }));
    if (current && !options.some((o) => o.value === current)) options = [{ value: current, label: grantName(g, directory) }, ...options];
    if (!current) options = [{ value: '', label: t('audience.line.choose') }, ...options];
    return options;
  }

  const summary = audienceInWords(
    mode,
    grants.filter((g) => subjectId(g)).map((g) => ({ name: grantName(g, directory), access: g.access })),
  );

  return (
    <div className="audience-editor" data-testid="audience-editor">
      <fieldset className="fieldset">
        <legend className="field__label">{legend}</legend>
        <div className="audience-modes">
          {modes.map((m) => (
            <label key={m} className="audience-mode">
              <input
                type="radio"
                name={`${id}-mode`}
                value={m}
                checked={mode === m}
                disabled={disabled}
                onChange={() => onChange(m, m === 'restricted' && grants.length === 0 ? [newGrant(activeFunctions.length ? 'function' : 'role', directory, [], 'write')] : [...grants])}
              />
              <span>
                <span className="audience-mode__label">{t(modeLabels[m])}</span>
                <span className="audience-mode__hint">{hints?.[m] ?? t(modeHints[m])}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      {restricted ? (
        <div className="audience-lines" role="group" aria-label={t('audience.lines')}>
          <div className="audience-line audience-line--head" aria-hidden="true">
            <span>{t('audience.col.kind')}</span>
            <span>{t('audience.col.subject')}</span>
            <span>{t('audience.col.access')}</span>
            <span />
          </div>
          <ol className="audience-lines__list">
            {grants.map((g, i) => {
              const n = i + 1;
              const err = lineErrors[i];
              return (
                <li key={i} className={`audience-line${err ? ' audience-line--error' : ''}`} data-testid="audience-line">
                  <select
                    className="input select"
                    aria-label={t('audience.line.kindLabel', { n })}
                    value={g.kind}
                    disabled={disabled}
                    onChange={(e) => {
                      const kind = e.target.value as PrincipalKind;
                      const others = grants.filter((_, j) => j !== i);
                      set(i, { ...newGrant(kind, directory, others), access: g.access });
                    }}
                  >
                    {(['role', 'function', 'user'] as const).map((k) => (
                      <option key={k} value={k}>
                        {t(kindLabels[k])}
                      </option>
                    ))}
                  </select>
                  <select
                    className="input select"
                    aria-label={t('audience.line.subjectLabel', { n })}
                    aria-invalid={err ? true : undefined}
                    aria-describedby={err ? `${id}-err-${i}` : undefined}
                    value={subjectId(g)}
                    disabled={disabled}
                    onChange={(e) => set(i, withSubject(g, g.kind, e.target.value))}
                  >
                    {subjectOptions(g).map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                  <select
                    className="input select"
                    aria-label={t('audience.line.accessLabel', { n })}
                    value={g.access}
                    disabled={disabled}
                    onChange={(e) => set(i, { ...g, access: e.target.value as AccessLevel })}
                  >
                    {accessLevels.map((a) => (
                      <option key={a} value={a}>
                        {t(accessLabels[a])}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('audience.line.remove', { n, name: grantName(g, directory) })}
                    title={t('audience.line.removeShort')}
                    disabled={disabled}
                    onClick={() => onChange(mode, grants.filter((_, j) => j !== i))}
                  >
                    <Icon name="close" size={18} />
                  </button>
                  {err ? (
                    <p id={`${id}-err-${i}`} className="field__error audience-line__error">
                      <Icon name="alert" size={16} />
                      <span>{err}</span>
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ol>
          <div className="button-row">
            <button type="button" className="button button--secondary button--small" disabled={disabled} onClick={() => onChange(mode, [...grants, newGrant(activeFunctions.length ? 'function' : 'role', directory, grants)])}>
              <Icon name="plus" size={18} />
              {t('audience.line.add')}
            </button>
          </div>
        </div>
      ) : null}

      <p className="audience-summary" aria-live="polite" data-testid="audience-summary">
        <Icon name={restricted ? 'lock' : 'users'} size={18} />
        <span>{summary}</span>
      </p>
      {formError ? (
        <p className="form-error" role="alert">
          <Icon name="alert" size={16} /> {formError}
        </p>
      ) : null}
    </div>
  );
}
