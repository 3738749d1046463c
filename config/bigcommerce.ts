import { z } from 'zod';
import { ConfigError } from './errors';
import { SIGNATURE_MODES, type SignatureMode } from './signature-modes';

export type { SignatureMode };
import { defineSettings, kind, oneOf, setting, text, url, type GroupValue } from './setting';

/** BigCommerce's documented request quotas per 30 s window, by plan (enterprise: negotiated). */
export const PLAN_QUOTAS = { standard: 150, plus: 150, pro: 450 } as const;
export const BC_PLANS = ['standard', 'plus', 'pro', 'enterprise'] as const;
export type BcPlan = (typeof BC_PLANS)[number];

// Each rule once, for the BC_* variables and for the fields of a BC_STORES entry.
const storeHash = z.string().regex(/^[a-z0-9]+$/, 'a BigCommerce store hash is lowercase letters and digits');
const quota = z.number().int().positive();
const windowMs = z.number().int().positive();
const headroom = z.number().min(0).max(0.9);
const dispatchBurst = z.number().min(1).max(4);

const storeEntry = z.object({
  storeHash,
  accessToken: z.string().min(1),
  plan: z.enum(BC_PLANS).optional(),
  quota: quota.optional(),
  windowMs: windowMs.optional(),
  headroom: headroom.optional(),
  dispatchBurst: dispatchBurst.optional(),
  apiUrl: z.url().optional(),
  clientSecret: z.string().min(1).optional(),
  previousClientSecret: z.string().min(1).optional(),
});

/** The stores to sync and how fast each may be called. */
export const bigcommerceSettings = defineSettings({
  flow: 'Connections',
  title: 'BigCommerce',
  module: 'config/bigcommerce.ts',
  about: 'One store by `BC_STORE_HASH` and `BC_ACCESS_TOKEN`, or several by `BC_STORES` or `BC_STORES_FILE`; a store entry that leaves out a field takes the `BC_*` value.',
  settings: {
    storeHash: setting('BC_STORE_HASH', kind('store hash (lowercase letters and digits)', storeHash), {
      unset: 'required for one store',
      sandbox: 'sandbox',
      description: 'The store, for one store; for several, `BC_STORES` or `BC_STORES_FILE` instead.',
    }),
    accessToken: setting('BC_ACCESS_TOKEN', text, {
      secret: true,
      unset: 'required for one store',
      sandbox: 'sandbox-token',
      description: "The store's API access token; never logged, never put in a workflow input.",
    }),
    clientSecret: setting('BC_CLIENT_SECRET', text, {
      secret: true,
      sandbox: 'sandbox-client-secret',
      unset: 'unset: deliveries are not signature-checked (a warning at start)',
      description:
        "The API account's client secret: BigCommerce signs every webhook delivery with it (Standard Webhooks, keyed by base64 of the secret), and `POST /webhooks/bigcommerce` verifies the signature, the timestamp (5 minutes) and the delivery id (replays). Never logged.",
    }),
    previousClientSecret: setting('BC_CLIENT_SECRET_PREVIOUS', text, {
      secret: true,
      description: 'During a rotation, the old client secret: deliveries signed with either secret are accepted. Remove it once the rotation is done.',
    }),
    signatures: setting('BC_WEBHOOK_SIGNATURES', oneOf(SIGNATURE_MODES), {
      unset: '`enforce` when every store has a client secret, `off` when none has',
      description:
        '`enforce`: a delivery without a valid signature is refused (401). `log`: verified, and failures are logged and counted (`bcsync_webhook_signature_checks_total`) but let through: turn it on this way, watch the counter, then enforce. `off`: not checked (the `X-Bcsync-Secret` header alone). The header is checked in every mode, as a second factor.',
    }),
    storesJson: setting('BC_STORES', kind('JSON', z.string().min(1)), {
      secret: true,
      description:
        'Several stores: a JSON array `[{"storeHash","accessToken","clientSecret"?,"previousClientSecret"?,"plan"?,"quota"?,"headroom"?,"windowMs"?,"dispatchBurst"?,"apiUrl"?}]`; fields left out fall back to the `BC_*` values. One rate-limited queue and worker per store in one process.',
    }),
    storesFile: setting('BC_STORES_FILE', kind('file path', z.string().min(1)), { description: 'The same JSON array in a file (e.g. a mounted secret).' }),
    apiUrl: setting('BC_API_URL', url, { default: 'https://api.bigcommerce.com', sandbox: 'http://127.0.0.1:4010', description: "BigCommerce's API." }),
    plan: setting('BC_PLAN', oneOf(BC_PLANS), {
      default: 'standard',
      sandbox: 'standard',
      description: `The store's plan, which sets its request quota: \`standard\`/\`plus\` (${PLAN_QUOTAS.standard} requests per 30 s), \`pro\` (${PLAN_QUOTAS.pro}), \`enterprise\` (\`BC_QUOTA\`).`,
    }),
    quota: setting('BC_QUOTA', kind('integer > 0', z.coerce.number().pipe(quota)), {
      unset: "the plan's quota",
      description: "Requests per window; required for the `enterprise` plan, overrides the plan's quota otherwise.",
    }),
    windowMs: setting('BC_RATE_WINDOW_MS', kind('integer > 0', z.coerce.number().pipe(windowMs)), {
      default: '30000',
      description: 'Length of the quota window, in milliseconds.',
    }),
    headroom: setting('BC_QUOTA_HEADROOM', kind('number 0-0.9', z.coerce.number().pipe(headroom)), {
      default: '0.1',
      description: "Share of the quota left to the store's other apps.",
    }),
    dispatchBurst: setting('BC_DISPATCH_BURST', kind('number 1-4', z.coerce.number().pipe(dispatchBurst)), {
      default: '4',
      description:
        "The store queue's dispatch rate as a multiple of the quota's average rate (1 = exactly the average). Above 1, the quota pacer (reading BigCommerce's rate headers) keeps each 30 s window within the quota, so a catalog run can spend what the window has left and an order's call does not wait for a dispatch slot behind catalog calls (measured: 0.00-0.06 s at 4, 0.11-0.14 s at 2, 0.24 s at 1). 1 dispatches at the average rate (the default before 2026-11-28): see bench/README.md (quota, catalog).",
    }),
  },
  // Which store variables are missing: reported with every other bad variable, so one start-up error names them all.
  check: (v) => {
    if (v.storesJson !== undefined || v.storesFile !== undefined) return [];
    const issues: { setting: 'storeHash' | 'accessToken' | 'quota'; message: string }[] = [];
    if (v.storeHash === undefined) issues.push({ setting: 'storeHash', message: 'BC_STORE_HASH is required (or BC_STORES / BC_STORES_FILE)' });
    if (v.accessToken === undefined) issues.push({ setting: 'accessToken', message: 'BC_ACCESS_TOKEN is required (or BC_STORES / BC_STORES_FILE)' });
    if ((v.plan ?? 'standard') === 'enterprise' && v.quota === undefined) issues.push({ setting: 'quota', message: 'BC_QUOTA is required when BC_PLAN=enterprise' });
    return issues;
  },
});

