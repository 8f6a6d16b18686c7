// Situation analysis and actions to follow up, in the browser: two people on the same event see
// the analysis turn orange live (card, header, system entry); a new version saved meanwhile is
// shown in the open form; history compares versions. An entry written as an action for a function
// shows on the assignee's "Actions" page, who moves it to "En cours" then "Fait"; the status
// entries arrive live in the main courante; a reader gets no status buttons.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, EventDetail, User } from '../../src/shared';
import { catalogue, itemId } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, startServer, type RunningServer } from './support';
import { USER_PASSWORD } from './fixtures';

let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
let coordApi: ApiClient;
let logistiqueId: string;
let assignee: User;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
  await createReadyUser(admin, 'lecteur@e2e.test', 'Louis Lecteur', 'reader');
  await createReadyUser(admin, 'saisie@e2e.test', 'Sarah Saisie', 'contributor');
  assignee = (await createReadyUser(admin, 'logistique@e2e.test', 'Paul Logistique', 'contributor')).user;
  coordApi = await ApiClient.login(server.url, 'coordination@e2e.test', USER_PASSWORD);
  logistiqueId = await itemId(coordApi, '/api/functions', 'Logistique');
  // Functions are given through the API (PATCH /api/users/:id).
  await admin.call('PATCH', `/api/users/${assignee.id}`, { functionIds: [logistiqueId] });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, email: string, name: string) {
  await loginUi(page, email, USER_PASSWORD);
  await page.getByRole('heading', { name: `Bonjour ${name}` }).waitFor();
}

async function newEvent(title: string, severity = 2): Promise<EventDetail> {
  const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Inondation')!.id;
  return coordApi.call<EventDetail>('POST', '/api/events', { typeId, title, severity });
}

const entryItem = (page: Page, text: string | RegExp) => page.getByTestId('entries').locator('li.entry').filter({ hasText: text });
const markPage = (page: Page) => page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
const notReloaded = async (page: Page) => expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);

