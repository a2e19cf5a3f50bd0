import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';

describe('the metrics registry', () => {
  it('renders the Prometheus text format with the default Node metrics', async () => {
    const { contentType, body } = await createMetrics().render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(body).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('reports the socket count at each scrape as liveblog_connected_sockets', async () => {
    const metrics = createMetrics();
    let sockets = 3;
    metrics.countSockets(() => sockets);
    expect((await metrics.render()).body).toContain('\nliveblog_connected_sockets 3\n');
    sockets = 7;
    expect((await metrics.render()).body).toContain('\nliveblog_connected_sockets 7\n');
  });
});
