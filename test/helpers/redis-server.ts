/**
 * A private redis-server on a free loopback port, so tests may flush, stop and restart it
 * without touching the machine's Redis on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export interface RedisServerOptions {
  /**
   * `none` (default): no RDB, no AOF, so a restart is a wiped Redis. `aof`: `appendonly yes` with
   * `appendfsync always`, so every acknowledged write survives a SIGKILL and restart.
   */
  persistence?: 'none' | 'aof';
  /** More redis-server arguments (e.g. `--cluster-enabled yes`, `--replicaof 127.0.0.1 6380`). */
  args?: string[];
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'liveblog-redis-'));

  private constructor(
    readonly port: number,
    private readonly persistence: 'none' | 'aof',
    private readonly args: string[] = [],
  ) {}

  /** The server's own directory (its AOF, cluster config file, …). */
  get directory(): string {
    return this.dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(port?: number, options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), options.persistence ?? 'none', options.args);
    await server.restart();
    return server;
  }

  /**
   * SIGKILLs the process (if running) and starts it again on the same port and directory: without
   * persistence the history is lost, like a wiped Redis; with AOF it is reloaded.
   */
  async restart(): Promise<void> {
    await this.stop();
    const persistence =
      this.persistence === 'aof'
        ? ['--appendonly', 'yes', '--appendfsync', 'always']
        : ['--appendonly', 'no'];
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...persistence,
        '--dir',
        this.dir,
        ...this.args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
    proc.removeAllListeners('exit');
    proc.stdout?.resume();
  }

  /** Freezes the process (SIGSTOP): connections stay open, nothing is read or answered. */
  pause(): void {
    if (!this.proc?.kill('SIGSTOP')) throw new Error('redis-server is not running');
  }

  /** Lets a paused process run again (SIGCONT): it then reads and runs whatever was sent meanwhile. */
  resume(): void {
    if (!this.proc?.kill('SIGCONT')) throw new Error('redis-server is not running');
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
