import { z } from 'zod';

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
    BC_STORE_HASH: z.string().regex(/^[a-z0-9]+$/, 'a BigCommerce store hash is lowercase letters and digits'),
    BC_ACCESS_TOKEN: z.string().min(1),
    BC_PLAN: z.enum(['standard', 'plus', 'pro', 'enterprise']).default('standard'),
    /** Requests per window; required for the enterprise plan, overrides the plan's quota otherwise. */
    BC_QUOTA: z.coerce.number().int().positive().optional(),
    BC_RATE_WINDOW_MS: z.coerce.number().int().positive().default(30_000),
    /** Share of the quota left to the store's other apps. */
    BC_QUOTA_HEADROOM: z.coerce.number().min(0).max(0.9).default(0.1),

    ERP_API_URL: z.url(),
    ERP_ACCESS_TOKEN: z.string().min(1),
    /** NetSuite's concurrency limit is account-wide; give this integration its allocated share. */
    ERP_CONCURRENCY: z.coerce.number().int().positive().default(5),
    ERP_TASK_QUEUE: z.string().min(1).default('erp.netsuite'),

    API_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** 0.0.0.0 in a container; loopback by default so a laptop does not expose the API. */
    API_HOST: z.string().min(1).default('127.0.0.1'),
    /** Shared secret BigCommerce sends in the X-Bcsync-Secret header of every webhook we registered. */
    WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters'),
    /** How long an order workflow waits for another event before it completes. */
    ORDER_QUIET_PERIOD: durationMs.default(parseDurationMs('1h')),
  })
  .superRefine((env, ctx) => {
    if (env.BC_PLAN === 'enterprise' && env.BC_QUOTA === undefined) {
      ctx.addIssue({ code: 'custom', path: ['BC_QUOTA'], message: 'BC_QUOTA is required when BC_PLAN=enterprise' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface StoreConfig {
  storeHash: string;
  accessToken: string;
  apiUrl: string;
  plan: BcPlan;
  quotaPerWindow: number;
  windowMs: number;
  headroom: number;
}

export interface Config {
  logLevel: Env['LOG_LEVEL'];
  temporal: { address: string; namespace: string; apiKey?: string; tls: boolean; workflowTaskQueue: string };
  stores: StoreConfig[];
  erp: { apiUrl: string; accessToken: string; concurrency: number; taskQueue: string };
  api: { port: number; host: string; webhookSecret: string };
  orders: { quietPeriodMs: number };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const env = parsed.data;
  return {
    logLevel: env.LOG_LEVEL,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      apiKey: env.TEMPORAL_API_KEY,
      tls: env.TEMPORAL_TLS ?? env.TEMPORAL_API_KEY !== undefined,
      workflowTaskQueue: env.TEMPORAL_WORKFLOW_TASK_QUEUE,
    },
    stores: [
      {
        storeHash: env.BC_STORE_HASH,
        accessToken: env.BC_ACCESS_TOKEN,
        apiUrl: env.BC_API_URL,
        plan: env.BC_PLAN,
        quotaPerWindow: env.BC_QUOTA ?? PLAN_QUOTAS[env.BC_PLAN as keyof typeof PLAN_QUOTAS],
        windowMs: env.BC_RATE_WINDOW_MS,
        headroom: env.BC_QUOTA_HEADROOM,
      },
    ],
    erp: {
      apiUrl: env.ERP_API_URL,
      accessToken: env.ERP_ACCESS_TOKEN,
      concurrency: env.ERP_CONCURRENCY,
      taskQueue: env.ERP_TASK_QUEUE,
    },
    api: { port: env.API_PORT, host: env.API_HOST, webhookSecret: env.WEBHOOK_SECRET },
    orders: { quietPeriodMs: env.ORDER_QUIET_PERIOD },
  };
}

/** The values `bcsync dev` runs with: the sandboxes on their default ports, no credentials needed. */
export const DEV_DEFAULTS: Readonly<Record<string, string>> = {
  BC_API_URL: 'http://127.0.0.1:4010',
  BC_STORE_HASH: 'sandbox',
  BC_ACCESS_TOKEN: 'sandbox-token',
  BC_PLAN: 'standard',
  ERP_API_URL: 'http://127.0.0.1:4020',
  ERP_ACCESS_TOKEN: 'sandbox-erp-token',
  WEBHOOK_SECRET: 'dev-webhook-secret-change-me',
};
