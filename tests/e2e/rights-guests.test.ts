// Rights and guests in the browser: an administrator restricts an event type to a watch list (a
// crisis-cell function given on the users page), a reader outside the list sees nothing of its
// events (list, search, address), the coordinator opens one to the whole organisation and the
// reader's open list shows it live. A coordinator invites a contributor guest by link; the guest
// joins with a name, writes, then loses the access live when the link is revoked.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, Entry, EventDetail } from '../../src/shared';
import { catalogue } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, startServer, type RunningServer } from './support';
import { ADMIN, ORGANISATION, USER_PASSWORD } from './fixtures';

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
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, email: string, name: string, password = USER_PASSWORD) {
  await loginUi(page, email, password);
  await page.getByRole('heading', { name: `Bonjour ${name}` }).waitFor();
}

const entryItem = (page: Page, text: string) => page.getByTestId('entries').locator('li.entry').filter({ hasText: text });

async function typeId(name: string): Promise<string> {
  return (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === name)!.id;
}

describe('droits et invités', () => {
  test('type restreint à une fonction : le lecteur ne voit rien, puis l’événement ouvert à toute l’organisation apparaît en direct', async () => {
    // The administrator gives the coordinator the function "Directeur des opérations" (users page).
    const adminContext = await newContext(browser, server.url, DESKTOP);
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, ADMIN.email, ADMIN.name, ADMIN.password);
    await adminPage.goto('/administration/utilisateurs');
    await adminPage.getByRole('button', { name: 'Gérer le compte de Camille Coordination' }).click();
    const manage = adminPage.getByRole('dialog', { name: 'Compte de Camille Coordination' });
    const functionsForm = manage.getByTestId('user-functions');
    await functionsForm.locator('label.tag-option').filter({ hasText: 'Directeur des opérations' }).click();
    await functionsForm.getByRole('button', { name: 'Enregistrer les fonctions' }).click();
    await functionsForm.getByText('Fonctions de Camille Coordination enregistrées (1).').waitFor();
    await manage.getByRole('button', { name: 'Fermer', exact: true }).last().click();
    await adminPage.locator('tr[data-user-email="coordination@e2e.test"]').getByTestId('user-functions-cell').getByText('Directeur des opérations').waitFor();

    // Then restricts the type "Crise sanitaire" to that function (catalogues → rights page).
    await adminPage.goto('/administration/catalogues');
    await adminPage.getByRole('link', { name: 'Droits d’accès' }).first().click();
    await adminPage.getByRole('heading', { name: 'Droits d’accès aux événements', level: 1 }).waitFor();
    const card = adminPage.locator('[data-testid="type-audience"][data-type-name="Crise sanitaire"]');
    await card.getByTestId('type-audience-summary').getByText('Toute l’organisation').waitFor();
    await card.getByRole('button', { name: 'Modifier qui voit le type Crise sanitaire' }).click();
    const editor = card.getByTestId('audience-editor');
    await editor.getByText('Liste restreinte', { exact: true }).click();
    await editor.getByLabel('Ligne 1 : désigne').selectOption('function');
    await editor.getByLabel('Ligne 1 : qui').selectOption({ label: 'Directeur des opérations' });
    await editor.getByLabel('Ligne 1 : accès').selectOption('write');
    expect(await editor.getByTestId('audience-summary').innerText()).toBe('Restreint : Directeur des opérations');
    await card.getByRole('button', { name: 'Enregistrer l’audience' }).click();
    await card.getByText('Audience du type « Crise sanitaire » enregistrée.').waitFor();
    expect(await card.getByTestId('type-audience-summary').innerText()).toBe('Restreint : Directeur des opérations');
    await adminContext.close();

    // The coordinator (in the list) creates an event of that type and writes in it.
    const event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId: await typeId('Crise sanitaire'), title: 'Grippe aviaire à la ferme du Mas', severity: 3 });
    expect(event.audience).toBe('inherit');
    await coordApi.call<Entry>('POST', `/api/events/${event.id}/entries`, { text: 'Suspicion de zoonose signalée par la DDPP, périmètre de 3 km.' });

    // A reader outside the list: not in the list, not in search, not found by address.
    const readerContext = await newContext(browser, server.url, DESKTOP);
    const reader = await readerContext.newPage();
    await signIn(reader, 'lecteur@e2e.test', 'Louis Lecteur');
    await reader.goto('/recherche');
    await reader.getByLabel('Mots recherchés').fill('zoonose');
    await reader.getByRole('button', { name: 'Rechercher' }).click();
    await reader.getByText('Aucun résultat.').waitFor();
    await reader.goto(`/evenements/${event.id}`);
    await reader.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    await reader.goto('/evenements');
    await reader.getByRole('heading', { name: 'Événements', level: 1 }).waitFor();
    await reader.getByText('Aucun événement ne correspond à ces critères.').waitFor();
    expect(await reader.locator(`tr[data-event-title="${event.title}"]`).count()).toBe(0);
    await reader.evaluate(() => ((window as unknown as { marker: number }).marker = 11));

    // The coordinator opens the event to the whole organisation in one click.
    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');
    await coord.goto(`/evenements/${event.id}`);
    await coord.getByRole('heading', { name: event.title, level: 1 }).waitFor();
    await coord.getByRole('button', { name: 'Audience', exact: true }).click();
    const audience = coord.getByRole('dialog', { name: `Audience de « ${event.title} »` });
    await audience.getByTestId('audience-effective').waitFor();
    expect(Number(await audience.getByTestId('audience-readers').innerText())).toBe(2);
    await audience.getByRole('button', { name: 'Ouvrir à toute l’organisation' }).click();
    await audience.getByText('L’événement est ouvert à toute l’organisation.').waitFor();
    expect(Number(await audience.getByTestId('audience-readers').innerText())).toBe(3);
    await audience.getByRole('button', { name: 'Fermer', exact: true }).last().click();
    // The widening is written in the main courante.
    await coord.getByTestId('entries').locator('li.entry--system').filter({ hasText: /organisation/i }).first().waitFor();

    // The reader's list, open all along, shows it without reloading.
    await reader.locator(`tr[data-event-title="${event.title}"]`).waitFor({ timeout: 5000 });
    expect(await reader.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(11);
    await reader.getByRole('link', { name: event.title }).click();
    await entryItem(reader, 'Suspicion de zoonose').waitFor();

    // Restricted again with the event's own list: the reader's open page stops showing it.
    await coord.getByRole('button', { name: 'Audience', exact: true }).click();
    await audience.getByRole('button', { name: 'Modifier l’audience' }).click();
    const eventEditor = audience.getByTestId('audience-editor');
    await eventEditor.getByText('Liste restreinte', { exact: true }).click();
    await eventEditor.getByLabel('Ligne 1 : désigne').selectOption('role');
    await eventEditor.getByLabel('Ligne 1 : qui').selectOption({ label: 'Coordinateur' });
    await eventEditor.getByLabel('Ligne 1 : accès').selectOption('write');
    expect(await eventEditor.getByTestId('audience-summary').innerText()).toBe('Restreint : Rôle Coordinateur');
    await audience.getByRole('button', { name: 'Enregistrer l’audience' }).click();
    await audience.getByText('Audience de l’événement enregistrée.').waitFor();
    await audience.getByRole('button', { name: 'Fermer', exact: true }).last().click();
    await coord.locator('.event-header').getByTestId('audience-badge').waitFor();
    await reader.getByRole('heading', { name: 'Page introuvable' }).waitFor({ timeout: 5000 });

    await readerContext.close();
    await coordContext.close();
  });

  test('invité contributeur : lien créé dans l’interface, entrée signée « (invité) », révocation en direct', async () => {
    const event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId: await typeId('Inondation'), title: 'Crue de la Mosson', severity: 3 });

    // The coordinator creates a contributor link; the address is shown once.
    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');
    await coord.goto(`/evenements/${event.id}`);
    await coord.getByRole('heading', { name: 'Crue de la Mosson', level: 1 }).waitFor();
    await coord.getByRole('button', { name: 'Invités', exact: true }).click();
    let guests = coord.getByRole('dialog', { name: 'Invités de « Crue de la Mosson »' });
    await guests.getByText('Aucun lien d’invitation pour cet événement.').waitFor();
    await guests.getByRole('button', { name: 'Créer un lien d’invitation' }).click();
    const form = coord.getByRole('dialog', { name: 'Nouveau lien d’invitation' });
    // Empty "for whom": message next to the field.
    await form.getByRole('button', { name: 'Créer le lien' }).click();
    await form.getByText('Indiquez pour qui est le lien.').waitFor();
    await form.getByLabel('Pour qui').fill('Capitaine Durand, SDIS 34');
    await form.getByText('Contributeur', { exact: true }).click();
    await form.getByText('24 h', { exact: true }).click();
    await form.getByRole('button', { name: 'Créer le lien' }).click();
    const created = coord.getByRole('dialog', { name: 'Lien d’invitation créé' });
    const url = await created.getByTestId('guest-link-url').inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/invite#.{16,}$`));
    expect(await created.getByRole('link', { name: 'Envoyer par e-mail' }).getAttribute('href')).toContain(encodeURIComponent(url));
    await created.getByRole('button', { name: 'J’ai transmis le lien' }).click();
    guests = coord.getByRole('dialog', { name: 'Invités de « Crue de la Mosson »' });
    await guests.locator('[data-testid="guest-link"][data-label="Capitaine Durand, SDIS 34"]').getByText('Actif', { exact: true }).waitFor();
    await guests.getByRole('button', { name: 'Fermer', exact: true }).last().click();

    // The guest, in another browser, opens the link and gives a name.
    const guestContext = await newContext(browser, server.url, DESKTOP);
    const guest = await guestContext.newPage();
    await guest.goto(url);
    await guest.getByTestId('invite-intro').getByText('Ville de Test vous invite à suivre l’événement « Crue de la Mosson ».').waitFor();
    await guest.getByText('Lecture et écriture dans la main courante').waitFor();
    await guest.getByLabel('Votre nom').fill('Marc Durand');
    await guest.getByText('Vous apparaîtrez comme « Marc Durand (invité) »', { exact: false }).waitFor();
    await guest.getByRole('button', { name: 'Rejoindre l’événement' }).click();
    await guest.waitForURL(`**/evenements/${event.id}`);
    await guest.getByTestId('guest-banner').getByText(`Invité de ${ORGANISATION.name} · Crue de la Mosson · Marc Durand`).waitFor();
    await guest.getByRole('heading', { name: 'Crue de la Mosson', level: 1 }).waitFor();
    // Reduced frame: no menu, no search, no administration, no management.
    expect(await guest.getByRole('navigation', { name: 'Navigation principale' }).count()).toBe(0);
    expect(await guest.getByRole('link', { name: 'Recherche' }).count()).toBe(0);
    expect(await guest.getByRole('button', { name: 'Audience', exact: true }).count()).toBe(0);
    expect(await guest.getByRole('button', { name: 'Invités', exact: true }).count()).toBe(0);
    expect(await guest.getByRole('button', { name: 'Clore' }).count()).toBe(0);
    // Another address leads back to the event.
    await guest.goto('/administration/utilisateurs');
    await guest.waitForURL(`**/evenements/${event.id}`);
    await guest.getByRole('heading', { name: 'Crue de la Mosson', level: 1 }).waitFor();
    const guestSession = await guest.evaluate(() => fetch('/api/auth/session').then((r) => r.json() as Promise<{ csrfToken: string }>));

    // The guest writes; both see "Marc Durand (invité)".
    const guestForm = guest.getByTestId('entry-form');
    await guestForm.getByLabel('Texte de l’entrée').fill('Équipe SDIS en place au pont de Lavérune, deux embarcations.');
    await guestForm.getByRole('button', { name: 'Enregistrer l’entrée' }).click();
    const guestEntry = entryItem(guest, 'Équipe SDIS en place');
    await guestEntry.waitFor();
    expect(await guestEntry.locator('.entry__author').innerText()).toBe('Marc Durand (invité)');
    const seenByCoord = entryItem(coord, 'Équipe SDIS en place');
    await seenByCoord.waitFor({ timeout: 5000 });
    expect(await seenByCoord.locator('.entry__author').innerText()).toBe('Marc Durand (invité)');

    // The guest receives the coordinator's entries live.
    await coordApi.call<Entry>('POST', `/api/events/${event.id}/entries`, { text: 'Demande de renfort transmise au COD.' });
    await entryItem(guest, 'Demande de renfort transmise au COD.').waitFor({ timeout: 5000 });

    // The coordinator revokes the link (confirmation); the list shows the guest's name.
    await coord.getByRole('button', { name: 'Invités', exact: true }).click();
    guests = coord.getByRole('dialog', { name: 'Invités de « Crue de la Mosson »' });
    const link = guests.locator('[data-testid="guest-link"][data-label="Capitaine Durand, SDIS 34"]');
    await link.getByText('Invités : Marc Durand').waitFor();
    await link.getByRole('button', { name: 'Révoquer le lien « Capitaine Durand, SDIS 34 »' }).click();
    const confirm = coord.getByRole('alertdialog', { name: 'Révoquer le lien « Capitaine Durand, SDIS 34 » ?' });
    await confirm.getByRole('button', { name: 'Révoquer le lien' }).click();
    await guests.getByText('Lien « Capitaine Durand, SDIS 34 » révoqué : ses invités n’ont plus accès.').waitFor();
    await guests.locator('[data-testid="guest-link"][data-label="Capitaine Durand, SDIS 34"]').getByText('Révoqué', { exact: true }).waitFor();

    // The guest's open page ends at once: no form any more, a clear message.
    await guest.getByTestId('guest-ended').waitFor({ timeout: 5000 });
    await guest.getByRole('heading', { name: 'Votre accès invité a pris fin (lien révoqué ou expiré)' }).waitFor();
    expect(await guest.getByTestId('entry-form').count()).toBe(0);
    expect(await guest.getByTestId('entries').count()).toBe(0);

    // Entries written afterwards do not reach the guest; a write attempt is refused.
    await coordApi.call<Entry>('POST', `/api/events/${event.id}/entries`, { text: 'Entrée écrite après la révocation.' });
    const attempt = await guest.evaluate(
      async ({ id, csrf }) => {
        const res = await fetch(`/api/events/${id}/entries`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ text: 'Tentative après révocation.' }) });
        return res.status;
      },
      { id: event.id, csrf: guestSession.csrfToken },
    );
    expect(attempt).toBe(401);
    await guest.waitForTimeout(500);
    expect(await guest.getByText('Entrée écrite après la révocation.').count()).toBe(0);
    const texts = (await coordApi.call<{ entries: Entry[] }>('GET', `/api/events/${event.id}/entries`)).entries.map((e) => e.text);
    expect(texts).not.toContain('Tentative après révocation.');

    // The link no longer opens.
    const again = await guestContext.newPage();
    await again.goto(url);
    await again.getByRole('heading', { name: 'Lien d’invitation révoqué' }).waitFor();
    await again.getByText('Ce lien d’invitation a été révoqué.', { exact: false }).waitFor();

    await guestContext.close();
    await coordContext.close();
  });
});
