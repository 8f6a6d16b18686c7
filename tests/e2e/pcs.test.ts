// The safeguard plan in the browser. From the Montpellier plan (imported as a city would), a
// coordinator opens an « Inondation » event: its reflex sheets are proposed; one is started and two
// steps ticked (their entries appear in the main courante). The coordinator engages a vehicle and a
// shelter: on a second browser (a reader on the crisis room's resources board) their status changes
// live; the shelter shows on the event's map with its occupancy; the vehicle is released. A reader
// reaches the register of vulnerable people by no route, export or search. Screenshots at phone and
// desktop size.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, EventDetail } from '../../src/shared';
import { montpellierPlan } from '../../src/server/seed/demo-pcs';
import { catalogue } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, ROOT, startServer, type RunningServer } from './support';
import { USER_PASSWORD } from './fixtures';

const OUT = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'screenshots');
const VULNERABLE_NAME = 'Mme Jeanne Registre-E2E';

let server: RunningServer;
let browser: Browser;
let coordApi: ApiClient;
let event: EventDetail;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
  await createReadyUser(admin, 'lecteur@e2e.test', 'Louis Lecteur', 'reader');
  coordApi = await ApiClient.login(server.url, 'coordination@e2e.test', USER_PASSWORD);
  // The city's plan, brought in through the import (the same code that loads the demo).
  await coordApi.call('POST', '/api/plan/import', montpellierPlan());
  await coordApi.call('POST', '/api/plan/vulnerable-people', { fullName: VULNERABLE_NAME, address: '4 rue des Berges', vulnerability: 'Mobilité réduite' });
  fs.mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, email: string, name: string) {
  await loginUi(page, email, USER_PASSWORD);
  await page.getByRole('heading', { name: `Bonjour ${name}` }).waitFor();
}

const entryText = (page: Page, text: string) => page.getByTestId('entries').locator('li.entry .entry__text', { hasText: text });
const card = (page: Page, name: string) => page.locator(`[data-testid="resource-card"][data-resource-name="${name}"]`);

/** [name, lon, lat] of the points of a layer, read back from the OpenLayers map (EPSG:3857 → degrees). */
async function pointsOf(page: Page, layerId: string): Promise<Array<[string, number, number, string]>> {
  return page.getByTestId('event-map').evaluate((el, id) => {
    type F = { get: (k: string) => unknown; getGeometry: () => { getType: () => string; getCoordinates: () => number[] } };
    type OlLike = { getLayers: () => { getArray: () => Array<{ get: (k: string) => unknown; getSource: () => { getFeatures: () => F[] } }> } };
    const map = (el as unknown as { olMap: OlLike }).olMap;
    const layer = map.getLayers().getArray().find((l) => l.get('layerId') === id);
    if (!layer) return [];
    const R = 6378137;
    return layer
      .getSource()
      .getFeatures()
      .filter((f) => f.getGeometry().getType() === 'Point')
      .map((f) => {
        const [x, y] = f.getGeometry().getCoordinates();
        const lon = (x / R) * (180 / Math.PI);
        const lat = (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI);
        return [String(f.get('nom') ?? ''), lon, lat, String(f.get('occupancyLabel') ?? '')] as [string, number, number, string];
      });
  }, layerId);
}

