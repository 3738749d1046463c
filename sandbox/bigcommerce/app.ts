import express, { type Express } from 'express';
import type { SandboxContext } from './context';
import { v2Error, v3Error } from './format';
import { rateLimitHeaders, StoreRateLimiter } from './rate-limiter';
import { hooksRouter } from './routes/hooks';
import { ordersRouter } from './routes/orders';
import { freshData, type BcSandboxData } from './state';
import { WebhookDispatcher } from './webhook-dispatcher';

export interface BcSandboxOptions {
  storeHash?: string;
  /** BigCommerce's numeric store id, sent as `store_id` in webhook payloads. */
  storeId?: string;
  /** access token -> API account client id. Hooks are visible only to the client that made them. */
  tokens?: Record<string, string>;
  /** Requests per window: Standard/Plus 150, Pro 450. */
  quota?: number;
  windowMs?: number;
  taxRate?: number;
  webhookTimeScale?: number;
  webhookTimeoutMs?: number;
  orderCreateStatus?: 200 | 201;
  /** Real BigCommerce only accepts https on port 443; off by default so hooks can reach localhost. */
  strictHookDestinations?: boolean;
  data?: BcSandboxData;
  onChange?: (data: BcSandboxData) => void;
  now?: () => number;
}

export interface BcSandbox {
  app: Express;
  ctx: SandboxContext;
  stop(): void;
}

export const DEFAULT_STORE_HASH = 'sandbox';
export const DEFAULT_TOKEN = 'sandbox-token';

/**
 * A BigCommerce store on the real paths (`/stores/<hash>/v2/...`, `/v3/...`), with BigCommerce's
 * authentication, rate limit and webhook delivery. Controls for tests and demos live under
 * `/__sandbox/`.
 */
export function createBigCommerceSandbox(options: BcSandboxOptions = {}): BcSandbox {
  const storeHash = options.storeHash ?? DEFAULT_STORE_HASH;
  const tokens = options.tokens ?? { [DEFAULT_TOKEN]: 'sandbox-client' };
  const now = options.now ?? Date.now;
  const data = options.data ?? freshData();

  const ctx: SandboxContext = {
    storeHash,
    data,
    limiter: new StoreRateLimiter(options.quota ?? 150, options.windowMs ?? 30_000, now),
    taxRate: options.taxRate ?? 0.08,
    orderCreateStatus: options.orderCreateStatus ?? 200,
    strictHookDestinations: options.strictHookDestinations ?? false,
    now,
    changed: () => options.onChange?.(data),
    v2Base: (req) => `${req.protocol}://${req.get('host')}/stores/${storeHash}/v2`,
    dispatcher: undefined as unknown as WebhookDispatcher, // set just below; routes only use it per request
  };
  ctx.dispatcher = new WebhookDispatcher({
    storeHash,
    storeId: options.storeId ?? '1000001',
    timeScale: options.webhookTimeScale ?? 1,
    deliveryTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    hooks: () => Object.values(data.hooks),
    onDeactivate: (hookId) => {
      const hook = data.hooks[String(hookId)];
      if (hook) {
        hook.isActive = false;
        hook.updatedMs = now();
        ctx.changed();
      }
    },
    now,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use('/__sandbox', sandboxControls(ctx));

  const store = express.Router({ mergeParams: true });
  store.use((req, res, next) => {
    const isV2 = req.path.startsWith('/v2/');
    const token = req.get('x-auth-token');
    const clientId = token ? tokens[token] : undefined;
    if (!clientId) {
      res.status(401).json(isV2 ? v2Error(401, 'You are not authorized to access this resource.') : v3Error(401, 'Unauthorized'));
      return;
    }
    res.locals.clientId = clientId;
    // Every authenticated request costs one unit of the store's shared quota, 429s included.
    const { allowed, state } = ctx.limiter.take();
    res.set(rateLimitHeaders(state));
    if (!allowed) {
      res.status(429).json(v3Error(429, 'Too many requests'));
      return;
    }
    next();
  });
  store.use(express.json({ limit: '1mb' }));
  store.use(ordersRouter(ctx));
  store.use(hooksRouter(ctx));
  store.use((req, res) => {
    res.status(404).json(req.path.startsWith('/v2/') ? v2Error(404, 'The requested resource was not found.') : v3Error(404, 'The requested resource was not found.'));
  });

  app.use(`/stores/${storeHash}`, store);
  app.use((_req, res) => {
    res.status(404).json(v3Error(404, 'Store not found'));
  });
  app.use(((err, req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
    const message = err?.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : status === 500 ? 'Internal error' : String(err?.message);
    res.status(status).json(req.path.includes('/v2/') ? v2Error(status, message) : v3Error(status, message));
  }) as express.ErrorRequestHandler);

  return { app, ctx, stop: () => ctx.dispatcher.stop() };
}

/** Controls a real store does not have: inspect deliveries, reset state. */
function sandboxControls(ctx: SandboxContext): express.Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/deliveries', (_req, res) => {
    res.json({ deliveries: ctx.dispatcher.deliveries, idle: ctx.dispatcher.idle });
  });
  router.get('/rate-limit', (_req, res) => {
    res.json(ctx.limiter.state());
  });
  router.get('/summary', (_req, res) => {
    res.json({
      storeHash: ctx.storeHash,
      orders: Object.keys(ctx.data.orders).length,
      hooks: Object.values(ctx.data.hooks).map((h) => ({ id: h.id, scope: h.scope, destination: h.destination, isActive: h.isActive })),
      products: ctx.data.products.map((p) => ({ id: p.id, name: p.name, sku: p.sku, variants: p.variants.map((v) => ({ id: v.id, sku: v.sku })) })),
    });
  });
  return router;
}
