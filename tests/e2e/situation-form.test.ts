// The situation form of an event type, in the browser: an administrator opens "Droits d’accès",
// edits the form of "Canicule" (adds a required choice field, removes "Enjeux") and saves; a
// coordinator then updates the analysis of a heatwave event with the new field, while the version
// written before keeps its own fields. A choice field with a single option is refused in French
// and nothing is saved.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, EventDetail, Situation, SituationForm } from '../../src/shared';
import { defaultSituationFields } from '../../src/shared';
import { catalogue } from './logbook-data';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, startServer, type RunningServer } from './support';
import { ADMIN, USER_PASSWORD } from './fixtures';

let server: RunningServer;
let browser: Browser;
let admin: ApiClient;
let coordApi: ApiClient;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
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

async function typeId(name: string): Promise<string> {
  return (await catalogue(coordApi, '/api/event-types')).find((i: CatalogueItem) => i.name === name)!.id;
}

const getForm = (id: string) => admin.call<SituationForm>('GET', `/api/event-types/${id}/situation-form`);

async function openEditor(page: Page, typeName: string) {
  await page.goto('/administration/droits');
  await page.getByRole('heading', { name: 'Droits d’accès aux événements', level: 1 }).waitFor();
  const card = page.locator(`[data-testid="type-audience"][data-type-name="${typeName}"]`);
  await card.getByTestId('situation-form-summary').waitFor();
  await card.getByRole('button', { name: `Modifier le formulaire d’analyse de situation du type ${typeName}` }).click();
  const dialog = page.getByRole('dialog', { name: `Formulaire d’analyse : ${typeName}` });
  await dialog.getByTestId('situation-form-editor').waitFor();
  return { card, dialog };
}

const PLAN_OPTIONS = ['Veille saisonnière', 'Alerte canicule', 'Mobilisation maximale'];

