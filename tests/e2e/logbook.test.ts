// Main courante in the browser: two people on the same event (live entries, presence,
// corrections), filters, search, export, integrity check, read-only closed events, pagination.

import { PDFParse } from 'pdf-parse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, Entry, EventDetail } from '../../src/shared';
import { catalogue, itemId, samplePng } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, startServer, type RunningServer } from './support';
import { USER_PASSWORD } from './fixtures';

let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
let coordApi: ApiClient;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
  await createReadyUser(admin, 'lecteur@e2e.test', 'Louis Lecteur', 'reader');
  coordApi = await ApiClient.login(server.url, 'coordination@e2e.test', USER_PASSWORD);
  await itemId(coordApi, '/api/tags', 'voirie');
  await itemId(coordApi, '/api/tags', 'évacuation');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, email: string, name: string) {
  await loginUi(page, email, USER_PASSWORD);
  await page.getByRole('heading', { name: `Bonjour ${name}` }).waitFor();
}

const entryItem = (page: Page, text: string) => page.getByTestId('entries').locator('li.entry').filter({ hasText: text });

async function writeEntry(page: Page, text: string, options: { tags?: string[]; important?: boolean } = {}) {
  const form = page.getByTestId('entry-form');
  await form.getByLabel('Texte de l’entrée').fill(text);
  for (const tag of options.tags ?? []) await form.locator('label.tag-option').filter({ hasText: tag }).click();
  if (options.important) await form.getByText('Important', { exact: true }).click();
  await form.getByRole('button', { name: 'Enregistrer l’entrée' }).click();
  await entryItem(page, text).waitFor();
}

