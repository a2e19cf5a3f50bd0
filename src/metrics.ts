/** The Prometheus registry of one instance: Node's default metrics and liveblog's own (GET /metrics). */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface Metrics {
  /** The text exposition of every metric, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Reports `count()` at each scrape as `liveblog_connected_sockets`. */
  countSockets(count: () => number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    countSockets(count) {
      new Gauge({
        name: 'liveblog_connected_sockets',
        help: 'Socket.IO connections on this instance',
        registers: [registry],
        collect() {
          this.set(count());
        },
      });
    },
  };
}
