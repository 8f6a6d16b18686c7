import { describe, expect, test } from 'vitest';
import { checkSituationValues, defaultSituationFields, type SituationVersion } from '../../../shared/schemas/situation';
import { changedKeys, compareVersions, displayValue, fromInput, inputsFromVersion, valuesFromInputs } from './values';

const fields = defaultSituationFields;
const field = (key: string) => fields.find((f) => f.key === key)!;

function version(n: number, severity: number, values: SituationVersion['values']): SituationVersion {
  return { id: `00000000-0000-4000-8000-00000000000${n}`, version: n, severity, fields, values, authorName: 'Camille', createdAt: '2025-11-25T13:32:00.000Z' };
}

describe('valeurs de l’analyse de situation', () => {
  test('champ vide → null, nombre lu (virgule comprise), date en heure de Paris', () => {
    expect(fromInput(field('risque'), '  ')).toBeNull();
    expect(fromInput(field('risque'), ' Crue ')).toBe('Crue');
    expect(fromInput(field('personnes_exposees'), '1 200')).toBe(1200);
    expect(fromInput(field('personnes_exposees'), '2,5')).toBe(2.5);
    // Unreadable: kept as text for the shared check to refuse it in French.
    expect(fromInput(field('personnes_exposees'), 'beaucoup')).toBe('beaucoup');
    expect(fromInput(field('prochain_point'), '2025-11-25T14:32')).toBe('2025-11-25T13:32:00.000Z');
  });

  test('aller-retour formulaire et contrôle partagé', () => {
    const v = version(1, 2, { risque: 'Crue', tendance: 'Stable', personnes_exposees: 120, prochain_point: '2025-11-25T13:32:00.000Z' });
    const inputs = inputsFromVersion(fields, v);
    expect(inputs.personnes_exposees).toBe('120');
    expect(inputs.prochain_point).toBe('2025-11-25T14:32');
    expect(inputs.enjeux).toBe('');
    const values = valuesFromInputs(fields, inputs);
    expect(values.prochain_point).toBe('2025-11-25T13:32:00.000Z');
    expect(values.enjeux).toBeNull();
    expect(checkSituationValues(fields, values)).toEqual([]);
    const bad = valuesFromInputs(fields, { ...inputs, risque: '', personnes_exposees: 'beaucoup' });
    expect(checkSituationValues(fields, bad).map((p) => p.path)).toEqual(['values.risque', 'values.personnes_exposees']);
  });

  test('affichage', () => {
    expect(displayValue(field('personnes_exposees'), 1200)).toBe('1\u202f200');
    expect(displayValue(field('prochain_point'), '2025-11-25T13:32:00.000Z')).toBe('25 nov. 2025, 14:32');
    expect(displayValue(field('risque'), null)).toBeNull();
  });

  test('comparaison de deux versions champ par champ', () => {
    const a = version(1, 2, { risque: 'Crue', tendance: 'Stable', personnes_exposees: 120 });
    const b = version(2, 3, { risque: 'Crue', tendance: 'Aggravation', personnes_exposees: 120, enjeux: '' });
    const diff = compareVersions(a, b);
    expect(diff.severityChanged).toBe(true);
    expect(diff.fields.filter((f) => f.changed).map((f) => f.key)).toEqual(['tendance']);
    expect([...changedKeys(a, b)]).toEqual(['tendance']);
    // The same instant written two ways is not a change.
    const c = version(3, 3, { ...b.values, prochain_point: '2025-11-25T14:32:00+01:00' });
    const d = version(4, 3, { ...b.values, prochain_point: '2025-11-25T13:32:00.000Z' });
    expect(compareVersions(c, d).fields.some((f) => f.changed)).toBe(false);
  });
});
