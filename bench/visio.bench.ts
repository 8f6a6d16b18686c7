/**
 * npm run bench:visio — the virtual room (WebRTC mesh) with 2, 4 and 6 participants on this machine.
 *
 * The server runs as its own process (`node --import tsx src/server/main.ts`, PGlite in a temporary
 * directory, the demo data: Montpellier's accounts), so that its CPU is measured apart from the
 * browsers'. Debian's Chromium (playwright-core) with the fake camera and microphone of the browser
 * tests; one browser context per participant (1280×720): four accounts of the demo city, then
 * guests invited by link. For each room size (BENCH_SIZES, default 2,4,6):
 *  1. every participant opens /evenements/:id/salle and joins; time until every one decodes video
 *     from every other (the mesh is up), and the signalling this took (WebSocket bytes of all pages);
 *  2. then, for BENCH_SECONDS (default 30), in the steady call:
 *     - the server's CPU (utime + stime of its process, /proc) as a share of one core;
 *     - the WebSocket traffic of all pages together (what the server relays: signalling, pings,
 *       realtime) — per minute of call;
 *     - each browser's outgoing media bitrate (outbound-rtp bytesSent) and the worst incoming
 *       frame rate of any of its peers (framesDecoded), packet loss;
 *     - the browsers' CPU (all Chromium processes, /proc) and the machine's load.
 * A room is called usable when every participant receives every other at ≥ BENCH_MIN_FPS (10)
 * images/s. The largest usable size is printed at the end. BENCH_CAMERA=0 measures rooms where
 * everyone has cut their camera (usable: ≥ 40 audio packets/s from every peer).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { watchPeerConnections, WEBRTC_ARGS } from '../tests/e2e/webrtc';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const SIZES = (env.BENCH_SIZES ?? '2,4,6').split(',').map((s) => Number(s.trim()));
const SECONDS = Number(env.BENCH_SECONDS ?? 30);
const MIN_FPS = Number(env.BENCH_MIN_FPS ?? 10);
/** BENCH_CAMERA=0: everyone joins with the microphone only (cameras off). */
const CAMERA = env.BENCH_CAMERA !== '0';
/** Opus sends 50 packets a second: below 40 received from a peer, its voice breaks up. */
const MIN_AUDIO_PPS = 40;
/** How many of the demo city's accounts take part before guests invited by link (BENCH_ACCOUNTS, up to 4). */
const ACCOUNTS = Number(env.BENCH_ACCOUNTS ?? 4);
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--lang=fr-FR'];
const CLK_TCK = 100;

