import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { searchResultSchema } from '../../shared';
import { api, errorMessage } from '../api/client';
import { Alert } from '../components/Alert';
import { SelectField, TextField } from '../components/Field';
import { Icon } from '../components/Icon';
import { Highlight } from '../components/logbook/Highlight';
import { useCatalogue } from '../components/logbook/useCatalogue';
import { formatDateTime, formatFull, parisDayRange, t } from '../i18n';
import { usePageTitle } from '../usePageTitle';

type Result = z.output<typeof searchResultSchema>;
const PAGE = 30;

export function SearchPage() {
  usePageTitle(t('search.title'));
  const tags = useCatalogue('tags');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('etiquette') ?? '';
  const important = params.get('important') === 'oui';
  const from = params.get('du') ?? '';
  const to = params.get('au') ?? '';
  const [input, setInput] = useState({ q, tag, important, from, to });
  const [results, setResults] = useState<Result[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hasCriteria = !!(q.trim() || tag || important || from || to);

  useEffect(() => setInput({ q, tag, important, from, to }), [q, tag, important, from, to]);

  const run = useCallback(
    async (offset: number) => {
      if (!hasCriteria) {
        setResults(null);
        return;
      }
      setBusy(true);
      setError(null);
      try {
        const query: Record<string, string | number> = { q: q.trim(), limit: PAGE, offset };
        if (tag) query.tag = tag;
        if (important) query.important = 'true';
        const f = from ? parisDayRange(from) : null;
        const tt = to ? parisDayRange(to) : null;
        if (f) query.from = f.from;
        if (tt) query.to = tt.to;
        const res = await api('searchEntries', { query });
        setResults((prev) => (offset === 0 ? res.results : [...(prev ?? []), ...res.results]));
        setTotal(res.total);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setBusy(false);
      }
    },
    [q, tag, important, from, to, hasCriteria],
  );

  useEffect(() => {
    void run(0);
  }, [run]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (input.q.trim()) next.q = input.q.trim();
    if (input.tag) next.etiquette = input.tag;
    if (input.important) next.important = 'oui';
    if (input.from) next.du = input.from;
    if (input.to) next.au = input.to;
    setParams(next);
  }

  return (
    <div className="page">
      <div className="page__header">
        <div>
          <p className="page__eyebrow">{t('nav.section.main')}</p>
          <h1 className="page__title">{t('search.title')}</h1>
          <p className="page__intro">{t('search.intro')}</p>
        </div>
      </div>

      <form className="search-form" role="search" onSubmit={submit} aria-label={t('search.title')}>
        <div className="search-form__main">
          <TextField
            label={t('search.query')}
            type="search"
            name="q"
            value={input.q}
            placeholder={t('search.placeholder')}
            onChange={(e) => setInput((s) => ({ ...s, q: e.target.value }))}
            className="search-form__query"
            maxLength={200}
          />
          <button type="submit" className="button button--primary search-form__submit" disabled={busy}>
            <Icon name="search" size={18} />
            {t('search.submit')}
          </button>
        </div>
        <div className="search-form__filters">
          <SelectField
            label={t('logbook.filter.tag')}
            value={input.tag}
            onChange={(e) => setInput((s) => ({ ...s, tag: e.target.value }))}
            options={[{ value: '', label: t('logbook.filter.all') }, ...(tags.items ?? []).map((tg) => ({ value: tg.name, label: tg.name }))]}
          />
          <TextField label={t('logbook.filter.from')} type="date" value={input.from} onChange={(e) => setInput((s) => ({ ...s, from: e.target.value }))} />
          <TextField label={t('logbook.filter.to')} type="date" value={input.to} onChange={(e) => setInput((s) => ({ ...s, to: e.target.value }))} />
          <label className="toggle toggle--important search-form__important">
            <input type="checkbox" checked={input.important} onChange={(e) => setInput((s) => ({ ...s, important: e.target.checked }))} />
            <span>
              <Icon name="alert" size={16} />
              {t('search.importantOnly')}
            </span>
          </label>
        </div>
      </form>

      {error ? <Alert tone="error">{error}</Alert> : null}
      {!hasCriteria ? <p className="empty">{t('search.hint')}</p> : null}
      {hasCriteria && results === null && busy ? <p className="muted">{t('search.searching')}</p> : null}
      {results ? (
        <section className="section" aria-labelledby="search-results">
          <h2 id="search-results" className="section__title" aria-live="polite">
            {total === 0 ? t('search.none') : t(total === 1 ? 'search.count.one' : 'search.count.many', { count: total })}
          </h2>
          {results.length > 0 ? (
            <ol className="results" data-testid="search-results">
              {results.map((r) => (
                <li key={r.entry.id} className={`result${r.entry.important ? ' result--important' : ''}`}>
                  <p className="result__event">
                    <Link to={`/evenements/${r.entry.eventId}?entree=${r.entry.seq}`} className="result__link">
                      {r.eventTitle}
                      <span className="result__seq">{t('entry.number', { seq: r.entry.seq })}</span>
                    </Link>
                  </p>
                  <p className="result__meta">
                    <time dateTime={r.entry.occurredAt} title={formatFull(r.entry.occurredAt)}>
                      {formatDateTime(r.entry.occurredAt)}
                    </time>
                    <span>{r.entry.authorName}</span>
                    {r.entry.functionName ? <span>{r.entry.functionName}</span> : null}
                    {r.entry.important ? (
                      <span className="entry__flag">
                        <Icon name="alert" size={14} />
                        {t('entry.important')}
                      </span>
                    ) : null}
                    {r.entry.correctedBy.length > 0 ? <span className="badge badge--neutral">{t('search.corrected')}</span> : null}
                  </p>
                  <p className="result__snippet">
                    <Highlight snippet={r.highlight || r.entry.text} />
                  </p>
                  {r.entry.tags.length > 0 ? (
                    <ul className="chips" aria-label={t('entry.tags')}>
                      {r.entry.tags.map((tg) => (
                        <li key={tg} className="chip">
                          {tg}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ol>
          ) : null}
          {results.length < total ? (
            <div className="pager">
              <button type="button" className="button button--secondary" onClick={() => void run(results.length)} disabled={busy}>
                {busy ? t('app.loading') : t('action.loadMore')}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
