/**
 * The Prometheus registry of one instance (GET /metrics): Node's default metrics and liveblog's own,
 * fed through the `Telemetry` calls of the parts. The README's Operations section says what each means
 * and which to alert on.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Telemetry } from './telemetry.js';

export interface Metrics {
  /** The text exposition of every metric, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Reports `count()` at each scrape as `liveblog_connected_sockets`. */
  countSockets(count: () => number): void;
  /** Reports live figures read at each scrape. */
  gauges(read: {
    readers: () => number;
    editors: () => number;
    subscriptions: () => number;
    followedBlogs: () => number;
  }): void;
  /** What the parts report, counted. */
  readonly telemetry: Telemetry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  };

  const subscribes = new Counter({
    name: 'liveblog_subscribes_total',
    help: 'Subscribe answers, by kind (fresh snapshot or resumed from a cursor)',
    labelNames: ['kind'] as const,
    registers,
  });
  const writes = new Counter({
    name: 'liveblog_writes_total',
    help: 'Editor writes, by outcome (ok or the error code answered)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const published = new Counter({
    name: 'liveblog_events_published_total',
    help: 'Events this instance recorded and published',
    registers,
  });
  const delivered = new Counter({
    name: 'liveblog_events_delivered_total',
    help: 'Event deliveries to local sockets (one per event per socket)',
    registers,
  });
  const latency = new Histogram({
    name: 'liveblog_delivery_latency_seconds',
    help: "Time from an event's commit to its fan-out on this instance",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const dropped = new Counter({
    name: 'liveblog_slow_readers_dropped_total',
    help: 'Readers dropped for being more than 8 MB behind',
    registers,
  });
  const limited = new Counter({
    name: 'liveblog_rate_limited_total',
    help: 'Requests refused with rate_limited, by who sent them',
    labelNames: ['who'] as const,
    registers,
  });
  const redis = new Counter({
    name: 'liveblog_redis_events_total',
    help: 'Redis client errors and (re)connections, by client',
    labelNames: ['client', 'event'] as const,
    registers,
  });

  return {
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    countSockets(count) {
      gauge('liveblog_connected_sockets', 'Socket.IO connections on this instance', count);
    },
    gauges(read) {
      gauge('liveblog_connected_readers', 'Sockets connected to the reader namespace', read.readers);
      gauge('liveblog_connected_editors', 'Sockets connected to the editor namespace', read.editors);
      gauge('liveblog_subscriptions', 'Blog subscriptions of local sockets', read.subscriptions);
      gauge('liveblog_followed_blogs', 'Blogs with a live feed on this instance', read.followedBlogs);
    },
    telemetry: {
      subscribed: (kind) => subscribes.inc({ kind }),
      wrote: (outcome) => writes.inc({ outcome }),
      published: (count) => published.inc(count),
      delivered: (sockets, latencyMs) => {
        delivered.inc(sockets);
        latency.observe(Math.max(0, latencyMs) / 1000);
      },
      slowReaderDropped: () => dropped.inc(),
      rateLimited: (who) => limited.inc({ who }),
      redis: (client, event) => redis.inc({ client, event }),
    },
  };
}
