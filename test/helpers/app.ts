/** Starts a real liveblog server on port 0 for a test, on Redis (private server) or the memory store. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createServer, type LiveblogServer } from '../../src/server.js';
import { pino } from 'pino';

export interface TestApp {
  url: string;
  port: number;
  token: string;
  server: LiveblogServer;
  stop(): Promise<void>;
}

export const EDITOR_TOKEN = 'test-editor-token-1';
export const SECOND_EDITOR_TOKEN = 'test-editor-token-2';

export async function startApp(
  options: { redisUrl?: string; prefix?: string; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    EDITOR_TOKENS: `Alice Smith:${EDITOR_TOKEN},Wire desk:${SECOND_EDITOR_TOKEN}`,
    LOG_LEVEL: 'error',
    // Suites write far faster than any editor; tests of the limit set it explicitly.
    EDITOR_WRITES_PER_SECOND: '0',
    READER_REQUESTS_PER_SECOND: '0',
    // Uploaded media go to a scratch directory, never into the working tree.
    MEDIA_DIR: join(tmpdir(), 'liveblog-test-media'),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.prefix ? { REDIS_PREFIX: options.prefix } : {}),
    ...options.env,
  });
  const server = await createServer(config, { logger: pino({ level: 'silent' }) });
  const { url, port } = await server.start();
  let stopped = false;
  return {
    url,
    port,
    token: server.editorToken,
    server,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

let counter = 0;
/** A blog id / prefix unique to this test file and run. */
export function uniqueId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 60);
}
