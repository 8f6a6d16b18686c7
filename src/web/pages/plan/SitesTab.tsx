import { useMemo } from 'react';
import { siteKindLabels, siteKinds, type PlanOverview, type Site } from '../../../shared/schemas/pcs';
import { api } from '../../api/client';
import { Alert, LiveMessage, RetryAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { PhoneLink } from './DirectoryTab';
import { ConfirmAction, EditArchiveButtons, SiteDialog } from './PlanEditDialogs';
import { usePlanEditing, usePlanPart } from './usePlanPart';
import './plan-tabs.css';

type EditState = { type: 'site'; site: Site | null } | { type: 'archive'; site: Site };

/** Sensitive sites of the plan, grouped by kind; they also make the « Sites sensibles » map layer. */
export function SitesTab({ overview, onChanged }: { overview: PlanOverview; onChanged: () => void }) {
  const canManage = overview.canManage;
  const { data: sites, error, load } = usePlanPart('sites', async () => (await api('listSites')).sites);
  const { edit, done, open, close, saved } = usePlanEditing<EditState>(load, onChanged);

  const groups = useMemo(
    () =>
      siteKinds
        .map((kind) => ({
          kind,
          sites: (sites ?? []).filter((s) => s.kind === kind).sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' })),
        }))
        .filter((g) => g.sites.length > 0),
    [sites],
  );

  return (
    <div className="plan-tab" data-testid="plan-sites">
      <div className="plan-tab__head">
        <div>
          <h2 className="section__title">{t('planTabs.sites.title')}</h2>
        </div>
        {canManage ? (
          <div className="plan-tab__actions">
            <button type="button" className="button button--primary" onClick={() => open({ type: 'site', site: null })} data-testid="site-add">
              <Icon name="plus" size={18} />
              {t('planTabs.sites.add')}
            </button>
          </div>
        ) : null}
      </div>
      <Alert tone="info">{t('planTabs.sites.mapNote')}</Alert>

      <RetryAlert message={error} onRetry={() => void load()} />
      {canManage ? <LiveMessage tone="success" message={done} /> : null}
      {sites === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {sites && sites.length === 0 ? <p className="empty">{canManage ? t('planTabs.sites.emptyManage') : t('planTabs.sites.empty')}</p> : null}

      {groups.map((g) => (
        <section key={g.kind} className="section" aria-labelledby={`plan-sites-${g.kind}`} data-testid="site-group" data-kind={g.kind}>
          <h3 id={`plan-sites-${g.kind}`} className="plan-group__title">
            {siteKindLabels[g.kind]} <span className="plan-group__count">({g.sites.length})</span>
          </h3>
          <ul className="plan-means">
            {g.sites.map((s) => (
              <li key={s.id} className="plan-item" data-testid="site">
                <h4 className="plan-item__title">{s.name}</h4>
                {s.address || s.phone || s.capacity !== null ? (
                  <dl className="plan-item__facts">
                    {s.address ? (
                      <div>
                        <dt>{t('planTabs.sites.address')}</dt>
                        <dd>{s.address}</dd>
                      </div>
                    ) : null}
                    {s.capacity !== null ? (
                      <div>
                        <dt>{t('planTabs.sites.capacity')}</dt>
                        <dd>{t('planTabs.sites.people', { n: s.capacity })}</dd>
                      </div>
                    ) : null}
                    {s.phone ? (
                      <div>
                        <dt>{t('planTabs.sites.phone')}</dt>
                        <dd>
                          <PhoneLink phone={s.phone} label={t('planTabs.sites.call', { name: s.name, phone: s.phone })} />
                        </dd>
                      </div>
                    ) : null}
                  </dl>
                ) : null}
                {s.notes ? <p className="muted plan-pre">{s.notes}</p> : null}
                {canManage ? (
                  <div className="plan-item__manage">
                    <EditArchiveButtons name={s.name} onEdit={() => open({ type: 'site', site: s })} onArchive={() => open({ type: 'archive', site: s })} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ))}

      {edit?.type === 'site' ? <SiteDialog site={edit.site} onClose={close} onSaved={saved} onStale={() => void load()} /> : null}
      {edit?.type === 'archive' ? (
        <ConfirmAction
          title={t('planTabs.sites.archiveTitle', { name: edit.site.name })}
          text={t('planTabs.sites.archiveText')}
          confirmLabel={t('planTabs.archive')}
          run={() => api('updateSite', { params: { id: edit.site.id }, body: { archived: true } })}
          onClose={close}
          onDone={() => saved(t('planTabs.sites.done.archived', { name: edit.site.name }))}
          onStale={() => void load()}
        />
      ) : null}
    </div>
  );
}
