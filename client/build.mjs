// Bundles the browser client into public/ (served at /assets): reader.js, console.js, style.css,
// embed-page.js and embed-style.css (the embed's frame), minified, target es2020, with source maps; and
// embed.js, the loader host pages include from /embed.js, without one (its URL is not under /assets). socket.io-client is bundled in, never loaded from a CDN
// (the page's CSP allows scripts only from 'self').
// Each output file is written to a temporary name and renamed, so a server (or a parallel test run)
// never serves a half-written bundle.
import { build } from 'esbuild';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  absWorkingDir: root,
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
};

const results = await Promise.all([
  build({
    ...common,
    entryPoints: {
      reader: 'client/reader.ts',
      console: 'client/console.ts',
      style: 'client/style.css',
      'embed-page': 'client/embed-page.ts',
      'embed-style': 'client/embed-style.css',
    },
  }),
  build({ ...common, entryPoints: { embed: 'client/embed.ts' }, sourcemap: false }),
]);

await mkdir(join(root, 'public'), { recursive: true });
await Promise.all(
  results
    .flatMap((result) => result.outputFiles)
    .map(async (file) => {
      const tmp = `${file.path}.${process.pid}.tmp`;
      await writeFile(tmp, file.contents);
      await rename(tmp, file.path);
    }),
);
