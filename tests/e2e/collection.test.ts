// Collecte, in the browser: a commune clerk declares on a phone and the prefecture's dashboard,
// open in another browser, moves live (completeness, colour of the commune); a value far above
// history asks for confirmation; a peak imported into the history shows as an alarm with its
// French explanation; a declaration typed while the server is unreachable is kept and sent later;
// the prefecture brings a commune on board with an activation link; it creates a campaign with
// alert rules and reads its morning report (PDF).
// The prefecture organisation can only be created by the CLI: the server is started once, stopped,
// the CLI adds the prefecture and its administrator to the copied data, then the server restarts.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
// Montpellier, Castelnau-le-Lez, Lattes, Saint-Jean-de-Védas, Mauguio.
const COMMUNES = ['34172', '34057', '34129', '34270', '34154'];
const PEAK = { insee: '34270', name: 'Saint-Jean-de-Védas' };

let server: RunningServer;
let browser: Browser;
let campaignId: string;
let prefecture: ApiClient;

function parisDay(offset = 0): string {
  const d = new Date(Date.now() + offset * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

async function shot(page: Page, name: string, fullPage = false) {
  fs.mkdirSync(OUT, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, name), fullPage });
}

/** A prefecture page of the campaign's dashboard, signed in, the map and the department level shown. */
async function openDashboard(page: Page, query = '') {
  await page.goto(`/collecte/${campaignId}${query}`);
  await page.getByTestId('department-level').waitFor();
  await page.getByTestId('realtime-status').filter({ hasText: 'connecté' }).first().waitFor();
}

