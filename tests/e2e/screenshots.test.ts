// Screenshots of the main screens at phone (390×844) and desktop (1440×900) sizes, written to
// docs/screenshots/ for review and documentation. Also a smoke test of each screen.

import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { ADMIN } from './fixtures';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, ROOT, startServer, type RunningServer } from './support';

// Into screenshots/ (not versioned) on every run; `SCREENSHOTS_DIR=docs/screenshots` refreshes the documented ones.
const OUT = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'screenshots');
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const admin = await adminApi(server.url);
  const people: [string, string, 'coordinator' | 'contributor' | 'reader'][] = [
    ['m.lefebvre@e2e.test', 'Marie Lefebvre', 'coordinator'],
    ['j.martin@e2e.test', 'Jean Martin', 'contributor'],
    ['s.bernard@e2e.test', 'Sophie Bernard-Delacroix', 'contributor'],
    ['p.garcia@e2e.test', 'Pierre Garcia', 'reader'],
  ];
  for (const [email, name, role] of people) await createReadyUser(admin, email, name, role);
  await admin.createUser('a.roux@e2e.test', 'Antoine Roux', 'reader');
  const coord = await ApiClient.login(server.url, 'm.lefebvre@e2e.test', 'Phrase-de-passe-solide-42');
  await coord.call('POST', '/api/announcements', {
    text: 'Cellule de crise activée en mairie (salle du conseil). Point de situation toutes les deux heures.',
    level: 'info',
  });
  await coord.call('POST', '/api/announcements', {
    text: 'Vigilance orange crues : fermeture du parking des berges et de la route de la plage à partir de 16 h.',
    level: 'urgent',
  });
  // A few failed logins and a lock for the audit trail and badges.
  const anon = new ApiClient(server.url);
  for (let i = 0; i < 5; i++) await anon.raw('POST', '/api/auth/login', { email: 'p.garcia@e2e.test', password: `mauvais-${i}` });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shot(page: Page, name: string, fullPage = true) {
  // Let transitions and fonts settle.
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(OUT, name), fullPage });
}

async function connected(page: Page) {
  await page.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();
}

describe('captures d’écran', () => {
  for (const [suffix, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    test(`écrans principaux (${suffix})`, async () => {
      const context = await newContext(browser, server.url, viewport);
      const page = await context.newPage();
      await page.goto('/connexion');
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      await shot(page, `login-${suffix}.png`);

      await loginUi(page, ADMIN.email, 'mauvais-mot-de-passe');
      await page.getByTestId('login-error').waitFor();
      await shot(page, `login-error-${suffix}.png`);

      await loginUi(page, ADMIN.email, ADMIN.password);
      await page.getByRole('heading', { name: `Bonjour ${ADMIN.name}` }).waitFor();
      await connected(page);
      await page.getByText('Vigilance orange crues', { exact: false }).waitFor();
      await shot(page, `accueil-${suffix}.png`);

      if (suffix === 'phone') {
        await page.getByRole('button', { name: 'Menu', exact: true }).click();
        await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Utilisateurs' }).waitFor();
        await shot(page, `menu-${suffix}.png`, false);
        await page.getByRole('button', { name: 'Fermer le menu' }).click();
      } else {
        await page.getByRole('button', { name: `Menu du compte ${ADMIN.name}` }).click();
        await page.getByRole('link', { name: 'Mon compte' }).first().waitFor();
        await shot(page, `user-menu-${suffix}.png`, false);
        await page.keyboard.press('Escape');
      }

      await page.goto('/administration/utilisateurs');
      await page.getByRole('heading', { name: 'Utilisateurs', level: 1 }).waitFor();
      await page.getByText('Sophie Bernard-Delacroix').waitFor();
      await shot(page, `utilisateurs-${suffix}.png`);

      await page.getByRole('button', { name: 'Créer un compte' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Adresse e-mail').waitFor();
      await shot(page, `creation-utilisateur-${suffix}.png`, false);
      await dialog.getByLabel('Adresse e-mail').fill(`c.petit.${suffix}@e2e.test`);
      await dialog.getByLabel('Nom affiché').fill('Chloé Petit');
      await dialog.getByLabel('Rôle').selectOption('contributor');
      await dialog.getByRole('button', { name: 'Créer le compte' }).click();
      await dialog.getByTestId('temporary-password').waitFor();
      await shot(page, `mot-de-passe-temporaire-${suffix}.png`, false);
      await dialog.getByRole('button', { name: 'J’ai noté le mot de passe' }).click();
      await dialog.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'Gérer le compte de Pierre Garcia' }).click();
      await dialog.getByRole('heading', { name: 'Compte de Pierre Garcia' }).waitFor();
      await shot(page, `gestion-utilisateur-${suffix}.png`, false);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      await page.goto('/mon-compte');
      await page.getByRole('heading', { name: 'Mon compte', level: 1 }).waitFor();
      await shot(page, `mon-compte-${suffix}.png`);

      await page.goto('/administration/journal');
      await page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
      await page.getByTestId('audit-table').waitFor();
      await shot(page, `journal-audit-${suffix}.png`, false);

      await page.goto('/administration/partages');
      await page.getByRole('heading', { name: 'Partages', level: 1 }).waitFor();
      await page.getByText('Partages reçus').waitFor();
      await shot(page, `partages-${suffix}.png`);

      await page.goto('/nulle-part');
      await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
      await shot(page, `404-${suffix}.png`, false);
      await context.close();

      // Forced password change and access denied, as a new reader.
      const ctx2 = await newContext(browser, server.url, viewport);
      const p2 = await ctx2.newPage();
      const admin = await adminApi(server.url);
      const { temporaryPassword } = await admin.createUser(`lecteur.${suffix}@e2e.test`, 'Lucie Lecteur', 'reader');
      await loginUi(p2, `lecteur.${suffix}@e2e.test`, temporaryPassword);
      await p2.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
      await shot(p2, `mot-de-passe-impose-${suffix}.png`);
      await p2.getByLabel('Mot de passe temporaire').fill(temporaryPassword);
      await p2.getByLabel('Nouveau mot de passe', { exact: true }).fill('Phrase-de-passe-solide-42');
      await p2.getByLabel('Confirmer le nouveau mot de passe').fill('Phrase-de-passe-solide-42');
      await p2.getByRole('button', { name: 'Enregistrer et continuer' }).click();
      await p2.getByRole('heading', { name: 'Bonjour Lucie Lecteur' }).waitFor();
      await p2.goto('/administration/utilisateurs');
      await p2.getByRole('heading', { name: 'Accès refusé' }).waitFor();
      await shot(p2, `acces-refuse-${suffix}.png`, false);
      await ctx2.close();
    });
  }
});
