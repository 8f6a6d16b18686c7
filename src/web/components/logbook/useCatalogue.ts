import { useCallback, useEffect, useState } from 'react';
import type { CatalogueItem, CatalogueKind } from '../../../shared';
import { api, errorMessage } from '../../api/client';

const listRoute = { eventTypes: 'listEventTypes', functions: 'listFunctions', tags: 'listTags' } as const;

/** Sorted by position then name. */
export function sortItems(items: readonly CatalogueItem[]): CatalogueItem[] {
  return [...items].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name, 'fr'));
}

/** One catalogue (event types, functions or tags), sorted; `active` leaves out archived items. */
export function useCatalogue(kind: CatalogueKind) {
  const [items, setItems] = useState<CatalogueItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const res = await api(listRoute[kind]);
      setItems(sortItems(res.items));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [kind]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const active = items?.filter((i) => !i.archived) ?? [];
  return { items, active, error, reload, setItems };
}