describe('formulaire d’analyse de situation d’un type', () => {
  test('l’administrateur ajoute « Niveau du plan canicule » et retire « Enjeux » ; le coordinateur remplit le nouveau champ', async () => {
    const canicule = await typeId('Canicule');
    // An event of the type with a first version written with the default form.
    const event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId: canicule, title: 'Épisode caniculaire de juillet', severity: 2 });
    await coordApi.call('POST', `/api/events/${event.id}/situation`, {
      severity: 2,
      values: { risque: 'Températures de 38 °C attendues trois jours', enjeux: 'Résidences seniors du centre', tendance: 'Stable' },
      basedOnVersion: null,
    });

    const adminContext = await newContext(browser, server.url, DESKTOP);
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, ADMIN.email, ADMIN.name, ADMIN.password);
    const { card, dialog } = await openEditor(adminPage, 'Canicule');
    expect(await card.getByTestId('situation-form-kind').innerText()).toBe('Formulaire par défaut');
    expect(await card.getByTestId('situation-form-summary').innerText()).toContain(`${defaultSituationFields.length} champs`);
    await dialog.getByText('Ce type utilise le formulaire par défaut.', { exact: false }).waitFor();
    const rows = dialog.getByTestId('situation-field-row');
    expect(await rows.count()).toBe(defaultSituationFields.length);
    // Existing fields keep their key.
    await rows.nth(1).getByText('Clé conservée : enjeux').waitFor();

    // A new required choice field; its key comes from the label.
    await dialog.getByRole('button', { name: 'Ajouter un champ' }).click();
    const added = rows.last();
    await expect.poll(() => adminPage.evaluate(() => document.activeElement?.closest('[data-testid="situation-field-row"]') !== null)).toBe(true);
    await added.getByLabel('Libellé').fill('Niveau du plan canicule');
    await added.getByText('Clé : niveau_du_plan_canicule (tirée du libellé)').waitFor();
    await added.getByLabel('Type').selectOption({ label: 'Choix' });
    await added.getByLabel('Obligatoire').check();
    await added.getByLabel('Aide (facultative)').fill('Niveau déclenché par la préfecture');
    await added.getByLabel('Options').fill(PLAN_OPTIONS.join('\n'));
    // Moved up once: just before "Prochain point de situation".
    await dialog.getByRole('button', { name: 'Monter le champ « Niveau du plan canicule »' }).click();
    await dialog.getByRole('button', { name: 'Retirer le champ « Enjeux »' }).click();
    expect(await rows.count()).toBe(defaultSituationFields.length);
    await dialog.getByRole('button', { name: 'Enregistrer le formulaire' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByText('Formulaire d’analyse du type « Canicule » enregistré (7 champs).').waitFor();
    expect(await card.getByTestId('situation-form-kind').innerText()).toBe('Formulaire propre au type');
    const labels = await card.getByTestId('situation-form-labels').innerText();
    expect(labels).toContain('Niveau du plan canicule (obligatoire)');
    expect(labels).not.toContain('Enjeux');

    const saved = await getForm(canicule);
    expect(saved.custom).toBe(true);
    expect(saved.fields.map((f) => f.key)).toEqual(['risque', 'personnes_exposees', 'personnes_vulnerables', 'moyens_engages', 'tendance', 'niveau_du_plan_canicule', 'prochain_point']);
    expect(saved.fields.find((f) => f.key === 'niveau_du_plan_canicule')).toEqual({
      key: 'niveau_du_plan_canicule',
      label: 'Niveau du plan canicule',
      type: 'choice',
      required: true,
      help: 'Niveau déclenché par la préfecture',
      options: PLAN_OPTIONS,
    });
    await adminContext.close();

    // The coordinator updates the analysis with the new form.
    const coordContext = await newContext(browser, server.url, DESKTOP);
    const coord = await coordContext.newPage();
    await signIn(coord, 'coordination@e2e.test', 'Camille Coordination');
    await coord.goto(`/evenements/${event.id}`);
    await coord.getByRole('heading', { name: event.title, level: 1 }).waitFor();
    await coord.getByRole('button', { name: 'Mettre à jour l’analyse' }).click();
    const update = coord.getByRole('dialog', { name: 'Mettre à jour l’analyse' });
    const plan = update.getByLabel('Niveau du plan canicule (obligatoire)');
    await plan.waitFor();
    expect(await plan.locator('option').allInnerTexts()).toEqual(['— Choisir —', ...PLAN_OPTIONS]);
    expect(await update.getByLabel(/^Enjeux/).count()).toBe(0);
    expect(await update.getByTestId('situation-form').innerText()).not.toContain('Enjeux');
    await plan.selectOption('Alerte canicule');
    await update.getByRole('button', { name: 'Enregistrer l’analyse' }).click();
    await update.waitFor({ state: 'hidden' });
    const values = coord.getByTestId('situation-values');
    const planValue = values.locator('[data-key="niveau_du_plan_canicule"]');
    expect(await planValue.locator('dt').innerText()).toBe('Niveau du plan canicule');
    expect(await planValue.locator('dd').innerText()).toBe('Alerte canicule');
    expect(await values.locator('[data-key="enjeux"]').count()).toBe(0);
    await coordContext.close();

    // The version written before keeps its own fields and values.
    const situation = await coordApi.call<Situation>('GET', `/api/events/${event.id}/situation`);
    expect(situation.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(situation.versions[0].values.niveau_du_plan_canicule).toBe('Alerte canicule');
    expect(situation.versions[1].fields.some((f) => f.key === 'enjeux')).toBe(true);
    expect(situation.versions[1].values.enjeux).toBe('Résidences seniors du centre');
  });

  test('un champ à choix avec une seule option : erreur en français, rien n’est enregistré', async () => {
    const canicule = await typeId('Canicule');
    const before = await getForm(canicule);

    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    await signIn(page, ADMIN.email, ADMIN.name, ADMIN.password);
    const saves: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/situation-form')) saves.push(r.url());
    });
    const { card, dialog } = await openEditor(page, 'Canicule');
    await dialog.getByRole('button', { name: 'Ajouter un champ' }).click();
    const added = dialog.getByTestId('situation-field-row').last();
    await added.getByLabel('Libellé').fill('Vigilance Météo-France');
    await added.getByLabel('Type').selectOption('choice');
    await added.getByLabel('Options').fill('Orange');
    await dialog.getByRole('button', { name: 'Enregistrer le formulaire' }).click();

    await added.getByText('Un champ à choix a au moins deux options.').waitFor();
    await dialog.getByText('Le formulaire contient des erreurs : corrigez les champs signalés.').waitFor();
    const options = added.getByLabel('Options');
    expect(await options.getAttribute('aria-invalid')).toBe('true');
    // The focus is taken to the field to correct.
    await expect.poll(() => options.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await dialog.isVisible()).toBe(true);

    // Nothing left the browser, nothing changed on the server.
    expect(saves).toEqual([]);
    const after = await getForm(canicule);
    expect(after).toEqual(before);

    // Cancel: the card still shows the saved form.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await card.getByTestId('situation-form-labels').innerText()).not.toContain('Vigilance');
    await context.close();
  });
});