describe('main courante', () => {
  test('deux personnes sur le même événement : entrées en direct, présence, correction, filtre, recherche, export', async () => {
    // The coordinator creates an event and a sub-event through the UI.
    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');
    const nav = coord.getByRole('navigation', { name: 'Navigation principale' });
    // "Événements" comes first in the menu.
    expect((await nav.getByRole('link').allInnerTexts())[0]).toContain('Événements');
    await nav.getByRole('link', { name: 'Événements' }).click();
    await coord.getByRole('heading', { name: 'Événements', level: 1 }).waitFor();
    await coord.getByRole('button', { name: 'Nouvel événement' }).click();
    const dialog = coord.getByRole('dialog', { name: 'Nouvel événement' });
    await dialog.getByLabel('Type d’événement').selectOption({ label: 'Inondation' });
    // Empty title: message next to the field, in French.
    await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
    await dialog.getByText('Le titre ne peut pas être vide.').waitFor();
    await dialog.getByLabel('Titre').fill('Crue de la Mosson');
    await dialog.getByText('Orange', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Créer l’événement' }).click();
    await coord.getByRole('heading', { name: 'Crue de la Mosson', level: 1 }).waitFor();
    const eventId = new URL(coord.url()).pathname.split('/').pop()!;
    await coord.locator('.event-header .severity').filter({ hasText: 'Orange' }).waitFor();
    // The creation is logged as a system entry.
    await coord.getByTestId('entries').locator('li.entry--system').first().waitFor();

    await coord.getByRole('button', { name: 'Créer un événement fils' }).click();
    const childDialog = coord.getByRole('dialog', { name: 'Créer un événement fils' });
    await childDialog.getByLabel('Titre').fill('Évacuation du camping des Berges');
    await childDialog.getByRole('button', { name: 'Créer l’événement' }).click();
    await coord.getByTestId('sub-events').getByRole('link', { name: 'Évacuation du camping des Berges' }).waitFor();

    // A reader opens the same event in another browser (phone) and sees the coordinator there.
    const readerContext = await newContext(browser, server.url, PHONE);
    const reader = await readerContext.newPage();
    await signIn(reader, 'lecteur@e2e.test', 'Louis Lecteur');
    await reader.goto(`/evenements/${eventId}`);
    await reader.getByRole('heading', { name: 'Crue de la Mosson', level: 1 }).waitFor();
    await reader.getByTestId('presence').getByText('Camille Coordination').waitFor();
    await coord.getByTestId('presence').getByText('Louis Lecteur').waitFor();
    // A reader has no entry form and no button to open one.
    expect(await reader.getByTestId('entry-form').count()).toBe(0);
    expect(await reader.getByRole('button', { name: 'Nouvelle entrée' }).count()).toBe(0);
    await reader.getByText('Votre rôle permet de consulter la main courante, pas d’y écrire.').waitFor();
    await reader.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

    // The coordinator writes entries with tags; the reader sees them arrive without reloading.
    await writeEntry(coord, 'Fermeture de la route de Lavérune au niveau du pont.', { tags: ['voirie'] });
    await writeEntry(coord, 'Évacuation du camping des Berges : 45 personnes vers le gymnase.', { tags: ['évacuation'], important: true });
    await entryItem(reader, 'Fermeture de la route de Lavérune au niveau du pont.').waitFor({ timeout: 5000 });
    const important = entryItem(reader, 'Évacuation du camping des Berges : 45 personnes');
    await important.waitFor({ timeout: 5000 });
    expect(await important.getAttribute('class')).toContain('entry--important');
    expect(await important.textContent()).toContain('Important');
    expect(await important.locator('.chip').allInnerTexts()).toEqual(['évacuation']);
    expect(await reader.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);

    // A photo uploaded from the form shows as a thumbnail; a forbidden type is refused in French.
    const coordForm = coord.getByTestId('entry-form');
    await coordForm.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('texte') });
    await coordForm.getByText('Type de fichier refusé : photos (JPEG, PNG, WebP) et PDF seulement.').waitFor();
    await coordForm.getByRole('button', { name: 'Retirer notes.txt' }).click();
    await coordForm.locator('input[type="file"]').setInputFiles({ name: 'digue.png', mimeType: 'image/png', buffer: Buffer.from(samplePng()) });
    await coordForm.locator('.upload--done').filter({ hasText: 'digue.png' }).waitFor();
    await writeEntry(coord, 'Photo de la digue prise depuis le pont.');
    const photo = entryItem(reader, 'Photo de la digue prise depuis le pont.').locator('.attachment--image img');
    await photo.waitFor({ timeout: 5000 });
    await photo.scrollIntoViewIfNeeded();
    await reader.waitForFunction((el) => (el as HTMLImageElement).naturalWidth === 240, await photo.elementHandle());
    expect(await photo.getAttribute('alt')).toBe('digue.png');

    // Event changes refresh the header live.
    await coordApi.call('PATCH', `/api/events/${eventId}`, { severity: 4 });
    await reader.locator('.event-header .severity').filter({ hasText: 'Rouge' }).waitFor({ timeout: 5000 });

    // Correction: the form opens pre-filled; both see the original struck through with a link.
    const original = entryItem(coord, 'Fermeture de la route de Lavérune au niveau du pont.');
    const originalSeq = Number(await original.getAttribute('data-seq'));
    await original.getByRole('button', { name: `Corriger l’entrée n° ${originalSeq}` }).click();
    const form = coord.getByTestId('entry-form');
    await form.getByText(`Correction de l’entrée n° ${originalSeq}`).waitFor();
    expect(await form.getByLabel('Texte de l’entrée').inputValue()).toBe('Fermeture de la route de Lavérune au niveau du pont.');
    await form.getByLabel('Texte de l’entrée').fill('Fermeture de la route de Lavérune au niveau du rond-point des Près (et non du pont).');
    await form.getByRole('button', { name: 'Enregistrer la correction' }).click();
    const correction = entryItem(coord, 'rond-point des Près');
    await correction.waitFor();
    const correctionSeq = Number(await correction.getAttribute('data-seq'));
    await correction.getByRole('link', { name: `Corrige l’entrée n° ${originalSeq}` }).waitFor();
    for (const page of [coord, reader]) {
      const struck = entryItem(page, 'Fermeture de la route de Lavérune au niveau du pont.');
      await struck.getByRole('link', { name: `Corrigée par l’entrée n° ${correctionSeq}` }).waitFor({ timeout: 5000 });
      expect(await struck.getAttribute('class')).toContain('entry--struck');
      expect(await struck.locator('.entry__text').evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('line-through');
    }
    // The link scrolls to the correction and highlights it.
    await entryItem(reader, 'Fermeture de la route de Lavérune au niveau du pont.').getByRole('link', { name: `Corrigée par l’entrée n° ${correctionSeq}` }).click();
    await reader.locator(`#entree-${correctionSeq}.entry--highlight`).waitFor();

    // Tag filter (server side).
    await reader.getByText('Filtrer', { exact: true }).click();
    await reader.getByLabel('Étiquette', { exact: true }).selectOption('voirie');
    await reader.waitForFunction(() => document.querySelectorAll('[data-testid="entries"] li.entry').length === 2);
    expect(await reader.getByTestId('entries').locator('li.entry .entry__text').allInnerTexts()).toEqual([
      'Fermeture de la route de Lavérune au niveau du rond-point des Près (et non du pont).',
      'Fermeture de la route de Lavérune au niveau du pont.',
    ]);
    expect(await reader.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);

    // Search across events: highlighted match, link to the entry in its event.
    await reader.goto('/recherche');
    await reader.getByLabel('Mots recherchés').fill('camping');
    await reader.getByRole('button', { name: 'Rechercher' }).click();
    const result = reader.getByTestId('search-results').locator('li.result').filter({ hasText: '45 personnes' });
    await result.waitFor();
    expect((await result.locator('mark').allInnerTexts()).map((m) => m.toLowerCase())).toContain('camping');
    expect(await result.textContent()).toContain('Crue de la Mosson');
    await result.getByRole('link').click();
    await reader.waitForURL(/\/evenements\/.+\?entree=\d+/);
    await reader.locator('li.entry--highlight').filter({ hasText: '45 personnes' }).waitFor();

    // Search with the tag filter only.
    await reader.goto('/recherche?etiquette=voirie');
    await reader.getByTestId('search-results').locator('li.result').first().waitFor();
    expect(await reader.getByTestId('search-results').locator('li.result').count()).toBe(2);

    // Integrity check.
    await coord.getByRole('button', { name: 'Vérifier l’intégrité' }).click();
    await coord.getByTestId('verify-result').getByText(/Chaîne intègre : \d+ entrées/).waitFor();

    // PDF export (with the sub-events) holds the entries.
    await coord.getByRole('button', { name: 'Exporter' }).click();
    const exportDialog = coord.getByRole('dialog', { name: 'Exporter la main courante' });
    await exportDialog.getByLabel('Inclure les événements fils (1)').check();
    const [download] = await Promise.all([coord.waitForEvent('download'), exportDialog.getByRole('link', { name: 'Exporter en PDF' }).click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const parsed = await new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) }).getText();
    const text = parsed.text.replace(/\s+/g, ' ');
    expect(text).toContain('Crue de la Mosson');
    expect(text).toContain('45 personnes vers le gymnase');
    expect(text).toContain('rond-point des Près');

    await readerContext.close();
    await coordContext.close();
  });

  test('un événement clos est en lecture seule ; l’administrateur le rouvre avec un motif', async () => {
    const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Tempête')!.id;
    const event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Tempête Ciarán', severity: 2 });
    await coordApi.call<Entry>('POST', `/api/events/${event.id}/entries`, { text: 'Chute d’arbres avenue de Lodève.' });

    const context = await newContext(browser, server.url, PHONE);
    const page = await context.newPage();
    await signIn(page, 'coordination@e2e.test', 'Camille Coordination');
    await page.goto(`/evenements/${event.id}`);
    await entryItem(page, 'Chute d’arbres avenue de Lodève.').waitFor();
    await entryItem(page, 'Chute d’arbres avenue de Lodève.').getByRole('button', { name: /Corriger/ }).waitFor();
    await page.getByRole('button', { name: 'Clore' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Clore « Tempête Ciarán » ?' });
    await confirm.getByRole('button', { name: 'Clore l’événement' }).click();
    await page.getByTestId('closed-banner').getByText('Événement clos : lecture seule').waitFor();
    expect(await page.getByTestId('entry-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Nouvelle entrée' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Corriger/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Clore' }).count()).toBe(0);
    // The closing is in the logbook.
    await page.getByTestId('entries').locator('li.entry--system').first().waitFor();
    // A coordinator cannot reopen.
    expect(await page.getByRole('button', { name: 'Rouvrir' }).count()).toBe(0);
    await context.close();

    const adminContext = await newContext(browser, server.url, DESKTOP);
    const adminPage = await adminContext.newPage();
    await loginUi(adminPage, 'admin@e2e.test', 'Sentinelle-e2e-2025!');
    await adminPage.getByRole('heading', { name: /Bonjour/ }).waitFor();
    await adminPage.goto(`/evenements/${event.id}`);
    await adminPage.getByTestId('closed-banner').waitFor();
    await adminPage.getByRole('button', { name: 'Rouvrir' }).click();
    const reopen = adminPage.getByRole('dialog', { name: 'Rouvrir « Tempête Ciarán »' });
    await reopen.getByRole('button', { name: 'Rouvrir l’événement' }).click();
    await reopen.getByText('Indiquez le motif de la réouverture.').waitFor();
    await reopen.getByLabel('Motif de la réouverture').fill('Nouvelles rafales annoncées pour la nuit.');
    await reopen.getByRole('button', { name: 'Rouvrir l’événement' }).click();
    await adminPage.getByTestId('entry-form').waitFor();
    expect(await adminPage.getByTestId('closed-banner').count()).toBe(0);
    await adminContext.close();
  });

  test('la main courante se charge par pages de 50 et ouvre une entrée ancienne', async () => {
    const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Astreinte')!.id;
    const event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Astreinte de semaine', severity: 1 });
    for (let i = 1; i <= 120; i++) {
      await coordApi.call<Entry>('POST', `/api/events/${event.id}/entries`, { text: `Main courante d’astreinte, message ${i}.` });
    }
    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    const pages: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/api/events/${event.id}/entries`) && r.method() === 'GET') pages.push(new URL(r.url()).search);
    });
    await signIn(page, 'lecteur@e2e.test', 'Louis Lecteur');
    await page.goto(`/evenements/${event.id}`);
    await entryItem(page, 'message 120.').waitFor();
    const count = () => page.getByTestId('entries').locator('li.entry').count();
    expect(await count()).toBe(50);
    // Scrolling down loads the next page (IntersectionObserver), never everything at once.
    await page.getByTestId('entries').locator('li.entry').last().scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="entries"] li.entry').length === 100);
    expect(pages.every((q) => q.includes('limit=50'))).toBe(true);
    expect(pages.some((q) => q.includes('before='))).toBe(true);

    // Scrolled down, a new entry from someone else shows a pill that brings the person back up.
    await coordApi.call<Entry>('POST', `/api/events/${event.id}/entries`, { text: 'Message arrivé pendant la lecture.' });
    const pill = page.getByRole('button', { name: '1 nouvelle entrée' });
    await pill.waitFor({ timeout: 5000 });
    await entryItem(page, 'Message arrivé pendant la lecture.').waitFor();
    await pill.click();
    // Back at the top of the list (the situation analysis and the tabs sit above it).
    await page.waitForFunction(() => {
      const top = document.querySelector('[data-testid="entries"]')!.getBoundingClientRect().top;
      return top >= 0 && top < window.innerHeight / 2;
    });
    await pill.waitFor({ state: 'detached' });
    expect(await page.getByTestId('entries').locator('li.entry .entry__text').first().innerText()).toBe('Message arrivé pendant la lecture.');

    // A link to an old entry loads pages until it is there and highlights it.
    await page.goto(`/evenements/${event.id}?entree=3`);
    const old = page.locator('#entree-3');
    await old.waitFor();
    expect(await old.getAttribute('class')).toContain('entry--highlight');
    expect(await old.textContent()).toContain('message 2.');
    await context.close();
  });
});
