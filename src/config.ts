/** The only reader of process.env (SPEC §1). Every value is validated; a bad one names its variable. */
import { isIP } from 'node:net';
import { z } from 'zod';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const EditorTokensSchema = z.string().transform((raw, ctx) => {
  const editors: { name: string; token: string }[] = [];
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.lastIndexOf(':');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    const token = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!name || token.length < 8) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected comma-separated name:token pairs, tokens of 8+ characters',
      });
      return z.NEVER;
    }
    editors.push({ name, token });
  }
  return editors;
});

/** An http(s) origin, nothing more: no credentials, path, query or fragment; normalised by URL. */
const PublicUrlSchema = z.string().transform((raw, ctx) => {
  const message =
    'must be an http(s) origin such as https://live.example.org (no path, query or credentials)';
  let url: URL | undefined;
  try {
    url = /^https?:\/\/[^\s"'<>\\`]+$/i.test(raw) ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  const bare =
    url &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    !url.username &&
    !url.password &&
    url.pathname === '/' &&
    !url.search &&
    !url.hash &&
    !raw.includes('?') &&
    !raw.includes('#');
  if (!url || !bare) {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  return url.origin;
});

/** `host:port,…`: Redis Cluster nodes or Sentinels (an IPv6 host in brackets: `[::1]:7000`). */
const HostPortListSchema = z.string().transform((raw, ctx): { host: string; port: number }[] => {
  const nodes: { host: string; port: number }[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(item);
    const port = Number(m?.[2]);
    if (!m?.[1] || port < 1 || port > 65_535) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected comma-separated host:port pairs (e.g. redis-a:7000,redis-b:7000)',
      });
      return z.NEVER;
    }
    nodes.push({ host: m[1].replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
});

/** proxy-addr's names for address ranges, accepted by express's `trust proxy`. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, `address/prefix-length` or a proxy-addr range name. */
function isProxyAddress(item: string): boolean {
  if (PROXY_RANGE_NAMES.includes(item)) return true;
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A hop count, or comma-separated addresses/subnets: express's `trust proxy` (never `true`). */
const TrustProxySchema = z.string().transform((raw, ctx): number | string[] => {
  if (/^\d{1,3}$/.test(raw.trim())) return Number(raw.trim());
  const items = raw.split(',').map((s) => s.trim());
  if (items.length === 0 || !items.every(isProxyAddress)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a hop count (e.g. 1) or comma-separated addresses/subnets (e.g. 10.0.0.1,10.1.0.0/16,loopback)',
    });
    return z.NEVER;
  }
  return items;
});

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_CLUSTER_NODES: HostPortListSchema.optional(),
  REDIS_SENTINELS: HostPortListSchema.optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be the monitored master's name (letters, digits, . _ -)")
    .optional(),
  REDIS_PREFIX: z.string().min(1).max(100).default('liveblog:'),
  EDITOR_TOKENS: EditorTokensSchema.optional(),
  CONTRIBUTOR_TOKENS: EditorTokensSchema.optional(),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CORS_ORIGINS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url()))
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  PUBLIC_URL: PublicUrlSchema.optional(),
  TRUST_PROXY: TrustProxySchema.optional(),
  METRICS_TOKEN: z
    .string()
    .regex(/^\S{16,4096}$/, 'must be 16+ characters without spaces')
    .optional(),
  /** Not in the SPEC's table: how many events per blog are kept for resume (default 1,000). */
  RESUME_LOG_MAX_EVENTS: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  /** Not in the SPEC's table: editor writes per second per connection/editor (bursts of 2×); 0 = unlimited. */
  EDITOR_WRITES_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(20),
  /** Not in the SPEC's table: API reads and pages per client address per second (bursts of 2×); 0 = unlimited. */
  READER_REQUESTS_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(20),
  /** Not in the SPEC's table: a Redis command unanswered this long fails; a write then answers `unavailable`. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // ---- media (README "Photos and video") ----
  MEDIA_DIR: z.string().min(1).default('./data/media'),
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(15 * 1024 * 1024),
  MEDIA_MAX_PIXELS: z.coerce.number().int().min(10_000).max(500_000_000).default(50_000_000),
  MEDIA_S3_BUCKET: z.string().min(1).optional(),
  MEDIA_S3_ENDPOINT: z.url().optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  MEDIA_S3_PREFIX: z.string().max(200).default('media/'),
  MEDIA_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('true'),
});

/** Where uploaded media go: a local directory, or S3-compatible storage when MEDIA_S3_BUCKET is set. */
export interface MediaConfig {
  dir: string;
  maxBytes: number;
  maxPixels: number;
  s3:
    | {
        bucket: string;
        endpoint: string | undefined;
        region: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        prefix: string;
        forcePathStyle: boolean;
      }
    | undefined;
}

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES); set instead of redisUrl. */
  redisClusterNodes: { host: string; port: number }[] | undefined;
  /** Redis Sentinels and the monitored master's name (REDIS_SENTINELS, REDIS_SENTINEL_NAME); instead of redisUrl. */
  redisSentinel: { sentinels: { host: string; port: number }[]; name: string } | undefined;
  redisPrefix: string;
  editorTokens: { name: string; token: string }[];
  /** CONTRIBUTOR_TOKENS (SPEC §10): they write and submit drafts; only editors publish. */
  contributorTokens: { name: string; token: string }[];
  jwtSecret: string | undefined;
  corsOrigins: string[];
  logLevel: (typeof LOG_LEVELS)[number];
  /** The public origin of every absolute URL in the pages; undefined = built from each request. */
  publicUrl: string | undefined;
  /** express's `trust proxy`: a hop count or addresses/subnets; false = never trust X-Forwarded-*. */
  trustProxy: number | string[] | false;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  resumeLogMaxEvents: number;
  editorWritesPerSecond: number;
  readerRequestsPerSecond: number;
  redisCommandTimeoutMs: number;
  media: MediaConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Empty strings count as unset, the way shells and .env files usually mean them. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? 'bad value'}`);
  }
  const e = parsed.data;
  const topologies = [
    e.REDIS_URL && 'REDIS_URL',
    e.REDIS_CLUSTER_NODES && 'REDIS_CLUSTER_NODES',
    e.REDIS_SENTINELS && 'REDIS_SENTINELS',
  ].filter((name) => typeof name === 'string');
  if (topologies.length > 1) {
    throw new ConfigError(
      `invalid ${topologies[1]}: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (${topologies.join(' and ')} are set)`,
    );
  }
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME) {
    throw new ConfigError(
      "invalid REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the monitored master's name)",
    );
  }
  if (e.REDIS_SENTINEL_NAME && !e.REDIS_SENTINELS) {
    throw new ConfigError(
      'invalid REDIS_SENTINEL_NAME: only meaningful with REDIS_SENTINELS, which is not set',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    redisSentinel:
      e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME
        ? { sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME }
        : undefined,
    redisPrefix: e.REDIS_PREFIX,
    editorTokens: e.EDITOR_TOKENS ?? [],
    contributorTokens: e.CONTRIBUTOR_TOKENS ?? [],
    jwtSecret: e.JWT_SECRET,
    corsOrigins: e.CORS_ORIGINS ?? [],
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY ?? false,
    metricsToken: e.METRICS_TOKEN,
    resumeLogMaxEvents: e.RESUME_LOG_MAX_EVENTS,
    editorWritesPerSecond: e.EDITOR_WRITES_PER_SECOND,
    readerRequestsPerSecond: e.READER_REQUESTS_PER_SECOND,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    media: {
      dir: e.MEDIA_DIR,
      maxBytes: e.MEDIA_MAX_BYTES,
      maxPixels: e.MEDIA_MAX_PIXELS,
      s3: e.MEDIA_S3_BUCKET
        ? {
            bucket: e.MEDIA_S3_BUCKET,
            endpoint: e.MEDIA_S3_ENDPOINT,
            region: e.MEDIA_S3_REGION,
            accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID,
            secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY,
            prefix: e.MEDIA_S3_PREFIX,
            forcePathStyle: e.MEDIA_S3_FORCE_PATH_STYLE === 'true',
          }
        : undefined,
    },
  };
}
