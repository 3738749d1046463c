import { z } from 'zod';
import { defineSettings, duration, kind, setting, text, token } from './setting';

/**
 * One named ops token: who holds it (recorded with every decision made with it) and the stores it
 * may act on (`"*"`: every store).
 */
export interface OpsTokenEntry {
  name: string;
  token: string;
  stores: readonly string[] | '*';
}

const opsTokenEntry = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a name of lower-case letters, digits, ".", "_" or "-" (at most 64)'),
    token: z.string().min(16, 'at least 16 characters').max(512),
    stores: z.union([
      z.literal('*'),
      z
        .array(z.string().regex(/^[a-z0-9]+$/, 'a store hash'))
        .min(1)
        .max(1000),
    ]),
  })
  .strict();

/** OPS_TOKENS: a JSON array of named, store-scoped tokens; names and tokens unique. */
const opsTokens = kind('JSON array of `{"name","token","stores"}`', (env) =>
  z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${env} is not valid JSON` });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .array(opsTokenEntry)
        .min(1)
        .max(100)
        .superRefine((entries, ctx) => {
          entries.forEach((e, i) => {
            if (entries.findIndex((o) => o.name === e.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the name ${e.name} is used twice` });
            if (entries.findIndex((o) => o.token === e.token) !== i) ctx.addIssue({ code: 'custom', path: [i, 'token'], message: 'the same token is given twice' });
          });
        }),
    ),
);

/** `bcsync api`: where it listens and the secrets its routes check. */
export const apiSettings = defineSettings({
  flow: 'API',
  title: 'API',
  module: 'config/api.ts',
  settings: {
    port: setting('API_PORT', kind('integer 1-65535', z.coerce.number().int().min(1).max(65535)), {
      default: '3000',
      description: 'Port of `bcsync api` (webhooks, ops API, /metrics).',
    }),
    host: setting('API_HOST', text, {
      default: '127.0.0.1',
      description: 'Address the API listens on: `0.0.0.0` in a container; loopback by default so a laptop does not expose the API.',
    }),
    webhookSecret: setting('WEBHOOK_SECRET', token(16), {
      required: true,
      secret: true,
      sandbox: 'dev-webhook-secret-change-me',
      description: 'Shared secret BigCommerce sends in the `X-Bcsync-Secret` header of every webhook we registered.',
    }),
    opsToken: setting('OPS_TOKEN', token(16), {
      secret: true,
      sandbox: 'dev-ops-token-change-me',
      unset: 'unset: the ops API is off (answers 503)',
      description: 'Bearer token for `/ops/...`, the ops API: a token named `ops` for every store (see `OPS_TOKENS` for named, store-scoped ones; both may be set).',
    }),
    opsTokens: setting('OPS_TOKENS', opsTokens, {
      secret: true,
      unset: 'unset: only `OPS_TOKEN`, if set',
      description:
        'Named, store-scoped bearer tokens for the ops API, as a JSON array: `[{"name":"alice","token":"<at least 16 characters>","stores":["abc123"]},{"name":"oncall","token":"...","stores":"*"}]`. The name is recorded with every decision made with the token (the workflow\'s history, the log); a token answers 403 for a store not in its `stores` (`"*"`: every store). Names are lower-case (`ops` is `OPS_TOKEN`\'s); names and tokens must be unique.',
    }),
    reconcileMaxLookbackMs: setting('OPS_RECONCILE_MAX_LOOKBACK', duration, {
      default: '30d',
      description: '`POST /ops/reconcile {since}` reaches back at most this far (400 beyond it): an old `since` re-reads every order since then against the shared API quota.',
    }),
    metricsToken: setting('METRICS_TOKEN', token(16), {
      secret: true,
      unset: 'unset: `/metrics` and `/readyz` answer anyone who reaches the API (keep `API_HOST` on loopback then)',
      description:
        'Bearer token `GET /metrics` and `GET /readyz` of the API require (401 without it); `/healthz` stays open. Give it to the Prometheus scraper (`authorization.credentials`) and to a readiness probe that checks `/readyz` (a header).',
    }),
  },
  check: (v) =>
    v.opsToken !== undefined && v.opsTokens?.some((t) => t.name === 'ops' || t.token === v.opsToken)
      ? [{ setting: 'opsTokens', message: 'the name `ops` and the token of OPS_TOKEN belong to OPS_TOKEN; give this one another name and token' }]
      : [],
});
