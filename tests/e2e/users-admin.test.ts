import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { User } from '../../src/shared';
import { ADMIN, USER_PASSWORD } from './fixtures';
import { adminApi, ApiClient, choosePasswordUi, launchBrowser, loginUi, newContext, startServer, type RunningServer } from './support';

let server: RunningServer;
let browser: Browser;
let admin: ApiClient;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await adminApi(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function findUser(email: string): Promise<User> {
  const { users } = await admin.call<{ users: User[] }>('GET', '/api/users');
  const u = users.find((x) => x.email === email);
  if (!u) throw new Error(`${email} introuvable`);
  return u;
}

describe('administration des utilisateurs', () => {
  test('création par l’administrateur, première connexion, changement de rôle, désactivation', async () => {
    const adminContext = await newContext(browser, server.url);
    const adminPage = await adminContext.newPage();
    await loginUi(adminPage, ADMIN.email, ADMIN.password);
    await adminPage.getByRole('heading', { name: `Bonjour ${ADMIN.name}` }).waitFor();

    // Through the navigation.
    await adminPage.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Utilisateurs' }).click();
    await adminPage.getByRole('heading', { name: 'Utilisateurs', level: 1 }).waitFor();
    await adminPage.getByRole('rowheader').filter({ hasText: ADMIN.email }).waitFor();

    // Create a contributor.
    await adminPage.getByRole('button', { name: 'Créer un compte' }).click();
    const dialog = adminPage.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Créer un compte' }).waitFor();
    // Client-side validation with the shared schema.
    await dialog.getByRole('button', { name: 'Créer le compte' }).click();
    await dialog.getByText('Adresse e-mail invalide.').waitFor();
    await dialog.getByText('Le nom doit contenir au moins 2 caractères.').waitFor();

    await dialog.getByLabel('Adresse e-mail').fill('claire.contrib@e2e.test');
    await dialog.getByLabel('Nom affiché').fill('Claire Contributrice');
    await dialog.getByLabel('Rôle').selectOption('contributor');
    await dialog.getByRole('button', { name: 'Créer le compte' }).click();
    await dialog.getByRole('heading', { name: 'Mot de passe temporaire' }).waitFor();
    const temporaryPassword = await dialog.getByTestId('temporary-password').inputValue();
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(12);
    await dialog.getByText('Il ne sera plus jamais affiché', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Copier' }).waitFor();
    await dialog.getByRole('button', { name: 'J’ai noté le mot de passe' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = adminPage.getByRole('row').filter({ hasText: 'claire.contrib@e2e.test' });
    await row.getByText('Contributeur').waitFor();
    await row.getByText('Mot de passe à choisir').waitFor();

    // Same address again: the server's French error next to the field.
    await adminPage.getByRole('button', { name: 'Créer un compte' }).click();
    await dialog.getByLabel('Adresse e-mail').fill('claire.contrib@e2e.test');
    await dialog.getByLabel('Nom affiché').fill('Claire Bis');
    await dialog.getByRole('button', { name: 'Créer le compte' }).click();
    await dialog.getByText('Un compte existe déjà avec cette adresse e-mail.').waitFor();
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The new user signs in (second browser context, phone-sized), must choose a password.
    const userContext = await newContext(browser, server.url, { width: 390, height: 844 });
    const userPage = await userContext.newPage();
    await loginUi(userPage, 'claire.contrib@e2e.test', temporaryPassword);
    await choosePasswordUi(userPage, temporaryPassword, USER_PASSWORD);
    await userPage.getByRole('heading', { name: 'Bonjour Claire Contributrice' }).waitFor();
    expect(new URL(userPage.url()).pathname).toBe('/');
    await userPage.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();
    // A contributor cannot publish.
    expect(await userPage.getByRole('button', { name: 'Publier' }).count()).toBe(0);

    // The admin promotes her to coordinator.
    await adminPage.getByRole('button', { name: 'Gérer le compte de Claire Contributrice' }).click();
    await dialog.getByRole('heading', { name: 'Compte de Claire Contributrice' }).waitFor();
    await dialog.getByLabel('Rôle').selectOption('coordinator');
    await dialog.getByRole('button', { name: 'Changer le rôle' }).click();
    await dialog.getByText('Rôle de Claire Contributrice changé : Coordinateur.').waitFor();
    expect((await findUser('claire.contrib@e2e.test')).role).toBe('coordinator');
    // The server ends her sessions on a role change: her open page goes back to the login page
    // with an explanation; once signed in again she can publish.
    await userPage.waitForURL('**/connexion', { timeout: 20_000 });
    await userPage.getByText('Votre rôle a été modifié par un administrateur', { exact: false }).waitFor();
    await loginUi(userPage, 'claire.contrib@e2e.test', USER_PASSWORD);
    await userPage.getByRole('heading', { name: 'Bonjour Claire Contributrice' }).waitFor();
    await userPage.getByRole('button', { name: 'Publier' }).waitFor();
    await userPage.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();

    // The admin cannot change their own role (button disabled, explanation shown).
    await dialog.getByRole('button', { name: 'Fermer' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    await adminPage.getByRole('button', { name: `Gérer le compte de ${ADMIN.name}` }).click();
    await dialog.getByText('Vous ne pouvez pas modifier votre propre rôle', { exact: false }).waitFor();
    expect(await dialog.getByLabel('Rôle').isDisabled()).toBe(true);
    expect(await dialog.getByRole('button', { name: 'Désactiver le compte' }).isDisabled()).toBe(true);
    await adminPage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Disable her account, with a confirmation: her open session ends.
    await adminPage.getByRole('button', { name: 'Gérer le compte de Claire Contributrice' }).click();
    await dialog.getByRole('button', { name: 'Désactiver le compte' }).click();
    const confirm = adminPage.getByRole('alertdialog');
    await confirm.getByRole('heading', { name: 'Désactiver le compte de Claire Contributrice ?' }).waitFor();
    await confirm.getByRole('button', { name: 'Désactiver', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    await dialog.getByText('Compte de Claire Contributrice désactivé.').waitFor();
    expect((await findUser('claire.contrib@e2e.test')).status).toBe('disabled');

    await userPage.waitForURL('**/connexion', { timeout: 20_000 });
    await userPage.getByText('Votre session a pris fin : votre compte a été désactivé par un administrateur.').waitFor();
    // And she cannot sign in again.
    await loginUi(userPage, 'claire.contrib@e2e.test', USER_PASSWORD);
    await userPage.getByTestId('login-error').filter({ hasText: 'Ce compte est désactivé.' }).waitFor();

    // Re-enable, then reset the password: a new temporary password is shown once.
    await dialog.getByRole('button', { name: 'Réactiver le compte' }).click();
    await dialog.getByText('Compte de Claire Contributrice réactivé.').waitFor();
    await dialog.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await confirm.getByRole('button', { name: 'Réinitialiser', exact: true }).click();
    await dialog.getByTestId('temporary-password').waitFor();
    const resetPassword = await dialog.getByTestId('temporary-password').inputValue();
    expect(resetPassword).not.toBe(temporaryPassword);
    await dialog.getByRole('button', { name: 'J’ai noté le mot de passe' }).click();
    const u = await findUser('claire.contrib@e2e.test');
    expect(u.status).toBe('active');
    expect(u.mustChangePassword).toBe(true);

    // Search filter.
    await adminPage.getByLabel('Rechercher').fill('claire');
    await adminPage.getByText('1 compte(s) affiché(s) sur 2').waitFor();
    expect(await adminPage.getByRole('row').filter({ hasText: ADMIN.email }).count()).toBe(0);

    await userContext.close();
    await adminContext.close();
  });

  test('journal d’audit : les actions apparaissent, page par page', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await loginUi(page, ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: `Bonjour ${ADMIN.name}` }).waitFor();
    await page.goto('/administration/journal');
    await page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
    const table = page.getByTestId('audit-table');
    await table.getByText('Création d’un compte').first().waitFor();
    await table.getByText('Modification d’un compte').first().waitFor();
    await table.getByText('Réinitialisation du mot de passe').first().waitFor();
    await page.getByLabel('Type d’élément').selectOption('user');
    await table.getByText('Création d’un compte').first().waitFor();
    await context.close();
  });
});
