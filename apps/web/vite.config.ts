import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const __dirname = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(__dirname, '../..');
const apiTarget = process.env.HAPPYCHAT_API ?? 'http://127.0.0.1:3000';

/** Public files a page load needs (the rest of public/ is fetched when used). */
const PUBLIC_SHELL = ['/manifest.webmanifest', '/icon.svg', '/icons/icon-192.png', '/icons/badge-96.png'];

/**
 * Emits /sw.js from sw/sw.js with this build's version and app shell filled in: the version is a
 * hash of everything built, so a new build is a new worker with a new cache, and an unchanged
 * build keeps the old one.
 */
function serviceWorker(): Plugin {
  return {
    name: 'service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.values(bundle)
        .filter((f) => !f.fileName.endsWith('.map'))
        .sort((a, b) => a.fileName.localeCompare(b.fileName));
      const hash = createHash('sha256');
      for (const f of files) hash.update(f.fileName).update(f.type === 'chunk' ? f.code : f.source);
      for (const p of PUBLIC_SHELL) hash.update(fs.readFileSync(path.join(__dirname, 'public', p)));
      const shell = [
        '/',
        ...files.filter((f) => f.fileName !== 'index.html').map((f) => `/${f.fileName}`),
        ...PUBLIC_SHELL,
      ];
      const source = fs
        .readFileSync(path.join(__dirname, 'sw/sw.js'), 'utf8')
        .replace("'__HC_VERSION__'", JSON.stringify(hash.digest('hex').slice(0, 16)))
        .replace('__HC_SHELL__', JSON.stringify(shell));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root: __dirname,
  publicDir: path.resolve(__dirname, 'public'),
  plugins: [react(), serviceWorker()],
  resolve: {
    // Matches `@app/contracts` and subpaths such as `@app/contracts/limits`.
    alias: { '@app/contracts': path.resolve(repoRoot, 'libs/contracts/src') },
  },
  build: {
    outDir: path.resolve(__dirname, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/ws': { target: apiTarget.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
  preview: { host: '127.0.0.1', port: 4173 },
});
