// The built web application is served precompressed: the build writes .br and .gz beside each
// asset (vite.config.ts) and the server sends the one the browser accepts, unchanged otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let dir: string;
const script = `console.log(${JSON.stringify('Vigie '.repeat(2000))});`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Vigie</title>');
  fs.writeFileSync(path.join(dir, 'assets/index-abc.js'), script);
  fs.writeFileSync(path.join(dir, 'assets/index-abc.js.br'), brotliCompressSync(script));
  fs.writeFileSync(path.join(dir, 'assets/index-abc.js.gz'), gzipSync(script));
  t = await startTestApp({ WEB_DIST_DIR: dir });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('web application files', () => {
  it('are sent brotli- or gzip-compressed to browsers that accept it, plain otherwise, cached forever', async () => {
    const br = await t.app.inject({ method: 'GET', url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);
    const gz = await t.app.inject({ method: 'GET', url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);
    const plain = await t.app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    // A page of the application still gets the index.
    const page = await t.app.inject({ method: 'GET', url: '/evenements/123?vue=carte', headers: { 'accept-encoding': 'br' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Vigie</title>');
  });
});
