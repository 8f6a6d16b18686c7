// Screenshots of the main courante at phone (390×844) and desktop (1440×900) sizes, written to
// docs/screenshots/: events list, event page (correction, tags, important entry, photo, PDF,
// system entries, presence), entry form, search results, catalogues.

import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Entry, EventDetail } from '../../src/shared';
import { ADMIN, USER_PASSWORD } from './fixtures';
import { catalogue, seedFlood } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, ROOT, startServer, type RunningServer } from './support';

// Into screenshots/ (not versioned) on every run; `SCREENSHOTS_DIR=docs/screenshots` refreshes the documented ones.
const OUT = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'screenshots');
let server: RunningServer;
let browser: Browser;
let floodId: string;

beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const admin = await adminApi(server.url);
  await createReadyUser(admin, 'm.lefebvre@e2e.test', 'Marie Lefebvre', 'coordinator');
  await createReadyUser(admin, 'j.martin@e2e.test', 'Jean Martin', 'contributor');
  await createReadyUser(admin, 'p.garcia@e2e.test', 'Pierre Garcia', 'reader');
  const coord = await ApiClient.login(server.url, 'm.lefebvre@e2e.test', USER_PASSWORD);
  const contributor = await ApiClient.login(server.url, 'j.martin@e2e.test', USER_PASSWORD);
  const types = await catalogue(coord, '/api/event-types');
  const type = (name: string) => types.find((t) => t.name === name)!.id;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

  // Older events first (closed), then the current ones.
  const fete = await coord.call<EventDetail>('POST', '/api/events', { typeId: type('Grand rassemblement'), title: 'Fête de la musique 2026', severity: 2, startsAt: hoursAgo(24 * 150) });
  await coord.call<Entry>('POST', `/api/events/${fete.id}/entries`, { text: 'Dispositif de sécurité en place place de la Comédie.', occurredAt: hoursAgo(24 * 150 - 1) });
  await coord.call('POST', `/api/events/${fete.id}/close`);
  const grippe = await coord.call<EventDetail>('POST', '/api/events', { typeId: type('Crise sanitaire'), title: 'Épidémie de grippe — résidences autonomie', severity: 2, startsAt: hoursAgo(24 * 40) });
  await coord.call('POST', `/api/events/${grippe.id}/close`);
  const canicule = await coord.call<EventDetail>('POST', '/api/events', { typeId: type('Canicule'), title: 'Plan canicule — veille saisonnière', status: 'watch', severity: 2, startsAt: hoursAgo(24 * 3) });
  await contributor.call<Entry>('POST', `/api/events/${canicule.id}/entries`, { text: 'Registre des personnes vulnérables mis à jour : 312 inscrits.', occurredAt: hoursAgo(20) });
  await coord.call<EventDetail>('POST', '/api/events', { typeId: type('Astreinte'), title: 'Astreinte du week-end', status: 'watch', severity: 1, startsAt: hoursAgo(30) });
  const flood = await seedFlood(coord, contributor);
  floodId = flood.event.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shot(page: Page, name: string, fullPage = true) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(OUT, name), fullPage });
}

