import { useCallback, useEffect, useRef, useState } from 'react';
import { auditActionLabels, type AuditRecord } from '../../../shared';
import { api, errorMessage } from '../../api/client';
import { RetryAlert } from '../../components/Alert';
import { SelectField } from '../../components/Field';
import { formatDateTime, formatFull, t, type MessageKey } from '../../i18n';
import { usePageTitle } from '../../usePageTitle';

const PAGE_SIZE = 50;

const entityTypes: { value: string; label: MessageKey }[] = [
  { value: 'user', label: 'audit.entity.user' },
  { value: 'session', label: 'audit.entity.session' },
  { value: 'share', label: 'audit.entity.share' },
  { value: 'announcement', label: 'audit.entity.announcement' },
  { value: 'organisation', label: 'audit.entity.organisation' },
];

function entityLabel(type: string): string {
  const e = entityTypes.find((x) => x.value === type);
  return e ? t(e.label) : type;
}

const extraActionLabels: Record<string, MessageKey> = {
  'auth.login_failed': 'audit.action.auth.login_failed',
  'auth.account_locked': 'audit.action.auth.account_locked',
};

function ActionLabel({ action }: { action: string }) {
  const label = auditActionLabels[action] ?? (extraActionLabels[action] ? t(extraActionLabels[action]) : null);
  return label ? <>{label}</> : <span className="mono">{action}</span>;
}

function hasChanges(changes: unknown): boolean {
  if (changes === null || changes === undefined) return false;
  if (typeof changes === 'object' && Object.keys(changes as object).length === 0) return false;
  return true;
}

export function AuditPage() {
  usePageTitle(t('audit.title'));
  const [entityType, setEntityType] = useState('');
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (before: number | null) => {
      const gen = generation.current;
      setLoading(true);
      setError(null);
      try {
        const res = await api('listAudit', {
          query: { limit: PAGE_SIZE, before: before ?? undefined, entityType: entityType || undefined },
        });
        if (gen !== generation.current) return;
        setRecords((prev) => (before === null ? res.records : [...(prev ?? []), ...res.records]));
        setNextBefore(res.nextBefore);
      } catch (err) {
        if (gen === generation.current) setError(errorMessage(err));
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [entityType],
  );

  useEffect(() => {
    generation.current += 1;
    setRecords(null);
    void load(null);
  }, [load]);

  return (
    <div className="page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('nav.section.admin')}</p>
          <h1 className="page__title">{t('audit.title')}</h1>
          <p className="page__intro">{t('audit.intro')}</p>
        </div>
      </div>

      <div className="filters">
        <SelectField
          label={t('audit.filter')}
          value={entityType}
          onChange={(e) => setEntityType(e.target.value)}
          options={[{ value: '', label: t('audit.filterAll') }, ...entityTypes.map((e) => ({ value: e.value, label: t(e.label) }))]}
        />
      </div>

      <RetryAlert message={error} onRetry={() => void load(records && records.length ? nextBefore : null)} />

      {records === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {records && records.length === 0 ? <p className="empty">{t('audit.empty')}</p> : null}
      {records && records.length > 0 ? (
        <>
          <p className="muted" aria-live="polite">
            {t('audit.count', { count: records.length })}
          </p>
          <table className="data-table data-table--cards data-table--audit" data-testid="audit-table">
            <caption className="visually-hidden">{t('audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.at')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.entity')}</th>
                <th scope="col">{t('audit.col.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.id}>
                  <td data-label={t('audit.col.at')} className="nowrap">
                    <time dateTime={r.at} title={formatFull(r.at)}>
                      {formatDateTime(r.at)}
                    </time>
                  </td>
                  <th scope="row" className="data-table__primary">
                    <ActionLabel action={r.action} />
                  </th>
                  <td data-label={t('audit.col.actor')}>{r.actorName ?? <span className="muted">{t('audit.system')}</span>}</td>
                  <td data-label={t('audit.col.entity')}>
                    {entityLabel(r.entityType)}
                    {hasChanges(r.changes) ? (
                      <details className="audit-details">
                        <summary>{t('audit.details')}</summary>
                        <pre>{JSON.stringify(r.changes, null, 2)}</pre>
                      </details>
                    ) : null}
                  </td>
                  <td data-label={t('audit.col.ip')} className="mono">
                    {r.ip ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            {nextBefore !== null ? (
              <button type="button" className="button button--secondary" disabled={loading} onClick={() => void load(nextBefore)}>
                {loading ? t('app.loading') : t('action.loadMore')}
              </button>
            ) : (
              <p className="muted">{t('audit.end')}</p>
            )}
          </div>
        </>
      ) : null}
    </div>
  );
}
