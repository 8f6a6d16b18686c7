import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { vulnerablePersonFieldsSchema, type PlanOverview, type VulnerablePerson, type VulnerablePersonFields } from '../../../shared/schemas/pcs';
import { ApiError, api, errorMessage, routeUrl, validate } from '../../api/client';
import { Alert, LiveMessage, RetryAlert } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { TextField, TextareaField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { t } from '../../i18n';
import { PhoneLink } from './DirectoryTab';
import './plan-tabs.css';

const emptyFields: VulnerablePersonFields = { fullName: '', address: '', phone: '', vulnerability: '', needs: '', contact: '' };

function byName(a: VulnerablePerson, b: VulnerablePerson): number {
  return a.fullName.localeCompare(b.fullName, 'fr', { sensitivity: 'base' });
}

/** Add (person null) or edit one person of the register. */
function PersonDialog({ open, person, onClose, onSaved }: { open: boolean; person: VulnerablePerson | null; onClose: () => void; onSaved: (p: VulnerablePerson, created: boolean) => void }) {
  const [fields, setFields] = useState<VulnerablePersonFields>(emptyFields);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setFields(person ? { fullName: person.fullName, address: person.address, phone: person.phone, vulnerability: person.vulnerability, needs: person.needs, contact: person.contact } : emptyFields);
    setErrors({});
    setFormError(null);
  }, [open, person]);

  const set = (k: keyof VulnerablePersonFields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [k]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = validate(vulnerablePersonFieldsSchema, fields);
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = person ? await api('updateVulnerablePerson', { params: { id: person.id }, body: v.data }) : await api('createVulnerablePerson', { body: v.data });
      onSaved(saved, !person);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
      setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      title={person ? t('planTabs.vuln.form.editTitle', { name: person.fullName }) : t('planTabs.vuln.form.addTitle')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            {t('action.cancel')}
          </button>
          <button type="submit" form="vulnerable-person-form" className="button button--primary" disabled={busy}>
            {busy ? t('planTabs.vuln.form.saving') : t('planTabs.vuln.form.save')}
          </button>
        </>
      }
    >
      <form id="vulnerable-person-form" onSubmit={submit} noValidate className="form" data-testid="vulnerable-form">
        <LiveMessage tone="error" message={formError} />
        <TextField label={t('planTabs.vuln.form.fullName')} name="fullName" autoComplete="off" maxLength={160} value={fields.fullName} onChange={set('fullName')} error={errors.fullName} required autoFocus />
        <TextField label={t('planTabs.vuln.form.address')} name="address" autoComplete="off" maxLength={300} value={fields.address} onChange={set('address')} error={errors.address} />
        <TextField label={t('planTabs.vuln.form.phone')} name="phone" type="tel" inputMode="tel" autoComplete="off" maxLength={40} value={fields.phone} onChange={set('phone')} error={errors.phone} />
        <TextareaField
          label={t('planTabs.vuln.form.vulnerability')}
          hint={t('planTabs.vuln.form.vulnerabilityHint')}
          name="vulnerability"
          rows={2}
          maxLength={500}
          value={fields.vulnerability}
          onChange={set('vulnerability')}
          error={errors.vulnerability}
        />
        <TextareaField label={t('planTabs.vuln.form.needs')} name="needs" rows={3} maxLength={1000} value={fields.needs} onChange={set('needs')} error={errors.needs} />
        <TextField
          label={t('planTabs.vuln.form.contact')}
          hint={t('planTabs.vuln.form.contactHint')}
          name="contact"
          autoComplete="off"
          maxLength={300}
          value={fields.contact}
          onChange={set('contact')}
          error={errors.contact}
        />
      </form>
    </Dialog>
  );
}

/**
 * Register of vulnerable people (personal data). Rendered by the page only for the roles that may
 * read it; loaded once when the tab is shown (every read is audited), then kept up to date locally.
 */
