import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseLocationMap } from '../domain/inventory/batches';

/**
 * Every setting the processes read, validated once at start-up. A bad value stops the process with
 * a message naming the variable, instead of surfacing later as a confusing runtime error.
 */

/** BigCommerce plan quotas per 30 s window (shared/bigcommerce/FACTS.md section 2). */
export const PLAN_QUOTAS = { standard: 150, plus: 150, pro: 450 } as const;
export type BcPlan = keyof typeof PLAN_QUOTAS | 'enterprise';

const durationMs = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 500ms, 30s, 10m, 1h or 7d')
  .transform(parseDurationMs);

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`invalid duration: ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const boolFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const storeHash = z.string().regex(/^[a-z0-9]+$/, 'a BigCommerce store hash is lowercase letters and digits');

const storeEntry = z.object({
  storeHash,
  accessToken: z.string().min(1),
  plan: z.enum(['standard', 'plus', 'pro', 'enterprise']).optional(),
  quota: z.number().int().positive().optional(),
  windowMs: z.number().int().positive().optional(),
  headroom: z.number().min(0).max(0.9).optional(),
  dispatchBurst: z.number().min(1).max(4).optional(),
  apiUrl: z.url().optional(),
});

export const envSchema = z
  .object({
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

    TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** Temporal Cloud API key; setting it turns TLS on. */
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS: boolFlag.optional(),
    TEMPORAL_WORKFLOW_TASK_QUEUE: z.string().min(1).default('bcsync.workflows'),

    BC_API_URL: z.url().default('https://api.bigcommerce.com'),
    /** One store; for several, BC_STORES or BC_STORES_FILE instead. */
    BC_STORE_HASH: storeHash.optional(),
    BC_ACCESS_TOKEN: z.string().min(1).optional(),
    /** JSON array of stores: [{"storeHash","accessToken","plan"?,"quota"?,"headroom"?,"windowMs"?,"dispatchBurst"?,"apiUrl"?}]. */
    BC_STORES: z.string().min(1).optional(),
    /** The same JSON array in a file (e.g. a mounted secret). */
    BC_STORES_FILE: z.string().min(1).optional(),
    BC_PLAN: z.enum(['standard', 'plus', 'pro', 'enterprise']).default('standard'),
    /** Requests per window; required for the enterprise plan, overrides the plan's quota otherwise. */
    BC_QUOTA: z.coerce.number().int().positive().optional(),
    BC_RATE_WINDOW_MS: z.coerce.number().int().positive().default(30_000),
    /** Share of the quota left to the store's other apps. */
    BC_QUOTA_HEADROOM: z.coerce.number().min(0).max(0.9).default(0.1),
    /**
     * How much faster than the quota's average rate the store's queue may dispatch (1 = exactly the
     * average). Above 1, the quota pacer (from BigCommerce's rate headers) is what keeps each 30 s
     * window within the quota, and a run can spend what the window has left.
     */
    BC_DISPATCH_BURST: z.coerce.number().min(1).max(4).default(4),

    ERP_API_URL: z.url(),
    ERP_ACCESS_TOKEN: z.string().min(1),
    /** NetSuite's concurrency limit is account-wide; give this integration its allocated share. */
    ERP_CONCURRENCY: z.coerce.number().int().positive().default(5),
    ERP_TASK_QUEUE: z.string().min(1).default('erp.netsuite'),
    /** Shared secret the ERP sends with its change events (`POST /webhooks/erp`, header x-bcsync-erp-token); unset = the route answers 503. */
    ERP_WEBHOOK_TOKEN: z.string().min(16, 'ERP_WEBHOOK_TOKEN must be at least 16 characters').optional(),

    /** The OMS/3PL, in ShipStation V1's shape: base URL and the API key and secret (HTTP Basic). */
    OMS_API_URL: z.url(),
    OMS_API_KEY: z.string().min(1),
    OMS_API_SECRET: z.string().min(1),
    /** ShipStation V1 allows 40 requests per minute per key. */
    OMS_RATE_PER_MINUTE: z.coerce.number().positive().default(40),
    OMS_TASK_QUEUE: z.string().min(1).default('oms.shipstation'),
    /** ShipStation webhooks carry no signature: the target URL we register carries this token instead. */
    OMS_WEBHOOK_TOKEN: z.string().min(16, 'OMS_WEBHOOK_TOKEN must be at least 16 characters'),
    /** Bearer token for /ops/... (the ops API). Unset: the ops API answers 503. */
    OPS_TOKEN: z.string().min(16, 'OPS_TOKEN must be at least 16 characters').optional(),

    /**
     * Where BigCommerce must deliver our webhooks: the public URL of POST /webhooks/bigcommerce. The
     * webhook-health schedule checks the store's hooks against it. Unset: no health checks.
     */
    HOOKS_DESTINATION: z.url().optional(),
    /** `store/hook/deliveryException` must go to a destination no other hook uses. */
    HOOKS_EXCEPTION_DESTINATION: z.url().optional(),
    HEALTH_INTERVAL: durationMs.default(parseDurationMs('5m')),
    RECONCILE_INTERVAL: durationMs.default(parseDurationMs('15m')),
    /** No reconciliation run finished for this long raises `reconcile-stalled:<store>`; must be longer than RECONCILE_INTERVAL. */
    RECONCILE_STALL_AFTER: durationMs.default(parseDurationMs('1h')),
    /** Each reconciliation re-reads this much before its watermark: changes land late, clocks differ. */
    RECONCILE_OVERLAP: durationMs.default(parseDurationMs('5m')),
    /** Where a store's very first reconciliation starts. */
    RECONCILE_INITIAL_LOOKBACK: durationMs.default(parseDurationMs('1h')),
    /** How often the catalog (items and prices ERP -> BigCommerce) syncs what changed: schedule bcsync-catalog-<store>. */
    CATALOG_INTERVAL: durationMs.default(parseDurationMs('15m')),
    /** A catalog run that checkpoints no page for this long raises `catalog-stalled:<store>`. */
    CATALOG_STALL_AFTER: durationMs.default(parseDurationMs('30m')),
    /** ERP items read per page (SuiteQL's maximum is 1000). */
    CATALOG_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
    /** A catalog run re-reads changes this far before its watermark (ERP timestamps of one instant). */
    CATALOG_OVERLAP: durationMs.default(parseDurationMs('5s')),
    /** Currency of the price-list records written from ERP price levels. */
    CATALOG_CURRENCY: z.string().regex(/^[A-Za-z]{3}$/).default('usd').transform((c) => c.toLowerCase()),
    /** `off`: stock is not synced from the ERP (no inventory hooks, no sweep, orders send no inventory notes, ERP stock events ignored). */
    INVENTORY_SYNC: z.enum(['on', 'off']).default('on'),
    /** ERP location -> BigCommerce location for inventory, e.g. "1:1,2:5"; ERP locations not listed are not synced. */
    INVENTORY_LOCATIONS: z
      .string()
      .default('1:1')
      .transform((v, ctx) => {
        try {
          return parseLocationMap(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
    /** The ERP location BigCommerce orders take their stock from: units sold but not booked count there. */
    INVENTORY_ORDER_LOCATION: z.string().min(1).default('1'),
    /** Units kept back from the storefront per item: the level pushed is ERP available - unbooked sales - this. */
    INVENTORY_SAFETY_BUFFER: z.coerce.number().int().min(0).default(0),
    /** Inventory writes wait for this much quiet in the ERP's changes (coalescing a burst into few calls)... */
    INVENTORY_QUIET: durationMs.default(parseDurationMs('3s')),
    /** ...but never longer than this after the first unwritten change. */
    INVENTORY_MAX_WAIT: durationMs.default(parseDurationMs('60s')),
    /** A write also waits up to this much past the quiet window while an order's booking in the ERP is on its way (within INVENTORY_MAX_WAIT). */
    INVENTORY_BOOKING_WAIT: durationMs.default(parseDurationMs('15s')),
    /** An ERP change still unwritten after this (or a sync that does not answer) raises the inventory-stalled alert. */
    INVENTORY_STALL_AFTER: durationMs.default(parseDurationMs('15m')),
    /** How often the ERP's levels changed since the watermark are swept (lost change events): schedule bcsync-inventory-sweep-<store>. */
    INVENTORY_SWEEP_INTERVAL: durationMs.default(parseDurationMs('10m')),
    /** Each sweep re-reads this much before its watermark. */
    INVENTORY_SWEEP_OVERLAP: durationMs.default(parseDurationMs('1m')),
    /** Where a store's first sweep starts. */
    INVENTORY_SWEEP_LOOKBACK: durationMs.default(parseDurationMs('1h')),
    /** A BigCommerce sale whose booking in the ERP we never hear of stops counting after this. */
    INVENTORY_PENDING_TTL: durationMs.default(parseDurationMs('1h')),
    /** How long after our write BigCommerce may still apply it (its adjustments are asynchronous). */
    INVENTORY_APPLY_MARGIN: durationMs.default(parseDurationMs('1s')),
    ALERT_INTERVAL: durationMs.default(parseDurationMs('1m')),
    /** Slack-compatible incoming webhook (`{text}` JSON); alerts also go to the log. */
    ALERT_WEBHOOK_URL: z.url().optional(),
    /** The same alert is not sent again within this time. */
    ALERT_COOLDOWN: durationMs.default(parseDurationMs('1h')),
    /** Alert when at least this many orders are parked (NeedsAttention). */
    ALERT_PARKED_THRESHOLD: z.coerce.number().int().positive().default(1),
    /** Alert when at least this many workflows failed since the last check. */
    ALERT_FAILED_THRESHOLD: z.coerce.number().int().positive().default(1),
    /** Alert when BigCommerce answered at least this many 429s per minute since the last check. */
    ALERT_429_PER_MINUTE: z.coerce.number().positive().default(5),
    /** Other processes' /metrics to add up for the 429 rate (comma-separated URLs). */
    METRICS_SCRAPE_URLS: z.string().optional(),

    API_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** `bcsync worker` serves Prometheus metrics here (0 = off); the API serves its own on /metrics. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** 0.0.0.0 in a container; loopback by default so a laptop does not expose the API. */
    API_HOST: z.string().min(1).default('127.0.0.1'),
    /** Shared secret BigCommerce sends in the X-Bcsync-Secret header of every webhook we registered. */
    WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters'),
    /** How long an order workflow waits for another event before it completes. */
    ORDER_QUIET_PERIOD: durationMs.default(parseDurationMs('1h')),
    /** How long a step keeps retrying a transient failure (an outage) before the order parks. */
    ORDER_RETRY_WINDOW: durationMs.default(parseDurationMs('10m')),
    /** A parked order whose cause was transient tries again by itself after this. */
    ORDER_PARK_RETRY: durationMs.default(parseDurationMs('15m')),
    /** When a refund's payment is checked again for a decline (BigCommerce runs it asynchronously): delays after booking. */
    REFUND_DECLINE_CHECKS: z
      .string()
      .default('10m,1h,6h')
      .transform((v, ctx) => {
        const parts = v.split(',').map((p) => p.trim()).filter(Boolean).map((p) => durationMs.safeParse(p));
        if (parts.some((p) => !p.success)) {
          ctx.addIssue({ code: 'custom', message: 'a comma-separated list of durations, e.g. 10m,1h,6h' });
          return z.NEVER;
        }
        return parts.map((p) => p.data!);
      }),
    /** How long a refund waits for its order to reach the ERP before it parks. */
    REFUND_ORDER_WAIT: durationMs.default(parseDurationMs('24h')),
    /** How often the ERP's unlinked cash refunds and returns are swept into BigCommerce (lost refund.authorized events). */
    ERP_REFUND_SWEEP_INTERVAL: durationMs.default(parseDurationMs('10m')),
    /** How far back each sweep looks for ERP refunds and returns changed. */
    ERP_REFUND_SWEEP_LOOKBACK: durationMs.default(parseDurationMs('7d')),
  })
  .superRefine((env, ctx) => {
    for (const issue of storeSourceIssues(env)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

/**
 * Which store variables are missing. Also run on the raw environment when other variables fail,
 * so one start-up error names every problem at once.
 */
function storeSourceIssues(env: Record<string, unknown>): { path: string; message: string }[] {
  const multi = env.BC_STORES !== undefined || env.BC_STORES_FILE !== undefined;
  if (multi) return [];
  const issues = [];
  if (env.BC_STORE_HASH === undefined) issues.push({ path: 'BC_STORE_HASH', message: 'BC_STORE_HASH is required (or BC_STORES / BC_STORES_FILE)' });
  if (env.BC_ACCESS_TOKEN === undefined) issues.push({ path: 'BC_ACCESS_TOKEN', message: 'BC_ACCESS_TOKEN is required (or BC_STORES / BC_STORES_FILE)' });
  if ((env.BC_PLAN ?? 'standard') === 'enterprise' && env.BC_QUOTA === undefined) issues.push({ path: 'BC_QUOTA', message: 'BC_QUOTA is required when BC_PLAN=enterprise' });
  return issues;
}

export type Env = z.infer<typeof envSchema>;

export interface StoreConfig {
  storeHash: string;
  accessToken: string;
  apiUrl: string;
  plan: BcPlan;
  quotaPerWindow: number;
  windowMs: number;
  headroom: number;
  /** Dispatch rate of the store's queue as a multiple of the quota's average rate. */
  dispatchBurst: number;
}

export interface Config {
  logLevel: Env['LOG_LEVEL'];
  temporal: { address: string; namespace: string; apiKey?: string; tls: boolean; workflowTaskQueue: string };
  stores: StoreConfig[];
  erp: { apiUrl: string; accessToken: string; concurrency: number; taskQueue: string; webhookToken?: string };
  oms: { apiUrl: string; apiKey: string; apiSecret: string; ratePerMinute: number; taskQueue: string; webhookToken: string };
  api: { port: number; host: string; webhookSecret: string; opsToken?: string };
  metricsPort: number;
  orders: { quietPeriodMs: number; retryWindowMs: number; parkRetryMs: number };
  refunds: { declineChecksMs: number[]; orderWaitMs: number };
  erpRefunds: { sweepIntervalMs: number; sweepLookbackMs: number };
  health: { destination?: string; exceptionDestination?: string; intervalMs: number };
  reconcile: { intervalMs: number; overlapMs: number; initialLookbackMs: number; stallAfterMs: number };
  inventory: {
    enabled: boolean;
    locations: Record<string, number>;
    orderLocation: string;
    safetyBuffer: number;
    quietMs: number;
    maxWaitMs: number;
    bookingWaitMs: number;
    stallAfterMs: number;
    sweepIntervalMs: number;
    sweepOverlapMs: number;
    sweepLookbackMs: number;
    pendingTtlMs: number;
    applyMarginMs: number;
  };
  catalog: { intervalMs: number; pageSize: number; overlapMs: number; currency: string; stallAfterMs: number };
  alerts: {
    intervalMs: number;
    webhookUrl?: string;
    cooldownMs: number;
    parkedThreshold: number;
    failedThreshold: number;
    rateLimitedPerMinute: number;
    scrapeUrls: string[];
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    for (const extra of storeSourceIssues(source)) if (!issues.some((i) => i.startsWith(`${extra.path}:`))) issues.push(`${extra.path}: ${extra.message}`);
    throw new ConfigError(issues);
  }
  const env = parsed.data;
  // Shorter than the schedule's interval, every check between two healthy runs would alert.
  if (env.RECONCILE_STALL_AFTER <= env.RECONCILE_INTERVAL) throw new ConfigError([`RECONCILE_STALL_AFTER: must be longer than RECONCILE_INTERVAL (${env.RECONCILE_INTERVAL} ms)`]);
  const stores = loadStores(env, readFile);
  return {
    logLevel: env.LOG_LEVEL,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      apiKey: env.TEMPORAL_API_KEY,
      tls: env.TEMPORAL_TLS ?? env.TEMPORAL_API_KEY !== undefined,
      workflowTaskQueue: env.TEMPORAL_WORKFLOW_TASK_QUEUE,
    },
    stores,
    erp: {
      apiUrl: env.ERP_API_URL,
      accessToken: env.ERP_ACCESS_TOKEN,
      concurrency: env.ERP_CONCURRENCY,
      taskQueue: env.ERP_TASK_QUEUE,
      webhookToken: env.ERP_WEBHOOK_TOKEN,
    },
    oms: {
      apiUrl: env.OMS_API_URL,
      apiKey: env.OMS_API_KEY,
      apiSecret: env.OMS_API_SECRET,
      ratePerMinute: env.OMS_RATE_PER_MINUTE,
      taskQueue: env.OMS_TASK_QUEUE,
      webhookToken: env.OMS_WEBHOOK_TOKEN,
    },
    api: { port: env.API_PORT, host: env.API_HOST, webhookSecret: env.WEBHOOK_SECRET, opsToken: env.OPS_TOKEN },
    metricsPort: env.METRICS_PORT,
    orders: { quietPeriodMs: env.ORDER_QUIET_PERIOD, retryWindowMs: env.ORDER_RETRY_WINDOW, parkRetryMs: env.ORDER_PARK_RETRY },
    refunds: { declineChecksMs: env.REFUND_DECLINE_CHECKS, orderWaitMs: env.REFUND_ORDER_WAIT },
    erpRefunds: { sweepIntervalMs: env.ERP_REFUND_SWEEP_INTERVAL, sweepLookbackMs: env.ERP_REFUND_SWEEP_LOOKBACK },
    health: {
      destination: env.HOOKS_DESTINATION,
      exceptionDestination: env.HOOKS_EXCEPTION_DESTINATION ?? (env.HOOKS_DESTINATION ? `${env.HOOKS_DESTINATION.replace(/\/+$/, '')}/exceptions` : undefined),
      intervalMs: env.HEALTH_INTERVAL,
    },
    reconcile: { intervalMs: env.RECONCILE_INTERVAL, overlapMs: env.RECONCILE_OVERLAP, initialLookbackMs: env.RECONCILE_INITIAL_LOOKBACK, stallAfterMs: env.RECONCILE_STALL_AFTER },
    inventory: {
      enabled: env.INVENTORY_SYNC === 'on',
      locations: env.INVENTORY_LOCATIONS,
      orderLocation: env.INVENTORY_ORDER_LOCATION,
      safetyBuffer: env.INVENTORY_SAFETY_BUFFER,
      quietMs: env.INVENTORY_QUIET,
      maxWaitMs: env.INVENTORY_MAX_WAIT,
      bookingWaitMs: env.INVENTORY_BOOKING_WAIT,
      stallAfterMs: env.INVENTORY_STALL_AFTER,
      sweepIntervalMs: env.INVENTORY_SWEEP_INTERVAL,
      sweepOverlapMs: env.INVENTORY_SWEEP_OVERLAP,
      sweepLookbackMs: env.INVENTORY_SWEEP_LOOKBACK,
      pendingTtlMs: env.INVENTORY_PENDING_TTL,
      applyMarginMs: env.INVENTORY_APPLY_MARGIN,
    },
    catalog: { intervalMs: env.CATALOG_INTERVAL, pageSize: env.CATALOG_PAGE_SIZE, overlapMs: env.CATALOG_OVERLAP, currency: env.CATALOG_CURRENCY, stallAfterMs: env.CATALOG_STALL_AFTER },
    alerts: {
      intervalMs: env.ALERT_INTERVAL,
      webhookUrl: env.ALERT_WEBHOOK_URL,
      cooldownMs: env.ALERT_COOLDOWN,
      parkedThreshold: env.ALERT_PARKED_THRESHOLD,
      failedThreshold: env.ALERT_FAILED_THRESHOLD,
      rateLimitedPerMinute: env.ALERT_429_PER_MINUTE,
      scrapeUrls: (env.METRICS_SCRAPE_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean),
    },
  };
}

/**
 * The stores to sync: BC_STORES (JSON) or BC_STORES_FILE, else the single BC_STORE_HASH store.
 * Per-store values left out fall back to the BC_* variables.
 */
function loadStores(env: Env, readFile: (path: string) => string): StoreConfig[] {
  const source = env.BC_STORES ?? (env.BC_STORES_FILE !== undefined ? readStoresFile(env.BC_STORES_FILE, readFile) : undefined);
  const entries =
    source === undefined
      ? [{ storeHash: env.BC_STORE_HASH!, accessToken: env.BC_ACCESS_TOKEN!, plan: env.BC_PLAN, quota: env.BC_QUOTA }]
      : parseStores(source, env.BC_STORES !== undefined ? 'BC_STORES' : 'BC_STORES_FILE');
  const seen = new Set<string>();
  return entries.map((e, i) => {
    if (seen.has(e.storeHash)) throw new ConfigError([`store ${i}: store hash ${e.storeHash} is listed twice`]);
    seen.add(e.storeHash);
    const plan = e.plan ?? env.BC_PLAN;
    const quota = e.quota ?? (plan === 'enterprise' ? undefined : PLAN_QUOTAS[plan]);
    if (quota === undefined) throw new ConfigError([`store ${e.storeHash}: the enterprise plan needs a quota`]);
    return {
      storeHash: e.storeHash,
      accessToken: e.accessToken,
      apiUrl: e.apiUrl ?? env.BC_API_URL,
      plan,
      quotaPerWindow: quota,
      windowMs: e.windowMs ?? env.BC_RATE_WINDOW_MS,
      headroom: e.headroom ?? env.BC_QUOTA_HEADROOM,
      dispatchBurst: e.dispatchBurst ?? env.BC_DISPATCH_BURST,
    };
  });
}

function readStoresFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (err) {
    throw new ConfigError([`BC_STORES_FILE: cannot read ${path}: ${(err as Error).message}`]);
  }
}

function parseStores(source: string, name: string): z.infer<typeof storeEntry>[] {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    throw new ConfigError([`${name}: not valid JSON`]);
  }
  const parsed = z.array(storeEntry).min(1).safeParse(json);
  // Issue messages name fields, never values: the array holds access tokens.
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${name}[${i.path.join('.')}]: ${i.message}`));
  return parsed.data;
}

/** The values `bcsync dev` runs with: the sandboxes on their default ports, no credentials needed. */
export const DEV_DEFAULTS: Readonly<Record<string, string>> = {
  BC_API_URL: 'http://127.0.0.1:4010',
  BC_STORE_HASH: 'sandbox',
  BC_ACCESS_TOKEN: 'sandbox-token',
  BC_PLAN: 'standard',
  ERP_API_URL: 'http://127.0.0.1:4020',
  ERP_ACCESS_TOKEN: 'sandbox-erp-token',
  OMS_API_URL: 'http://127.0.0.1:4030',
  OMS_API_KEY: 'sandbox-oms-key',
  OMS_API_SECRET: 'sandbox-oms-secret',
  OMS_WEBHOOK_TOKEN: 'dev-oms-webhook-token-change-me',
  ERP_WEBHOOK_TOKEN: 'dev-erp-webhook-token-change-me',
  OPS_TOKEN: 'dev-ops-token-change-me',
  WEBHOOK_SECRET: 'dev-webhook-secret-change-me',
};
