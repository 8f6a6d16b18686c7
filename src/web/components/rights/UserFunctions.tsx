import { useEffect, useState, type FormEvent } from 'react';
import type { CatalogueItem, User } from '../../../shared';
import { api, errorMessage } from '../../api/client';
import { t } from '../../i18n';
import { Alert } from '../Alert';
import { useCatalogue } from '../logbook/useCatalogue';
import './rights.css';

/** Names of a person's crisis-cell functions, as small chips (users list). */
export function FunctionChips({ ids, functions }: { ids: readonly string[]; functions: readonly CatalogueItem[] | null }) {
  if (ids.length === 0) return <span className="muted">{t('functions.none')}</span>;
  const names = ids.map((id) => functions?.find((f) => f.id === id)?.name).filter((n): n is string => !!n);
  if (names.length === 0) return <span className="muted">{t('functions.count', { count: ids.length })}</span>;
  return (
    <ul className="function-chips" aria-label={t('functions.listLabel')}>
      {names.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}

/** Checkboxes of the crisis-cell functions a person holds, saved with PATCH /api/users/:id. */
export function UserFunctionsForm({ user, onSaved, disabled }: { user: User; onSaved: (u: User) => void; disabled?: boolean }) {
  const functions = useCatalogue('functions');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(user.functionIds));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const key = user.functionIds.join(',');

  useEffect(() => {
    setChosen(new Set(user.functionIds));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user.id, key]);

  const changed = chosen.size !== user.functionIds.length || user.functionIds.some((id) => !chosen.has(id));
  // Archived functions stay listed when the person still holds them.
  const shown = (functions.items ?? []).filter((f) => !f.archived || user.functionIds.includes(f.id));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const u = await api('updateUser', { params: { id: user.id }, body: { functionIds: [...chosen] } });
      onSaved(u);
      setDone(t('functions.saved', { name: u.displayName, count: u.functionIds.length }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="manage__section" onSubmit={submit} data-testid="user-functions">
      <fieldset className="fieldset">
        <legend className="manage__title">{t('functions.title')}</legend>
        <p className="field__hint">{t('functions.hint')}</p>
        {functions.error ? <Alert tone="error">{functions.error}</Alert> : null}
        {functions.items === null && !functions.error ? <p className="muted">{t('app.loading')}</p> : null}
        {functions.items && shown.length === 0 ? <p className="muted">{t('functions.emptyCatalogue')}</p> : null}
        <div className="function-picker">
          {shown.map((f) => (
            <label key={f.id} className="tag-option">
              <input
                type="checkbox"
                checked={chosen.has(f.id)}
                disabled={disabled || busy}
                onChange={(e) =>
                  setChosen((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(f.id);
                    else n.delete(f.id);
                    return n;
                  })
                }
              />
              <span>{f.archived ? t('catalogue.archivedName', { name: f.name }) : f.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div aria-live="polite">{done ? <Alert tone="success">{done}</Alert> : null}</div>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={disabled || busy || !changed}>
          {busy ? t('audience.saving') : t('functions.save')}
        </button>
      </div>
    </form>
  );
}