/** "2025-11-25T14:32" in Paris time, as a datetime-local field wants it. */
function parisInput(d: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

describe('analyse de situation et actions', () => {
  test('la gravité passe à Orange en direct chez les deux personnes ; version enregistrée entre-temps ; historique comparé', async () => {
    const event = await newEvent('Crue de la Mosson', 2);

    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');
    await coord.goto(`/evenements/${event.id}`);
    const readerContext = await newContext(browser, server.url, PHONE);
    const reader = await readerContext.newPage();
    await signIn(reader, 'lecteur@e2e.test', 'Louis Lecteur');
    await reader.goto(`/evenements/${event.id}`);
    await reader.getByTestId('presence').getByText('Camille Coordination').waitFor();

    // No analysis yet: the card says so; only a writer is invited to fill it.
    for (const page of [coord, reader]) await page.getByTestId('situation').getByText('Pas encore d’analyse').waitFor();
    expect(await reader.getByRole('button', { name: 'Remplir l’analyse' }).count()).toBe(0);
    await markPage(reader);
    await markPage(coord);

    await coord.getByRole('button', { name: 'Remplir l’analyse' }).click();
    const dialog = coord.getByRole('dialog', { name: 'Remplir l’analyse de situation' });
    // Checked in the browser with the shared rules, in French.
    await dialog.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await dialog.getByText('« Risque » est obligatoire.').waitFor();
    await dialog.getByText('« Tendance » est obligatoire.').waitFor();
    await dialog.getByText('Orange', { exact: true }).click();
    await dialog.getByLabel('Risque (obligatoire)').fill('Crue de la Mosson après un épisode méditerranéen');
    await dialog.getByLabel('Personnes exposées').fill('850');
    await dialog.getByLabel('Tendance (obligatoire)').selectOption('Aggravation');
    await dialog.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Both see the card turn orange (colour and its name), the header follow, and the entry.
    for (const page of [coord, reader]) {
      const card = page.getByTestId('situation');
      await card.getByTestId('situation-severity').filter({ hasText: 'Orange' }).waitFor({ timeout: 5000 });
      expect(await card.getAttribute('data-severity')).toBe('3');
      expect(await card.getByTestId('situation-band').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 140, 0)');
      expect(await card.getByTestId('situation-meta').textContent()).toContain('par Camille Coordination');
      await page.locator('.event-header .severity').filter({ hasText: 'Orange' }).waitFor({ timeout: 5000 });
      const system = page.getByTestId('entries').locator('li.entry--system').filter({ hasText: 'Analyse de situation (version 1)' });
      await system.waitFor({ timeout: 5000 });
      expect(await system.textContent()).toContain('gravité Orange (était Jaune)');
      await notReloaded(page);
    }
    // The phone keeps the details folded; they open on demand.
    await reader.getByTestId('situation').getByText(/Détail de l’analyse/).click();
    await reader.getByTestId('situation-values').getByText('Aggravation').waitFor();
    expect(await reader.getByTestId('situation-values').textContent()).toContain('850');

    // The coordinator opens the form; someone else saves a version meanwhile: the form says so,
    // keeps what was typed and asks to check before saving.
    await coord.getByRole('button', { name: 'Mettre à jour l’analyse' }).click();
    const update = coord.getByRole('dialog', { name: 'Mettre à jour l’analyse' });
    expect(await update.getByLabel('Personnes exposées').inputValue()).toBe('850');
    await update.getByLabel('Personnes exposées').fill('1200');
    await coordApi.call('POST', `/api/events/${event.id}/situation`, {
      severity: 3,
      values: { risque: 'Crue de la Mosson après un épisode méditerranéen', tendance: 'Stable', personnes_exposees: 850 },
      basedOnVersion: 1,
    });
    await update.getByText('Une nouvelle version vient d’être enregistrée').waitFor({ timeout: 5000 });
    await update.getByText('Modifié entre-temps par Camille Coordination : Stable').waitFor();
    await update.getByText('Rouge', { exact: true }).click();
    await update.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await update.getByText('Vérifiez les champs signalés puis enregistrez à nouveau.').waitFor();
    await update.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await update.waitFor({ state: 'hidden' });
    for (const page of [coord, reader]) {
      await page.getByTestId('situation-severity').filter({ hasText: 'Rouge' }).waitFor({ timeout: 5000 });
      expect(await page.getByTestId('situation').getAttribute('data-version')).toBe('3');
      await entryItem(page, 'Analyse de situation (version 3)').waitFor({ timeout: 5000 });
      await notReloaded(page);
    }

    // History: the latest two versions compared first; then version 1 against version 3.
    await reader.getByRole('button', { name: /Historique/ }).click();
    const history = reader.getByRole('dialog', { name: 'Historique de l’analyse de situation' });
    await history.getByText('Version 2 → version 3').waitFor();
    const severityRow = history.locator('tr[data-key="severity"]');
    expect(await severityRow.getAttribute('class')).toContain('comparison__row--changed');
    expect(await severityRow.textContent()).toContain('Modifié');
    expect(await history.locator('tr[data-key="personnes_exposees"]').getAttribute('class')).toContain('comparison__row--changed');
    await history.getByLabel('Comparer la version 2').uncheck();
    await history.getByLabel('Comparer la version 1').check();
    await history.getByText('Version 1 → version 3').waitFor();
    expect(await history.locator('tr[data-key="tendance"]').getAttribute('class')).not.toContain('comparison__row--changed');
    expect(await history.locator('tr[data-key="personnes_exposees"]').textContent()).toContain('1\u202f200');
    await history.getByRole('button', { name: 'Fermer' }).click();

    // A page that missed the live message (dropped here) saves from an old version: the server
    // answers 409 `situation_conflict`, the form says so in French, reloads and saves on the next click.
    const lateContext = await newContext(browser, server.url, DESKTOP);
    const late = await lateContext.newPage();
    await late.routeWebSocket('**/api/realtime', (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((m) => {
        if (!String(m).includes('situation.updated')) ws.send(m);
      });
      ws.onMessage((m) => upstream.send(m));
    });
    await signIn(late, 'coordination@e2e.test', 'Camille Coordination');
    await late.goto(`/evenements/${event.id}`);
    await late.getByRole('button', { name: 'Mettre à jour l’analyse' }).click();
    const lateForm = late.getByRole('dialog', { name: 'Mettre à jour l’analyse' });
    await lateForm.getByLabel('Enjeux').fill('Camping des Berges évacué.');
    await coordApi.call('POST', `/api/events/${event.id}/situation`, {
      severity: 4,
      values: { risque: 'Crue de la Mosson après un épisode méditerranéen', tendance: 'Aggravation', personnes_exposees: 2000 },
      basedOnVersion: 3,
    });
    await lateForm.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await lateForm.getByText('Quelqu’un a mis à jour l’analyse de situation entre-temps', { exact: false }).waitFor();
    await lateForm.getByText('Modifié entre-temps par Camille Coordination : 2\u202f000').waitFor();
    expect(await lateForm.getByLabel('Enjeux').inputValue()).toBe('Camping des Berges évacué.');
    await lateForm.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await lateForm.waitFor({ state: 'hidden' });
    expect(await late.getByTestId('situation').getAttribute('data-version')).toBe('5');
    await reader.getByTestId('situation-values').getByText('Camping des Berges évacué.').waitFor({ timeout: 5000 });
    await lateContext.close();

    await readerContext.close();
    await coordContext.close();
  });

  test('une action confiée à une fonction : l’assigné la passe en cours puis faite, la main courante le montre en direct', async () => {
    const event = await newEvent('Tempête sur le littoral', 2);

    // A contributor writes the entry as an action for the "Logistique" function, already overdue.
    const writerContext = await newContext(browser, server.url, DESKTOP);
    const writer = await writerContext.newPage();
    await signIn(writer, 'saisie@e2e.test', 'Sarah Saisie');
    await writer.goto(`/evenements/${event.id}`);
    const form = writer.getByTestId('entry-form');
    const text = 'Livrer 200 sacs de sable au quai de la Lironde.';
    await form.getByLabel('Texte de l’entrée').fill(text);
    await form.getByText('C’est une action à suivre').click();
    // No assignee: refused in French before sending.
    await form.getByRole('button', { name: 'Enregistrer l’entrée' }).click();
    await form.getByText('Assignez l’action à une personne ou à une fonction.').waitFor();
    const assigneeSelect = form.getByLabel('Confiée à');
    expect(await assigneeSelect.locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label))).toEqual(['Fonctions', 'Personnes']);
    await assigneeSelect.selectOption({ label: 'Logistique' });
    await form.getByLabel('Échéance (facultatif)').fill(parisInput(new Date(Date.now() - 30 * 60_000)));
    await form.getByRole('button', { name: 'Enregistrer l’entrée' }).click();
    await entryItem(writer, text).first().waitFor();
    // Later entries quote the text: the entry is then found by its number.
    const seq = await entryItem(writer, text).first().getAttribute('data-seq');
    const entry = writer.locator(`#entree-${seq}`);
    const badge = entry.getByTestId('entry-action');
    await badge.getByText('À faire').waitFor();
    expect(await badge.textContent()).toContain('Pour : Logistique');
    await badge.getByTestId('action-late').getByText('En retard').waitFor();
    // The writer is not the assignee: the event's Actions tab shows the action without buttons.
    await writer.getByRole('tab', { name: /Actions/ }).click();
    const writerAction = writer.getByTestId('event-actions').getByTestId('action').filter({ hasText: text });
    await writerAction.waitFor();
    expect(await writerAction.getAttribute('data-overdue')).toBe('true');
    expect(await writerAction.getByRole('button').count()).toBe(0);
    await writer.getByRole('tab', { name: 'Main courante' }).click();
    await markPage(writer);

    // A reader sees the action on the cross-event page, flagged overdue, with no status button.
    const readerContext = await newContext(browser, server.url, DESKTOP);
    const reader = await readerContext.newPage();
    await signIn(reader, 'lecteur@e2e.test', 'Louis Lecteur');
    await reader.goto('/actions');
    await reader.getByText('Aucune action ouverte à votre nom ou à vos fonctions.').waitFor();
    await reader.getByText('Toutes les actions', { exact: true }).click();
    const readerItem = reader.getByTestId('action').filter({ hasText: text });
    await readerItem.waitFor();
    await readerItem.getByText('En retard').waitFor();
    expect(await readerItem.getByRole('link', { name: 'Tempête sur le littoral' }).getAttribute('href')).toBe(`/evenements/${event.id}`);
    expect(await readerItem.getByRole('button').count()).toBe(0);

    // The holder of the function finds it in "Mes actions" (phone) and moves it on.
    const assigneeContext = await newContext(browser, server.url, PHONE);
    const mine = await assigneeContext.newPage();
    await signIn(mine, 'logistique@e2e.test', 'Paul Logistique');
    await mine.goto('/actions');
    const item = mine.getByTestId('action').filter({ hasText: text });
    await item.waitFor();
    expect(await item.getAttribute('data-overdue')).toBe('true');
    await item.getByText('En retard').waitFor();
    await item.getByRole('button', { name: 'Passer en cours' }).click();
    const doing = mine.getByRole('dialog', { name: 'Passer l’action à « En cours »' });
    await doing.getByLabel('Commentaire (facultatif)').fill('Équipe logistique en route.');
    await doing.getByRole('button', { name: 'Enregistrer : En cours' }).click();
    await doing.waitFor({ state: 'hidden' });
    await item.locator('.action-status').filter({ hasText: 'En cours' }).waitFor();

    // The main courante of the writer shows the change and the entry's new state, without reloading.
    await entryItem(writer, `Action n° ${seq} « ${text} » : À faire → En cours — Équipe logistique en route.`).waitFor({ timeout: 5000 });
    await badge.getByText('En cours').waitFor({ timeout: 5000 });

    await item.getByRole('button', { name: 'Marquer fait' }).click();
    const done = mine.getByRole('dialog', { name: 'Passer l’action à « Fait »' });
    await done.getByRole('button', { name: 'Enregistrer : Fait' }).click();
    await mine.getByText(`Action « ${text} » : Fait.`).waitFor();
    await mine.getByText('Aucune action ouverte à votre nom ou à vos fonctions.').waitFor();

    await entryItem(writer, `Action n° ${seq} « ${text} » : En cours → Fait`).waitFor({ timeout: 5000 });
    await badge.getByText('Fait', { exact: true }).waitFor({ timeout: 5000 });
    expect(await badge.getByTestId('action-late').count()).toBe(0);
    await writer.getByTestId('actions-count').filter({ hasText: '0' }).waitFor({ timeout: 5000 });
    await notReloaded(writer);

    await assigneeContext.close();
    await readerContext.close();
    await writerContext.close();
  });
});
