import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { useCan } from '../../session';
import { emptyDirectory, type AudienceDirectory } from './audience';

/** Crisis-cell functions and accounts of the organisation, to choose and name audience lines. */
export function useAudienceDirectory(enabled = true): { directory: AudienceDirectory; loaded: boolean; error: string | null; reload: () => Promise<void> } {
  const can = useCan();
  const canListUsers = can('users.read');
  const [directory, setDirectory] = useState<AudienceDirectory>(emptyDirectory);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const [fns, users] = await Promise.all([api('listFunctions'), canListUsers ? api('listUsers') : Promise.resolve({ users: [] })]);
      setDirectory({
        functions: [...fns.items].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name, 'fr')),
        users: [...users.users].sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr')),
      });
      setError(null);
      setLoaded(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [canListUsers]);
  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);
  return { directory, loaded, error, reload };
}
