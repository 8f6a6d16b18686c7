// The virtual room of an event, in Chromium with its fake camera and microphone. A coordinator opens
// the room from the event page (desktop), a contributor from a phone, a guest from the room link of
// an invitation: each receives the other two's video (frames decoded, read from the WebRTC statistics
// of the page's own RTCPeerConnections). The guest writes in the chat, the coordinator copies the
// message into the main courante in one click. The contributor leaves: the others see it. The guest's
// link is revoked: the guest is put out of the room and the others see it. A reader who may not see
// the event cannot join, even with the room's address. Screenshots at phone and desktop size.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CatalogueItem, EventDetail } from '../../src/shared';
import type { Entry } from '../../src/shared/schemas/logbook';
import { catalogue } from './logbook-data';
import { adminApi, ApiClient, CHROMIUM_ARGS, createReadyUser, DESKTOP, loginUi, newContext, PHONE, ROOT, startServer, type RunningServer } from './support';
import { USER_PASSWORD } from './fixtures';
import { watchPeerConnections, WEBRTC_ARGS } from './webrtc';

const OUT = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? 'screenshots');
let server: RunningServer;
let browser: Browser;
let coordApi: ApiClient;
let event: EventDetail;
let secret: EventDetail;

/** For each open peer connection of the page: video frames decoded so far. */
async function framesDecoded(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const out: number[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      let frames = 0;
      report.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
      });
      out.push(frames);
    }
    return out;
  });
}

/** Waits until the page decodes video from exactly `n` peers, and keeps decoding (frames increase). */
async function expectVideoFrom(page: Page, n: number) {
  await expect.poll(async () => (await framesDecoded(page)).filter((f) => f > 0).length, { timeout: 60_000, interval: 500 }).toBe(n);
  const before = await framesDecoded(page);
  await expect
    .poll(async () => {
      const now = await framesDecoded(page);
      return now.length === n && now.every((f, i) => f > (before[i] ?? 0));
    }, { timeout: 30_000, interval: 500 })
    .toBe(true);
}

async function openPeerConnections(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed').length);
}

async function entries(): Promise<Entry[]> {
  return (await coordApi.call<{ entries: Entry[] }>('GET', `/api/events/${event.id}/entries?limit=200`)).entries;
}

