import { performance } from 'node:perf_hooks';
import express, { type Express } from 'express';
import { CallLog } from '../call-log';
import { FaultRegistry } from '../faults';
import type { MarketingContext } from './context';
import { marketingControlsRouter } from './controls';
import { KlRequestError, sendKlError } from './errors';
import { ProfileStore } from './profiles';
import { OperationRateLimits, type KlaviyoTier, type OperationLimit } from './rate-limit';
import { consentRouter } from './routes-consent';
import { eventsRouter } from './routes-events';
import { profilesRouter } from './routes-profiles';
import { freshMarketingData, loadOrFreshMarketing, type MarketingSandboxData } from './state';

export interface MarketingSandboxOptions {
  /** Private API keys `Authorization: Klaviyo-API-Key <key>` accepts. */
  apiKeys?: string[];
  /** Off: no limit at all (the headers still count). */
  rateLimit?: boolean;
  /** Every operation at one of Klaviyo's tiers instead of its own limits. */
  rateLimitTier?: KlaviyoTier;
  /** Per-operation limits (Klaviyo operation ids), winning over the spec's and the tier. */
  rateLimitOverrides?: Record<string, OperationLimit>;
  /** Base URL in `links`; by default the one the request came in on. */
  publicUrl?: string;
  /** Saved data to start from (anything else, or nothing, starts fresh). */
  data?: unknown;
  onChange?: (data: MarketingSandboxData) => void;
  now?: () => number;
  random?: () => number;
}

export interface MarketingSandbox {
  app: Express;
  ctx: MarketingContext;
  readonly data: MarketingSandboxData;
  setPublicUrl(url: string): void;
  stop(): void;
}

export const DEFAULT_KLAVIYO_API_KEY = 'pk_sandbox_marketing_key';

/** The API's operations (Klaviyo's operation ids): what rate limits and call counts are kept by. */
const OPERATIONS: ReadonlyArray<{ method: string; path: RegExp; operation: string }> = [
  { method: 'POST', path: /^\/api\/profile-import\/?$/, operation: 'create_or_update_profile' },
  { method: 'GET', path: /^\/api\/profiles\/?$/, operation: 'get_profiles' },
  { method: 'POST', path: /^\/api\/profiles\/?$/, operation: 'create_profile' },
  { method: 'GET', path: /^\/api\/profiles\/[^/]+\/?$/, operation: 'get_profile' },
  { method: 'PATCH', path: /^\/api\/profiles\/[^/]+\/?$/, operation: 'update_profile' },
  { method: 'POST', path: /^\/api\/events\/?$/, operation: 'create_event' },
  { method: 'POST', path: /^\/api\/profile-subscription-bulk-create-jobs\/?$/, operation: 'bulk_subscribe_profiles' },
  { method: 'POST', path: /^\/api\/profile-subscription-bulk-delete-jobs\/?$/, operation: 'bulk_unsubscribe_profiles' },
  { method: 'POST', path: /^\/api\/data-privacy-deletion-jobs\/?$/, operation: 'request_profile_deletion' },
];

const REVISION = /^\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9_-]+)?$/;
const JSON_TYPES = ['application/vnd.api+json', 'application/json'];

/**
 * The marketing sandbox: Klaviyo's API shape (`https://a.klaviyo.com/api/...`), built from
 * Klaviyo's specs (FACTS.md section 8): `Klaviyo-API-Key` auth, the required `revision` header,
 * JSON:API bodies, per-operation burst and steady limits, profiles, events with `unique_id`
 * de-duplication, consent jobs and data-privacy deletion. Controls under `/__sandbox/`
 * (sandbox/README.md).
 */
