import type { DeclarationHistory } from '../../../shared';
import { formatDateTime, t } from '../../i18n';

/** The corrections of a declaration: when, who, each changed value old → new, and why. */
export function CorrectionHistory({ history, labelOf, testId }: { history: DeclarationHistory; labelOf: (key: string) => string; testId: string }) {
  return (
    <ol className="history" data-testid={testId}>
      {history.corrections.map((c) => (
        <li key={c.version} className="history__item">
          <p className="history__meta">{t('collecte.history.item', { when: formatDateTime(c.at), by: c.by })}</p>
          <ul>
            {Object.keys(c.newValues)
              .filter((k) => c.oldValues[k] !== c.newValues[k])
              .map((k) => (
                <li key={k}>{t('collecte.history.change', { label: labelOf(k), old: c.oldValues[k] ?? '—', new: c.newValues[k] })}</li>
              ))}
          </ul>
          <p className="history__reason">{t('collecte.history.reason', { reason: c.reason })}</p>
        </li>
      ))}
    </ol>
  );
}
