import express, { type ErrorRequestHandler, type Express } from 'express';
import type { ShipStationClient } from '../connectors/oms/shipstation/client';
import type { Logger } from '../lib/logger';
import { metricsRegistry } from '../lib/metrics';
import { bigCommerceWebhookRouter, type WebhookDeps } from './bigcommerce/webhook';
import { deliveryExceptionRouter } from './monitoring/delivery-exception';
import type { ErpEventHandlers } from './erp/event-deps';
import { erpWebhookRouter } from './erp/webhook';
import { omsWebhookRouter } from './orders/oms-webhook';
import { opsRouter } from './ops/routes';

export type ApiDeps = WebhookDeps & { oms?: ShipStationClient /** Tests replace the ERP event handlers (api/erp/event-handlers.ts). */; erpHandlers?: ErpEventHandlers };

export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Ready = Temporal answers. Load balancers stop sending webhooks to an instance that cannot accept them. */
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.connection.withDeadline(Date.now() + 2_000, () => deps.connection.healthService.check({}));
      res.json({ status: 'ready', temporal: 'ok' });
    } catch {
      res.status(503).json({ status: 'not ready', temporal: 'unreachable' });
    }
  });

  /** Prometheus text: this process's metrics (in `bcsync dev` that includes the workers'). */
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });

  app.use(deliveryExceptionRouter(deps));
  app.use(bigCommerceWebhookRouter(deps));
  app.use(omsWebhookRouter(deps));
  app.use(erpWebhookRouter({ ...deps, handlers: deps.erpHandlers }));
  app.use(opsRouter(deps));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(deps.logger));
  return app;
}

/** Body-parser errors (malformed JSON, too large) carry a status; anything else is our bug: 500. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, 'unhandled API error');
    const reason =
      err?.type === 'entity.parse.failed'
        ? 'body is not valid JSON'
        : err?.type === 'entity.too.large'
          ? 'body too large'
          : status === 500
            ? 'internal error'
            : String(err?.message ?? 'bad request');
    res.status(status).json({ error: status === 500 ? 'internal error' : 'bad request', reason });
  };
}