const row = (page: Page, insee: string) => page.locator(`[data-testid="commune-list"] tr[data-insee="${insee}"]`);

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

  prefecture = await ApiClient.login(server.url, PREFET.email, PREFET.password);
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
    // Ten deaths in a commune in one day: red, whatever the statistics say.
    alerts: { rules: [{ scope: 'commune', level: 'rouge', indicator: 'total', metric: 'count', window: 1, threshold: 10 }], detectionLevel: 'orange' },
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
  test('une commune déclare sur téléphone, la préfecture voit la complétude et la couleur de la commune changer en direct', async () => {
    // Prefecture, desktop: dashboard of the campaign.
    const prefContext = await newContext(browser, server.url, DESKTOP);
    const pref = await prefContext.newPage();
    await loginUi(pref, PREFET.email, PREFET.password);
    await pref.getByRole('link', { name: 'Collecte' }).first().click();
    await pref.getByRole('link', { name: 'Décès par lieu' }).click();
    await pref.getByTestId('count-answered').filter({ hasText: '2 / 5' }).waitFor();
    await pref.getByTestId('realtime-status').filter({ hasText: 'connecté' }).first().waitFor();
    // "No answer" is not zero: Montpellier is hatched, Castelnau (a declared 0) is in the 0 class.
    expect(await row(pref, '34172').getAttribute('data-class')).toBe('no-answer');
    expect(await row(pref, '34057').getAttribute('data-class')).toBe('0');
    await expect.poll(() => pref.getByTestId('map-legend').textContent()).toContain('Pas de réponse');
    // The map shows the level of each commune too.
    await pref.getByText('Niveau d’alerte', { exact: true }).click();
    await expect.poll(() => row(pref, '34172').getAttribute('data-class')).toBe('no-answer');
    expect(await row(pref, '34172').getAttribute('data-level')).toBe('vert');
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

    // The prefecture sees it without reloading: completeness, and Montpellier turns red on the map
    // (the campaign's rule: 10 in a day), a new alarm with its reason.
    await pref.getByTestId('count-answered').filter({ hasText: '3 / 5' }).waitFor();
    await expect.poll(() => row(pref, '34172').getAttribute('data-level'), { timeout: 20_000 }).toBe('rouge');
    expect(await row(pref, '34172').getAttribute('data-class')).toBe('rouge');
    const alarm = pref.getByTestId('alarms').locator('li[data-insee="34172"]');
    await alarm.waitFor();
    expect(await alarm.textContent()).toContain('Total des indicateurs : 40 sur le jour, seuil rouge 10 atteint.');
    expect(await alarm.textContent()).toContain('Nouvelle');
    expect(await pref.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    // In "count" mode Montpellier now has the highest class of the day.
    await pref.getByText('Nombre du jour', { exact: true }).click();
    await expect.poll(() => row(pref, '34172').getAttribute('data-class')).not.toBe('no-answer');
    expect(await row(pref, '34172').getAttribute('data-class')).not.toBe('0');

    // A commune's panel: values, series with expected value and threshold (ECharts), declarations.
    await alarm.getByRole('button', { name: 'Montpellier' }).click();
    const panel = pref.getByTestId('commune-panel');
    await panel.getByRole('heading', { name: 'Montpellier' }).waitFor();
    await panel.getByTestId('series-chart').locator('canvas').first().waitFor();
    await panel.getByTestId('last-point').filter({ hasText: '40 cas observés' }).waitFor();
    expect(await panel.getByTestId('commune-level').textContent()).toBe('Rouge');
    expect(await panel.getByTestId('commune-declarations').textContent()).toContain(CLERK.name);
    await pref.evaluate(() => window.scrollTo(0, 0));
    await shot(pref, 'collecte-tableau-desktop.png');
    await shot(pref, 'collecte-tableau-complet-desktop.png', true);
    await pref.setViewportSize(PHONE);
    await shot(pref, 'collecte-tableau-phone.png');
    await pref.setViewportSize(DESKTOP);

    // Correction on a desktop screen: a reason is required, then the history shows old → new, for
    // the commune and for the prefecture (live).
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
    const prefHistory = panel.getByTestId('commune-history');
    await prefHistory.getByText('Décès à domicile : 40 → 45').waitFor();
    expect(await prefHistory.textContent()).toContain('Cinq décès signalés en fin de journée.');

    // Back on the Accueil: declared.
    await clerk.getByRole('link', { name: 'Accueil' }).first().click();
    await clerk.getByTestId('today-card').filter({ hasText: 'Déclaré' }).waitFor();

    await prefContext.close();
    await clerkContext.close();
  }, 180_000);

  test('un pic importé dans l’historique apparaît comme alarme, avec son explication en français', async () => {
    // Thirty days of history for Saint-Jean-de-Védas and Mauguio, through the import dialog: small
    // counts, then an EHPAD cluster in Saint-Jean-de-Védas over the last three days.
    const lines = ['date;code_insee;commune;domicile;ehpad'];
    for (let i = 29; i >= 0; i--) {
      const peak = i <= 2 ? [6, 8, 7][i] : 0;
      lines.push(`${parisDay(-i)};${PEAK.insee};${PEAK.name};${i % 4 === 0 ? 1 : 0};${peak}`);
      lines.push(`${parisDay(-i)};34154;Mauguio;${i % 5 === 0 ? 1 : 0};0`);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-import-')), 'historique.csv');
    fs.writeFileSync(file, '\ufeff' + lines.join('\r\n') + '\r\n');
    // A broken copy: one negative count, one date in the future.
    const broken = file.replace('historique', 'historique-errone');
    fs.writeFileSync(broken, [lines[0], `${parisDay(-3)};34154;Mauguio;-1;0`, `${parisDay(2)};34154;Mauguio;0;0`].join('\n') + '\n');

    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    await loginUi(page, PREFET.email, PREFET.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
    await openDashboard(page, '?carte=level');
    expect(await row(page, PEAK.insee).getAttribute('data-level')).toBe('vert');

    await page.getByRole('button', { name: 'Importer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Importer un historique (CSV)' });
    await dialog.getByLabel('Fichier CSV').setInputFiles(broken);
    await dialog.getByRole('button', { name: 'Vérifier le fichier' }).click();
    const issues = dialog.getByTestId('import-issues');
    await issues.waitFor();
    expect(await issues.textContent()).toContain('n’est pas un nombre entier positif ou nul');
    expect(await issues.textContent()).toContain('date dans le futur');
    await shot(page, 'collecte-import-erreurs-desktop.png');
    await dialog.getByLabel('Fichier CSV').setInputFiles(file);
    await dialog.getByRole('button', { name: 'Vérifier le fichier' }).click();
    await dialog.getByText('Fichier vérifié : rien n’est encore importé.').waitFor();
    expect(await dialog.textContent()).toContain('60 lignes : 60 nouvelles déclarations');
    await dialog.getByRole('button', { name: 'Importer', exact: true }).click();
    await dialog.getByText('Import terminé').waitFor();
    await dialog.getByRole('button', { name: 'Fermer' }).last().click();

    // The detection is recomputed after the import and the dashboard follows without reload.
    await expect.poll(() => row(page, PEAK.insee).getAttribute('data-level'), { timeout: 20_000 }).toBe('orange');
    const alarm = page.getByTestId('alarms').locator(`li[data-insee="${PEAK.insee}"]`);
    await alarm.waitFor();
    const text = (await alarm.textContent()) ?? '';
    expect(text).toContain('Détection');
    expect(text).toMatch(/Alerte : 7 cas observés, [\d,]+ attendus?, seuil [\d,]+ \(EARS C3, 7 jours de référence\)/);
    expect(await row(page, '34154').getAttribute('data-level')).toBe('vert');
    // EARS C3 (as R computes it) signals from the second day of a rise: that day is a new alarm.
    await openDashboard(page, `?carte=level&date=${parisDay(-1)}`);
    const firstAlarm = page.getByTestId('alarms').locator(`li[data-insee="${PEAK.insee}"]`);
    await firstAlarm.filter({ hasText: 'Nouvelle' }).waitFor();
    expect(await firstAlarm.textContent()).toMatch(/Alerte : 8 cas observés/);
    await page.getByTestId('alarms').scrollIntoViewIfNeeded();
    await shot(page, 'collecte-alarmes-desktop.png');

    // The morning report of that day names it as a new alarm, and its PDF downloads.
    await page.getByRole('link', { name: 'Rapport du matin' }).click();
    const report = page.getByTestId('report');
    await report.waitFor();
    await page.getByTestId('report-new-alarms').locator(`li[data-insee="${PEAK.insee}"]`).waitFor();
    expect(await page.getByTestId('report-new-alarms').textContent()).toMatch(/Alerte : 8 cas observés/);
    await shot(page, 'collecte-rapport-desktop.png', true);
    const pdfHref = await page.getByRole('link', { name: 'Télécharger le PDF' }).getAttribute('href');
    const pdf = await page.request.get(pdfHref!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await page.setViewportSize(PHONE);
    await shot(page, 'collecte-rapport-phone.png');
    await context.close();
  }, 180_000);

  test('sans réseau au moment d’envoyer, la déclaration est gardée sur l’appareil et part au retour du réseau', async () => {
    const context = await newContext(browser, server.url, PHONE);
    const page = await context.newPage();
    await loginUi(page, CLERK.email, USER_PASSWORD);
    await page.getByTestId('today-card').waitFor();
    await page.goto(`/collecte/${campaignId}`);
    // Montpellier declared the last 20 days; five days before that are still missing.
    const firstDay = parisDay(-25);
    await page.getByLabel('Date de la déclaration').fill(firstDay);
    await page.getByTestId('declare-state').filter({ hasText: 'Pas encore déclaré' }).waitFor();

    // The server cannot be reached when the clerk submits.
    await page.route('**/api/campaigns/*/declarations/**', (route) => (route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue()));
    await page.getByLabel('Décès à domicile').fill('1');
    await page.getByLabel('Décès en EHPAD').fill('2');
    await page.getByRole('button', { name: 'Envoyer la déclaration' }).click();
    const pending = page.getByTestId('offline-pending');
    await pending.filter({ hasText: 'En attente d’envoi (1)' }).waitFor();
    await page.getByTestId('declare-state').filter({ hasText: 'En attente d’envoi' }).waitFor();
    await shot(page, 'collecte-hors-ligne-phone.png');
    let stored = await prefecture.raw('GET', `/api/campaigns/${campaignId}/declarations?from=${firstDay}&to=${firstDay}&inseeCode=34172`);
    expect((stored.body as { declarations: unknown[] }).declarations).toEqual([]);

    // Nothing typed is lost, even through a reload of the page.
    await page.reload();
    await page.getByTestId('offline-pending').filter({ hasText: 'En attente d’envoi (1)' }).waitFor();
    const queued = await page.evaluate(() => localStorage.getItem('vigie.collecte.queue.v1'));
    expect(JSON.parse(queued!)).toEqual([expect.objectContaining({ date: firstDay, inseeCode: '34172', values: { domicile: 1, ehpad: 2 }, state: 'waiting' })]);

    // The network comes back: the declaration leaves by itself, and the waiting list empties.
    await page.unroute('**/api/campaigns/*/declarations/**');
    await context.setOffline(true);
    await context.setOffline(false); // the browser's "online" event
    await page.getByTestId('offline-pending').waitFor({ state: 'detached', timeout: 30_000 });
    stored = await prefecture.raw('GET', `/api/campaigns/${campaignId}/declarations?from=${firstDay}&to=${firstDay}&inseeCode=34172`);
    expect((stored.body as { declarations: Array<{ values: unknown; declaredBy: string }> }).declarations).toEqual([
      expect.objectContaining({ values: { domicile: 1, ehpad: 2 }, declaredBy: CLERK.name }),
    ]);
    expect(await page.evaluate(() => localStorage.getItem('vigie.collecte.queue.v1'))).toBe('[]');
    await context.close();
  }, 120_000);

  test('la préfecture inscrit les contacts d’une commune ; le contact active son compte par le lien et déclare', async () => {
    const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-contacts-')), 'contacts.csv');
    fs.writeFileSync(
      csv,
      ['code_insee;nom;email;fonction;telephone;role', '34154;Martine Mauguio;mairie@mauguio.e2e.test;Secrétaire de mairie;04 67 00 00 00;contributeur', '34057;Claude Castelnau;maire@castelnau.e2e.test;Maire;;administrateur'].join('\r\n'),
    );
    const prefContext = await newContext(browser, server.url, DESKTOP);
    const pref = await prefContext.newPage();
    await loginUi(pref, PREFET.email, PREFET.password);
    await pref.waitForURL((u) => !u.pathname.startsWith('/connexion'));
    await pref.getByRole('link', { name: 'Contacts des communes' }).first().click();
    await pref.getByTestId('boarding').waitFor();
    await pref.getByLabel('Fichier CSV des contacts').setInputFiles(csv);
    await pref.getByRole('button', { name: 'Importer et créer les liens' }).click();
    const links = pref.getByTestId('activation-links');
    await links.waitFor();
    expect(await pref.getByText('2 comptes créés').count()).toBe(1);
    const url = await links.locator('tr', { hasText: 'Martine Mauguio' }).locator('input').inputValue();
    const castelnauUrl = await links.locator('tr', { hasText: 'Claude Castelnau' }).locator('input').inputValue();
    expect(url).toMatch(/\/activation#[A-Za-z0-9_-]{43}$/);
    const contacts = pref.getByTestId('contacts');
    await expect.poll(() => contacts.locator('tr[data-email="mairie@mauguio.e2e.test"]').getAttribute('data-status')).toBe('pending');
    await shot(pref, 'collecte-contacts-desktop.png', true);
    await pref.setViewportSize(PHONE);
    await shot(pref, 'collecte-contacts-phone.png');
    await pref.setViewportSize(DESKTOP);

    // The clerk of Mauguio opens the link on a phone, chooses a password, lands on today's form.
    const phone = await newContext(browser, server.url, PHONE);
    const clerk = await phone.newPage();
    await clerk.goto(url);
    await clerk.getByTestId('activation-intro').filter({ hasText: 'Martine Mauguio' }).waitFor();
    expect(await clerk.getByTestId('activation-intro').textContent()).toContain('Mauguio');
    await clerk.getByLabel('Mot de passe', { exact: true }).fill('court');
    await clerk.getByLabel('Confirmer le mot de passe').fill('court');
    await clerk.getByRole('button', { name: 'Activer et me connecter' }).click();
    await clerk.getByText('Au moins 12 caractères.').first().waitFor();
    await clerk.getByLabel('Mot de passe', { exact: true }).fill('Une phrase de passe de mairie');
    await clerk.getByLabel('Confirmer le mot de passe').fill('Une phrase de passe de mairie');
    await shot(clerk, 'collecte-activation-phone.png');
    await clerk.getByRole('button', { name: 'Activer et me connecter' }).click();
    const card = clerk.getByTestId('today-card');
    await card.waitFor();
    await card.getByRole('link').click();
    // Today came with the imported history; the campaign's first day is still missing.
    await clerk.getByLabel('Date de la déclaration').fill(parisDay(-30));
    await clerk.getByTestId('declare-state').filter({ hasText: 'Pas encore déclaré' }).waitFor();
    await clerk.getByLabel('Décès à domicile').fill('0');
    await clerk.getByLabel('Décès en EHPAD').fill('1');
    await clerk.getByRole('button', { name: 'Envoyer la déclaration' }).click();
    await clerk.getByText(/Déclaration enregistrée à \d\d:\d\d\./).waitFor();

    // The link is spent; the prefecture sees the account active.
    const again = await phone.newPage();
    await again.goto(url);
    await again.getByTestId('activation-error').filter({ hasText: 'n’est pas valide ou a déjà servi' }).waitFor();
    await pref.reload();
    await expect.poll(() => pref.getByTestId('contacts').locator('tr[data-email="mairie@mauguio.e2e.test"]').getAttribute('data-status')).toBe('active');
    await phone.close();

    // A lost link is replaced: the old one stops working.
    const castelnau = pref.getByTestId('contacts').locator('tr[data-email="maire@castelnau.e2e.test"]');
    await castelnau.getByRole('button', { name: 'Nouveau lien' }).click();
    const renewed = pref.getByRole('dialog', { name: 'Nouveau lien d’activation' });
    const newUrl = await renewed.locator('input').inputValue();
    expect(newUrl).toMatch(/\/activation#[A-Za-z0-9_-]{43}$/);
    expect(newUrl).not.toBe(castelnauUrl);
    const old = await prefContext.newPage();
    await old.goto(castelnauUrl);
    await old.getByTestId('activation-error').filter({ hasText: 'n’est pas valide ou a déjà servi' }).waitFor();
    await old.goto(newUrl); // only the fragment changes: the page follows it
    await old.getByTestId('activation-intro').filter({ hasText: 'Claude Castelnau' }).waitFor();
    await prefContext.close();
  }, 180_000);

  test('la préfecture crée une campagne avec une règle d’alerte', async () => {
    const context = await newContext(browser, server.url, DESKTOP);
    const page = await context.newPage();
    await loginUi(page, PREFET.email, PREFET.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
    await page.goto('/collecte');
    await page.getByRole('link', { name: 'Nouvelle campagne' }).click();
    await page.getByLabel('Nom de la campagne').fill('Hébergement d’urgence');
    await page.getByLabel('Consigne aux communes').fill('Personnes hébergées cette nuit dans un lieu d’accueil de la commune.');
    await page.getByLabel('Libellé de l’indicateur 1').fill('Personnes hébergées');
    expect(await page.getByLabel('Clé').first().inputValue()).toBe('personnes_hebergees');
    await page.getByRole('radio', { name: 'Une sélection' }).check();
    await page.getByLabel('Filtrer par nom ou code INSEE').fill('Lunel');
    await page.getByRole('checkbox', { name: /^Lunel \(34145\)/ }).waitFor();
    await page.getByRole('button', { name: 'Ajouter une règle' }).click();
    await page.getByLabel('Seuil (≥)').fill('50');
    await shot(page, 'collecte-nouvelle-campagne-desktop.png', true);
    await page.setViewportSize(PHONE);
    await shot(page, 'collecte-nouvelle-campagne-phone.png');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: 'Créer et ouvrir aux communes' }).click();
    await page.waitForURL(/\/collecte\/[0-9a-f-]{36}$/);
    await page.getByTestId('department-level').waitFor();
    const id = page.url().split('/').pop()!;
    const created = await prefecture.call<{ status: string; communeCount: number; alerts: { rules: unknown[] } }>('GET', `/api/campaigns/${id}`);
    expect(created.status).toBe('active');
    expect(created.communeCount).toBeGreaterThan(300); // every commune of the Hérault: the selection was left whole
    expect(created.alerts.rules).toEqual([{ scope: 'commune', level: 'orange', indicator: 'total', metric: 'count', window: 7, threshold: 50 }]);
    await page.getByRole('link', { name: 'Paramètres et alertes' }).click();
    await page.getByTestId('rules-editor').waitFor();
    await shot(page, 'collecte-parametres-desktop.png');
    await page.setViewportSize(PHONE);
    await shot(page, 'collecte-parametres-phone.png');
    await context.close();
  }, 120_000);

  test('une commune n’a ni la complétude ni le tableau de bord de la préfecture', async () => {
    const c = await ApiClient.login(server.url, CLERK.email, USER_PASSWORD);
    for (const url of [`/api/campaigns/${campaignId}/completeness?date=${parisDay()}`, `/api/campaigns/${campaignId}/overview?date=${parisDay()}`, `/api/onboarding/contacts`]) {
      const res = await c.raw('GET', url);
      expect(res.status, url).toBe(403);
    }
  });
});
