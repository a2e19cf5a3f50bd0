// Bundles the browser client into public/ (served at /assets): reader.js, console.js, style.css,
// minified, target es2020, with source maps. socket.io-client is bundled in, never loaded from a CDN
// (the page's CSP allows scripts only from 'self').
// Each output file is written to a temporary name and renamed, so a server (or a parallel test run)
// never serves a half-written bundle.
import { build } from 'esbuild';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const result = await build({
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
  write: false,
});

await mkdir(join(root, 'public'), { recursive: true });
await Promise.all(
  result.outputFiles.map(async (file) => {
    const tmp = `${file.path}.${process.pid}.tmp`;
    await writeFile(tmp, file.contents);
    await rename(tmp, file.path);
  }),
);
