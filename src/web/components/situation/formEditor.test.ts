import { describe, expect, test } from 'vitest';
import { defaultSituationFields } from '../../../shared/schemas/situation';
import { checkRows, errorsFromPaths, fieldsOf, keyFromLabel, keysOf, moveRow, newRow, rowsFromFields, uniqueKey } from './formEditor';

describe('éditeur du formulaire d’analyse de situation', () => {
  test('clé tirée du libellé : minuscules, sans accents, _ , commence par une lettre, 40 caractères au plus', () => {
    expect(keyFromLabel('Niveau du plan canicule')).toBe('niveau_du_plan_canicule');
    expect(keyFromLabel('  Établissements évacués (écoles, EHPAD…) ')).toBe('etablissements_evacues_ecoles_ehpad');
    expect(keyFromLabel('Cœur de ville')).toBe('coeur_de_ville');
    expect(keyFromLabel('3 quartiers')).toBe('champ_3_quartiers');
    expect(keyFromLabel('—')).toBe('champ');
    const long = keyFromLabel('Nombre de personnes hébergées dans les gymnases municipaux');
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
    expect(long.endsWith('_')).toBe(false);
  });

  test('clé unique par suffixe ; clés existantes conservées au renommage', () => {
    expect(uniqueKey('risque', new Set(['risque']))).toBe('risque_2');
    expect(uniqueKey('risque', new Set(['risque', 'risque_2']))).toBe('risque_3');
    expect(uniqueKey('a'.repeat(40), new Set(['a'.repeat(40)]))).toBe(`${'a'.repeat(38)}_2`);

    const rows = rowsFromFields(defaultSituationFields);
    rows[0] = { ...rows[0], label: 'Nature du risque' };
    const added = { ...newRow(), label: 'Risque' };
    const second = { ...newRow(), label: 'Risque' };
    expect(keysOf([...rows, added, second]).slice(-2)).toEqual(['risque_2', 'risque_3']);
    expect(keysOf(rows)[0]).toBe('risque');
  });

  test('options une par ligne, envoyées seulement pour un choix', () => {
    const row = { ...newRow(), label: 'Niveau', type: 'choice' as const, optionsText: ' Veille \n\nAlerte\n' };
    expect(fieldsOf([row])[0]).toEqual({ key: 'niveau', label: 'Niveau', type: 'choice', required: false, help: '', options: ['Veille', 'Alerte'] });
    expect(fieldsOf([{ ...row, type: 'text' }])[0].options).toEqual([]);
  });

  test('contrôle en français, rangé par ligne', () => {
    const ok = { ...newRow(), label: 'Niveau', type: 'choice' as const, optionsText: 'Veille\nAlerte' };
    const single = { ...newRow(), label: 'Plan', type: 'choice' as const, optionsText: 'Veille' };
    const unnamed = newRow();
    const r = checkRows([ok, single, unnamed]);
    expect(r.fields).toBeNull();
    expect(r.errors?.rows[single.id]?.options).toBe('Un champ à choix a au moins deux options.');
    expect(r.errors?.rows[unnamed.id]?.label).toBe('Libellé requis.');
    expect(r.errors?.rows[ok.id]).toBeUndefined();
    expect(checkRows([]).errors?.form).toBe('Le formulaire a au moins un champ.');
    const many = { ...ok, optionsText: Array.from({ length: 21 }, (_, i) => `Option ${i}`).join('\n') };
    expect(checkRows([many]).errors?.rows[many.id]?.options).toBe('20 options au plus.');
    expect(checkRows([ok]).fields?.[0].key).toBe('niveau');
  });

  test('erreurs du serveur (validation_failed) remises sur leurs lignes', () => {
    const rows = [newRow(), newRow(), newRow()];
    const e = errorsFromPaths({ 'fields.2.options': 'Un champ à choix a au moins deux options.', 'fields.1.options.0': 'Trop long.', 'fields.0.label': 'Libellé requis.', fields: 'Deux champs ont la même clé.' }, rows);
    expect(e.rows[rows[2].id]?.options).toBe('Un champ à choix a au moins deux options.');
    expect(e.rows[rows[1].id]?.options).toBe('Option 1 : Trop long.');
    expect(e.rows[rows[0].id]?.label).toBe('Libellé requis.');
    expect(e.form).toBe('Deux champs ont la même clé.');
    expect(errorsFromPaths({ 'fields.9.label': 'x' }, rows).form).toBe('x');
  });

  test('monter et descendre', () => {
    expect(moveRow(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRow(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveRow(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
});
