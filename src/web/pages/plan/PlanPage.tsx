// The organisation's Plan communal de sauvegarde: upkeep reminders, then one tab per part of the
// plan (resources board first). The open tab is kept in the URL (`?onglet=`) so links reach it.

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';
import { topicOf } from '../../../shared';
import type { PlanOverview } from '../../../shared/schemas/pcs';
import { api, errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { Alert, RetryAlert } from '../../components/Alert';
import { t, type MessageKey } from '../../i18n';
import { useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';
import { ResourcesBoard } from './ResourcesBoard';
import { RisksTab } from './RisksTab';
import { DirectoryTab } from './DirectoryTab';
import { SitesTab } from './SitesTab';
import { VulnerableTab } from './VulnerableTab';
import { UpkeepTab } from './UpkeepTab';
import './plan.css';

const tabIds = ['moyens', 'risques', 'annuaire', 'sites', 'vulnerables', 'entretien'] as const;
type TabId = (typeof tabIds)[number];
const DEFAULT_TAB: TabId = 'moyens';

const tabLabels: Record<TabId, MessageKey> = {
  moyens: 'plan.tab.resources',
  risques: 'plan.tab.risks',
  annuaire: 'plan.tab.directory',
  sites: 'plan.tab.sites',
  vulnerables: 'plan.tab.vulnerable',
  entretien: 'plan.tab.upkeep',
};

const tabDomId = (id: TabId) => `plan-tab-${id}`;
const panelDomId = (id: TabId) => `plan-panel-${id}`;

export function PlanPage() {
  usePageTitle(t('plan.title'));
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const [overview, setOverview] = useState<PlanOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const o = await api('getPlan');
      if (gen !== generation.current) return;
      setOverview(o);
      setError(null);
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // Counts and reminders follow the changes of any part of the plan.
  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (ev) => {
      if (ev.kind === 'plan.changed') void load();
    },
    onResync: () => void load(),
  });

  const onChanged = useCallback(() => void load(), [load]);

  const asked = params.get('onglet');
  // The register's tab needs the overview's answer; a link to it waits for that answer.
  const tabs = tabIds.filter((id) => id !== 'vulnerables' || (overview ? overview.vulnerableAccess : asked === id));
  const tab: TabId = tabs.find((id) => id === asked) ?? DEFAULT_TAB;

  function select(id: TabId) {
    const next = new URLSearchParams();
    if (id !== DEFAULT_TAB) next.set('onglet', id);
    setParams(next, { replace: true });
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const i = tabs.indexOf(tab);
    let next: TabId | undefined;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i + tabs.length - 1) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    select(next);
    document.getElementById(tabDomId(next))?.focus();
  }

  // The selected tab stays in view in the scrolling tab list (phones).
  useEffect(() => {
    document.getElementById(tabDomId(tab))?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [tab]);

  function panel() {
    if (tab === 'moyens') return <ResourcesBoard onChanged={onChanged} />;
    if (!overview) {
      return error ? null : <p className="muted">{t('app.loading')}</p>;
    }
    switch (tab) {
      case 'risques':
        return <RisksTab overview={overview} onChanged={onChanged} />;
      case 'annuaire':
        return <DirectoryTab overview={overview} onChanged={onChanged} />;
      case 'sites':
        return <SitesTab overview={overview} onChanged={onChanged} />;
      case 'vulnerables':
        return <VulnerableTab overview={overview} onChanged={onChanged} />;
      case 'entretien':
        return <UpkeepTab overview={overview} onChanged={onChanged} />;
    }
  }

  return (
    <div className="page page--wide plan-page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{session.organisation.name}</p>
          <h1 className="page__title">{t('plan.title')}</h1>
          <p className="page__intro">{t('plan.intro')}</p>
        </div>
      </div>

      <RetryAlert message={error} onRetry={() => void load()} />

      {overview && overview.reminders.length > 0 ? (
        <section className="plan-reminders" aria-label={t('plan.reminders')} data-testid="plan-reminders">
          {overview.reminders.map((r) => (
            <Alert key={`${r.kind}-${r.level}`} tone="warning">
              {r.message}
            </Alert>
          ))}
        </section>
      ) : null}

      <div className="plan-tabs-wrap">
        <div className="plan-tabs" role="tablist" aria-label={t('plan.tabs.label')} onKeyDown={onKeyDown}>
          {tabs.map((id) => (
            <button
              key={id}
              id={tabDomId(id)}
              type="button"
              role="tab"
              className="plan-tabs__tab"
              aria-selected={tab === id}
              aria-controls={panelDomId(id)}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => select(id)}
              data-tab={id}
            >
              {t(tabLabels[id])}
            </button>
          ))}
        </div>
      </div>

      <section id={panelDomId(tab)} role="tabpanel" aria-labelledby={tabDomId(tab)} className="plan-panel" tabIndex={-1}>
        {panel()}
      </section>
    </div>
  );
}
