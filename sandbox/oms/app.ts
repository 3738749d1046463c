import { createHash } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import { FaultRegistry } from '../faults';
import type { OmsContext } from './context';
import { omsControlsRouter } from './controls';
import { ssMessage } from './errors';
import { KeyRateLimits, shipStationRateHeaders } from './rate-limit';
import { ordersRouter } from './routes-orders';
import { shipmentsRouter } from './routes-shipments';
import { webhooksRouter } from './routes-webhooks';
import { DEFAULT_NOTIFIER_SETTINGS, ShipNotifier } from './ship-notifier';
import { freshOmsData, loadOrFreshOms, type OmsSandboxData } from './state';

export interface OmsSandboxOptions {
  /** API key -> API secret; the pairs HTTP Basic accepts. */
  credentials?: Record<string, string>;
  /** Requests per window per key + secret: ShipStation's 40 per minute by default. */
  quota?: number;
  windowMs?: number;
  /** Off: no limit at all (the headers still say how much is left). */
  rateLimit?: boolean;
  /** Delays before each retry of a failed SHIP_NOTIFY delivery (see ship-notifier.ts). */
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** Base URL in resource_url links; by default the one the triggering request came in on. */
  publicUrl?: string;
  /** Saved data to start from (anything else, or nothing, starts fresh). */
  data?: unknown;
  onChange?: (data: OmsSandboxData) => void;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface OmsSandbox {
  app: Express;
  ctx: OmsContext;
  readonly data: OmsSandboxData;
  /** Where the sandbox is reachable, once it listens (startSandboxes sets it). */
  setPublicUrl(url: string): void;
  stop(): void;
}

export const DEFAULT_OMS_API_KEY = 'sandbox-oms-key';
export const DEFAULT_OMS_API_SECRET = 'sandbox-oms-secret';

/** `Authorization: Basic base64(key:secret)` -> the pair, or undefined when absent or malformed. */
function basicCredentials(req: Request): { key: string; secret: string } | undefined {
  const header = req.get('authorization') ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * The OMS sandbox: ShipStation's V1 API shape at the root (`/orders/createorder`, `/shipments`,
 * `/webhooks/...`), with HTTP Basic auth, ShipStation's per-key rate limit and headers, orderKey
 * upserts with the open-status lock, SHIP_NOTIFY webhooks, and a simulated 3PL that refuses
 * unknown SKUs and incomplete addresses. Controls under `/__sandbox/` (sandbox/README.md).
 */
export function createOmsSandbox(options: OmsSandboxOptions = {}): OmsSandbox {
  const credentials = new Map(Object.entries(options.credentials ?? { [DEFAULT_OMS_API_KEY]: DEFAULT_OMS_API_SECRET }));
  const now = options.now ?? Date.now;
  const holder = { data: loadOrFreshOms(options.data) };
  let publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const notifier = new ShipNotifier(
    { retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULT_NOTIFIER_SETTINGS.retryDelaysMs, timeoutMs: options.webhookTimeoutMs ?? DEFAULT_NOTIFIER_SETTINGS.timeoutMs },
    () => Object.values(holder.data.webhooks),
    now,
    options.fetch,
  );
  const ctx: OmsContext = {
    get data() {
      return holder.data;
    },
    now,
    changed: () => options.onChange?.(holder.data),
    faults: new FaultRegistry(options.random),
    limits: new KeyRateLimits(options.quota ?? 40, options.windowMs ?? 60_000, options.rateLimit ?? true, now),
    notifier,
    outage: { down: false },
    publicUrl: (req) => publicUrl ?? (req ? `${req.protocol}://${req.get('host')}` : 'http://127.0.0.1:4030'),
    reset: () => {
      const webhooks = holder.data.webhooks;
      const nextWebhook = holder.data.nextIds.webhook;
      holder.data = freshOmsData();
      holder.data.webhooks = webhooks;
      holder.data.nextIds.webhook = nextWebhook;
      ctx.faults.clear();
      ctx.outage.down = false;
      notifier.clearHistory();
      options.onChange?.(holder.data);
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__sandbox', omsControlsRouter(ctx));

  const api = express.Router();
  api.use((_req, res, next) => {
    if (!ctx.outage.down) return next();
    ctx.outage.rejected = (ctx.outage.rejected ?? 0) + 1;
    res.status(503).json(ssMessage('The service is unavailable.'));
  });
  api.use((req, res, next) => {
    const given = basicCredentials(req);
    const valid = given !== undefined && credentials.get(given.key) === given.secret;
    // The limit is per key + secret, so a wrong secret has its own window and cannot spend the
    // real pair's quota. The bucket name is a hash: secrets are not kept beyond this check.
    const bucket = given ? createHash('sha256').update(`${given.key}:${given.secret}`).digest('hex') : 'anonymous';
    const { limited, state } = ctx.limits.take(bucket);
    res.set(shipStationRateHeaders(state));
    if (!valid) return void res.status(401).json(ssMessage('Authorization has been denied for this request.'));
    if (limited) return void res.status(429).json(ssMessage('Too Many Requests'));
    next();
  });
  api.use(ctx.faults.middleware());
  api.use(express.json({ limit: '10mb' }));
  api.use(ordersRouter(ctx));
  api.use(shipmentsRouter(ctx));
  api.use(webhooksRouter(ctx));
  api.use((req, res) => {
    res.status(404).json(ssMessage(`No HTTP resource was found that matches the request URI '${req.path}'.`));
  });
  app.use(api);
  app.use(((err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
    if (status === 500) console.error('[oms-sandbox] unhandled error', err);
    const message = err?.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : status === 500 ? 'An error has occurred.' : String(err?.message);
    res.status(status).json(ssMessage(message));
  }) as express.ErrorRequestHandler);

  return {
    app,
    ctx,
    get data() {
      return holder.data;
    },
    setPublicUrl(url) {
      publicUrl = url.replace(/\/+$/, '');
    },
    stop: () => notifier.stop(),
  };
}
