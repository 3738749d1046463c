import { performance } from 'node:perf_hooks';
import express, { type Express } from 'express';
import { CallLog } from '../call-log';
import { FaultRegistry } from '../faults';
import { type CrmContext, freshCounters } from './context';
import { crmControlsRouter } from './controls';
import { HsRequestError, hsErrorBody } from './errors';
import { CrmStore } from './objects';
import { type CrmLimitSettings, DEFAULT_CRM_LIMITS, RollingRateLimit, rateLimitBody } from './rate-limit';
import { associationsRouter } from './routes-associations';
import { objectsRouter } from './routes-objects';
import { type CrmSandboxData, freshCrmData, loadOrFreshCrm, type WebhookSettings } from './state';
import { ChangeEmitter } from './webhooks';

export interface CrmSandboxOptions {
  /** Private app tokens `Authorization: Bearer <token>` accepts. */
  tokens?: string[];
  /** The account's limits (190 calls per rolling 10 s and 650,000 a day by default). */
  limits?: Partial<CrmLimitSettings>;
  /** The app's webhook settings to start with (saved data keeps its own). */
  webhooks?: Partial<Omit<WebhookSettings, 'subscriptions'>>;
  data?: unknown;
  onChange?: (data: CrmSandboxData) => void;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface CrmSandbox {
  app: Express;
  ctx: CrmContext;
  readonly data: CrmSandboxData;
  stop(): void;
}

export const DEFAULT_CRM_TOKEN = 'pat-na1-sandbox-crm-token';

/** Operation names for call counts, from the method and path. */
const OPERATIONS: ReadonlyArray<{ method: string; path: RegExp; operation: string }> = [
  { method: 'POST', path: /^\/crm\/v3\/objects\/(contacts|companies)\/batch\/upsert$/, operation: '$1.batch.upsert' },
  { method: 'POST', path: /^\/crm\/v3\/objects\/(contacts|companies)\/batch\/read$/, operation: '$1.batch.read' },
  { method: 'POST', path: /^\/crm\/v3\/objects\/contacts\/gdpr-delete$/, operation: 'contacts.gdpr-delete' },
  { method: 'POST', path: /^\/crm\/v3\/objects\/(contacts|companies)$/, operation: '$1.create' },
  { method: 'GET', path: /^\/crm\/v3\/objects\/(contacts|companies)\/[^/]+$/, operation: '$1.get' },
  { method: 'PATCH', path: /^\/crm\/v3\/objects\/(contacts|companies)\/[^/]+$/, operation: '$1.update' },
  { method: 'DELETE', path: /^\/crm\/v3\/objects\/(contacts|companies)\/[^/]+$/, operation: '$1.archive' },
  { method: 'PUT', path: /^\/crm\/v4\/objects\/(contacts|companies)\/[^/]+\/associations\/default\/(contacts|companies)\/[^/]+$/, operation: 'associations.create-default' },
  { method: 'POST', path: /^\/crm\/v4\/associations\/(contacts|companies)\/(contacts|companies)\/batch\/associate\/default$/, operation: 'associations.batch.create-default' },
  { method: 'GET', path: /^\/crm\/v4\/objects\/(contacts|companies)\/[^/]+\/associations\/(contacts|companies)$/, operation: 'associations.list' },
  { method: 'DELETE', path: /^\/crm\/v4\/objects\/(contacts|companies)\/[^/]+\/associations\/(contacts|companies)\/[^/]+$/, operation: 'associations.archive' },
];

function operationOf(method: string, path: string): string | undefined {
  for (const o of OPERATIONS) {
    if (o.method !== method) continue;
    const m = o.path.exec(path);
    if (m) return o.operation.replace('$1', m[1] ?? '');
  }
  return undefined;
}

/**
 * The CRM sandbox: HubSpot's CRM v3 objects API (and v4 associations) for contacts and companies,
 * private-app bearer auth, the rolling 10-second and daily limits with their headers and 429
 * bodies, per-property history, and HubSpot-shaped, signed webhooks of changes. HubSpot's specs
 * are proprietary: the shapes follow its documentation and FACTS.md section 7, and
 * crm/spec/hubspot-crm.openapi.yaml states them as JSON Schema. Controls under `/__sandbox/`
 * (sandbox/README.md).
 */
export function createCrmSandbox(options: CrmSandboxOptions = {}): CrmSandbox {
  const tokens = new Set(options.tokens ?? [DEFAULT_CRM_TOKEN]);
  const now = options.now ?? Date.now;
  const holder = { data: loadOrFreshCrm(options.data) };
  if (options.webhooks && options.data === undefined) Object.assign(holder.data.webhooks, options.webhooks);
  const emitter = new ChangeEmitter(
    () => holder.data.webhooks,
    () => holder.data.portalId,
    () => holder.data.nextIds.event++,
    now,
    options.fetch,
  );
  const store = new CrmStore(
    () => holder.data,
    (e) => emitter.accept(e),
  );
  const ctx: CrmContext = {
    get data() {
      return holder.data;
    },
    store,
    now,
    apiSource: () => ({ sourceType: 'INTEGRATION', sourceId: String(holder.data.webhooks.appId), updatedByUserId: null, atMs: now() }),
    changed: () => options.onChange?.(holder.data),
    limits: new RollingRateLimit({ ...DEFAULT_CRM_LIMITS, ...options.limits }, now),
    calls: new CallLog(),
    counters: freshCounters(),
    emitter,
    faults: new FaultRegistry(options.random),
    reset: () => {
      holder.data = freshCrmData(holder.data.webhooks, holder.data.properties);
      store.rebuild();
      ctx.counters = freshCounters();
      ctx.calls.clear();
      ctx.faults.clear();
      ctx.limits.configure({});
      emitter.clearHistory();
      options.onChange?.(holder.data);
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__sandbox', crmControlsRouter(ctx));

  const api = express.Router();
  api.use((req, res, next) => {
    const started = performance.now();
    const operation = operationOf(req.method, req.path) ?? null;
    res.on('finish', () => {
      ctx.calls.record({ atMs: now(), method: req.method, path: req.path, operation, status: res.statusCode, durationMs: Math.round((performance.now() - started) * 10) / 10 });
    });
    next();
  });
  api.use((req, res, next) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!m || !tokens.has(m[1]!)) {
      return void res
        .status(401)
        .json(
          hsErrorBody(
            'INVALID_AUTHENTICATION',
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          ),
        );
    }
    const { limited, headers } = ctx.limits.take();
    res.set(headers);
    if (limited) return void res.status(429).json(rateLimitBody(limited));
    next();
  });
  api.use(ctx.faults.middleware());
  api.use(express.json({ limit: '10mb' }));
  api.use(objectsRouter(ctx));
  api.use(associationsRouter(ctx));
  api.use((req, res) => {
    res.status(404).json(hsErrorBody('OBJECT_NOT_FOUND', `No route matches ${req.method} ${req.path}.`));
  });
  app.use(api);
  app.use(((err, _req, res, _next) => {
    if (err instanceof HsRequestError) return void res.status(err.status).json(err.body());
    if (err?.type === 'entity.parse.failed') return void res.status(400).json(hsErrorBody('VALIDATION_ERROR', 'Invalid input JSON: the body is not valid JSON.'));
    console.error('[crm-sandbox] unhandled error', err);
    res.status(500).json(hsErrorBody('INTERNAL_ERROR', 'internal error'));
  }) as express.ErrorRequestHandler);

  return {
    app,
    ctx,
    get data() {
      return holder.data;
    },
    stop: () => emitter.stop(),
  };
}