export function createMarketingSandbox(options: MarketingSandboxOptions = {}): MarketingSandbox {
  const keys = new Set(options.apiKeys ?? [DEFAULT_KLAVIYO_API_KEY]);
  const now = options.now ?? Date.now;
  const holder = { data: loadOrFreshMarketing(options.data) };
  let publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const limits = new OperationRateLimits(now);
  limits.configure({ enabled: options.rateLimit ?? true, tier: options.rateLimitTier ?? null, overrides: options.rateLimitOverrides ?? {} });
  const store = new ProfileStore(() => holder.data);
  const ctx: MarketingContext = {
    get data() {
      return holder.data;
    },
    store,
    now,
    nowIso: () => new Date(now()).toISOString(),
    changed: () => options.onChange?.(holder.data),
    limits,
    calls: new CallLog(),
    faults: new FaultRegistry(options.random),
    revisions: {},
    publicUrl: (req) => publicUrl ?? (req ? `${req.protocol}://${req.get('host')}` : 'http://127.0.0.1:4050'),
    reset: () => {
      holder.data = freshMarketingData();
      store.rebuild();
      ctx.calls.clear();
      ctx.faults.clear();
      for (const k of Object.keys(ctx.revisions)) delete ctx.revisions[k];
      limits.configure({});
      options.onChange?.(holder.data);
    },
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/__sandbox', marketingControlsRouter(ctx));

  const api = express.Router();
  api.use((req, res, next) => {
    const started = performance.now();
    const route = OPERATIONS.find((o) => o.method === req.method && o.path.test(req.path));
    res.locals.operation = route?.operation;
    res.on('finish', () => {
      ctx.calls.record({
        atMs: now(),
        method: req.method,
        path: req.path,
        operation: route?.operation ?? null,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    });
    next();
  });
  api.use((req, res, next) => {
    const m = /^Klaviyo-API-Key\s+(\S+)\s*$/.exec(req.get('authorization') ?? '');
    if (!m) {
      return void sendKlError(res, {
        status: 401,
        code: 'not_authenticated',
        title: 'Authentication credentials were not provided.',
        detail: 'Missing or invalid private key.',
      });
    }
    if (!keys.has(m[1]!)) {
      return void sendKlError(res, { status: 401, code: 'authentication_failed', title: 'Incorrect authentication credentials.', detail: 'Incorrect authentication credentials.' });
    }
    const revision = req.get('revision');
    if (!revision || !REVISION.test(revision)) {
      return void sendKlError(res, {
        status: 400,
        code: 'invalid',
        title: 'Invalid input.',
        detail: revision ? `'${revision}' is not a valid revision (YYYY-MM-DD[.suffix]).` : "The 'revision' header is required.",
        source: { parameter: 'revision' },
      });
    }
    ctx.revisions[revision] = (ctx.revisions[revision] ?? 0) + 1;
    const operation = res.locals.operation as string | undefined;
    if (!operation) return void sendKlError(res, { status: 404, code: 'not_found', title: 'Not found.', detail: `No API route matches ${req.method} ${req.path}.` });
    const outcome = limits.take(operation);
    res.set(outcome.headers);
    if (outcome.limited) {
      const wait = outcome.headers['Retry-After'];
      return void sendKlError(res, {
        status: 429,
        code: 'throttled',
        title: 'Request was throttled.',
        detail: `Request was throttled. Expected available in ${wait} second${wait === '1' ? '' : 's'}.`,
      });
    }
    if ((req.method === 'POST' || req.method === 'PATCH') && !req.is(JSON_TYPES)) {
      return void sendKlError(res, {
        status: 415,
        code: 'unsupported_media_type',
        title: 'Unsupported media type.',
        detail: `Unsupported media type "${req.get('content-type') ?? ''}" in request; use application/vnd.api+json.`,
      });
    }
    next();
  });
  api.use(ctx.faults.middleware());
  api.use(express.json({ type: JSON_TYPES, limit: '5mb' }));
  api.use(profilesRouter(ctx));
  api.use(eventsRouter(ctx));
  api.use(consentRouter(ctx));
  app.use(api);
  app.use(((err, _req, res, _next) => {
    if (err instanceof KlRequestError) return void sendKlError(res, err.entries);
    if (err?.type === 'entity.parse.failed') return void sendKlError(res, { status: 400, code: 'parse_error', title: 'Malformed request.', detail: 'JSON parse error.' });
    if (err?.type === 'entity.too.large') return void sendKlError(res, { status: 413, code: 'too_large', title: 'Payload too large.', detail: 'The payload is too large.' });
    console.error('[marketing-sandbox] unhandled error', err);
    sendKlError(res, { status: 500, code: 'error', title: 'A server error occurred.', detail: 'A server error occurred.' });
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
    stop: () => undefined,
  };
}
