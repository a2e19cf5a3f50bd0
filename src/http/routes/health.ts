/** `GET /healthz`, `/readyz` and `/metrics` (SPEC §5). */
import { Router } from 'express';
import type { Liveblog } from '../../liveblog.js';
import { metricsAuth } from '../middleware/metrics-auth.js';

export interface HealthRoutesOptions {
  service: Pick<Liveblog, 'ready'>;
  /** False while shutting down: /readyz answers 503. */
  accepting: () => boolean;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** METRICS_TOKEN: when set, /metrics needs it as a bearer token; undefined = open. */
  metricsToken?: string | undefined;
}

export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const ok = options.accepting() && (await options.service.ready());
    res.status(ok ? 200 : 503).json({ ok });
  });
  router.get('/metrics', metricsAuth(options.metricsToken), async (_req, res) => {
    const m = await options.metrics();
    res.type(m.contentType).send(m.body);
  });
  return router;
}
