import { describe, expect, test } from 'vitest';
import type { AudienceGrant } from '../../../shared/schemas/rights';
import { audienceInWords, grantErrors, grantFromView, grantName, newGrant, type AudienceDirectory } from './audience';

const F1 = '11111111-1111-4111-8111-111111111111';
const F2 = '22222222-2222-4222-8222-222222222222';
const U1 = '33333333-3333-4333-8333-333333333333';
const dir: AudienceDirectory = {
  functions: [
    { id: F1, name: 'Directeur des opérations' },
    { id: F2, name: 'Cellule communication' },
  ],
  users: [{ id: U1, displayName: 'Camille Coordination' }],
};

describe('audience en mots', () => {
  test('écriture d’abord et sans mention, lecture marquée', () => {
    const grants: AudienceGrant[] = [
      { kind: 'function', functionId: F1, access: 'write' },
      { kind: 'function', functionId: F2, access: 'read' },
      { kind: 'role', role: 'coordinator', access: 'write' },
    ];
    const words = audienceInWords('restricted', grants.map((g) => ({ name: grantName(g, dir), access: g.access })));
    expect(words).toBe('Restreint : Directeur des opérations, Rôle Coordinateur, Cellule communication (lecture)');
    expect(audienceInWords('organisation', [])).toBe('Toute l’organisation');
  });

  test('nom repris du serveur quand l’annuaire ne le connaît pas', () => {
    const g = grantFromView({ kind: 'user', role: null, functionId: null, userId: '44444444-4444-4444-8444-444444444444', label: 'Ancien agent', access: 'read' });
    expect(grantName(g, dir, 'Ancien agent')).toBe('Ancien agent');
  });

  test('nouvelle ligne : premier sujet libre', () => {
    const first = newGrant('function', dir, []);
    expect(first).toEqual({ kind: 'function', functionId: F1, access: 'read' });
    expect(newGrant('function', dir, [first])).toMatchObject({ functionId: F2 });
  });

  test('erreurs : liste vide, ligne sans sujet, doublon', () => {
    expect(grantErrors('restricted', []).form).toBe('Une liste restreinte a au moins une ligne.');
    expect(grantErrors('organisation', []).form).toBeNull();
    const res = grantErrors('restricted', [
      { kind: 'function', functionId: F1, access: 'write' },
      { kind: 'user', userId: '', access: 'read' },
      { kind: 'function', functionId: F1, access: 'read' },
    ]);
    expect(res.lines).toEqual({ 1: 'Choisissez qui cette ligne désigne.', 2: 'Déjà désigné à la ligne 1.' });
  });
});
