import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The web app lives in src/web (index.html there); the production server serves dist/web with an
// SPA fallback. In development, Vite proxies the API and the realtime WebSocket to the server.
const repoRoot = path.dirname(fileURLToPath(import.meta.url));
const apiTarget = process.env.VIGIE_API_URL ?? 'http://localhost:8080';

/**
 * Writes a .br and a .gz beside each text file of the build, once: the server sends them to
 * browsers that accept them (@fastify/static `preCompressed`), so a phone downloads the application
 * about four times smaller without the server compressing anything per request.
 */
function precompress(): Plugin {
  return {
    name: 'vigie-precompress',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir!;
      const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
      for (const file of walk(dir)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const data = fs.readFileSync(file);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
        fs.writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: path.join(repoRoot, 'src/web'),
  publicDir: false,
  plugins: [react(), precompress()],
  build: {
    outDir: path.join(repoRoot, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, ws: true },
    },
  },
});
