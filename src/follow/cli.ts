#!/usr/bin/env node
/**
 * `liveblog follow <blogId…|--all> [--from <cursor|start|now>] [--redis <url> | --cluster <nodes>] [--prefix <p>]`:
 * one JSON event per line (NDJSON) on stdout, diagnostics on stderr. Ends with status 0 on SIGINT,
 * SIGTERM or a closed stdout (`| head`), 2 on a usage error, 1 on a failure.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Cluster } from 'ioredis';
import { follow, type Follower } from './follower.js';

const USAGE =
  'usage: liveblog follow <blogId…|--all> [--from <cursor|start|now>] [--redis <url> | --cluster <host:port,…>] [--prefix <p>]\n' +
  '  --from    where to start: a cursor (right after that event), start (the oldest event kept) or now (default)\n' +
  '  --redis   Redis URL (default: $REDIS_URL, else redis://127.0.0.1:6379)\n' +
  '  --cluster seed nodes of a Redis Cluster (default: $REDIS_CLUSTER_NODES when --redis is not given)\n' +
  "  --prefix  the server's REDIS_PREFIX (default: $REDIS_PREFIX, else liveblog:)\n";

const STOP_TIMEOUT_MS = 5000;

function warn(message: string): void {
  process.stderr.write(`liveblog follow: ${message}\n`);
}

function main(argv: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        all: { type: 'boolean', default: false },
        from: { type: 'string' },
        redis: { type: 'string' },
        cluster: { type: 'string' },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  const [command, ...blogIds] = positionals;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (command !== 'follow' || values.all === blogIds.length > 0) {
    process.stderr.write(USAGE);
    process.exit(2);
  }

  let follower: Follower;
  try {
    const nodes = values.cluster ?? (values.redis ? undefined : process.env.REDIS_CLUSTER_NODES);
    follower = follow({
      redis: nodes ? clusterOf(nodes) : (values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
      prefix: values.prefix ?? process.env.REDIS_PREFIX ?? 'liveblog:',
      blogs: values.all ? 'all' : blogIds,
      from: values.from,
      onEvent: async (event) => {
        // Waiting for a full pipe to drain is the back-pressure: the follower reads no further meanwhile.
        if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await once(process.stdout, 'drain');
      },
      onReset: (blogId, reason) =>
        warn(
          `${blogId}: ${reason === 'epoch' ? 'history wiped, new epoch' : 'events trimmed before they were read'}; continuing`,
        ),
      onError: (err, blogId) => warn(`${blogId ? `${blogId}: ` : ''}${err.message}`),
    });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }

  let ending = false;
  const end = (code: number): void => {
    if (ending) return;
    ending = true;
    // A reader that keeps its pipe open but stops reading would hold the event in hand forever.
    setTimeout(() => process.exit(code), STOP_TIMEOUT_MS).unref();
    void follower.stop().then(() => process.exit(code));
  };
  process.on('SIGINT', () => end(0));
  process.on('SIGTERM', () => end(0));
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') warn(err.message);
    end(err.code === 'EPIPE' ? 0 : 1);
  });
  follower.done.then(
    () => end(0),
    (err: unknown) => {
      if (ending) return; // e.g. the write that met the closed pipe
      warn(err instanceof Error ? err.message : String(err));
      end(1);
    },
  );
}

/** A Redis Cluster client from `host:port,…` (the follower takes its own copy of it). */
function clusterOf(nodes: string): Cluster {
  const seeds = nodes.split(',').map((node) => {
    const m = /^\s*(.+):(\d{1,5})\s*$/.exec(node);
    if (!m?.[1]) throw new Error(`--cluster: ${JSON.stringify(node)} is not host:port`);
    return { host: m[1], port: Number(m[2]) };
  });
  const cluster = new Cluster(seeds, { lazyConnect: true });
  cluster.on('error', (err: Error) => warn(err.message));
  return cluster;
}

main(process.argv.slice(2));
