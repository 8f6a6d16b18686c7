// Collecte: a commune clerk declares on a phone, the prefecture's dashboard moves live.
// The prefecture organisation can only be created by the CLI: the server is started once, stopped,
// the CLI adds the prefecture and its administrator to the copied data, then the server restarts.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { USER_PASSWORD } from './fixtures';
import { adminApi, ApiClient, createReadyUser, DESKTOP, launchBrowser, loginUi, newContext, PHONE, ROOT, startServer, type RunningServer } from './support';

const run = promisify(execFile);
const OUT = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'screenshots');
const PREFET = { email: 'prefecture@e2e.test', name: 'Paul Préfecture', password: 'Prefecture-e2e-2025!' };
const CLERK = { email: 'secretariat@e2e.test', name: 'Sophie Secrétariat' };
const COMMUNES = ['34172', '34057', '34129', '34270', '34154'];

let server: RunningServer;
let browser: Browser;
let campaignId: string;

function parisDay(offset = 0): string {
  const d = new Date(Date.now() + offset * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(OUT, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, name) });
}

beforeAll(async () => {
  browser = await launchBrowser();
  const first = await startServer();
  const { port, dataDir } = first;
  await first.stop({ keepData: true });
  const dbEnv = dataDir.startsWith('postgres') ? { DATABASE_URL: dataDir } : { DATA_DIR: dataDir };
  await run(
    process.execPath,
    ['--import', 'tsx', 'src/server/cli/admin.ts', 'create-admin', '--email', PREFET.email, '--name', PREFET.name, '--organisation', 'Préfecture de l’Hérault', '--kind', 'prefecture', '--department', '34', '--password', PREFET.password],
    { cwd: ROOT, env: { ...process.env, ...dbEnv, LOG_LEVEL: 'warn' }, timeout: 120_000 },
  );
  server = await startServer({ port, dataDir });

  const prefecture = await ApiClient.login(server.url, PREFET.email, PREFET.password);
  const campaign = await prefecture.call<{ id: string }>('POST', '/api/campaigns', {
    name: 'Décès par lieu',
    description: 'Nombre de décès constatés la veille, par lieu.',
    period: 'daily',
    deadline: '06:00',
    startDate: parisDay(-30),
    status: 'active',
    communes: COMMUNES,
    indicators: [
      { key: 'domicile', label: 'Décès à domicile', help: 'Constatés par un médecin au domicile.' },
      { key: 'ehpad', label: 'Décès en EHPAD', help: 'Résidents décédés dans l’établissement.' },
    ],
  });
  campaignId = campaign.id;

  // 20 days of small counts for Montpellier (the commune's own administrator declares).
  const commune = await adminApi(server.url);
  for (let i = 20; i >= 1; i--) {
    await commune.call('PUT', `/api/campaigns/${campaignId}/declarations/34172/${parisDay(-i)}`, { values: { domicile: i % 3, ehpad: i % 2 } });
  }
  // Two other communes answered today (entered by the prefecture, relayed by phone).
  await prefecture.call('PUT', `/api/campaigns/${campaignId}/declarations/34057/${parisDay()}`, { values: { domicile: 0, ehpad: 0 } });
  await prefecture.call('PUT', `/api/campaigns/${campaignId}/declarations/34129/${parisDay()}`, { values: { domicile: 2, ehpad: 1 } });

  await createReadyUser(commune, CLERK.email, CLERK.name, 'contributor');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('collecte', () => {
  test('une commune déclare sur téléphone, la préfecture voit la complétude et la carte bouger en direct', async () => {
    // Prefecture, desktop: dashboard of the campaign.
    const prefContext = await newContext(browser, server.url, DESKTOP);
    const pref = await prefContext.newPage();
    await loginUi(pref, PREFET.email, PREFET.password);
    await pref.getByRole('link', { name: 'Collecte' }).first().click();
    await pref.getByRole('link', { name: 'Décès par lieu' }).click();
    await pref.getByTestId('count-answered').filter({ hasText: '2 / 5' }).waitFor();
    await pref.getByTestId('realtime-status').filter({ hasText: 'connecté' }).first().waitFor();
    const montpellier = pref.locator('[data-testid="commune-list"] li[data-insee="34172"]');
    expect(await montpellier.getAttribute('data-class')).toBe('no-answer');
    expect(await pref.locator('[data-testid="commune-list"] li[data-insee="34057"]').getAttribute('data-class')).toBe('0');
    await pref.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

    // Commune clerk, phone.
    const clerkContext = await newContext(browser, server.url, PHONE);
    const clerk = await clerkContext.newPage();
    await loginUi(clerk, CLERK.email, USER_PASSWORD);
    const card = clerk.getByTestId('today-card');
    await card.filter({ hasText: 'À déclarer' }).waitFor();
    await shot(clerk, 'collecte-accueil-phone.png');
    await card.getByRole('link', { name: 'Déclarer' }).click();
    await clerk.getByLabel('Décès à domicile').waitFor();
    expect(await clerk.getByLabel('Décès à domicile').getAttribute('inputmode')).toBe('numeric');

    // Empty is not zero: every field must be filled.
    await clerk.getByLabel('Décès à domicile').fill('40');
    await clerk.getByRole('button', { name: 'Envoyer la déclaration' }).click();
    await clerk.getByText('Saisissez une valeur (0 s’il n’y en a pas).').waitFor();
    await clerk.getByLabel('Décès en EHPAD').fill('0');
    await shot(clerk, 'collecte-declaration-phone.png');

    // Far above the commune's history: confirmation with the usual range.
    await clerk.getByRole('button', { name: 'Envoyer la déclaration' }).click();
    const dialog = clerk.getByRole('alertdialog', { name: 'Valeur inhabituelle' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Décès à domicile : 40 (habituellement au plus 2 sur 20 jours');
    await shot(clerk, 'collecte-confirmation-phone.png');
    await dialog.getByRole('button', { name: 'Confirmer ces valeurs' }).click();
    await clerk.getByText(/Déclaration enregistrée à \d\d:\d\d\./).waitFor();
    await shot(clerk, 'collecte-declaration-envoyee-phone.png');

    // The prefecture sees it without reloading.
    await pref.getByTestId('count-answered').filter({ hasText: '3 / 5' }).waitFor();
    await expect.poll(() => montpellier.getAttribute('data-class')).toBe('> 10');
    expect(await pref.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);

    // A commune's values and series (ECharts), alarm explained.
    await pref.locator('.commune-table summary').click();
    await montpellier.getByRole('button', { name: 'Montpellier' }).click();
    const panel = pref.getByTestId('commune-panel');
    await panel.getByRole('heading', { name: 'Montpellier' }).waitFor();
    await panel.getByTestId('series-chart').locator('canvas').first().waitFor();
    // Today's point is explained in French (alarm or not).
    await panel.getByTestId('last-point').filter({ hasText: '40 cas observés' }).waitFor();
    await pref.locator('.commune-table summary').click();
    await pref.evaluate(() => window.scrollTo(0, 0));
    await shot(pref, 'collecte-tableau-desktop.png');
    await pref.screenshot({ path: path.join(OUT, 'collecte-tableau-complet-desktop.png'), fullPage: true });
    await pref.setViewportSize(PHONE);
    await shot(pref, 'collecte-tableau-phone.png');

    // Correction on a desktop screen: a reason is required, then the history shows old → new.
    await clerk.setViewportSize(DESKTOP);
    await clerk.getByLabel('Décès à domicile').fill('45');
    await clerk.getByLabel('Motif de la correction').waitFor();
    await clerk.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await clerk.getByText('Indiquez le motif de la correction.').waitFor();
    await clerk.getByLabel('Motif de la correction').fill('Cinq décès signalés en fin de journée.');
    await shot(clerk, 'collecte-declaration-desktop.png');
    await clerk.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await dialog.waitFor();
    await shot(clerk, 'collecte-confirmation-desktop.png');
    await dialog.getByRole('button', { name: 'Confirmer ces valeurs' }).click();
    await clerk.getByText(/Correction enregistrée à \d\d:\d\d\./).waitFor();
    const history = clerk.getByTestId('declaration-history');
    await history.getByText('Décès à domicile : 40 → 45').waitFor();
    expect(await history.textContent()).toContain('Motif : Cinq décès signalés en fin de journée.');
    expect(await history.textContent()).toContain(CLERK.name);

    // Back on the Accueil: declared.
    await clerk.getByRole('link', { name: 'Accueil' }).first().click();
    await clerk.getByTestId('today-card').filter({ hasText: 'Déclaré' }).waitFor();

    await prefContext.close();
    await clerkContext.close();
  }, 180_000);

  test('une commune n’a ni la complétude ni le menu de la préfecture', async () => {
    const c = await ApiClient.login(server.url, CLERK.email, USER_PASSWORD);
    const res = await c.raw('GET', `/api/campaigns/${campaignId}/completeness?date=${parisDay()}`);
    expect(res.status).toBe(403);
  });
});
