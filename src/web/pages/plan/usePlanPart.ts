// What the plan's tabs share: one part of the plan loaded (with its error) and reloaded live on
// `plan.changed` for that part, and the editing state of a tab (the open dialog, the confirmation
// of the last change).

import { useCallback, useEffect, useRef, useState } from 'react';
import { topicOf } from '../../../shared';
import { errorMessage } from '../../api/client';
import { useRealtimeTopic } from '../../api/realtime';
import { useSession } from '../../session';

type PlanPart = 'risks' | 'directory' | 'sites';

/** `fetch` is called on mount, on every `plan.changed` of `part` and on a realtime resync. */
export function usePlanPart<T>(part: PlanPart, fetch: () => Promise<T>) {
  const session = useSession();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  const load = useCallback(async () => {
    try {
      setData(await fetchRef.current());
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useRealtimeTopic(topicOf('organisation', session.organisation.id), {
    onEvent: (event) => {
      if (event.kind === 'plan.changed' && event.part === part) void load();
    },
    onResync: () => void load(),
  });

  return { data, error, load };
}

/** The dialog open in a tab (`edit`) and the message of the last change (`done`); `saved` closes, reloads and tells the page. */
export function usePlanEditing<E>(load: () => Promise<void>, onChanged: () => void) {
  const [edit, setEdit] = useState<E | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const open = (state: E) => {
    setDone(null);
    setEdit(state);
  };
  const close = () => setEdit(null);
  const saved = (message: string) => {
    setEdit(null);
    setDone(message);
    void load();
    onChanged();
  };
  return { edit, done, open, close, saved };
}
