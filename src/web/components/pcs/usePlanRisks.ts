import { useEffect, useState } from 'react';
import type { Risk } from '../../../shared/schemas/pcs';
import { api, errorMessage } from '../../api/client';

/** The risks of the organisation's safeguard plan, loaded while `enabled` (a form is open). */
export function usePlanRisks(enabled: boolean): { risks: Risk[] | null; error: string | null } {
  const [risks, setRisks] = useState<Risk[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    api('listRisks')
      .then((res) => {
        if (cancelled) return;
        setRisks(res.risks);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(errorMessage(err));
      });
    return () => {
      cancelled = true;
    };
  }, [enabled]);
  return { risks, error };
}

/** The plan's risk named like an event type (as the server picks it: same name, case aside). */
export function riskForType(risks: readonly Risk[], typeName: string | undefined): Risk | null {
  if (!typeName) return null;
  const name = typeName.trim().toLocaleLowerCase('fr');
  return risks.find((r) => r.name.trim().toLocaleLowerCase('fr') === name) ?? null;
}