const log = (line: string) => process.stdout.write(`${line}\n`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} Kio`;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds of every Chromium process. */
function chromiumCpuSeconds(): number {
  let total = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm.startsWith('chrom')) total += cpuSeconds(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

interface Server {
  url: string;
  child: ChildProcess;
  accounts: Array<{ email: string; password: string }>;
  stop: () => Promise<void>;
}

async function startServer(): Promise<Server> {
  const webDir = path.join(root, 'dist', 'web');
  if (!fs.existsSync(path.join(webDir, 'index.html'))) {
    log('interface web non construite (dist/web/index.html absent) : npx vite build…');
    execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-bench-visio-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_DATA: 'true', LOG_LEVEL: 'warn', REQUESTS_PER_MINUTE: '1000000', WEB_DIST_DIR: webDir, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`le serveur ne démarre pas :\n${out}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  // The demo accounts of Montpellier, as printed at the first start.
  const accounts = [...out.matchAll(/(\S+@montpellier\.demo)\s+(\S+)/g)].map((m) => ({ email: m[1], password: m[2] }));
  if (accounts.length < 4) throw new Error(`comptes de démonstration introuvables dans la sortie du serveur :\n${out.slice(0, 2000)}`);
  return {
    url,
    child,
    accounts,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function api<T>(base: string, session: { cookie: string; csrf: string }, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, origin: base, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url} : ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function login(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`connexion ${email} : ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('vigie_session='))!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Warnings of the room's code in the pages (failed negotiations...), counted. */
const warnings = new Map<string, number>();

interface Participant {
  context: BrowserContext;
  page: Page;
  wsBytes: { n: number };
}

async function openParticipant(browser: Browser, base: string, eventId: string, who: { email: string; password: string } | { guestToken: string; name: string }): Promise<Participant> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 720 }, locale: 'fr-FR' });
  context.setDefaultTimeout(120_000);
  await watchPeerConnections(context);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().includes('[vigie] salle')) warnings.set(m.text().slice(0, 160), (warnings.get(m.text().slice(0, 160)) ?? 0) + 1);
  });
  const wsBytes = { n: 0 };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => (wsBytes.n += Buffer.byteLength(String(f.payload))));
    ws.on('framereceived', (f) => (wsBytes.n += Buffer.byteLength(String(f.payload))));
  });
  if ('guestToken' in who) {
    await page.goto(`/invite?salle#${who.guestToken}`);
    await page.getByLabel('Votre nom').fill(who.name);
    await page.getByRole('button', { name: 'Rejoindre l’événement' }).click();
  } else {
    await page.goto('/connexion');
    await page.getByLabel('Adresse e-mail').fill(who.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
    await page.goto(`/evenements/${eventId}/salle`);
  }
  const join = page.getByRole('button', { name: 'Rejoindre la salle' });
  await join.waitFor();
  for (let i = 0; i < 300 && !(await join.isEnabled()); i++) await page.waitForTimeout(100);
  if (!CAMERA) await page.getByRole('checkbox', { name: 'Caméra' }).uncheck();
  await join.click();
  return { context, page, wsBytes };
}

interface PageStats {
  open: number;
  /** Frames decoded per peer connection. */
  frames: number[];
  /** Audio packets received per peer connection. */
  audio: number[];
  bytesSent: number;
  packetsLost: number;
  packetsReceived: number;
}

async function pageStats(page: Page): Promise<PageStats> {
  return page.evaluate(async () => {
    const out = { open: 0, frames: [] as number[], audio: [] as number[], bytesSent: 0, packetsLost: 0, packetsReceived: 0 };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      out.open += 1;
      const report = await pc.getStats();
      let frames = 0;
      let audio = 0;
      report.forEach((s: Record<string, number | string | undefined>) => {
        if (s.type === 'inbound-rtp') {
          if (s.kind === 'video') frames += Number(s.framesDecoded ?? 0);
          else audio += Number(s.packetsReceived ?? 0);
          out.packetsLost += Number(s.packetsLost ?? 0);
          out.packetsReceived += Number(s.packetsReceived ?? 0);
        } else if (s.type === 'outbound-rtp') out.bytesSent += Number(s.bytesSent ?? 0);
      });
      out.frames.push(frames);
      out.audio.push(audio);
    }
    return out;
  });
}

