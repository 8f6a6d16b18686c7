import { Link } from 'react-router';
import type { PlanOverview, ReflexSheet, Risk } from '../../../shared/schemas/pcs';
import { api } from '../../api/client';
import { LiveMessage, RetryAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { ConfirmAction, EditArchiveButtons, ManageButton, RiskDialog, SheetDialog } from './PlanEditDialogs';
import { usePlanEditing, usePlanPart } from './usePlanPart';
import './plan-tabs.css';

type EditState =
  | { type: 'risk'; risk: Risk | null }
  | { type: 'archiveRisk'; risk: Risk }
  | { type: 'sheet'; risk: Risk; sheet: ReflexSheet | null }
  | { type: 'archiveSheet'; risk: Risk; sheet: ReflexSheet };

function sheetsCount(n: number): string {
  if (n === 0) return t('planTabs.risks.sheetsCount.none');
  if (n === 1) return t('planTabs.risks.sheetsCount.one');
  return t('planTabs.risks.sheetsCount.many', { n });
}

/** Risks of the plan, each with its reflex sheets (function, ordered steps). */
export function RisksTab({ overview, onChanged }: { overview: PlanOverview; onChanged: () => void }) {
  const canManage = overview.canManage;
  const { data: risks, error, load } = usePlanPart('risks', async () => (await api('listRisks')).risks);
  const { edit, done, open, close, saved } = usePlanEditing<EditState>(load, onChanged);

  return (
    <div className="plan-tab" data-testid="plan-risks">
      <div className="plan-tab__head">
        <div>
          <h2 className="section__title">{t('planTabs.risks.title')}</h2>
          <p className="muted plan-prose">{t('planTabs.risks.intro')}</p>
        </div>
        {canManage ? (
          <div className="plan-tab__actions">
            <button type="button" className="button button--primary" onClick={() => open({ type: 'risk', risk: null })} data-testid="risk-add">
              <Icon name="plus" size={18} />
              {t('planTabs.risks.add')}
            </button>
          </div>
        ) : null}
      </div>

      <RetryAlert message={error} onRetry={() => void load()} />
      {canManage ? <LiveMessage tone="success" message={done} /> : null}
      {risks === null && !error ? <p className="muted">{t('app.loading')}</p> : null}

      {risks && risks.length === 0 ? (
        <div className="empty">
          <p>{t('planTabs.risks.empty')}</p>
          <p>{canManage ? t('planTabs.risks.emptyManage') : t('planTabs.risks.emptyHint')}</p>
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
                  {canManage ? <EditArchiveButtons name={risk.name} onEdit={() => open({ type: 'risk', risk })} onArchive={() => open({ type: 'archiveRisk', risk })} /> : null}
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
                          {canManage ? (
                            <EditArchiveButtons name={sheet.title} onEdit={() => open({ type: 'sheet', risk, sheet })} onArchive={() => open({ type: 'archiveSheet', risk, sheet })} />
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  )}
                  {canManage ? (
                    <div className="plan-manage plan-risk__add">
                      <ManageButton
                        icon="plus"
                        label={t('planTabs.risks.addSheet')}
                        accessibleName={t('planTabs.risks.addSheetLabel', { name: risk.name })}
                        onClick={() => open({ type: 'sheet', risk, sheet: null })}
                        testId="sheet-add"
                      />
                    </div>
                  ) : null}
                </div>
              </details>
            </li>
          ))}
        </ul>
      ) : null}

      {edit?.type === 'risk' ? <RiskDialog risk={edit.risk} onClose={close} onSaved={saved} onStale={() => void load()} /> : null}
      {edit?.type === 'sheet' ? <SheetDialog risk={edit.risk} sheet={edit.sheet} onClose={close} onSaved={saved} onStale={() => void load()} /> : null}
      {edit?.type === 'archiveRisk' ? (
        <ConfirmAction
          title={t('planTabs.risks.archiveTitle', { name: edit.risk.name })}
          text={t('planTabs.risks.archiveText')}
          confirmLabel={t('planTabs.archive')}
          run={() => api('updateRisk', { params: { id: edit.risk.id }, body: { archived: true } })}
          onClose={close}
          onDone={() => saved(t('planTabs.risks.done.archived', { name: edit.risk.name }))}
          onStale={() => void load()}
        />
      ) : null}
      {edit?.type === 'archiveSheet' ? (
        <ConfirmAction
          title={t('planTabs.sheets.archiveTitle', { title: edit.sheet.title })}
          text={t('planTabs.sheets.archiveText')}
          confirmLabel={t('planTabs.archive')}
          run={() => api('updateReflexSheet', { params: { id: edit.sheet.id }, body: { archived: true } })}
          onClose={close}
          onDone={() => saved(t('planTabs.sheets.done.archived', { title: edit.sheet.title }))}
          onStale={() => void load()}
        />
      ) : null}
    </div>
  );
}
