import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { createCatalogueItemBodySchema, updateCatalogueItemBodySchema, type CatalogueItem, type CatalogueKind } from '../../../shared';
import { ApiError, api, errorMessage, validate } from '../../api/client';
import { Alert } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { sortItems, useCatalogue } from '../../components/logbook/useCatalogue';
import { t, type MessageKey } from '../../i18n';
import { useCan } from '../../session';
import { usePageTitle } from '../../usePageTitle';

const createRoute = { eventTypes: 'createEventType', functions: 'createFunction', tags: 'createTag' } as const;
const updateRoute = { eventTypes: 'updateEventType', functions: 'updateFunction', tags: 'updateTag' } as const;

const titles: Record<CatalogueKind, { title: MessageKey; intro: MessageKey; add: MessageKey }> = {
  eventTypes: { title: 'catalogue.eventTypes', intro: 'catalogue.eventTypesIntro', add: 'catalogue.addEventType' },
  functions: { title: 'catalogue.functions', intro: 'catalogue.functionsIntro', add: 'catalogue.addFunction' },
  tags: { title: 'catalogue.tags', intro: 'catalogue.tagsIntro', add: 'catalogue.addTag' },
};

function ItemRow({
  item,
  index,
  count,
  busy,
  onMove,
  onRename,
  onArchive,
}: {
  item: CatalogueItem;
  index: number;
  count: number;
  busy: boolean;
  onMove: (delta: -1 | 1) => void;
  onRename: (name: string) => Promise<string | null>;
  onArchive: (archived: boolean) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(item.name);
  const [error, setError] = useState<string | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    const err = await onRename(name);
    if (err) setError(err);
    else {
      setEditing(false);
      setError(null);
    }
  }

  if (editing) {
    return (
      <li className="catalogue-item catalogue-item--editing">
        <form className="inline-form" onSubmit={save} noValidate>
          <TextField label={t('catalogue.rename', { name: item.name })} value={name} onChange={(e) => setName(e.target.value)} error={error} maxLength={60} autoFocus />
          <div className="button-row">
            <button type="submit" className="button button--primary button--small" disabled={busy}>
              {t('action.save')}
            </button>
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => {
                setEditing(false);
                setName(item.name);
                setError(null);
              }}
            >
              {t('action.cancel')}
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={`catalogue-item${item.archived ? ' catalogue-item--archived' : ''}`} data-name={item.name}>
      <span className="catalogue-item__name">
        {item.name}
        {item.archived ? <span className="badge badge--neutral">{t('catalogue.archived')}</span> : null}
      </span>
      <span className="catalogue-item__actions">
        {!item.archived ? (
          <>
            <button type="button" className="icon-button" aria-label={t('catalogue.moveUp', { name: item.name })} title={t('catalogue.moveUpShort')} disabled={busy || index === 0} onClick={() => onMove(-1)}>
              <Icon name="arrowUp" size={18} />
            </button>
            <button type="button" className="icon-button" aria-label={t('catalogue.moveDown', { name: item.name })} title={t('catalogue.moveDownShort')} disabled={busy || index === count - 1} onClick={() => onMove(1)}>
              <Icon name="arrowDown" size={18} />
            </button>
            <button type="button" className="icon-button" aria-label={t('catalogue.renameLabel', { name: item.name })} title={t('catalogue.renameShort')} onClick={() => setEditing(true)} disabled={busy}>
              <Icon name="edit" size={18} />
            </button>
            <button type="button" className="icon-button" aria-label={t('catalogue.archiveLabel', { name: item.name })} title={t('catalogue.archive')} onClick={() => onArchive(true)} disabled={busy}>
              <Icon name="archive" size={18} />
            </button>
          </>
        ) : (
          <button type="button" className="button button--tertiary button--small" aria-label={t('catalogue.restoreLabel', { name: item.name })} onClick={() => onArchive(false)} disabled={busy}>
            <Icon name="undo" size={16} />
            {t('catalogue.restore')}
          </button>
        )}
      </span>
    </li>
  );
}

