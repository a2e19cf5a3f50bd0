/**
 * The reader page stays light (issue 9): the built reader bundle (socket.io-client included) and its
 * stylesheet, gzipped, stay under a budget. Budget = the size on 2026-11-29 (reader.js 22.5 kB gzip,
 * style.css 2.6 kB) plus about a third for growth; README "Reader safety and weight" says so. Raise
 * it only on purpose, in the same commit as what made the bundle grow.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const READER_JS_GZIP_BUDGET = 30_000;
const STYLE_CSS_GZIP_BUDGET = 4_000;

function gzipSize(file: string): number {
  return gzipSync(readFileSync(join(ROOT, 'public', file)), { level: 9 }).length;
}

describe('reader bundle budget', () => {
  it('reader.js and style.css, gzipped, stay under budget', () => {
    execFileSync(process.execPath, [join(ROOT, 'client', 'build.mjs')], { stdio: 'inherit' });
    const js = gzipSize('reader.js');
    const css = gzipSize('style.css');
    expect(js).toBeGreaterThan(5_000); // it really is the bundle, socket.io-client inside
    expect(js).toBeLessThan(READER_JS_GZIP_BUDGET);
    expect(css).toBeLessThan(STYLE_CSS_GZIP_BUDGET);
  });
});
