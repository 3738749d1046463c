import express, { type Express } from 'express';
import type { ApiClient, SandboxContext, SandboxSettings } from './context';
import { controlsRouter } from './controls';
import { FaultRegistry } from './faults';
import { v2Error, v3Error } from './format';
import { rateLimitHeaders, StoreRateLimiter } from './rate-limiter';
import { RequestLog, requestLogMiddleware } from './request-log';
import { storeRouters } from './routes';
import { freshData, loadOrFresh } from './seed';
import type { BcSandboxData } from './state';
import { WebhookDispatcher } from './webhook-dispatcher';

export interface BcSandboxOptions {
  storeHash?: string;
  /** BigCommerce's numeric store id, sent as `store_id` in webhook payloads. */
  storeId?: string;
  /** access token -> API account. Hooks are visible only to the client that made them. */
  clients?: Record<string, ApiClient>;
  /** Requests per window: Standard/Plus 150, Pro 450, Enterprise as configured. */
  quota?: number;
  windowMs?: number;
  /** Off: no quota at all (for load tests of the sandbox itself). */
  rateLimit?: boolean;
  webhookTimeScale?: number;
  webhookTimeoutMs?: number;
  settings?: Partial<SandboxSettings>;
  /** Saved data to start from (anything else, or nothing, starts from the seed). */
  data?: unknown;
  onChange?: (data: BcSandboxData) => void;
  now?: () => number;
  random?: () => number;
}

export interface BcSandbox {
  app: Express;
  ctx: SandboxContext;
  stop(): void;
}

export const DEFAULT_STORE_HASH = 'sandbox';
export const DEFAULT_TOKEN = 'sandbox-token';
export const DEFAULT_CLIENT: ApiClient = { clientId: 'sandbox-client', clientSecret: 'sandbox-client-secret' };

/**
 * A BigCommerce store on the real paths (`/stores/<hash>/v2/...`, `/v3/...`), with BigCommerce's
 * authentication, shared rate limit and webhook delivery. Controls for tests and demos live under
 * `/__sandbox/` (sandbox/README.md).
 */
export function createBigCommerceSandbox(options: BcSandboxOptions = {}): BcSandbox {
  const storeHash = options.storeHash ?? DEFAULT_STORE_HASH;
  const clients = new Map(Object.entries(options.clients ?? { [DEFAULT_TOKEN]: DEFAULT_CLIENT }));
  const now = options.now ?? Date.now;
  const holder = { data: loadOrFresh(options.data, now()) };
  const settings: SandboxSettings = {
    taxRate: 0.08,
    orderCreateStatus: 200,
    strictHookDestinations: false,
    inventoryDelayMs: 50,
    v2MaxLimit: 250,
    orderStockLocationId: 1,
    ...options.settings,
  };
  const limiter = new StoreRateLimiter(options.quota ?? 150, options.windowMs ?? 30_000, now, options.random);
  limiter.enabled = options.rateLimit ?? true;
  const secretOf = (clientId: string) => [...clients.values()].find((c) => c.clientId === clientId)?.clientSecret;

  const ctx: SandboxContext = {
    storeHash,
    storeId: options.storeId ?? '1000001',
    get data() {
      return holder.data;
    },
    settings,
    clients,
    limiter,
    requests: new RequestLog(now),
    faults: new FaultRegistry(options.random),
    now,
    changed: () => options.onChange?.(holder.data),
    emit: (scope, data) => dispatcher.emit(scope, data),
    v2Base: (req) => `${req.protocol}://${req.get('host')}/stores/${storeHash}/v2`,
    reset: () => {
      const hooks = holder.data.hooks;
      const hookAdminEmails = holder.data.hookAdminEmails;
      holder.data = freshData(now());
      // Hooks belong to the API account, not the catalog: a reset keeps the receiver wired.
      holder.data.hooks = hooks;
      holder.data.nextIds.hook = Math.max(1, ...Object.values(hooks).map((h) => h.id + 1));
      holder.data.hookAdminEmails = hookAdminEmails;
      dispatcher.clearHistory();
      options.onChange?.(holder.data);
    },
    dispatcher: undefined as unknown as WebhookDispatcher, // assigned below, before any request
  };
  const dispatcher = new WebhookDispatcher({
    storeHash,
    storeId: ctx.storeId,
    timeScale: options.webhookTimeScale ?? 1,
    deliveryTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    hooks: () => Object.values(holder.data.hooks),
    clientSecret: secretOf,
    adminEmails: (clientId) => holder.data.hookAdminEmails[clientId] ?? [],
    onDeactivate: (hookId) => {
      const hook = holder.data.hooks[String(hookId)];
      if (!hook) return;
      hook.isActive = false;
      hook.deactivatedMs = now();
      hook.updatedMs = now();
      ctx.changed();
    },
    now,
    random: options.random,
  });
  ctx.dispatcher = dispatcher;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__sandbox', controlsRouter(ctx));

  const store = express.Router({ mergeParams: true });
  store.use(requestLogMiddleware(ctx.requests));
  store.use((req, res, next) => {
    const isV2 = req.path.startsWith('/v2/');
    const token = req.get('x-auth-token');
    const client = token ? clients.get(token) : undefined;
    if (!client) {
      res.status(401).json(isV2 ? v2Error(401, 'You are not authorized to access this resource.') : v3Error(401, 'Unauthorized'));
      return;
    }
    res.locals.clientId = client.clientId;
    // Every authenticated request costs one unit of the store's shared quota, 429s included.
    const { outcome, state } = limiter.take(client.clientId);
    if (outcome === 'platform_load') {
      // "A 429 without these headers ... indicates the platform experiences high load."
      res.status(429).json(v3Error(429, 'Too many requests'));
      return;
    }
    res.set(rateLimitHeaders(state));
    if (outcome === 'limited') {
      res.status(429).json(v3Error(429, 'Too many requests'));
      return;
    }
    next();
  });
  store.use(ctx.faults.middleware());
  store.use(express.json({ limit: '10mb' }));
  for (const router of storeRouters(ctx)) store.use(router);
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
    if (status === 500) console.error('[bc-sandbox] unhandled error', err);
    res.status(status).json(req.path.includes('/v2/') ? v2Error(status, message) : v3Error(status, message));
  }) as express.ErrorRequestHandler);

  return { app, ctx, stop: () => dispatcher.stop() };
}