export type BigCommerceSettings = GroupValue<typeof bigcommerceSettings>;

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
  /** The API account's client secret(s) that sign its webhook deliveries: the current first, during a rotation also the previous. */
  clientSecrets: string[];
}

/**
 * The stores to sync: BC_STORES (JSON) or BC_STORES_FILE, else the single BC_STORE_HASH store.
 * Per-store values left out fall back to the BC_* variables.
 */
export function loadStores(bc: BigCommerceSettings, readFile: (path: string) => string): StoreConfig[] {
  const { storesJson, storesFile } = bigcommerceSettings.settings;
  const source = bc.storesJson ?? (bc.storesFile !== undefined ? readStoresFile(bc.storesFile, readFile) : undefined);
  const entries =
    source === undefined
      ? // The group's check makes sure both are set when neither BC_STORES nor BC_STORES_FILE is.
        [{ storeHash: bc.storeHash!, accessToken: bc.accessToken!, plan: bc.plan, quota: bc.quota }]
      : parseStores(source, bc.storesJson !== undefined ? storesJson.env : storesFile.env);
  const seen = new Set<string>();
  return entries.map((e, i) => {
    if (seen.has(e.storeHash)) throw new ConfigError([`store ${i}: store hash ${e.storeHash} is listed twice`]);
    seen.add(e.storeHash);
    const plan = e.plan ?? bc.plan;
    const quotaPerWindow = e.quota ?? (plan === 'enterprise' ? undefined : PLAN_QUOTAS[plan]);
    if (quotaPerWindow === undefined) throw new ConfigError([`store ${e.storeHash}: the enterprise plan needs a quota`]);
    return {
      storeHash: e.storeHash,
      accessToken: e.accessToken,
      apiUrl: e.apiUrl ?? bc.apiUrl,
      plan,
      quotaPerWindow,
      windowMs: e.windowMs ?? bc.windowMs,
      headroom: e.headroom ?? bc.headroom,
      dispatchBurst: e.dispatchBurst ?? bc.dispatchBurst,
      clientSecrets: clientSecretsOf(e, bc),
    };
  });
}

/**
 * A store's signing secrets: its own pair when its entry names a client secret, else the BC_* pair
 * (one app installed on several stores has one secret). A previous secret without a current one is
 * refused: it would leave the store verifying with the secret being rotated out.
 */
function clientSecretsOf(e: z.infer<typeof storeEntry>, bc: BigCommerceSettings): string[] {
  const [current, previous] = e.clientSecret !== undefined ? [e.clientSecret, e.previousClientSecret] : [bc.clientSecret, e.previousClientSecret ?? bc.previousClientSecret];
  if (previous !== undefined && current === undefined)
    throw new ConfigError([`store ${e.storeHash}: a previous client secret needs the current one (BC_CLIENT_SECRET or clientSecret)`]);
  return [current, previous].filter((x): x is string => x !== undefined);
}

function readStoresFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (err) {
    throw new ConfigError([`${bigcommerceSettings.settings.storesFile.env}: cannot read ${path}: ${(err as Error).message}`]);
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

/**
 * The signature mode in force: the one set, else `enforce` when every store has a client secret and
 * `off` when none has. Checking some stores and not others cannot work (the store is known only once
 * a signature verified), so a mix without an explicit `off` is a start-up error, as is `enforce` or
 * `log` with a store that has no secret.
 */
export function signatureMode(bc: BigCommerceSettings, stores: readonly StoreConfig[]): SignatureMode {
  const withSecret = stores.filter((s) => s.clientSecrets.length > 0).length;
  const mode = bc.signatures ?? (withSecret === stores.length ? 'enforce' : withSecret === 0 ? 'off' : undefined);
  const env = bigcommerceSettings.settings.signatures.env;
  if (mode === undefined) throw new ConfigError([`${env}: some stores have a client secret and some do not; give every store one (or set ${env}=off)`]);
  if (mode !== 'off' && withSecret < stores.length)
    throw new ConfigError([
      `${env}=${mode} needs every store's client secret (BC_CLIENT_SECRET or clientSecret in BC_STORES); missing for ${stores
        .filter((s) => !s.clientSecrets.length)
        .map((s) => s.storeHash)
        .join(', ')}`,
    ]);
  return mode;
}
