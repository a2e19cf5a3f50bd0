/**
 * Every child process the benchmark starts goes through here, so that all of them — servers, the
 * private redis-server, reader workers — are stopped on success, on error, on Ctrl-C, and even when
 * this process is killed outright (a detached reaper kills them when our end of its stdin closes).
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';

const REAPER_SCRIPT = `
const pids = new Set();
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const [op, pid] = buf.slice(0, i).split(' ');
    buf = buf.slice(i + 1);
    if (op === 'add') pids.add(Number(pid)); else pids.delete(Number(pid));
  }
});
process.stdin.on('end', () => {
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

const children = new Set<ChildProcess>();
let reaper: ChildProcess | undefined;

function reaperWrite(line: string): void {
  if (!reaper) {
    reaper = spawn(process.execPath, ['-e', REAPER_SCRIPT], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    reaper.unref();
    (reaper.stdin as Socket | null)?.unref();
    reaper.stdin?.on('error', () => undefined);
  }
  reaper.stdin?.write(`${line}\n`);
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  // A spawn failure (e.g. ENOENT) is reported by whoever waits for the child; never an uncaught 'error'.
  child.on('error', () => undefined);
  if (child.pid !== undefined) reaperWrite(`add ${child.pid}`);
  child.once('exit', () => {
    children.delete(child);
    if (child.pid !== undefined) reaperWrite(`del ${child.pid}`);
  });
  return child;
}

/** Synchronous last resort (for 'exit' handlers): SIGKILL every child still running. */
export function killAllNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  reaper?.stdin?.end();
}

/** SIGTERM (or the given signal), then SIGKILL after graceMs. */
export async function stopProcess(
  child: ChildProcess,
  graceMs = 10_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopProcess(c, 3000)));
  reaper?.stdin?.end();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves with the first stdout match of `pattern`; rejects on exit or after timeoutMs. */
function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onOut = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) {
        finish();
        resolve(m);
      }
    };
    const onErr = (chunk: Buffer): void => {
      err = (err + chunk.toString()).slice(-2000);
    };
    const onExit = (code: number | null): void => {
      finish();
      reject(new Error(`${what} exited (${code}) before it was ready:\n${(out + err).slice(-1500)}`));
    };
    const onError = (e: Error): void => {
      finish();
      reject(new Error(`${what} could not be started: ${e.message}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`${what} not ready within ${timeoutMs} ms:\n${(out + err).slice(-1500)}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining, so a chatty child never blocks on a full pipe; keep the stderr tail for errors.
      child.stdout?.resume();
    };
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

export interface RedisProcess {
  port: number;
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'liveblog-bench-redis-'));
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  try {
    await waitForLine(child, /Ready to accept connections/, 10_000, 'redis-server');
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    stop: async () => {
      await stopProcess(child, 2000, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Last lines of stderr, for error messages. */
  stderrTail: () => string;
}

export async function startServer(
  command: readonly string[],
  env: Record<string, string>,
  name: string,
  cwd: string,
): Promise<ServerProcess> {
  const [bin, ...args] = command;
  if (!bin) throw new Error(`empty command for ${name}`);
  const child = track(
    spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  try {
    const m = await waitForLine(child, /listening on (http:\/\/[^\s:/]+:\d+)/, 30_000, name);
    return { url: m[1] ?? '', pid: child.pid ?? -1, child, stderrTail: () => tail };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** A TypeScript worker run through tsx, with an IPC channel. */
export function forkWorker(script: string, args: readonly string[]): ChildProcess {
  return track(
    fork(script, [...args], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}
