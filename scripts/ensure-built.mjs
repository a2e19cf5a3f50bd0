// `npm start` / `npm run demo` on a fresh clone: `npm install` already built (its `prepare` script runs
// `npm run build`), but an install with --ignore-scripts did not. Builds once when dist/ or the browser
// bundles are missing, saying so; an existing build is used as it is (after changing the sources, run
// `npm run build`, or use `npm run dev`).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const needed = ['dist/src/main.js', 'dist/src/demo.js', 'public/reader.js', 'public/console.js'];
const missing = needed.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.error(`liveblog: no build yet (${missing.join(', ')} missing) — running npm run build first`);
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