async function join(page: Page, screenshot?: string) {
  const button = page.getByRole('button', { name: 'Rejoindre la salle' });
  await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
  if (screenshot) await page.screenshot({ path: path.join(OUT, screenshot) });
  await button.click();
  await page.locator('.visio-tile[data-self="true"]').waitFor();
}

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS], env: { ...process.env, LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr' } }),
  ]);
  const admin = await adminApi(server.url);
  await createReadyUser(admin, 'coordination@e2e.test', 'Camille Coordination', 'coordinator');
  await createReadyUser(admin, 'contribution@e2e.test', 'Paul Terrain', 'contributor');
  await createReadyUser(admin, 'lecteur@e2e.test', 'Louis Lecteur', 'reader');
  coordApi = await ApiClient.login(server.url, 'coordination@e2e.test', USER_PASSWORD);
  const typeId = (await catalogue(coordApi, '/api/event-types'))[0].id;
  event = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Crue du Lez — cellule de crise', severity: 3 });
  secret = await coordApi.call<EventDetail>('POST', '/api/events', { typeId, title: 'Menace — cellule restreinte', severity: 4 });
  await coordApi.call('PUT', `/api/events/${secret.id}/audience`, { mode: 'restricted', grants: [{ kind: 'role', role: 'coordinator', access: 'write' }] });
  fs.mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('salle virtuelle', () => {
  test('trois participants dont un invité par lien : vidéo reçue de chacun, discussion copiée dans la main courante, départ vu, invité révoqué sorti', async () => {
    // The coordinator, on a desktop, opens the room from the event page.
    const coordContext = await newContext(browser, server.url, DESKTOP);
    await watchPeerConnections(coordContext);
    const coord = await coordContext.newPage();
    await loginUi(coord, 'coordination@e2e.test', USER_PASSWORD);
    await coord.getByRole('heading', { name: 'Bonjour Camille Coordination' }).waitFor();
    await coord.goto(`/evenements/${event.id}`);
    await coord.getByRole('heading', { name: 'Crue du Lez — cellule de crise' }).waitFor();
    await coord.screenshot({ path: path.join(OUT, 'visio-event-desktop.png') });
    await coord.getByTestId('visio-open').click();
    await coord.getByRole('heading', { name: /Salle virtuelle/ }).waitFor();
    await coord.getByText('Personne dans la salle pour l’instant.').waitFor();
    await join(coord, 'visio-lobby-desktop.png');
    await coord.getByText('Vous êtes seul dans la salle.', { exact: false }).waitFor();

    // The contributor, on a phone, by the room's address.
    const contribContext = await newContext(browser, server.url, PHONE);
    await watchPeerConnections(contribContext);
    // Its WebSockets, to cut its connection to the server as a network change would.
    await contribContext.addInitScript(() => {
      const Original = window.WebSocket;
      const all: WebSocket[] = [];
      (window as unknown as { __sockets: WebSocket[] }).__sockets = all;
      window.WebSocket = class extends Original {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          all.push(this);
        }
      };
    });
    const contrib = await contribContext.newPage();
    await loginUi(contrib, 'contribution@e2e.test', USER_PASSWORD);
    await contrib.getByRole('heading', { name: 'Bonjour Paul Terrain' }).waitFor();
    await contrib.goto(`/evenements/${event.id}`);
    // The event page says who is in the room.
    await contrib.getByTestId('visio-open').getByText('1 dans la salle').waitFor();
    await contrib.screenshot({ path: path.join(OUT, 'visio-event-phone.png') });
    await contrib.goto(`/evenements/${event.id}/salle`);
    await contrib.getByTestId('lobby-who').getByText('Déjà dans la salle : Camille Coordination').waitFor();
    await join(contrib);

    // A guest, by the room link of an invitation.
    const link = await coordApi.call<{ token: string; link: { id: string }; path: string }>('POST', `/api/events/${event.id}/guest-links`, {
      label: 'Préfecture — COD',
      access: 'write',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const guestContext = await newContext(browser, server.url, { width: 1024, height: 768 });
    await watchPeerConnections(guestContext);
    const guest = await guestContext.newPage();
    await guest.goto(`/invite?salle#${link.token}`);
    await guest.getByLabel('Votre nom').fill('Claire Martin');
    await guest.getByRole('button', { name: 'Rejoindre l’événement' }).click();
    await guest.getByRole('heading', { name: /Salle virtuelle/ }).waitFor();
    expect(new URL(guest.url()).pathname).toBe(`/evenements/${event.id}/salle`);
    await join(guest);

    // Everyone receives the other two's video.
    await Promise.all([expectVideoFrom(coord, 2), expectVideoFrom(contrib, 2), expectVideoFrom(guest, 2)]);
    for (const page of [coord, contrib, guest]) await expect.poll(() => page.locator('.visio-tile').count()).toBe(3);
    await coord.getByRole('button', { name: /^Participants/ }).waitFor();
    const people = coord.getByTestId('visio-people');
    if (!(await people.isVisible())) await coord.getByRole('button', { name: /^Participants/ }).click();
    await people.getByText('Claire Martin (invité)').waitFor();
    await people.getByText('Paul Terrain').waitFor();
    const joins = (await entries()).filter((e) => e.kind === 'system' && e.text.endsWith('a rejoint la salle virtuelle.'));
    expect(joins.map((e) => e.authorName).sort()).toEqual(['Camille Coordination', 'Claire Martin (invité)', 'Paul Terrain']);

    // Micro cut on the phone: the others see it.
    await contrib.getByRole('button', { name: 'Couper le micro' }).click();
    await contrib.getByRole('button', { name: 'Activer le micro' }).waitFor();
    const contribTile = coord.locator('.visio-tile', { hasText: 'Paul Terrain' });
    await contribTile.getByText('micro coupé').waitFor({ state: 'attached' });

    // Chat: the guest writes, the coordinator copies the message into the main courante in one click.
    await guest.getByRole('button', { name: 'Discussion' }).click();
    await guest.getByLabel('Message').fill('Le COD confirme l’ouverture du gymnase Léo-Lagrange.');
    await guest.getByRole('button', { name: 'Envoyer' }).click();
    await coord.getByRole('button', { name: /^Discussion/ }).click();
    const message = coord.locator('.visio-chat__msg', { hasText: 'Le COD confirme l’ouverture du gymnase Léo-Lagrange.' });
    await message.waitFor();
    await message.getByRole('button', { name: 'Copier dans la main courante' }).click();
    await message.getByText(/Copié dans la main courante \(entrée n° \d+\)/).waitFor();
    // The guest sees it copied, live.
    await guest.locator('.visio-chat__msg', { hasText: 'gymnase' }).getByText(/Copié dans la main courante/).waitFor();
    const copied = (await entries()).find((e) => e.text === 'Le COD confirme l’ouverture du gymnase Léo-Lagrange.');
    expect(copied?.authorName).toBe('Camille Coordination');
    expect(copied?.source).toMatch(/^Salle virtuelle — Claire Martin \(invité\), \d\d:\d\d$/);

    // The phone loses its connection to the server (network change): it reconnects by itself and
    // joins again as the same participant — the calls go on, no new line in the main courante.
    const sockets = () => contrib.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.length);
    const socketsBefore = await sockets();
    await contrib.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.forEach((ws) => ws.close()));
    await expect.poll(sockets, { timeout: 30_000 }).toBeGreaterThan(socketsBefore);
    await expect.poll(() => coord.locator('.visio-tile', { hasText: 'Paul Terrain' }).getAttribute('data-connected'), { timeout: 30_000 }).toBe('true');
    await Promise.all([expectVideoFrom(coord, 2), expectVideoFrom(contrib, 2)]);
    const after = await entries();
    expect(after.filter((e) => e.text.endsWith('a rejoint la salle virtuelle.'))).toHaveLength(3);
    expect(after.some((e) => e.text.includes('a quitté la salle virtuelle'))).toBe(false);

    await contrib.getByRole('button', { name: /^Discussion/ }).click();
    await contrib.locator('.visio-chat__msg', { hasText: 'gymnase' }).waitFor();
    await contrib.screenshot({ path: path.join(OUT, 'visio-chat-phone.png') });
    await contrib.getByRole('button', { name: /^Discussion/ }).click();

    await coord.getByRole('button', { name: /^Participants/ }).click();
    await coord.screenshot({ path: path.join(OUT, 'visio-room-desktop.png') });
    await contrib.screenshot({ path: path.join(OUT, 'visio-room-phone.png') });

    // The contributor leaves: the others see it at once, and it is in the main courante.
    await contrib.getByRole('button', { name: 'Quitter' }).click();
    await contrib.getByText('Vous avez quitté la salle.').waitFor();
    expect(await openPeerConnections(contrib)).toBe(0);
    for (const page of [coord, guest]) await expect.poll(() => page.locator('.visio-tile').count()).toBe(2);
    await expect.poll(async () => (await framesDecoded(coord)).length).toBe(1);
    expect((await entries()).some((e) => e.text.startsWith('Paul Terrain a quitté la salle virtuelle'))).toBe(true);

    // The guest's link is revoked: the guest is put out of the room, the others see it.
    await coordApi.call('POST', `/api/guest-links/${link.link.id}/revoke`);
    await guest.getByText('a révoqué votre lien d’invitation').waitFor();
    await expect.poll(() => openPeerConnections(guest)).toBe(0);
    await expect.poll(() => coord.locator('.visio-tile').count()).toBe(1);
    await coord.getByText('Vous êtes seul dans la salle.', { exact: false }).waitFor();
    await expect.poll(async () => (await entries()).some((e) => e.text.startsWith('Claire Martin (invité) a quitté la salle virtuelle') && e.text.includes('lien d’invitation révoqué'))).toBe(true);

    await Promise.all([coordContext.close(), contribContext.close(), guestContext.close()]);
  });

  test('une personne qui ne voit pas l’événement ne peut pas rejoindre sa salle, même avec son adresse ; caméra refusée : micro seul', async () => {
    const readerContext = await newContext(browser, server.url, PHONE);
    const reader = await readerContext.newPage();
    await loginUi(reader, 'lecteur@e2e.test', USER_PASSWORD);
    await reader.getByRole('heading', { name: 'Bonjour Louis Lecteur' }).waitFor();
    await reader.goto(`/evenements/${secret.id}/salle`);
    await reader.getByText('Ressource introuvable.').waitFor();
    expect(await reader.getByRole('button', { name: 'Rejoindre la salle' }).count()).toBe(0);
    // Even by writing the join frame on the realtime connection by hand.
    const answer = await reader.evaluate(async (eventId) => {
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api/realtime`);
      await new Promise((resolve) => ws.addEventListener('open', resolve));
      ws.send(JSON.stringify({ type: 'visio.join', eventId, participantId: crypto.randomUUID(), media: { audio: true, video: true, screen: false } }));
      return new Promise<unknown>((resolve) =>
        ws.addEventListener('message', (m) => {
          const f = JSON.parse(String(m.data)) as { type: string };
          if (f.type.startsWith('visio.')) resolve(f);
        }),
      );
    }, secret.id);
    expect(answer).toMatchObject({ type: 'visio.error', code: 'not_found' });
    const people = await coordApi.call<{ participants: unknown[] }>('GET', `/api/events/${secret.id}/visio`);
    expect(people.participants).toEqual([]);

    // The camera refused (the browser's answer), the microphone given: a clear message, then the room with the micro only.
    await reader.addInitScript(() => {
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (c?: MediaStreamConstraints) => (c?.video ? Promise.reject(new DOMException('refusé', 'NotAllowedError')) : original(c));
    });
    await reader.goto(`/evenements/${event.id}/salle`);
    await reader.getByText('Accès à la caméra refusé : vous rejoignez avec le micro seul.', { exact: false }).waitFor();
    await join(reader, 'visio-lobby-phone.png');
    await reader.getByRole('button', { name: 'Allumer la caméra' }).waitFor();
    await reader.getByRole('button', { name: 'Couper le micro' }).waitFor();
    await reader.getByRole('button', { name: 'Quitter' }).click();
    await readerContext.close();
  });
});
