import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminApi, ApiClient, createReadyUser, launchBrowser, loginUi, newContext, PHONE, startServer, type RunningServer } from './support';

let server: RunningServer;
let browser: Browser;
let admin: ApiClient;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
  await createReadyUser(admin, 'lecteur@e2e.test', 'Louis Lecteur', 'reader');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('temps réel et droits', () => {
  test('un message publié par un coordinateur apparaît en direct chez un lecteur', async () => {
    const readerContext = await newContext(browser, server.url, PHONE);
    const reader = await readerContext.newPage();
    await loginUi(reader, 'lecteur@e2e.test', 'Phrase-de-passe-solide-42');
    await reader.getByRole('heading', { name: 'Bonjour Louis Lecteur' }).waitFor();
    await reader.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor();
    await reader.getByText('Aucun message pour le moment.').waitFor();
    // A marker that a reload would erase.
    await reader.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const coordContext = await newContext(browser, server.url);
    const coord = await coordContext.newPage();
    await loginUi(coord, 'coordination@e2e.test', 'Phrase-de-passe-solide-42');
    await coord.getByRole('heading', { name: 'Bonjour Camille Coordination' }).waitFor();
    // Empty message: validation message next to the field.
    await coord.getByRole('button', { name: 'Publier' }).click();
    await coord.getByText('Le message ne peut pas être vide.').waitFor();
    await coord.getByLabel('Message', { exact: true }).fill('Coupure d’eau rue de la Mairie jusqu’à 18 h.');
    await coord.getByText('Urgent', { exact: true }).click();
    await coord.getByRole('button', { name: 'Publier' }).click();
    await coord.getByText('Message publié.').waitFor();

    const item = reader.getByTestId('announcements').locator('li').filter({ hasText: 'Coupure d’eau rue de la Mairie jusqu’à 18 h.' });
    await item.waitFor({ timeout: 10_000 });
    expect(await item.textContent()).toContain('Urgent');
    expect(await item.textContent()).toContain('Par Camille Coordination');
    expect(await reader.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

    // A reader cannot publish.
    expect(await reader.getByRole('button', { name: 'Publier' }).count()).toBe(0);

    // The server restarts: the client shows it is reconnecting, comes back by itself and catches
    // up with what was published meanwhile (subscribe with `since`).
    const { port, dataDir } = server;
    await server.stop({ keepData: true });
    await reader.getByTestId('realtime-status').filter({ hasText: 'Temps réel : reconnexion…' }).waitFor();
    server = await startServer({ port, dataDir });
    const coordApi = await ApiClient.login(server.url, 'coordination@e2e.test', 'Phrase-de-passe-solide-42');
    await coordApi.call('POST', '/api/announcements', { text: 'Point de situation à 17 h en mairie.', level: 'info' });
    await reader.getByTestId('realtime-status').filter({ hasText: 'Temps réel : connecté' }).waitFor({ timeout: 30_000 });
    await reader.getByTestId('announcements').getByText('Point de situation à 17 h en mairie.').waitFor({ timeout: 15_000 });
    await coordApi.call('POST', '/api/announcements', { text: 'Fin de l’alerte.', level: 'info' });
    await reader.getByTestId('announcements').getByText('Fin de l’alerte.').waitFor({ timeout: 10_000 });
    expect(await reader.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // Newest first, each message once.
    const texts = await reader.getByTestId('announcements').locator('.feed__text').allInnerTexts();
    expect(texts).toEqual(['Fin de l’alerte.', 'Point de situation à 17 h en mairie.', 'Coupure d’eau rue de la Mairie jusqu’à 18 h.']);

    await readerContext.close();
    await coordContext.close();
  });

  test('un lecteur ne voit pas l’administration et reçoit « accès refusé »', async () => {
    for (const viewport of [undefined, PHONE]) {
      const context = await newContext(browser, server.url, viewport);
      const page = await context.newPage();
      await loginUi(page, 'lecteur@e2e.test', 'Phrase-de-passe-solide-42');
      await page.getByRole('heading', { name: 'Bonjour Louis Lecteur' }).waitFor();
      if (viewport) {
        await page.getByRole('button', { name: 'Menu', exact: true }).click();
        await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Accueil' }).waitFor();
      }
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await nav.getByRole('link', { name: 'Accueil' }).waitFor();
      expect(await nav.getByText('Administration').count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'Utilisateurs' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Journal d’audit' }).count()).toBe(0);

      await page.goto('/administration/utilisateurs');
      await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
      await page.getByTestId('access-denied').getByText('lecteur', { exact: false }).waitFor();
      await page.goto('/administration/journal');
      await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();

      await page.goto('/adresse-inexistante');
      await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
      await page.getByRole('link', { name: 'Retour à l’accueil' }).click();
      await page.getByRole('heading', { name: 'Bonjour Louis Lecteur' }).waitFor();
      await context.close();
    }

    // A coordinator sees the users list read-only, and no audit entry.
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await loginUi(page, 'coordination@e2e.test', 'Phrase-de-passe-solide-42');
    await page.getByRole('heading', { name: 'Bonjour Camille Coordination' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await nav.getByRole('link', { name: 'Utilisateurs' }).click();
    await page.getByText('Vous pouvez consulter les comptes', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Créer un compte' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Journal d’audit' }).count()).toBe(0);
    await context.close();
  });
});
