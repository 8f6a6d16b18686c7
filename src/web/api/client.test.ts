import { describe, expect, test } from 'vitest';
import { createUserBodySchema } from '../../shared';
import { fieldErrorsFromDetails, validate } from './client';
import { isAllowed, visibleNav } from '../navigation';

describe('erreurs par champ', () => {
  test('lit les détails du serveur (chemins en texte ou en tableau, préfixe body)', () => {
    expect(
      fieldErrorsFromDetails([
        { path: 'email', code: 'invalid_format', message: 'Adresse e-mail invalide.' },
        { path: ['body', 'displayName'], message: 'Nom requis.' },
        { path: '', message: 'Cette requête n’attend pas de corps.' },
      ]),
    ).toEqual({ email: 'Adresse e-mail invalide.', displayName: 'Nom requis.', _form: 'Cette requête n’attend pas de corps.' });
    expect(fieldErrorsFromDetails({ fieldErrors: { role: ['Rôle inconnu.'] }, formErrors: [] })).toEqual({ role: 'Rôle inconnu.' });
    expect(fieldErrorsFromDetails(undefined)).toEqual({});
  });

  test('valide avec les schémas partagés', () => {
    const bad = validate(createUserBodySchema, { email: 'x', displayName: 'A', role: 'chef' });
    expect(bad.errors).toEqual({
      email: 'Adresse e-mail invalide.',
      displayName: 'Le nom doit contenir au moins 2 caractères.',
      role: 'Rôle inconnu.',
    });
    const ok = validate(createUserBodySchema, { email: ' Marie@Ville.FR ', displayName: 'Marie', role: 'reader' });
    expect(ok.data).toEqual({ email: 'marie@ville.fr', displayName: 'Marie', role: 'reader' });
  });
});

describe('navigation', () => {
  test('n’affiche que les entrées permises', () => {
    expect(visibleNav(['organisation.read']).map((g) => g.section)).toEqual(['main']);
    const admin = visibleNav(['organisation.read', 'users.read', 'audit.read', 'shares.read']);
    expect(admin.find((g) => g.section === 'admin')?.entries.map((e) => e.path)).toEqual([
      '/administration/utilisateurs',
      '/administration/journal',
      '/administration/partages',
    ]);
    expect(isAllowed({ permission: 'audit.read' }, ['users.read'])).toBe(false);
  });
});
