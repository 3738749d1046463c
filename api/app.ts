import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { ShipStationClient } from '../connectors/oms/shipstation/client';
import type { Logger } from '../lib/logger';
import { metricsRegistry } from '../lib/metrics';
import { bigCommerceWebhookRouter, type WebhookDeps } from './bigcommerce/webhook';
import { deliveryExceptionRouter } from './monitoring/delivery-exception';
import type { ErpEventHandlers } from './erp/event-deps';
import { erpWebhookRouter } from './erp/webhook';
import { omsWebhookRouter } from './orders/oms-webhook';
import { opsRouter } from './ops/routes';
import { secretMatches } from './shared/webhook-secret';
import { requestDeadline } from './shared/ingress';

export type ApiDeps = WebhookDeps & { oms?: ShipStationClient /** Tests replace the ERP event handlers (api/erp/event-handlers.ts). */; erpHandlers?: ErpEventHandlers };

export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestDeadline());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // What the process is and does is for our scraper and probes only: METRICS_TOKEN when set.
  const internal = metricsAuth(deps.config.api.metricsToken);

  /** Ready = Temporal answers. Load balancers stop sending webhooks to an instance that cannot accept them. */
  app.get('/readyz', internal, async (_req, res) => {
    try {
      await deps.connection.withDeadline(Date.now() + 2_000, () => deps.connection.healthService.check({}));
      res.json({ status: 'ready', temporal: 'ok' });
    } catch {
      res.status(503).json({ status: 'not ready', temporal: 'unreachable' });
    }
  });

  /** Prometheus text: this process's metrics (in `bcsync dev` that includes the workers'). */
  app.get('/metrics', internal, async (_req, res) => {
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

/**
 * `/metrics` and `/readyz` with METRICS_TOKEN set: `Authorization: Bearer <METRICS_TOKEN>` or 401.
 * Unset, they stay open (the API listens on loopback by default).
 */
function metricsAuth(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined) return next();
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!secretMatches(presented, token)) return void res.status(401).json({ error: 'unauthorized', reason: 'missing or wrong bearer token (METRICS_TOKEN)' });
    next();
  };
}

/** Body-parser errors (malformed JSON, too large) carry a status; anything else is our bug: 500. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    // Already answered (the request deadline): nothing more can be said.
    if (res.headersSent) return;
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
