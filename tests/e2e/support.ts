// Shared helpers of the browser tests: a real server per test file, an HTTP client to seed data
// through the API (never SQL), and Debian's Chromium driven by playwright-core.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { Role, SessionInfo, UserWithTemporaryPassword } from '../../src/shared';
import { ADMIN, USER_PASSWORD } from './fixtures';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--lang=fr-FR',
];

async function clonePostgresDatabase(templateUrl: string): Promise<string> {
  const name = `${new URL(templateUrl).pathname.slice(1)}_e2e_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: templateUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${new URL(templateUrl).pathname.slice(1)}`);
  await admin.end();
  const u = new URL(templateUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropPostgresDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`).catch(() => {});
  await admin.end();
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1440, height: 900 } as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  /** Stops the server; the data directory is removed unless `keepData`. */
  stop: (options?: { keepData?: boolean }) => Promise<void>;
}

/** Starts the real server on a fresh copy of the template (or on `reuse`: same port and data). */
export async function startServer(reuse?: { port: number; dataDir: string }): Promise<RunningServer> {
  // `dataDir` is a PGlite directory, or the URL of a PostgreSQL database cloned from the template.
  const template = inject('e2eTemplateDir');
  const onPostgres = template.startsWith('postgres');
  let dataDir: string;
  if (reuse) dataDir = reuse.dataDir;
  else if (onPostgres) dataDir = await clonePostgresDatabase(template);
  else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-e2e-data-'));
    fs.cpSync(template, dataDir, { recursive: true });
  }
  const port = reuse?.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...(onPostgres ? { DATABASE_URL: dataDir } : { DATA_DIR: dataDir }), DEMO_DATA: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`le serveur s’est arrêté au démarrage :\n${out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`le serveur ne répond pas sur /api/health :\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    dataDir,
    output: () => out,
    stop: async (options) => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(timer);
      }
      if (!options?.keepData) {
        if (onPostgres) await dropPostgresDatabase(dataDir);
        else fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A signed-in API client (cookie + CSRF token), to seed data like a browser would. */
export class ApiClient {
  private cookie = '';
  session: SessionInfo | null = null;

  constructor(private readonly baseUrl: string) {}

  static async login(baseUrl: string, email: string, password: string): Promise<ApiClient> {
    const c = new ApiClient(baseUrl);
    await c.login(email, password);
    return c;
  }

  async login(email: string, password: string): Promise<SessionInfo> {
    const res = await this.raw('POST', '/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`connexion de ${email} refusée : ${res.status} ${JSON.stringify(res.body)}`);
    this.session = res.body as SessionInfo;
    return this.session;
  }

  async raw(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { Accept: 'application/json', Origin: this.baseUrl };
    if (this.cookie) headers.Cookie = this.cookie;
    if (method !== 'GET' && this.session) headers['X-CSRF-Token'] = this.session.csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.baseUrl + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (pair.startsWith('vigie_session=')) this.cookie = pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed };
  }

  async call<T>(method: string, pathname: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, pathname, body);
    if (res.status >= 300) throw new Error(`${method} ${pathname} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  }

  /** Multipart upload (field `file`), like the browser's FormData. */
  async upload<T>(pathname: string, fileName: string, contentType: string, data: Uint8Array): Promise<T> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type: contentType }), fileName);
    const headers: Record<string, string> = { Accept: 'application/json', Origin: this.baseUrl, Cookie: this.cookie };
    if (this.session) headers['X-CSRF-Token'] = this.session.csrfToken;
    const res = await fetch(this.baseUrl + pathname, { method: 'POST', headers, body: form });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.status >= 300) throw new Error(`POST ${pathname} → ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  }

  createUser(email: string, displayName: string, role: Role): Promise<UserWithTemporaryPassword> {
    return this.call('POST', '/api/users', { email, displayName, role });
  }
}

export async function adminApi(baseUrl: string): Promise<ApiClient> {
  return ApiClient.login(baseUrl, ADMIN.email, ADMIN.password);
}

/** Creates a user and sets their own password through the API, ready to log in. */
export async function createReadyUser(admin: ApiClient, email: string, name: string, role: Role, password = USER_PASSWORD) {
  const { user, temporaryPassword } = await admin.createUser(email, name, role);
  const c = await ApiClient.login(admin['baseUrl'], email, temporaryPassword);
  await c.call('POST', '/api/auth/password', { currentPassword: temporaryPassword, newPassword: password });
  return { user, password };
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  const deadline = Date.now() + 5 * 60_000;
  while (!fs.existsSync(executablePath)) {
    if (Date.now() > deadline) throw new Error('/usr/bin/chromium introuvable');
    await new Promise((r) => setTimeout(r, 5000));
  }
  // French UI language: date and time pickers show "jj/mm/aaaa" like on the agents' computers.
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, env: { ...process.env, LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr' } });
}

export async function newContext(browser: Browser, baseURL: string, viewport: { width: number; height: number } = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    deviceScaleFactor: 1,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  // Generous: on a 2-core CI machine the server, Chromium and other test files share the processor.
  context.setDefaultTimeout(30_000);
  return context;
}

/** Fills the login form and submits it. */
export async function loginUi(page: Page, email: string, password: string) {
  if (!page.url().includes('/connexion')) await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** Chooses a new password on the forced screen. */
export async function choosePasswordUi(page: Page, temporaryPassword: string, newPassword = USER_PASSWORD) {
  await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
  await page.getByLabel('Mot de passe temporaire').fill(temporaryPassword);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirmer le nouveau mot de passe').fill(newPassword);
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
}
