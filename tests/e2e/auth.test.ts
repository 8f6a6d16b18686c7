import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN, ORGANISATION, USER_PASSWORD } from './fixtures';
import { adminApi, ApiClient, choosePasswordUi, createReadyUser, launchBrowser, loginUi, newContext, startServer, type RunningServer } from './support';

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

describe('connexion', () => {
  test('connexion réussie puis déconnexion', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await page.goto('/');
    // Not signed in: sent to the login page.
    await page.waitForURL('**/connexion');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
    await loginUi(page, ADMIN.email, ADMIN.password);

    await page.getByRole('heading', { name: `Bonjour ${ADMIN.name}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.getByTestId('organisation').innerText()).resolves.toContain(ORGANISATION.name);
    await expect(page.getByTestId('organisation').innerText()).resolves.toContain('Commune');
    await page.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();

    // The session survives a reload.
    await page.reload();
    await page.getByRole('heading', { name: `Bonjour ${ADMIN.name}` }).waitFor();

    await page.getByRole('button', { name: `Menu du compte ${ADMIN.name}` }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL('**/connexion');
    await page.getByText('Vous êtes déconnecté.').waitFor();

    // The session is really over on the server.
    const res = await page.request.get('/api/auth/session');
    expect(res.status()).toBe(401);
    await page.goto('/mon-compte');
    await page.waitForURL('**/connexion');
    await context.close();
  });

  test('mauvais mot de passe : message clair sans révéler si le compte existe', async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await loginUi(page, ADMIN.email, 'pas-le-bon-mot-de-passe');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.innerText()).toBe('Adresse e-mail ou mot de passe incorrect.');
    // The password field is emptied and focused for another try.
    await expect(page.getByLabel('Mot de passe', { exact: true }).inputValue()).resolves.toBe('');

    // Same message for an unknown address.
    await loginUi(page, 'personne@e2e.test', 'pas-le-bon-mot-de-passe');
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toBe('Adresse e-mail ou mot de passe incorrect.');

    // Client-side validation next to the field.
    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await page.getByLabel('Mot de passe', { exact: true }).fill('x');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Adresse e-mail invalide.').waitFor();
    await context.close();
  });

  test('compte verrouillé après des échecs répétés', async () => {
    await createReadyUser(admin, 'verrou@e2e.test', 'Victor Verrou', 'contributor');
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    for (let i = 0; i < 5; i++) {
      await loginUi(page, 'verrou@e2e.test', `mauvais-mot-de-passe-${i}`);
      await page.getByTestId('login-error').waitFor();
      await page.waitForFunction(() => !document.querySelector('button[type=submit]')?.hasAttribute('disabled'));
    }
    // Even the right password is refused now, with the locked message.
    await loginUi(page, 'verrou@e2e.test', USER_PASSWORD);
    await page.getByTestId('login-error').filter({ hasText: 'verrouillé' }).waitFor();
    expect(await page.getByTestId('login-error').innerText()).toBe(
      'Compte temporairement verrouillé après trop de tentatives. Réessayez plus tard ou contactez votre administrateur.',
    );
    expect(new URL(page.url()).pathname).toBe('/connexion');

    // The administrator sees it locked and unlocks it; the user can then sign in.
    const users = await admin.call<{ users: { email: string; id: string; locked: boolean }[] }>('GET', '/api/users');
    const locked = users.users.find((u) => u.email === 'verrou@e2e.test');
    expect(locked?.locked).toBe(true);
    await admin.call('POST', `/api/users/${locked!.id}/unlock`);
    await loginUi(page, 'verrou@e2e.test', USER_PASSWORD);
    await page.getByRole('heading', { name: 'Bonjour Victor Verrou' }).waitFor();
    await context.close();
  });

  test('compte désactivé : message dédié', async () => {
    const { user } = await createReadyUser(admin, 'desactive@e2e.test', 'Denise Désactivée', 'reader');
    await admin.call('PATCH', `/api/users/${user.id}`, { status: 'disabled' });
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await loginUi(page, 'desactive@e2e.test', USER_PASSWORD);
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toBe('Ce compte est désactivé. Contactez votre administrateur.');
    await context.close();
  });

  test('changement de mot de passe imposé au nouvel utilisateur', async () => {
    const { temporaryPassword } = await admin.createUser('nouveau@e2e.test', 'Nina Nouvelle', 'contributor');
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await loginUi(page, 'nouveau@e2e.test', temporaryPassword);
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
    // Nothing else is reachable before that.
    await page.goto('/mon-compte');
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();

    // The 12-character rule is shown and enforced next to the field.
    await page.getByText('Au moins 12 caractères', { exact: false }).first().waitFor();
    await page.getByLabel('Mot de passe temporaire').fill(temporaryPassword);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
    await page.getByLabel('Confirmer le nouveau mot de passe').fill('court');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await page.locator('.field__error').filter({ hasText: 'Au moins 12 caractères.' }).waitFor();

    // Wrong temporary password: the server's message next to the field.
    await page.getByLabel('Mot de passe temporaire').fill('pas-le-mot-de-passe-temporaire');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(USER_PASSWORD);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await page.getByText('Le mot de passe actuel est incorrect.').waitFor();

    await choosePasswordUi(page, temporaryPassword);
    await page.getByRole('heading', { name: 'Bonjour Nina Nouvelle' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();

    // The new password works, the temporary one no longer does.
    const check = new ApiClient(server.url);
    expect((await check.raw('POST', '/api/auth/login', { email: 'nouveau@e2e.test', password: temporaryPassword })).status).toBe(401);
    expect((await check.raw('POST', '/api/auth/login', { email: 'nouveau@e2e.test', password: USER_PASSWORD })).status).toBe(200);
    await context.close();
  });
  test('Mon compte : changement de mot de passe puis déconnexion de toutes les sessions', async () => {
    await createReadyUser(admin, 'compte@e2e.test', 'Chloé Compte', 'contributor');
    const phone = await newContext(browser, server.url, { width: 390, height: 844 });
    const other = await phone.newPage();
    await loginUi(other, 'compte@e2e.test', USER_PASSWORD);
    await other.getByRole('heading', { name: 'Bonjour Chloé Compte' }).waitFor();
    await other.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();

    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await loginUi(page, 'compte@e2e.test', USER_PASSWORD);
    await page.getByRole('heading', { name: 'Bonjour Chloé Compte' }).waitFor();
    await page.getByRole('button', { name: 'Menu du compte Chloé Compte' }).click();
    await page.getByRole('link', { name: 'Mon compte' }).first().click();
    await page.getByRole('heading', { name: 'Mon compte', level: 1 }).waitFor();
    await page.getByText('Au moins 12 caractères', { exact: false }).first().waitFor();
    const newPassword = 'Une-autre-phrase-de-passe-7';
    await page.getByLabel('Mot de passe actuel').fill(USER_PASSWORD);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill('pas-pareil-du-tout');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByText('Les deux mots de passe ne correspondent pas.').waitFor();
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(newPassword);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByText('Votre mot de passe a été modifié.', { exact: false }).waitFor();
    // This session goes on (new CSRF token works), the other one ended.
    await other.waitForURL('**/connexion', { timeout: 20_000 });
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Accueil' }).click();
    await page.getByRole('heading', { name: 'Bonjour Chloé Compte' }).waitFor();
    await page.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();

    // Sign in again on the phone, then "log out everywhere" from the desktop.
    await loginUi(other, 'compte@e2e.test', newPassword);
    await other.getByRole('heading', { name: 'Bonjour Chloé Compte' }).waitFor();
    await page.goto('/mon-compte');
    await page.getByRole('button', { name: 'Se déconnecter de toutes les sessions' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByRole('heading', { name: 'Se déconnecter partout ?' }).waitFor();
    await confirm.getByRole('button', { name: 'Se déconnecter de toutes les sessions' }).click();
    await page.waitForURL('**/connexion');
    await page.getByText('Vous êtes déconnecté de toutes vos sessions.').waitFor();
    await other.waitForURL('**/connexion', { timeout: 20_000 });
    await other.getByText('Vous avez été déconnecté de toutes vos sessions.').waitFor();
    await phone.close();
    await context.close();
  });
});
