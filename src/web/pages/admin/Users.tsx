import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  createUserBodySchema,
  roleLabels,
  roles,
  topicOf,
  userStatusLabels,
  type Role,
  type User,
  type UserWithTemporaryPassword,
} from '../../../shared';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { Alert, LiveMessage, RetryAlert } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { TemporaryPassword } from '../../components/TemporaryPassword';
import { useCatalogue } from '../../components/logbook/useCatalogue';
import { FunctionChips, UserFunctionsForm } from '../../components/rights/UserFunctions';
import { formatDate, formatFull, formatRecent, t } from '../../i18n';
import { useCan, useSession, useSessionContext } from '../../session';
import { usePageTitle } from '../../usePageTitle';

const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] }));

function StatusBadges({ user }: { user: User }) {
  return (
    <span className="badges">
      <span className={`badge ${user.status === 'active' ? 'badge--success' : 'badge--neutral'}`}>{userStatusLabels[user.status]}</span>
      {user.locked ? (
        <span className="badge badge--danger">
          <Icon name="lock" size={14} /> {t('users.locked')}
        </span>
      ) : null}
      {user.mustChangePassword ? <span className="badge badge--warning">{t('users.mustChange')}</span> : null}
    </span>
  );
}

// Création ------------------------------------------------------------------------------------

function CreateUserDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (u: User) => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('contributor');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<UserWithTemporaryPassword | null>(null);

  useEffect(() => {
    if (open) {
      setEmail('');
      setDisplayName('');
      setRole('contributor');
      setErrors({});
      setFormError(null);
      setResult(null);
    }
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = validate(createUserBodySchema, { email, displayName, role });
    if (v.errors) {
      setErrors(v.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const res = await api('createUser', { body: v.data });
      setResult(res);
      onCreated(res.user);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'email_taken') setErrors({ email: err.message });
      else {
        if (err instanceof ApiError && err.code === 'validation_failed') setErrors(err.fieldErrors);
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      title={result ? t('users.temp.title') : t('users.form.title')}
      onClose={onClose}
      dismissible={!busy}
      footer={
        result ? (
          <button type="button" className="button button--primary" onClick={onClose}>
            {t('users.temp.done')}
          </button>
        ) : (
          <>
            <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
              {t('action.cancel')}
            </button>
            <button type="submit" form="create-user-form" className="button button--primary" disabled={busy}>
              {busy ? t('users.form.submitting') : t('users.form.submit')}
            </button>
          </>
        )
      }
    >
      {result ? (
        <TemporaryPassword
          password={result.temporaryPassword}
          intro={t('users.temp.created', { name: result.user.displayName, email: result.user.email })}
        />
      ) : (
        <form id="create-user-form" onSubmit={submit} noValidate className="form">
          <LiveMessage tone="error" message={formError} />
          <TextField
            label={t('users.form.email')}
            name="email"
            type="email"
            inputMode="email"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            required
            autoFocus
          />
          <TextField
            label={t('users.form.name')}
            hint={t('users.form.nameHint')}
            name="displayName"
            autoComplete="off"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            error={errors.displayName}
            required
          />
          <SelectField
            label={t('users.form.role')}
            name="role"
            options={roleOptions}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            error={errors.role}
            hint={
              <>
                <strong>{roleLabels[role]}</strong> : {t(`users.roleHelp.${role}`)}
              </>
            }
          />
        </form>
      )}
    </Dialog>
  );
}

// Gestion d'un compte -------------------------------------------------------------------------

type Pending = { kind: 'disable' } | { kind: 'reset' } | null;

function ManageUserDialog({
  user,
  onClose,
  onChanged,
}: {
  user: User | null;
  onClose: () => void;
  onChanged: (u: User) => void;
}) {
  const session = useSession();
  const [role, setRole] = useState<Role>('reader');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [reset, setReset] = useState<UserWithTemporaryPassword | null>(null);
  const userId = user?.id ?? null;

  useEffect(() => {
    if (user) setRole(user.role);
    setError(null);
    setDone(null);
    setPending(null);
    setReset(null);
    // Only when another account is opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId]);

  if (!user) return <Dialog open={false} title="" onClose={onClose}>{null}</Dialog>;
  const self = user.id === session.user.id;
  const current = user;

  async function run(action: () => Promise<User>, message: (u: User) => string): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const u = await action();
      onChanged(u);
      setDone(message(u));
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function saveRole(e: FormEvent) {
    e.preventDefault();
    if (role === current.role) return;
    await run(
      () => api('updateUser', { params: { id: current.id }, body: { role } }),
      (u) => t('users.detail.roleSaved', { name: u.displayName, role: roleLabels[u.role] }),
    );
  }

  async function confirmPending() {
    if (!pending) return;
    setBusy(true);
    setConfirmError(null);
    try {
      if (pending.kind === 'disable') {
        const u = await api('updateUser', { params: { id: current.id }, body: { status: 'disabled' } });
        onChanged(u);
        setDone(t('users.detail.disabled', { name: u.displayName }));
      } else {
        const res = await api('resetUserPassword', { params: { id: current.id } });
        onChanged(res.user);
        setReset(res);
      }
      setPending(null);
    } catch (err) {
      setConfirmError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Dialog
        open={!!user}
        title={reset ? t('users.temp.title') : t('users.detail.title', { name: user.displayName })}
        onClose={onClose}
        dismissible={!busy}
        footer={
          <button type="button" className={`button ${reset ? 'button--primary' : 'button--secondary'}`} onClick={onClose} disabled={busy}>
            {reset ? t('users.temp.done') : t('action.close')}
          </button>
        }
      >
        {reset ? (
          <TemporaryPassword
            password={reset.temporaryPassword}
            intro={t('users.temp.reset', { name: reset.user.displayName, email: reset.user.email })}
          />
        ) : (
          <div className="manage">
            <dl className="facts facts--compact">
              <div>
                <dt>{t('users.detail.email')}</dt>
                <dd className="break">{user.email}</dd>
              </div>
              <div>
                <dt>{t('users.col.status')}</dt>
                <dd>
                  <StatusBadges user={user} />
                </dd>
              </div>
              <div>
                <dt>{t('users.detail.lastLogin')}</dt>
                <dd>{user.lastLoginAt ? formatRecent(user.lastLoginAt) : t('users.never')}</dd>
              </div>
              <div>
                <dt>{t('users.detail.created')}</dt>
                <dd>{formatDate(user.createdAt)}</dd>
              </div>
            </dl>

            <div aria-live="polite" aria-atomic="true">
              {done ? <Alert tone="success">{done}</Alert> : null}
            </div>
            <div aria-live="assertive" aria-atomic="true">
              {error ? <Alert tone="error">{error}</Alert> : null}
            </div>

            {self ? <Alert tone="info">{t('users.detail.selfNote')}</Alert> : null}

            <form className="manage__section" onSubmit={saveRole}>
              <div className="inline-form">
                <SelectField
                  label={t('users.form.role')}
                  name="role"
                  options={roleOptions}
                  value={role}
                  onChange={(e) => setRole(e.target.value as Role)}
                  disabled={self || busy}
                />
                <button type="submit" className="button button--primary" disabled={self || busy || role === user.role}>
                  {t('users.detail.saveRole')}
                </button>
              </div>
              <p className="field__hint">
                <strong>{roleLabels[role]}</strong> : {t(`users.roleHelp.${role}`)}
              </p>
            </form>

            <UserFunctionsForm user={user} onSaved={onChanged} disabled={busy} />

            <div className="manage__section">
              <h3 className="manage__title">{t('users.detail.security')}</h3>
              {user.locked ? <p>{t('users.detail.lockedNote')}</p> : null}
              <div className="button-row">
                {user.locked ? (
                  <button
                    type="button"
                    className="button button--secondary"
                    disabled={busy}
                    onClick={() =>
                      void run(
                        () => api('unlockUser', { params: { id: current.id } }),
                        (u) => t('users.detail.unlocked', { name: u.displayName }),
                      )
                    }
                  >
                    <Icon name="lock" size={18} />
                    {t('users.detail.unlock')}
                  </button>
                ) : null}
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={busy}
                  onClick={() => {
                    setConfirmError(null);
                    setPending({ kind: 'reset' });
                  }}
                >
                  {t('users.detail.resetPassword')}
                </button>
                {user.status === 'active' ? (
                  <button
                    type="button"
                    className="button button--danger-outline"
                    disabled={self || busy}
                    onClick={() => {
                      setConfirmError(null);
                      setPending({ kind: 'disable' });
                    }}
                  >
                    {t('users.detail.disable')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--secondary"
                    disabled={self || busy}
                    onClick={() =>
                      void run(
                        () => api('updateUser', { params: { id: current.id }, body: { status: 'active' } }),
                        (u) => t('users.detail.enabled', { name: u.displayName }),
                      )
                    }
                  >
                    {t('users.detail.enable')}
                  </button>
                )}
              </div>
            </div>
          </div>
        )}
      </Dialog>

      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'disable'
            ? t('users.confirm.disableTitle', { name: user.displayName })
            : t('users.confirm.resetTitle', { name: user.displayName })
        }
        confirmLabel={pending?.kind === 'disable' ? t('users.confirm.disable') : t('users.confirm.reset')}
        danger
        busy={busy}
        error={confirmError}
        onCancel={() => setPending(null)}
        onConfirm={() => void confirmPending()}
      >
        <p>
          {pending?.kind === 'disable'
            ? t('users.confirm.disableText', { name: user.displayName })
            : t('users.confirm.resetText', { name: user.displayName })}
        </p>
      </ConfirmDialog>
    </>
  );
}

// Page ----------------------------------------------------------------------------------------

export function UsersPage() {
  const session = useSession();
  const { refresh } = useSessionContext();
  const can = useCan();
  const manage = can('users.manage');
  usePageTitle(t('users.title'));
  const [users, setUsers] = useState<User[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [roleFilter, setRoleFilter] = useState<'' | Role>('');
  const [statusFilter, setStatusFilter] = useState<'' | 'active' | 'disabled'>('');
  const [creating, setCreating] = useState(false);
  const [managedId, setManagedId] = useState<string | null>(null);
  const functions = useCatalogue('functions');

  const load = useCallback(async () => {
    try {
      const res = await api('listUsers');
      setUsers(res.users);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (event) => {
      if (event.kind === 'users.changed') {
        void load();
        if (event.userId === session.user.id) void refresh();
      }
    },
    onResync: () => void load(),
  });

  const upsert = useCallback((u: User) => {
    setUsers((prev) => {
      const list = prev ?? [];
      const i = list.findIndex((x) => x.id === u.id);
      if (i < 0) return [...list, u];
      const next = [...list];
      next[i] = u;
      return next;
    });
  }, []);

  const filtered = useMemo(() => {
    const q = query.trim().toLocaleLowerCase('fr');
    return (users ?? [])
      .filter((u) => (!roleFilter || u.role === roleFilter) && (!statusFilter || u.status === statusFilter))
      .filter((u) => !q || u.displayName.toLocaleLowerCase('fr').includes(q) || u.email.toLowerCase().includes(q))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
  }, [users, query, roleFilter, statusFilter]);

  const managed = users?.find((u) => u.id === managedId) ?? null;

  return (
    <div className="page">
      <div className="page__header page__header--actions">
        <div>
          <p className="page__eyebrow">{t('nav.section.admin')}</p>
          <h1 className="page__title">{t('users.title')}</h1>
          <p className="page__intro">{t('users.intro', { organisation: session.organisation.name })}</p>
        </div>
        {manage ? (
          <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={18} />
            {t('users.create')}
          </button>
        ) : null}
      </div>

      {!manage ? <Alert tone="info">{t('users.readOnly')}</Alert> : null}

      <div className="filters" role="search">
        <TextField
          label={t('users.search')}
          type="search"
          placeholder={t('users.searchPlaceholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="filters__search"
        />
        <SelectField
          label={t('users.filterRole')}
          value={roleFilter}
          onChange={(e) => setRoleFilter(e.target.value as '' | Role)}
          options={[{ value: '', label: t('users.filterAll') }, ...roleOptions]}
        />
        <SelectField
          label={t('users.filterStatus')}
          value={statusFilter}
          onChange={(e) => setStatusFilter(e.target.value as '' | 'active' | 'disabled')}
          options={[
            { value: '', label: t('users.filterAll') },
            { value: 'active', label: userStatusLabels.active },
            { value: 'disabled', label: userStatusLabels.disabled },
          ]}
        />
      </div>

      <RetryAlert message={loadError} onRetry={() => void load()} />
      {users === null && !loadError ? <p className="muted">{t('app.loading')}</p> : null}

      {users ? (
        <>
          <p className="muted" aria-live="polite">
            {t('users.count', { count: filtered.length, total: users.length })}
          </p>
          {filtered.length === 0 ? (
            <p className="empty">{t('users.empty')}</p>
          ) : (
            <table className="data-table data-table--cards" data-testid="users-table">
              <caption className="visually-hidden">{t('users.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.col.name')}</th>
                  <th scope="col">{t('users.col.role')}</th>
                  <th scope="col">{t('functions.col')}</th>
                  <th scope="col">{t('users.col.status')}</th>
                  <th scope="col">{t('users.col.lastLogin')}</th>
                  {manage ? (
                    <th scope="col">
                      <span className="visually-hidden">{t('users.col.actions')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {filtered.map((u) => (
                  <tr key={u.id} data-user-email={u.email}>
                    <th scope="row" className="data-table__primary">
                      <span className="user-cell__name">
                        {u.displayName} {u.id === session.user.id ? <span className="muted">{t('users.you')}</span> : null}
                      </span>
                      <span className="user-cell__email">{u.email}</span>
                    </th>
                    <td data-label={t('users.col.role')}>{roleLabels[u.role]}</td>
                    <td data-label={t('functions.col')} data-testid="user-functions-cell">
                      <FunctionChips ids={u.functionIds} functions={functions.items} />
                    </td>
                    <td data-label={t('users.col.status')}>
                      <StatusBadges user={u} />
                    </td>
                    <td data-label={t('users.col.lastLogin')}>
                      {u.lastLoginAt ? (
                        <time dateTime={u.lastLoginAt} title={formatFull(u.lastLoginAt)}>
                          {formatRecent(u.lastLoginAt)}
                        </time>
                      ) : (
                        <span className="muted">{t('users.never')}</span>
                      )}
                    </td>
                    {manage ? (
                      <td className="data-table__actions">
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={t('users.manageLabel', { name: u.displayName })}
                          onClick={() => setManagedId(u.id)}
                        >
                          {t('users.manage')}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}

      {manage ? (
        <>
          <CreateUserDialog open={creating} onClose={() => setCreating(false)} onCreated={upsert} />
          <ManageUserDialog user={managed} onClose={() => setManagedId(null)} onChanged={upsert} />
        </>
      ) : null}
    </div>
  );
}
