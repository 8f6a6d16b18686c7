import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  createShareBodySchema,
  shareAccessLevels,
  shareableResourceTypes,
  type OrganisationSummary,
  type Share,
  type ShareAccess,
  type ShareableResourceType,
} from '../../../shared';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { LiveMessage, RetryAlert } from '../../components/Alert';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { formatDate, t } from '../../i18n';
import { useCan, useSession } from '../../session';
import { usePageTitle } from '../../usePageTitle';

const resourceLabel = (r: ShareableResourceType) => t(`shares.resource.${r}`);
const accessLabel = (a: ShareAccess) => t(`shares.access.${a}`);

function ShareTable({ shares, incoming, onDelete, names }: { shares: Share[]; incoming: boolean; onDelete?: (s: Share) => void; names?: Map<string, string> }) {
  return (
    <table className="data-table data-table--cards">
      <thead>
        <tr>
          <th scope="col">{t('shares.col.organisation')}</th>
          <th scope="col">{t('shares.col.resource')}</th>
          <th scope="col">{t('shares.col.access')}</th>
          <th scope="col">{t('shares.col.since')}</th>
          {onDelete ? (
            <th scope="col">
              <span className="visually-hidden">{t('users.col.actions')}</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {shares.map((s) => (
          <tr key={s.id}>
            <th scope="row" className="data-table__primary">
              {incoming ? s.ownerOrganisationId : s.granteeOrganisationName}
            </th>
            <td data-label={t('shares.col.resource')}>
              {resourceLabel(s.resourceType)}
              {s.resourceId ? ` — ${names?.get(s.resourceId) ?? t('shares.resource.one')}` : s.resourceType === 'announcements' ? '' : ` — ${t('shares.resource.all')}`}
            </td>
            <td data-label={t('shares.col.access')}>{accessLabel(s.access)}</td>
            <td data-label={t('shares.col.since')}>{formatDate(s.createdAt)}</td>
            {onDelete ? (
              <td className="data-table__actions">
                <button
                  type="button"
                  className="button button--danger-outline button--small"
                  aria-label={t('shares.deleteLabel', { organisation: s.granteeOrganisationName })}
                  onClick={() => onDelete(s)}
                >
                  {t('shares.delete')}
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SharesPage() {
  const session = useSession();
  const can = useCan();
  const manage = can('shares.manage');
  usePageTitle(t('shares.title'));
  const [shares, setShares] = useState<Share[] | null>(null);
  const [organisations, setOrganisations] = useState<OrganisationSummary[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [grantee, setGrantee] = useState('');
  const [resourceType, setResourceType] = useState<ShareableResourceType>('announcements');
  const [access, setAccess] = useState<ShareAccess>('read');
  // Events and event types can be shared one at a time (an event with its sub-events, the events of one type).
  const [resourceId, setResourceId] = useState('');
  const [choices, setChoices] = useState<{ events: Array<{ id: string; name: string }>; event_types: Array<{ id: string; name: string }> }>({ events: [], event_types: [] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<Share | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [s, o, ev, ty] = await Promise.all([api('listShares'), api('listOrganisations'), api('listEvents', { query: { roots: 'true', limit: 500 } }), api('listEventTypes')]);
      setShares(s.shares);
      setOrganisations(o.organisations);
      setChoices({ events: ev.events.map((e) => ({ id: e.id, name: e.title })), event_types: ty.items.filter((i) => !i.archived).map((i) => ({ id: i.id, name: i.name })) });
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const orgName = useMemo(() => new Map(organisations.map((o) => [o.id, o.name])), [organisations]);
  const resourceNames = useMemo(() => new Map([...choices.events, ...choices.event_types].map((c) => [c.id, c.name])), [choices]);
  const others = organisations.filter((o) => o.id !== session.organisation.id);
  const outgoing = (shares ?? []).filter((s) => s.ownerOrganisationId === session.organisation.id);
  const incoming = (shares ?? [])
    .filter((s) => s.ownerOrganisationId !== session.organisation.id)
    .map((s) => ({ ...s, ownerOrganisationId: orgName.get(s.ownerOrganisationId) ?? s.ownerOrganisationId }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    setDone(null);
    const v = validate(createShareBodySchema, { granteeOrganisationId: grantee, resourceType, access, resourceId: resourceType !== 'announcements' && resourceId ? resourceId : null });
    if (v.errors) {
      setErrors(v.errors.granteeOrganisationId ? { ...v.errors, granteeOrganisationId: t('shares.form.granteeChoose') } : v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const s = await api('createShare', { body: v.data });
      setShares((prev) => [...(prev ?? []), s]);
      setDone(t('shares.created', { organisation: s.granteeOrganisationName }));
      setGrantee('');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('nav.section.admin')}</p>
          <h1 className="page__title">{t('shares.title')}</h1>
          <p className="page__intro">{t('shares.intro')}</p>
        </div>
      </div>

      <RetryAlert message={loadError} onRetry={() => void load()} />
      <LiveMessage tone="success" message={done} />

      {manage ? (
        <section className="card" aria-labelledby="share-create-title">
          <h2 id="share-create-title" className="card__title">
            <Icon name="plus" />
            {t('shares.create')}
          </h2>
          {shares && others.length === 0 ? (
            <p className="muted">{t('shares.form.noOrganisation')}</p>
          ) : (
            <form onSubmit={submit} noValidate className="form form--row">
              <LiveMessage tone="error" message={formError} />
              <SelectField
                label={t('shares.form.grantee')}
                value={grantee}
                onChange={(e) => setGrantee(e.target.value)}
                error={errors.granteeOrganisationId}
                options={[{ value: '', label: t('shares.form.granteeChoose') }, ...others.map((o) => ({ value: o.id, label: o.name }))]}
              />
              <SelectField
                label={t('shares.form.resource')}
                value={resourceType}
                onChange={(e) => {
                  setResourceType(e.target.value as ShareableResourceType);
                  setResourceId('');
                }}
                error={errors.resourceType}
                options={shareableResourceTypes.map((r) => ({ value: r, label: resourceLabel(r) }))}
              />
              {resourceType !== 'announcements' ? (
                <SelectField
                  label={t(resourceType === 'events' ? 'shares.form.whichEvent' : 'shares.form.whichType')}
                  value={resourceId}
                  onChange={(e) => setResourceId(e.target.value)}
                  error={errors.resourceId}
                  options={[{ value: '', label: t('shares.resource.all') }, ...choices[resourceType].map((c) => ({ value: c.id, label: c.name }))]}
                />
              ) : null}
              <SelectField
                label={t('shares.form.access')}
                value={access}
                onChange={(e) => setAccess(e.target.value as ShareAccess)}
                error={errors.access}
                options={shareAccessLevels.map((a) => ({ value: a, label: accessLabel(a) }))}
              />
              <div className="form__actions">
                <button type="submit" className="button button--primary" disabled={busy}>
                  {t('shares.form.submit')}
                </button>
              </div>
            </form>
          )}
        </section>
      ) : null}

      {shares === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}
      {shares ? (
        <>
          <section className="section" aria-labelledby="outgoing-title">
            <h2 id="outgoing-title" className="section__title">
              {t('shares.outgoing')}
            </h2>
            {outgoing.length === 0 ? (
              <p className="empty">{t('shares.emptyOutgoing')}</p>
            ) : (
              <ShareTable
                shares={outgoing}
                incoming={false}
                names={resourceNames}
                onDelete={
                  manage
                    ? (s) => {
                        setDeleteError(null);
                        setDeleting(s);
                      }
                    : undefined
                }
              />
            )}
          </section>
          <section className="section" aria-labelledby="incoming-title">
            <h2 id="incoming-title" className="section__title">
              {t('shares.incoming')}
            </h2>
            {incoming.length === 0 ? <p className="empty">{t('shares.emptyIncoming')}</p> : <ShareTable shares={incoming} incoming />}
          </section>
        </>
      ) : null}

      <ConfirmDialog
        open={deleting !== null}
        title={t('shares.confirmTitle', { organisation: deleting?.granteeOrganisationName ?? '' })}
        confirmLabel={t('shares.delete')}
        danger
        busy={busy}
        error={deleteError}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setBusy(true);
          try {
            await api('deleteShare', { params: { id: deleting.id } });
            setShares((prev) => (prev ?? []).filter((s) => s.id !== deleting.id));
            setDone(t('shares.deleted'));
            setDeleting(null);
          } catch (err) {
            setDeleteError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>{t('shares.confirmText', { organisation: deleting?.granteeOrganisationName ?? '' })}</p>
      </ConfirmDialog>
    </div>
  );
}
