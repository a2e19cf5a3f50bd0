// Bundles the browser client into public/ (served at /assets): reader.js, console.js, style.css.
// socket.io-client is bundled in, never loaded from a CDN (the page's CSP allows only 'self').
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: {
    reader: 'client/reader.ts',
    console: 'client/console.ts',
    style: 'client/style.css',
  },
  outdir: 'public',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
