import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { CatalogueItem } from '../../../shared';
import type { AudienceGrant, TypeAudience, TypeAudienceMode } from '../../../shared/schemas/rights';
import { ApiError, api, errorMessage } from '../../api/client';
import { Alert, RetryAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { useCatalogue } from '../../components/logbook/useCatalogue';
import { AudienceEditor } from '../../components/rights/AudienceEditor';
import { audienceInWords, grantErrors, grantFromView, grantName, type AudienceDirectory } from '../../components/rights/audience';
import { useAudienceDirectory } from '../../components/rights/useAudienceDirectory';
import { TypeSituationForm } from '../../components/situation/TypeSituationForm';
import { t } from '../../i18n';
import { usePageTitle } from '../../usePageTitle';

const typeModes = ['organisation', 'restricted'] as const;

function summaryOf(a: TypeAudience, dir: AudienceDirectory): string {
  return audienceInWords(
    a.mode,
    a.grants.map((g) => ({ name: grantName(grantFromView(g), dir, g.label), access: g.access })),
  );
}

/** One event type: who sees its events, and the editor once opened. */
function TypeAudienceCard({ type, directory }: { type: CatalogueItem; directory: AudienceDirectory }) {
  const [audience, setAudience] = useState<TypeAudience | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [mode, setMode] = useState<TypeAudienceMode>('organisation');
  const [grants, setGrants] = useState<AudienceGrant[]>([]);
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setAudience(await api('getTypeAudience', { params: { id: type.id } }));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [type.id]);
  useEffect(() => {
    void load();
  }, [load]);

  function open() {
    if (!audience) return;
    setMode(audience.mode);
    setGrants(audience.grants.map(grantFromView));
    setLineErrors({});
    setFormError(null);
    setDone(null);
    setEditing(true);
  }

  async function save() {
    const check = grantErrors(mode, grants);
    setLineErrors(check.lines);
    setFormError(check.form);
    if (check.form) return;
    setBusy(true);
    try {
      const saved = await api('putTypeAudience', { params: { id: type.id }, body: { mode, grants: mode === 'restricted' ? grants : [] } });
      setAudience(saved);
      setEditing(false);
      setDone(t('audience.type.saved', { name: type.name }));
    } catch (e) {
      setFormError(e instanceof ApiError ? e.message : errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const titleId = `type-audience-${type.id}`;
  return (
    <section className="card card--compact type-audience" aria-labelledby={titleId} data-testid="type-audience" data-type-name={type.name}>
      <div className="type-audience__head">
        <div>
          <h2 id={titleId} className="type-audience__name">
            {type.name}
            {audience?.mode === 'restricted' ? (
              <span className="audience-badge">
                <Icon name="lock" size={14} />
                {t('audience.badge')}
              </span>
            ) : null}
          </h2>
          {audience ? (
            <p className="type-audience__summary" data-testid="type-audience-summary">
              {summaryOf(audience, directory)}
            </p>
          ) : null}
          <div aria-live="polite">{done ? <Alert tone="success" className="type-audience__done">{done}</Alert> : null}</div>
        </div>
        {!editing && audience ? (
          <button type="button" className="button button--secondary button--small" onClick={open} aria-label={t('audience.type.editLabel', { name: type.name })}>
            <Icon name="edit" size={18} />
            {t('audience.type.edit')}
          </button>
        ) : null}
      </div>
      <RetryAlert message={loadError} onRetry={() => void load()} />
      {!audience && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
      {editing ? (
        <>
          <AudienceEditor
            modes={typeModes}
            mode={mode}
            grants={grants}
            onChange={(m, g) => {
              setMode(m);
              setGrants(g);
              setLineErrors({});
              setFormError(null);
            }}
            directory={directory}
            legend={t('audience.type.legend', { name: type.name })}
            lineErrors={lineErrors}
            formError={formError}
            disabled={busy}
          />
          <div className="button-row">
            <button type="button" className="button button--primary" onClick={() => void save()} disabled={busy}>
              {busy ? t('audience.saving') : t('audience.type.save')}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setEditing(false)} disabled={busy}>
              {t('action.cancel')}
            </button>
          </div>
        </>
      ) : null}
      <TypeSituationForm typeId={type.id} typeName={type.name} />
    </section>
  );
}

/** Administration: for each event type, who sees and writes its events. */
export function RightsPage() {
  usePageTitle(t('audience.page.title'));
  const types = useCatalogue('eventTypes');
  const { directory, error: dirError } = useAudienceDirectory();
  const active = types.active;
  return (
    <div className="page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('nav.section.admin')}</p>
          <h1 className="page__title">{t('audience.page.title')}</h1>
          <p className="page__intro">{t('audience.page.intro')}</p>
          <p className="muted">
            {t('audience.page.functionsHint')} <Link to="/administration/utilisateurs">{t('audience.page.toUsers')}</Link>
          </p>
        </div>
      </div>
      {types.error || dirError ? <Alert tone="error">{types.error ?? dirError}</Alert> : null}
      {types.items === null && !types.error ? <p className="muted">{t('app.loading')}</p> : null}
      {types.items && active.length === 0 ? <p className="empty">{t('catalogue.empty')}</p> : null}
      <div className="type-audiences">
        {active.map((ty) => (
          <TypeAudienceCard key={ty.id} type={ty} directory={directory} />
        ))}
      </div>
    </div>
  );
}