/** Loads the lazy thumbnails (a full-page capture does not scroll). */
async function loadImages(page: Page) {
  const images = page.locator('.attachment--image img');
  for (let i = 0; i < (await images.count()); i++) {
    await images.nth(i).scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await images.nth(i).elementHandle());
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

describe('captures d’écran de la main courante', () => {
  for (const [suffix, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    test(`écrans de la main courante (${suffix})`, async () => {
      // Someone else looks at the flood event at the same time (presence strip).
      const otherContext = await newContext(browser, server.url, DESKTOP);
      const other = await otherContext.newPage();
      await loginUi(other, 'p.garcia@e2e.test', USER_PASSWORD);
      await other.getByRole('heading', { name: 'Bonjour Pierre Garcia' }).waitFor();
      await other.goto(`/evenements/${floodId}`);
      await other.getByTestId('entries').locator('li.entry').first().waitFor();

      const context = await newContext(browser, server.url, viewport);
      const page = await context.newPage();
      await loginUi(page, 'm.lefebvre@e2e.test', USER_PASSWORD);
      await page.getByRole('heading', { name: 'Bonjour Marie Lefebvre' }).waitFor();

      await page.goto('/evenements');
      await page.getByRole('heading', { name: 'Clos' }).waitFor();
      await shot(page, `evenements-${suffix}.png`);

      if (suffix === 'desktop') {
        await page.getByRole('button', { name: 'Nouvel événement' }).click();
        const dialog = page.getByRole('dialog', { name: 'Nouvel événement' });
        await dialog.getByLabel('Type d’événement').selectOption({ label: 'Tempête' });
        await dialog.getByLabel('Titre').fill('Coup de vent sur le littoral');
        await dialog.getByText('Jaune', { exact: true }).click();
        await shot(page, `nouvel-evenement-${suffix}.png`, false);
        await dialog.getByRole('button', { name: 'Annuler' }).click();
      }

      await page.goto(`/evenements/${floodId}`);
      await page.getByTestId('presence').getByText('Pierre Garcia').waitFor();
      await page.getByTestId('entries').locator('li.entry--struck').first().waitFor();
      await loadImages(page);
      await shot(page, `evenement-${suffix}.png`, false);
      // The floating "Nouvelle entrée" button would sit in the middle of a full-page capture.
      const hideFab = await page.addStyleTag({ content: '.composer-fab { visibility: hidden; }' });
      await shot(page, `evenement-complet-${suffix}.png`);
      await hideFab.evaluate((el) => (el as Element).remove());

      // Entry form: on the phone, the bottom panel opened by the "Nouvelle entrée" button;
      // on the desktop, a correction started from an entry.
      if (suffix === 'phone') {
        await page.getByRole('button', { name: 'Nouvelle entrée' }).click();
        const form = page.getByTestId('entry-form');
        await form.getByLabel('Texte de l’entrée').fill('Niveau du Lez stabilisé à 2,40 m au pont de la Pompignane.');
        await form.getByLabel('Fonction').selectOption({ label: 'Logistique' });
        await form.getByLabel('Source', { exact: true }).fill('Patrouille police municipale');
        await form.locator('label.tag-option').filter({ hasText: 'voirie' }).click();
        await page.locator('.composer--open').evaluate((el) => el.scrollTo(0, 0));
        await shot(page, `saisie-${suffix}.png`, false);
        await page.getByRole('button', { name: 'Fermer le formulaire' }).click();
      } else {
        const entry = page.getByTestId('entries').locator('li.entry').filter({ hasText: 'Montée des eaux constatée' });
        await entry.getByRole('button', { name: /Corriger/ }).click();
        const form = page.getByTestId('entry-form');
        await form.getByLabel('Texte de l’entrée').fill('Montée des eaux constatée au pont de la Pompignane : 2,30 m à l’échelle (relevé de 14 h).');
        await page.evaluate(() => window.scrollTo(0, 0));
        await shot(page, `saisie-correction-${suffix}.png`, false);
        await form.getByRole('button', { name: 'Abandonner' }).click();
      }

      await page.goto('/recherche?q=fermeture');
      await page.getByTestId('search-results').locator('mark').first().waitFor();
      await shot(page, `recherche-${suffix}.png`);
      await context.close();
      await otherContext.close();

      const adminContext = await newContext(browser, server.url, viewport);
      const adminPage = await adminContext.newPage();
      await loginUi(adminPage, ADMIN.email, ADMIN.password);
      await adminPage.getByRole('heading', { name: `Bonjour ${ADMIN.name}` }).waitFor();
      await adminPage.goto('/administration/catalogues');
      await adminPage.getByTestId('catalogue-eventTypes').getByText('Inondation').waitFor();
      await adminPage.getByTestId('catalogue-tags').getByText('voirie').waitFor();
      await shot(adminPage, `catalogues-${suffix}.png`);
      await adminContext.close();
    });
  }
});
