import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Situation } from '../../../shared/schemas/situation';
import { formatDateTime, formatFull, t } from '../../i18n';
import { Dialog } from '../Dialog';
import { Icon } from '../Icon';
import { SeverityChip } from '../logbook/SeverityChip';
import { compareVersions, displayValue } from './values';

interface SituationHistoryDialogProps {
  open: boolean;
  situation: Situation;
  onClose: () => void;
}

/** The versions, newest first; two of them (the latest two at first) compared field by field. */
export function SituationHistoryDialog({ open, situation, onClose }: SituationHistoryDialogProps) {
  const versions = situation.versions;
  const listId = useId();
  const [picked, setPicked] = useState<number[]>([]);
  const [onlyChanges, setOnlyChanges] = useState(false);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (open && !wasOpen.current) {
      setPicked(versions.slice(0, 2).map((v) => v.version));
      setOnlyChanges(false);
    }
    wasOpen.current = open;
    // Only on opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  function toggle(version: number, on: boolean) {
    setPicked((p) => {
      if (!on) return p.filter((v) => v !== version);
      // Two at most: the earliest pick gives way.
      const next = [...p.filter((v) => v !== version), version];
      return next.length > 2 ? next.slice(next.length - 2) : next;
    });
  }

  const pair = useMemo(() => {
    if (picked.length !== 2) return null;
    const [a, b] = picked.map((n) => versions.find((v) => v.version === n)).filter((v) => v !== undefined);
    if (!a || !b) return null;
    const [older, newer] = a.version < b.version ? [a, b] : [b, a];
    return { older, newer, diff: compareVersions(older, newer) };
  }, [picked, versions]);

  const changedCount = pair ? pair.diff.fields.filter((f) => f.changed).length + (pair.diff.severityChanged ? 1 : 0) : 0;

  return (
    <Dialog open={open} title={t('situation.historyTitle')} onClose={onClose}>
      <div className="situation-history" data-testid="situation-history">
        <fieldset className="fieldset">
          <legend className="field__label">{t('situation.compare.pick')}</legend>
          <ol className="version-list" id={listId}>
            {versions.map((v) => {
              const checked = picked.includes(v.version);
              return (
                <li key={v.id} className={`version-item${checked ? ' version-item--picked' : ''}`}>
                  <label className="version-item__label">
                    <input
                      type="checkbox"
                      checked={checked}
                      onChange={(e) => toggle(v.version, e.target.checked)}
                      aria-label={t('situation.compare.pickOne', { version: v.version })}
                    />
                    <span className="version-item__name" aria-hidden="true">
                      {t('situation.version', { version: v.version })}
                    </span>
                  </label>
                  <SeverityChip severity={v.severity} compact />
                  <span className="version-item__meta" title={formatFull(v.createdAt)}>
                    {t('situation.versionBy', { date: formatDateTime(v.createdAt), name: v.authorName })}
                  </span>
                </li>
              );
            })}
          </ol>
        </fieldset>

        {versions.length < 2 ? <p className="muted">{t('situation.compare.single')}</p> : null}
        {versions.length >= 2 && !pair ? <p className="muted">{t('situation.compare.pickTwo')}</p> : null}

        {pair ? (
          <section className="comparison" aria-labelledby={`${listId}-cmp`} data-testid="situation-comparison">
            <div className="comparison__header">
              <h3 id={`${listId}-cmp`} className="comparison__title">
                {t('situation.compare.title', { from: pair.older.version, to: pair.newer.version })}
              </h3>
              <p className="muted">{changedCount === 0 ? t('situation.compare.noChange') : t(changedCount === 1 ? 'situation.compare.changes.one' : 'situation.compare.changes.many', { count: changedCount })}</p>
              <label className="toggle">
                <input type="checkbox" checked={onlyChanges} onChange={(e) => setOnlyChanges(e.target.checked)} />
                <span>{t('situation.compare.onlyChanges')}</span>
              </label>
            </div>
            <table className="comparison__table">
              <thead>
                <tr>
                  <th scope="col">{t('situation.compare.field')}</th>
                  <th scope="col">{t('situation.version', { version: pair.older.version })}</th>
                  <th scope="col">{t('situation.version', { version: pair.newer.version })}</th>
                </tr>
              </thead>
              <tbody>
                {!onlyChanges || pair.diff.severityChanged ? (
                  <tr className={pair.diff.severityChanged ? 'comparison__row comparison__row--changed' : 'comparison__row'} data-key="severity">
                    <th scope="row">
                      {t('situation.severity')}
                      {pair.diff.severityChanged ? <ChangedMark /> : null}
                    </th>
                    <td data-label={t('situation.version', { version: pair.older.version })}>
                      <SeverityChip severity={pair.older.severity} compact />
                    </td>
                    <td data-label={t('situation.version', { version: pair.newer.version })}>
                      <SeverityChip severity={pair.newer.severity} compact />
                    </td>
                  </tr>
                ) : null}
                {pair.diff.fields
                  .filter((f) => !onlyChanges || f.changed)
                  .map((f) => (
                    <tr key={f.key} className={f.changed ? 'comparison__row comparison__row--changed' : 'comparison__row'} data-key={f.key}>
                      <th scope="row">
                        {f.label}
                        {f.changed ? <ChangedMark /> : null}
                      </th>
                      <td data-label={t('situation.version', { version: pair.older.version })}>
                        <Value text={displayValue(f.field, f.before)} />
                      </td>
                      <td data-label={t('situation.version', { version: pair.newer.version })}>
                        <Value text={displayValue(f.field, f.after)} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </div>
    </Dialog>
  );
}

function ChangedMark() {
  return (
    <span className="comparison__mark">
      <Icon name="edit" size={14} />
      {t('situation.compare.changed')}
    </span>
  );
}

function Value({ text }: { text: string | null }) {
  return text === null ? <span className="muted">{t('situation.empty')}</span> : <span className="comparison__value">{text}</span>;
}
