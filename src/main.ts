/** The only module with side effects: load config, start, and stop on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from './config.js';
import { createServer, SHUTDOWN_TIMEOUT_MS, startupText } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`liveblog: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = await createServer(config);
  process.stdout.write(startupText(await server.start()));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    const hardExit = setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS + 1500);
    hardExit.unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`liveblog: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
