import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { topicOf } from '../../../shared';
import type { PlanOverview, Risk } from '../../../shared/schemas/pcs';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { RetryAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { useSession } from '../../session';
import './plan-tabs.css';

function sheetsCount(n: number): string {
  if (n === 0) return t('planTabs.risks.sheetsCount.none');
  if (n === 1) return t('planTabs.risks.sheetsCount.one');
  return t('planTabs.risks.sheetsCount.many', { n });
}

/** Risks of the plan, each with its reflex sheets (function, ordered steps). */
export function RisksTab({ overview }: { overview: PlanOverview; onChanged: () => void }) {
  const session = useSession();
  const [risks, setRisks] = useState<Risk[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api('listRisks');
      setRisks(r.risks);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (event) => {
      if (event.kind === 'plan.changed' && event.part === 'risks') void load();
    },
    onResync: () => void load(),
  });

  return (
    <div className="plan-tab" data-testid="plan-risks">
      <div className="plan-tab__head">
        <div>
          <h2 className="section__title">{t('planTabs.risks.title')}</h2>
          <p className="muted plan-prose">{t('planTabs.risks.intro')}</p>
        </div>
      </div>

      <RetryAlert message={error} onRetry={() => void load()} />
      {risks === null && !error ? <p className="muted">{t('app.loading')}</p> : null}

      {risks && risks.length === 0 ? (
        <div className="empty">
          <p>{t('planTabs.risks.empty')}</p>
          <p>{t('planTabs.risks.emptyHint')}</p>
          {overview.canManage ? (
            <p>
              <Link to="/plan?onglet=entretien" className="plan-mail">
                {t('planTabs.risks.emptyLink')}
              </Link>
            </p>
          ) : null}
        </div>
      ) : null}

      {risks && risks.length > 0 ? (
        <ul className="plan-risks">
          {risks.map((risk, i) => (
            <li key={risk.id}>
              <details className="plan-risk" open={i === 0} data-testid="plan-risk" data-risk-name={risk.name}>
                <summary className="plan-risk__summary">
                  <Icon name="chevron" className="plan-risk__chevron" />
                  <span className="plan-risk__heading">
                    <span className="plan-risk__name">{risk.name}</span>
                    <span className="plan-risk__count">{sheetsCount(risk.sheets.length)}</span>
                  </span>
                </summary>
                <div className="plan-risk__body">
                  {risk.description ? <p className="plan-prose plan-pre">{risk.description}</p> : null}
                  {risk.sheets.length === 0 ? (
                    <p className="muted">{t('planTabs.risks.noSheets')}</p>
                  ) : (
                    <ul className="plan-sheets">
                      {risk.sheets.map((sheet) => (
                        <li key={sheet.id} className="plan-sheet" data-testid="plan-sheet">
                          <h3 className="plan-sheet__title">{sheet.title}</h3>
                          <span className="badge badge--info plan-sheet__function" title={t('planTabs.risks.function', { name: sheet.functionName })}>
                            {sheet.functionName}
                          </span>
                          <ol className="plan-steps" aria-label={t('planTabs.risks.steps', { title: sheet.title })}>
                            {sheet.steps.map((step, n) => (
                              <li key={n}>{step}</li>
                            ))}
                          </ol>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              </details>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
