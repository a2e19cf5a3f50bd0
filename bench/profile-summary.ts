/**
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]` — where a server spent its CPU: self time
 * by function and by module (package, src file, node internals), from a `node --cpu-prof` profile.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

function moduleOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(?:[^/]+\/)?/, 'node:');
  const src = /\/(src\/.+|dist\/src\/.+)$/.exec(url);
  return src?.[1] ?? url;
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const total = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
const durationS = (profile.endTime - profile.startTime) / 1e6;
const byFunction = new Map<string, number>();
const byModule = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (hits === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const mod = moduleOf(url, functionName);
  const fn = `${functionName || '(anonymous)'}  ${mod}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  byModule.set(mod, (byModule.get(mod) ?? 0) + hits);
}
const idle = byModule.get('(idle)') ?? 0;
const busy = total - idle;
const pct = (n: number): string => `${((n / Math.max(1, busy)) * 100).toFixed(1).padStart(5)} %`;
console.log(
  `${file}: ${durationS.toFixed(1)} s, ${total} samples, ${((busy / Math.max(1, total)) * 100).toFixed(0)} % busy`,
);
console.log('\nself time by module (share of busy samples):');
for (const [m, n] of [...byModule]
  .filter(([m]) => m !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`  ${pct(n)}  ${m}`);
}
console.log('\nself time by function:');
for (const [f, n] of [...byFunction]
  .filter(([f]) => !f.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`  ${pct(n)}  ${f}`);
}
