/**
 * A liveblog instance as its own process (`node --import tsx src/main.ts`), so a test can SIGKILL or
 * SIGTERM it and start a replacement on the same port, the way a deploy or a crash does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { until, within } from './wait.js';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface Instance {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** SIGTERM and wait for the exit (SPEC §1: within 10 s). */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL and wait for the exit: no shutdown of any kind. */
  kill(): Promise<void>;
}

/**
 * Starts one instance on `port` with `env` (PORT and HOST are set here) and resolves once it printed its
 * "listening on" line. Only what the process needs is passed: nothing of the test runner's environment.
 */
export async function launchInstance(port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'error',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  try {
    await until(
      `instance on port ${port} to listen`,
      () => {
        if (!alive()) throw new Error(`instance on port ${port} exited early: ${err}`);
        return out.includes('listening on http://');
      },
      20_000,
    );
  } catch (e) {
    if (alive()) child.kill('SIGKILL');
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    exited,
    stderr: () => err,
    async terminate() {
      if (alive()) child.kill('SIGTERM');
      return within(12_000, `instance on port ${port} to exit after SIGTERM`, exited);
    },
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await within(5000, `instance on port ${port} to exit after SIGKILL`, exited);
    },
  };
}