async function benchSize(browser: Browser, server: Server, n: number) {
  const coord = server.accounts.find((a) => a.email.startsWith('coordination'))!;
  const coordSession = await login(server.url, coord.email, coord.password);
  const types = await api<{ items: Array<{ id: string }> }>(server.url, coordSession, 'GET', '/api/event-types');
  const event = await api<{ id: string }>(server.url, coordSession, 'POST', '/api/events', { typeId: types.items[0].id, title: `Banc salle virtuelle — ${n} participants`, severity: 2 });
  const who: Array<{ email: string; password: string } | { guestToken: string; name: string }> = [];
  for (let i = 0; i < n; i++) {
    if (i < Math.min(server.accounts.length, ACCOUNTS)) who.push(server.accounts[i]);
    else {
      const link = await api<{ token: string }>(server.url, coordSession, 'POST', `/api/events/${event.id}/guest-links`, { label: `Invité ${i}`, access: 'read', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
      who.push({ guestToken: link.token, name: `Invité numéro ${i}` });
    }
  }
  log(`\n== ${n} participants${CAMERA ? '' : ' (caméras coupées : micro seul)'}`);
  const t0 = performance.now();
  const people: Participant[] = [];
  for (const w of who) people.push(await openParticipant(browser, server.url, event.id, w));
  const joinedAt = performance.now();
  // The mesh is up when every page decodes video from every other.
  let meshUp = false;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const all = await Promise.all(people.map((p) => pageStats(p.page)));
    if (all.every((s) => (CAMERA ? s.frames : s.audio).filter((f) => f > 0).length === n - 1)) {
      meshUp = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!meshUp) {
    // Which links did not come up: the state of every peer connection of every page.
    for (const [i, p] of people.entries()) {
      const states = await p.page.evaluate(() =>
        (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`),
      );
      log(`  participant ${i + 1} : ${states.join(' ; ')}`);
    }
  }
  const setupBytes = people.reduce((s, p) => s + p.wsBytes.n, 0);
  log(`  établissement : ${meshUp ? 'maillage complet' : 'INCOMPLET après 120 s'} ${((performance.now() - joinedAt) / 1000).toFixed(1)} s après le dernier « Rejoindre » (ouverture des ${n} pages : ${((joinedAt - t0) / 1000).toFixed(1)} s) ; WebSocket de toutes les pages jusque-là : ${kb(setupBytes)}`);

  // Steady call.
  const before = await Promise.all(people.map((p) => pageStats(p.page)));
  const wsBefore = people.map((p) => p.wsBytes.n);
  const serverCpu0 = cpuSeconds(server.child.pid!);
  const chromeCpu0 = chromiumCpuSeconds();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = await Promise.all(people.map((p) => pageStats(p.page)));
  const secs = (performance.now() - w0) / 1000;
  const serverCpu = (cpuSeconds(server.child.pid!) - serverCpu0) / secs;
  const chromeCpu = (chromiumCpuSeconds() - chromeCpu0) / secs;
  const wsPerMinute = (people.reduce((s, p, i) => s + p.wsBytes.n - wsBefore[i], 0) / secs) * 60;
  let worstFps = Infinity;
  const lines: string[] = [];
  after.forEach((a, i) => {
    const b = before[i];
    // Links rebuilt during the window restart their counters: what went back counts as nothing.
    const outKbps = Math.max(0, ((a.bytesSent - b.bytesSent) * 8) / 1000 / secs);
    const rates = (CAMERA ? a.frames : a.audio).map((f, j) => Math.max(0, f - ((CAMERA ? b.frames : b.audio)[j] ?? 0)) / secs);
    const minFps = rates.length === n - 1 ? Math.min(...rates) : 0;
    worstFps = Math.min(worstFps, minFps);
    const lost = Math.max(0, a.packetsLost - b.packetsLost);
    const received = Math.max(0, a.packetsReceived - b.packetsReceived);
    lines.push(`    participant ${i + 1} : envoie ${outKbps.toFixed(0)} kbit/s (${n - 1} flux ${CAMERA ? 'vidéo + audio' : 'audio'}), reçoit au pire ${minFps.toFixed(1)} ${CAMERA ? 'img/s' : 'paquets audio/s'}, pertes ${received + lost > 0 ? ((100 * lost) / (received + lost)).toFixed(2) : '0'} %`);
  });
  log(`  appel établi, mesuré sur ${secs.toFixed(0)} s :`);
  log(`    serveur : CPU ${(serverCpu * 100).toFixed(1)} % d’un cœur ; trafic WebSocket (signalisation, pings, temps réel) ${kb(wsPerMinute)} par minute d’appel, toutes pages ensemble`);
  log(`    navigateurs (tous les processus Chromium) : CPU ${(chromeCpu * 100).toFixed(0)} % d’un cœur ; charge de la machine ${os.loadavg()[0].toFixed(1)} (${os.cpus().length} cœurs)`);
  for (const l of lines) log(l);
  const threshold = CAMERA ? MIN_FPS : MIN_AUDIO_PPS;
  const usable = meshUp && worstFps >= threshold;
  log(`  → ${usable ? 'utilisable' : 'NON utilisable'} (pire réception d’un pair ${Number.isFinite(worstFps) ? worstFps.toFixed(1) : '—'} ${CAMERA ? 'img/s' : 'paquets audio/s'}, seuil ${threshold})`);

  for (const [text, count] of warnings) log(`    avertissement des pages (${count}×) : ${text}`);
  warnings.clear();
  for (const p of people) await p.page.getByRole('button', { name: 'Quitter' }).click().catch(() => {});
  for (const p of people) await p.context.close();
  return usable;
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    log(`${CHROMIUM} introuvable (apt-get install -y chromium) : banc ignoré`);
    return;
  }
  log(`bench:visio — salle virtuelle en maillage WebRTC, Chromium headless (caméra et micro simulés), ${os.cpus().length} cœurs, ${(os.totalmem() / 2 ** 30).toFixed(0)} Gio`);
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS], env: { ...env, LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr' } });
  let largest = 0;
  try {
    for (const n of SIZES) {
      if (await benchSize(browser, server, n)) largest = Math.max(largest, n);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  log(`\nPlus grande salle utilisable sur cette machine (tous les navigateurs sur ${os.cpus().length} cœurs${CAMERA ? '' : ', caméras coupées'}) : ${largest || 'aucune'} participant(s).`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
