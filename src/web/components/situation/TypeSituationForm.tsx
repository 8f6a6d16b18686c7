import { useCallback, useEffect, useState } from 'react';
import type { SituationForm } from '../../../shared/schemas/situation';
import { api, errorMessage } from '../../api/client';
import { formatDateTime, t } from '../../i18n';
import { Alert, RetryAlert } from '../Alert';
import { Icon } from '../Icon';
import { SituationFormEditor } from './SituationFormEditor';
import './situation-form-editor.css';

/**
 * The situation form of one event type, in its card of the rights page: summary (number of
 * fields, their labels, default or own form) and the editor.
 */
export function TypeSituationForm({ typeId, typeName }: { typeId: string; typeName: string }) {
  const [form, setForm] = useState<SituationForm | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setForm(await api('getSituationForm', { params: { id: typeId } }));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [typeId]);
  useEffect(() => {
    void load();
  }, [load]);

  const titleId = `situation-form-${typeId}`;
  const count = form?.fields.length ?? 0;
  return (
    <section className="type-situation-form" aria-labelledby={titleId} data-testid="type-situation-form">
      <div className="type-situation-form__head">
        <div className="type-situation-form__text">
          <h3 id={titleId} className="type-situation-form__title">
            {t('situationForm.title')}
          </h3>
          {form ? (
            <p className="type-situation-form__summary" data-testid="situation-form-summary">
              <strong data-testid="situation-form-kind" className={form.custom ? 'type-situation-form__kind--custom' : undefined}>
                {form.custom ? t('situationForm.custom') : t('situationForm.default')}
              </strong>
              {', '}
              {count === 1 ? t('situationForm.summary.one') : t('situationForm.summary.many', { count })}
              {' : '}
              <span data-testid="situation-form-labels">{form.fields.map((f) => (f.required ? t('situationForm.summary.required', { label: f.label }) : f.label)).join(', ')}</span>
            </p>
          ) : null}
          {form?.custom && form.updatedAt ? <p className="type-situation-form__meta muted">{t('situationForm.updatedAt', { date: formatDateTime(form.updatedAt) })}</p> : null}
          <div aria-live="polite">{done ? <Alert tone="success" className="type-audience__done">{done}</Alert> : null}</div>
        </div>
        {form ? (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => {
              setDone(null);
              setEditing(true);
            }}
            aria-label={t('situationForm.editLabel', { name: typeName })}
          >
            <Icon name="list" size={18} />
            {t('situationForm.edit')}
          </button>
        ) : null}
      </div>
      <RetryAlert message={loadError} onRetry={() => void load()} />
      {!form && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
      {form ? (
        <SituationFormEditor
          open={editing}
          typeId={typeId}
          typeName={typeName}
          form={form}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setForm(saved);
            setEditing(false);
            setDone(t('situationForm.saved', { name: typeName, count: saved.fields.length }));
          }}
        />
      ) : null}
    </section>
  );
}