export function VulnerableTab(_props: { overview: PlanOverview; onChanged: () => void }) {
  const [people, setPeople] = useState<VulnerablePerson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ person: VulnerablePerson | null } | null>(null);
  const [deleting, setDeleting] = useState<VulnerablePerson | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await api('listVulnerablePeople');
      setPeople([...r.people].sort(byName));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const count = people?.length ?? 0;

  return (
    <div className="plan-tab" data-testid="plan-vulnerable">
      <Alert tone="warning" className="plan-privacy">
        <span data-testid="vulnerable-notice">{t('planTabs.vuln.notice')}</span>
      </Alert>

      <div className="plan-tab__head">
        <div>
          <h2 className="section__title">{t('planTabs.vuln.title')}</h2>
          {people ? <p className="muted">{count === 1 ? t('planTabs.vuln.count.one') : t('planTabs.vuln.count.many', { n: count })}</p> : null}
        </div>
        <div className="plan-tab__actions">
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setDone(null);
              setEditing({ person: null });
            }}
          >
            <Icon name="plus" size={18} />
            {t('planTabs.vuln.add')}
          </button>
          <a className="button button--secondary" href={routeUrl('exportVulnerablePeople')} download data-testid="vulnerable-export">
            <Icon name="download" size={18} />
            {t('planTabs.vuln.export')}
          </a>
        </div>
      </div>

      <RetryAlert message={error} onRetry={() => void load()} />
      <LiveMessage tone="success" message={done} />
      {people === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {people && people.length === 0 ? <p className="empty">{t('planTabs.vuln.empty')}</p> : null}

      {people && people.length > 0 ? (
        <div className="table-scroll" style={{ position: 'relative', width: 0, minWidth: '100%' }}>
          <table className="data-table data-table--cards plan-cards plan-cards--stacked" data-testid="vulnerable-table">
            <thead>
              <tr>
                <th scope="col">{t('planTabs.vuln.col.name')}</th>
                <th scope="col">{t('planTabs.vuln.col.address')}</th>
                <th scope="col">{t('planTabs.vuln.col.phone')}</th>
                <th scope="col">{t('planTabs.vuln.col.vulnerability')}</th>
                <th scope="col">{t('planTabs.vuln.col.needs')}</th>
                <th scope="col">{t('planTabs.vuln.col.contact')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('planTabs.vuln.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id} data-testid="vulnerable-row" data-person-name={p.fullName}>
                  <th scope="row" className="data-table__primary plan-vuln__name">
                    <span className="plan-contact__name">{p.fullName}</span>
                  </th>
                  <td data-label={t('planTabs.vuln.col.address')}>
                    <span className="plan-vuln__cell">{p.address || t('planTabs.none')}</span>
                  </td>
                  <td data-label={t('planTabs.vuln.col.phone')}>
                    {p.phone ? <PhoneLink phone={p.phone} label={t('planTabs.vuln.call', { name: p.fullName, phone: p.phone })} /> : <span>{t('planTabs.none')}</span>}
                  </td>
                  <td data-label={t('planTabs.vuln.col.vulnerability')}>
                    <span className="plan-vuln__cell">{p.vulnerability || t('planTabs.none')}</span>
                  </td>
                  <td data-label={t('planTabs.vuln.col.needs')}>
                    <span className="plan-vuln__cell">{p.needs || t('planTabs.none')}</span>
                  </td>
                  <td data-label={t('planTabs.vuln.col.contact')}>
                    <span className="plan-vuln__cell">{p.contact || t('planTabs.none')}</span>
                  </td>
                  <td className="data-table__actions">
                    <span className="plan-row-actions">
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        aria-label={t('planTabs.vuln.editLabel', { name: p.fullName })}
                        onClick={() => {
                          setDone(null);
                          setEditing({ person: p });
                        }}
                      >
                        {t('planTabs.vuln.edit')}
                      </button>
                      <button
                        type="button"
                        className="button button--danger-outline button--small"
                        aria-label={t('planTabs.vuln.deleteLabel', { name: p.fullName })}
                        onClick={() => {
                          setDone(null);
                          setDeleteError(null);
                          setDeleting(p);
                        }}
                      >
                        {t('planTabs.vuln.delete')}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <PersonDialog
        open={editing !== null}
        person={editing?.person ?? null}
        onClose={() => setEditing(null)}
        onSaved={(p, created) => {
          setEditing(null);
          setPeople((prev) => [...(prev ?? []).filter((x) => x.id !== p.id), p].sort(byName));
          setDone(created ? t('planTabs.vuln.added', { name: p.fullName }) : t('planTabs.vuln.saved', { name: p.fullName }));
        }}
      />

      <ConfirmDialog
        open={deleting !== null}
        title={t('planTabs.vuln.confirmTitle', { name: deleting?.fullName ?? '' })}
        confirmLabel={t('planTabs.vuln.delete')}
        danger
        busy={busy}
        error={deleteError}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setBusy(true);
          try {
            await api('deleteVulnerablePerson', { params: { id: deleting.id } });
            setPeople((prev) => (prev ?? []).filter((x) => x.id !== deleting.id));
            setDone(t('planTabs.vuln.deleted', { name: deleting.fullName }));
            setDeleting(null);
          } catch (err) {
            setDeleteError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>{t('planTabs.vuln.confirmText')}</p>
      </ConfirmDialog>
    </div>
  );
}