function CatalogueSection({ kind }: { kind: CatalogueKind }) {
  const { items, error, reload, setItems } = useCatalogue(kind);
  const [name, setName] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const labels = titles[kind];
  const active = (items ?? []).filter((i) => !i.archived);
  const archived = (items ?? []).filter((i) => i.archived);

  const upsert = (item: CatalogueItem) => setItems((list) => sortItems([...(list ?? []).filter((i) => i.id !== item.id), item]));

  async function update(id: string, body: Record<string, unknown>): Promise<CatalogueItem> {
    const v = validate(updateCatalogueItemBodySchema, body);
    if (v.errors) throw new ApiError(400, 'validation_failed', Object.values(v.errors)[0] ?? t('error.formInvalid'));
    return api(updateRoute[kind], { params: { id }, body: v.data });
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const position = active.length > 0 ? Math.min(10_000, Math.max(...active.map((i) => i.position)) + 10) : 10;
    const v = validate(createCatalogueItemBodySchema, { name, position });
    if (v.errors) {
      setAddError(v.errors.name ?? Object.values(v.errors)[0]);
      return;
    }
    setBusy(true);
    try {
      const item = await api(createRoute[kind], { body: v.data });
      upsert(item);
      setName('');
      setAddError(null);
      setDone(t('catalogue.added', { name: item.name }));
    } catch (err) {
      setAddError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function move(index: number, delta: -1 | 1) {
    const order = [...active];
    const [it] = order.splice(index, 1);
    order.splice(index + delta, 0, it);
    setBusy(true);
    setActionError(null);
    try {
      // Positions 10, 20, 30... in the new order; only the items whose position changes are sent.
      for (const [i, item] of order.entries()) {
        const position = (i + 1) * 10;
        if (item.position !== position) upsert(await update(item.id, { position }));
      }
    } catch (err) {
      setActionError(errorMessage(err));
      void reload();
    } finally {
      setBusy(false);
    }
  }

  async function rename(item: CatalogueItem, newName: string): Promise<string | null> {
    if (newName.trim() === item.name) return null;
    setBusy(true);
    try {
      upsert(await update(item.id, { name: newName }));
      setDone(t('catalogue.renamed', { name: newName.trim() }));
      return null;
    } catch (err) {
      return errorMessage(err);
    } finally {
      setBusy(false);
    }
  }

  async function archive(item: CatalogueItem, value: boolean) {
    setBusy(true);
    setActionError(null);
    try {
      upsert(await update(item.id, { archived: value }));
      setDone(value ? t('catalogue.archivedDone', { name: item.name }) : t('catalogue.restored', { name: item.name }));
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card catalogue" aria-labelledby={`catalogue-${kind}`} data-testid={`catalogue-${kind}`}>
      <div>
        <h2 id={`catalogue-${kind}`} className="card__title">
          {t(labels.title)} <span className="count">{active.length}</span>
        </h2>
        <p className="muted">{t(labels.intro)}</p>
      </div>
      <form className="inline-form" onSubmit={add} noValidate>
        <TextField label={t(labels.add)} value={name} onChange={(e) => setName(e.target.value)} error={addError} maxLength={60} />
        <button type="submit" className="button button--primary" disabled={busy}>
          <Icon name="plus" size={18} />
          {t('catalogue.add')}
        </button>
      </form>
      <div aria-live="polite">{done ? <Alert tone="success">{done}</Alert> : null}</div>
      {error || actionError ? <Alert tone="error">{error ?? actionError}</Alert> : null}
      {items === null && !error ? <p className="muted">{t('app.loading')}</p> : null}
      {items && active.length === 0 ? <p className="empty">{t('catalogue.empty')}</p> : null}
      {active.length > 0 ? (
        <ol className="catalogue-list">
          {active.map((item, i) => (
            <ItemRow
              key={item.id}
              item={item}
              index={i}
              count={active.length}
              busy={busy}
              onMove={(d) => void move(i, d)}
              onRename={(n) => rename(item, n)}
              onArchive={(v) => void archive(item, v)}
            />
          ))}
        </ol>
      ) : null}
      {archived.length > 0 ? (
        <details className="catalogue-archived">
          <summary>{t('catalogue.archivedCount', { count: archived.length })}</summary>
          <ul className="catalogue-list">
            {archived.map((item, i) => (
              <ItemRow key={item.id} item={item} index={i} count={archived.length} busy={busy} onMove={() => undefined} onRename={(n) => rename(item, n)} onArchive={(v) => void archive(item, v)} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export function CataloguesPage() {
  const can = useCan();
  usePageTitle(t('catalogue.title'));
  return (
    <div className="page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('nav.section.admin')}</p>
          <h1 className="page__title">{t('catalogue.title')}</h1>
          <p className="page__intro">{t('catalogue.intro')}</p>
          {can('eventTypes.manage') ? (
            <p className="muted">
              {t('audience.catalogueHint')} <Link to="/administration/droits">{t('audience.catalogueLink')}</Link>
            </p>
          ) : null}
        </div>
      </div>
      <div className="catalogue-grid">
        {can('eventTypes.manage') ? <CatalogueSection kind="eventTypes" /> : null}
        <CatalogueSection kind="functions" />
        <CatalogueSection kind="tags" />
      </div>
    </div>
  );
}
