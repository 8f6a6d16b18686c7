import type { ImportIssue } from '../../../shared';
import { t } from '../../i18n';

/** The line-by-line problems of a refused import (`import_invalid` details). */
export function ImportIssuesTable({ issues }: { issues: ImportIssue[] }) {
  return (
    <div className="table-scroll import-issues">
      <table className="data-table data-table--compact" data-testid="import-issues">
        <thead>
          <tr>
            <th scope="col">{t('collecte.import.line')}</th>
            <th scope="col">{t('collecte.import.column')}</th>
            <th scope="col">{t('collecte.import.problem')}</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((i, n) => (
            <tr key={n}>
              <td className="num">{i.line}</td>
              <td>{i.column ?? ''}</td>
              <td>{i.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