describe('plan communal de sauvegarde', () => {
  test('fiche réflexe démarrée dans un événement « Inondation », étapes cochées, moyens engagés en direct, centre d’hébergement sur la carte', async () => {
    // The coordinator opens an « Inondation » event: its risk is the plan's flood risk.
    const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Inondation')!.id;
    event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Crue du Lez — PCS', severity: 3, place: { type: 'Point', coordinates: [3.8957, 43.5993] } });
    expect(event.riskName).toBe('Inondation');

    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');
    await coord.goto(`/evenements/${event.id}`);
    await coord.getByTestId('event-risk').getByText('Inondation').waitFor();
    const sheets = coord.getByTestId('reflex-sheets');
    await sheets.getByRole('button', { name: 'Démarrer la fiche Inondation — Logistique' }).click();
    const step1 = sheets.getByRole('checkbox', { name: 'Mettre en place les barrières de fermeture des passages submersibles' });
    const step2 = sheets.getByRole('checkbox', { name: 'Ouvrir le centre d’hébergement du gymnase Jean-Bouin' });
    await step1.waitFor();
    // Started: one entry announcing it and one per step (actions assigned to Logistique).
    await entryText(coord, 'Fiche réflexe « Inondation — Logistique » démarrée par Camille Coordination : 4 actions confiées à la fonction Logistique.').waitFor();
    await step1.check();
    await step2.check();
    await coord.waitForFunction(() => [...document.querySelectorAll('[data-testid="entries"] li.entry .entry__text')].filter((e) => / : À faire → Fait$/.test(e.textContent ?? '')).length === 2);
    expect(await step1.isChecked()).toBe(true);
    await sheets.getByTestId('reflex-progress').first().getByText('2 / 4').waitFor();

    // A reader follows the crisis room's resources board on a tablet-sized screen.
    const boardContext = await newContext(browser, server.url, { width: 1024, height: 768 });
    const board = await boardContext.newPage();
    await signIn(board, 'lecteur@e2e.test', 'Louis Lecteur');
    await board.goto('/plan');
    await card(board, 'Véhicule PM 12').waitFor();
    expect(await card(board, 'Véhicule PM 12').getAttribute('data-status')).toBe('available');
    // A reader sees the board but has no button to change it.
    expect(await card(board, 'Véhicule PM 12').getByRole('button', { name: /Engager/ }).count()).toBe(0);

    // The coordinator engages the vehicle and the shelter from the event page.
    const resources = coord.getByTestId('event-resources');
    // A resource taken elsewhere while the list is open: refused, saying where.
    await resources.getByRole('button', { name: 'Engager un moyen' }).click();
    const engageDialog = coord.getByRole('dialog', { name: 'Engager un moyen' });
    await engageDialog.getByRole('button', { name: 'Engager Salle du conseil' }).waitFor();
    const other = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Réunion de crise préfecture', severity: 2 });
    const room = (await coordApi.call<{ resources: Array<{ id: string; name: string }> }>('GET', '/api/resources')).resources.find((r) => r.name === 'Salle du conseil')!;
    await coordApi.call('POST', `/api/resources/${room.id}/engage`, { eventId: other.id });
    await engageDialog.getByRole('button', { name: 'Engager Salle du conseil' }).click();
    await engageDialog.getByText(/Ce moyen est déjà engagé sur « Réunion de crise préfecture » depuis .*, par Camille Coordination : libérez-le d’abord\./).waitFor();
    await engageDialog.getByRole('button', { name: 'Fermer' }).first().click();
    await engageDialog.waitFor({ state: 'detached' });
    for (const name of ['Véhicule PM 12', 'Gymnase Jean-Bouin']) {
      await resources.getByRole('button', { name: 'Engager un moyen' }).click();
      const dialog = coord.getByRole('dialog', { name: 'Engager un moyen' });
      await dialog.getByRole('button', { name: `Engager ${name}` }).click();
      await dialog.waitFor({ state: 'detached' });
      await resources.locator(`[data-resource-name="${name}"]`).waitFor();
      await entryText(coord, `Moyen engagé : ${name}`).waitFor();
    }
    // Live on the board, with where.
    await board.waitForFunction(() => document.querySelector('[data-testid="resource-card"][data-resource-name="Véhicule PM 12"]')?.getAttribute('data-status') === 'engaged');
    await board.waitForFunction(() => document.querySelector('[data-testid="resource-card"][data-resource-name="Gymnase Jean-Bouin"]')?.getAttribute('data-status') === 'engaged');
    await card(board, 'Gymnase Jean-Bouin').getByText('Crue du Lez — PCS').waitFor();
    // The board filters: engaged only, then vehicles, then a search; kept in the page's address.
    const names = () => board.locator('[data-testid="resource-card"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-name')).sort());
    await board.locator('.resources-status-filter label', { hasText: 'Engagé' }).click();
    await board.waitForFunction(() => document.querySelectorAll('[data-testid="resource-card"]').length === 3);
    expect(await board.getByRole('radio', { name: 'Engagé' }).isChecked()).toBe(true);
    expect(await names()).toEqual(['Gymnase Jean-Bouin', 'Salle du conseil', 'Véhicule PM 12']);
    expect(board.url()).toContain('statut=engaged');
    await board.getByRole('button', { name: 'Véhicules' }).click();
    await board.waitForFunction(() => document.querySelectorAll('[data-testid="resource-card"]').length === 1);
    expect(await names()).toEqual(['Véhicule PM 12']);
    await board.locator('.resources-status-filter label', { hasText: 'Tous' }).click();
    await board.getByRole('button', { name: 'Tous', exact: true }).click();
    await board.getByTestId('resources-search').fill('centre technique');
    await board.waitForFunction(() => document.querySelectorAll('[data-testid="resource-card"]').length === 4);
    expect(await names()).toEqual(['Barrières de crue (lot de 40)', 'Fourgon logistique 3', 'Groupe électrogène 60 kVA', 'Équipe d’intervention technique'].sort());
    await board.getByTestId('resources-search').fill('');
    await card(board, 'Véhicule PM 12').waitFor();

    // The shelter takes in 37 people; the map shows it with its occupancy.
    await resources.getByRole('button', { name: 'Occupation de Gymnase Jean-Bouin' }).click();
    const occupancy = coord.getByRole('dialog', { name: 'Occupation de « Gymnase Jean-Bouin »' });
    await occupancy.getByLabel('Personnes hébergées').fill('37');
    await occupancy.getByRole('button', { name: 'Enregistrer' }).click();
    await occupancy.waitFor({ state: 'detached' });
    await board.waitForFunction(() => /37\s*\/\s*120/.test(document.querySelector('[data-testid="resource-card"][data-resource-name="Gymnase Jean-Bouin"]')?.textContent ?? ''));
    await coord.goto(`/evenements/${event.id}?vue=carte`);
    await coord.getByTestId('event-map').waitFor();
    await coord.waitForFunction(() => document.querySelector('[data-testid="event-map"]')?.getAttribute('data-resources') === '2');
    const points = await pointsOf(coord, 'pcs-resources');
    const shelter = points.find((p) => p[0] === 'Gymnase Jean-Bouin')!;
    expect(shelter, JSON.stringify(points)).toBeDefined();
    expect(Math.abs(shelter[1] - 3.8861)).toBeLessThan(1e-6);
    expect(Math.abs(shelter[2] - 43.6049)).toBeLessThan(1e-6);
    expect(shelter[3]).toBe('37/120');
    // The plan's sensitive sites are a layer of the map too.
    expect((await pointsOf(coord, 'pcs-sites')).map((p) => p[0])).toContain('EHPAD Les Glycines (démo)');

    // Released: available again on the board, live.
    await coord.goto(`/evenements/${event.id}`);
    await resources.getByRole('button', { name: 'Libérer Véhicule PM 12' }).click();
    const release = coord.getByRole('alertdialog', { name: 'Libérer « Véhicule PM 12 » ?' });
    await release.getByRole('button', { name: 'Libérer', exact: true }).click();
    await release.waitFor({ state: 'detached' });
    await entryText(coord, 'Moyen libéré : Véhicule PM 12').waitFor();
    await board.waitForFunction(() => document.querySelector('[data-testid="resource-card"][data-resource-name="Véhicule PM 12"]')?.getAttribute('data-status') === 'available');
    expect(await resources.locator('[data-resource-name="Véhicule PM 12"]').count()).toBe(0);

    await boardContext.close();
    await coordContext.close();
  });

  test('le coordinateur ajoute un risque et sa fiche réflexe dans la page du plan ; un événement de ce risque la propose', async () => {
    const context = await newContext(browser, server.url, PHONE);
    const page = await context.newPage();
    await signIn(page, 'coordination@e2e.test', 'Camille Coordination');
    await page.goto('/plan?onglet=risques');
    await page.getByRole('button', { name: 'Ajouter un risque' }).click();
    const riskDialog = page.getByRole('dialog', { name: 'Ajouter un risque' });
    await riskDialog.getByLabel('Nom du risque').fill('Mouvement de terrain');
    await riskDialog.getByRole('button', { name: 'Ajouter', exact: true }).click();
    await riskDialog.waitFor({ state: 'detached' });
    // The same name again is refused, in French, on the field.
    await page.getByRole('button', { name: 'Ajouter un risque' }).click();
    await riskDialog.getByLabel('Nom du risque').fill('mouvement de terrain');
    await riskDialog.getByRole('button', { name: 'Ajouter', exact: true }).click();
    await riskDialog.getByText('Ce nom est déjà pris : choisissez-en un autre.').first().waitFor();
    await riskDialog.getByRole('button', { name: 'Annuler' }).click();
    await page.getByText('Mouvement de terrain', { exact: true }).first().click();
    await page.getByRole('button', { name: 'Ajouter une fiche réflexe au risque Mouvement de terrain' }).click();
    const sheetDialog = page.getByRole('dialog', { name: 'Nouvelle fiche réflexe — Mouvement de terrain' });
    await sheetDialog.getByLabel('Titre de la fiche').fill('Éboulement — Cellule technique');
    await sheetDialog.getByLabel('Fonction', { exact: true }).selectOption({ label: 'Cellule technique' });
    await sheetDialog.getByLabel('Étapes').fill('Fermer la route de Mende\n\nPrévenir le géologue\n');
    await sheetDialog.getByRole('button', { name: 'Ajouter', exact: true }).click();
    await sheetDialog.waitFor({ state: 'detached' });
    await page.getByText('Prévenir le géologue').waitFor();
    // An event about that risk proposes the sheet, with its two steps.
    const risks = await coordApi.call<{ risks: Array<{ id: string; name: string; sheets: Array<{ steps: string[] }> }> }>('GET', '/api/plan/risks');
    const risk = risks.risks.find((r) => r.name === 'Mouvement de terrain')!;
    expect(risk.sheets.map((x) => x.steps)).toEqual([['Fermer la route de Mende', 'Prévenir le géologue']]);
    const typeId = (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === 'Autre')!.id;
    const ev = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Éboulement route de Mende', severity: 2, riskId: risk.id });
    await page.goto(`/evenements/${ev.id}`);
    const sheets = page.getByTestId('reflex-sheets');
    const start = sheets.getByRole('button', { name: 'Démarrer la fiche Éboulement — Cellule technique' });
    await start.waitFor({ state: 'attached' });
    // Folded or not on a phone, the sheet is there to start.
    if (!(await start.isVisible())) await sheets.locator('summary').click();
    await start.waitFor();
    await context.close();
  });

  test('un lecteur n’atteint le registre des personnes vulnérables par aucune route, aucun export, aucune recherche', async () => {
    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    await signIn(page, 'lecteur@e2e.test', 'Louis Lecteur');
    await page.goto('/plan');
    await page.getByRole('tab', { name: 'Moyens' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Personnes vulnérables' }).count()).toBe(0);
    // Its address typed by hand: not shown.
    await page.goto('/plan?onglet=vulnerables');
    await page.getByRole('tab', { name: 'Moyens' }).waitFor();
    expect(await page.getByTestId('vulnerable-table').count()).toBe(0);
    // Every route, from the reader's own session in the browser.
    const answers = await page.evaluate(async (name) => {
      const get = async (url: string) => {
        const r = await fetch(url, { headers: { Accept: 'application/json' } });
        return { url, status: r.status, body: await r.text() };
      };
      return Promise.all([
        get('/api/plan/vulnerable-people'),
        get('/api/plan/vulnerable-people/export.csv'),
        get('/api/plan/export.json'),
        get('/api/plan/export.csv?kind=contacts'),
        get('/api/plan'),
        get('/api/plan/directory'),
        get(`/api/search?q=${encodeURIComponent(name)}`),
        get(`/api/search?q=${encodeURIComponent('Mobilité réduite')}`),
      ]);
    }, VULNERABLE_NAME);
    for (const a of answers) expect(a.body, a.url).not.toContain('Registre-E2E');
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([403, 403, 403, 403]);
    expect(answers.slice(4).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    // The search page shows nothing either.
    const searched = page.waitForResponse((r) => r.url().includes('/api/search?') && r.url().includes('Registre-E2E'));
    await page.goto(`/recherche?q=${encodeURIComponent('Registre-E2E')}`);
    await page.getByRole('heading', { name: 'Recherche', exact: true }).waitFor();
    expect((await searched).status()).toBe(200);
    expect(await page.getByText('Registre-E2E').count()).toBe(0);
    await context.close();
  });

  test('écrans du plan et de l’événement (téléphone et poste de travail)', async () => {
    for (const [label, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      const context = await newContext(browser, server.url, viewport);
      const page = await context.newPage();
      await signIn(page, 'coordination@e2e.test', 'Camille Coordination');
      await page.goto('/plan');
      await card(page, 'Gymnase Jean-Bouin').waitFor();
      await page.screenshot({ path: path.join(OUT, `pcs-board-${label}.png`), fullPage: label === 'desktop' });
      await page.goto('/plan?onglet=vulnerables');
      await page.getByTestId('vulnerable-table').getByText(VULNERABLE_NAME).first().waitFor();
      await page.screenshot({ path: path.join(OUT, `pcs-register-${label}.png`) });
      await page.goto(`/evenements/${event.id}`);
      await page.getByTestId('reflex-sheets').waitFor();
      if (label === 'phone') await page.getByTestId('reflex-sheets').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(OUT, `pcs-event-${label}.png`), fullPage: label === 'desktop' });
      // The map: the engaged shelter with its occupancy, the sensitive sites.
      await page.goto(`/evenements/${event.id}?vue=carte`);
      await page.waitForFunction(() => document.querySelector('[data-testid="event-map"]')?.getAttribute('data-resources') === '1');
      await page.getByTestId('event-map-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(500); // the outline redrawn after the scroll
      await page.screenshot({ path: path.join(OUT, `pcs-map-${label}.png`) });
      await context.close();
    }
    expect(fs.existsSync(path.join(OUT, 'pcs-event-phone.png'))).toBe(true);
  });
});
