import { z } from 'zod';
import { WEBHOOK_SECRET_HEADER } from '../../api/shared/webhook-secret';
import { type Config, PLAN_QUOTAS, type StoreConfig } from '../../config/env';
import { BigCommerceClient } from '../../connectors/bigcommerce/client';
import { BigCommerceError } from '../../connectors/bigcommerce/errors';
import { checkAndRepairHooks } from '../../connectors/bigcommerce/hooks-repair';
import type { RateLimitInfo } from '../../connectors/bigcommerce/rate-limit-headers';
import { requiredHooks } from '../../domain/monitoring/required-hooks';
import { type Check, fail, messageOf, ok, skip } from './check';

const G = 'bigcommerce';

/**
 * The OAuth scopes the flows need, each shown by one read of a resource that needs it (a 403 is a
 * missing scope: shared/bigcommerce/FACTS.md section 1). Reads cannot show write access: a scope
 * granted read-only passes here and fails at the first write, so the fix names the access level.
 */
interface ScopeProbe {
  resource: string;
  path: string;
  scope: string;
  /** The API account's setting in the control panel, and the access the flows need. */
  setting: string;
  usedBy: string;
  enabled: (config: Config) => boolean;
  /** Why it is skipped when not enabled. */
  off?: string;
}

export const SCOPE_PROBES: readonly ScopeProbe[] = [
  { resource: 'orders', path: '/v2/orders', scope: 'store_v2_orders', setting: 'Orders: modify', usedBy: 'order sync, refunds, shipments', enabled: () => true },
  {
    resource: 'products',
    path: '/v3/catalog/products',
    scope: 'store_v2_products',
    setting: 'Products: modify',
    usedBy: 'catalog and price sync (also price lists)',
    enabled: () => true,
  },
  {
    resource: 'inventory',
    path: '/v3/inventory/items',
    scope: 'store_inventory',
    setting: 'Store Inventory: modify',
    usedBy: 'inventory sync',
    enabled: (c) => c.inventory.enabled,
    off: 'INVENTORY_SYNC=off',
  },
  { resource: 'customers', path: '/v3/customers', scope: 'store_v2_customers', setting: 'Customers: read-only', usedBy: "orders' customers", enabled: () => true },
];

/** The store's variable names, for fixes: BC_* for one store, its BC_STORES entry for several. */
function storeVar(config: Config, field: 'accessToken' | 'storeHash' | 'apiUrl' | 'plan', store: StoreConfig): string {
  const single = { accessToken: 'BC_ACCESS_TOKEN', storeHash: 'BC_STORE_HASH', apiUrl: 'BC_API_URL', plan: 'BC_PLAN/BC_QUOTA' }[field];
  return config.stores.length === 1 ? single : `${field === 'plan' ? 'plan/quota' : field} of store ${store.storeHash} in BC_STORES (or ${single})`;
}

/** The plan a quota per 30 s window belongs to. */
function planOf(info: RateLimitInfo): string {
  if (info.windowMs === 30_000 && info.quota === PLAN_QUOTAS.standard) return 'standard/plus';
  if (info.windowMs === 30_000 && info.quota === PLAN_QUOTAS.pro) return 'pro';
  return 'enterprise';
}

const anyBody = z.unknown();

/** Every configured store: token, quota, scopes, hooks. */
export async function checkBigCommerce(config: Config, opts: { timeoutMs: number; fetch?: typeof fetch }): Promise<Check[]> {
  const checks: Check[] = [];
  for (const store of config.stores) checks.push(...(await checkStore(config, store, opts)));
  return checks;
}

async function checkStore(config: Config, store: StoreConfig, opts: { timeoutMs: number; fetch?: typeof fetch }): Promise<Check[]> {
  const id = (what: string) => `bigcommerce.${store.storeHash}.${what}`;
  const client = new BigCommerceClient({ apiUrl: store.apiUrl, storeHash: store.storeHash, accessToken: store.accessToken, timeoutMs: opts.timeoutMs, fetch: opts.fetch });
  const checks: Check[] = [];

  // The token: webhooks need no scope, so a read of them shows the token alone.
  let rate: RateLimitInfo | undefined;
  try {
    rate = (await client.request({ method: 'GET', path: '/v3/hooks', query: { limit: 1 } }, anyBody)).rateLimit;
    checks.push(ok(G, id('token'), `store ${store.storeHash} at ${store.apiUrl}: token accepted`));
  } catch (err) {
    const kind = err instanceof BigCommerceError ? err.kind : undefined;
    checks.push(
      fail(
        G,
        id('token'),
        `store ${store.storeHash} at ${store.apiUrl}: ${messageOf(err)}`,
        kind === 'auth'
          ? `The token is not accepted: set ${storeVar(config, 'accessToken', store)} to a token of an API account of store ${store.storeHash}`
          : kind === 'not_found'
            ? `No such store: check ${storeVar(config, 'storeHash', store)} (the hash in the API path, e.g. stores/abc123)`
            : `Check ${storeVar(config, 'apiUrl', store)} and that BigCommerce is reachable from here`,
      ),
    );
    for (const what of ['quota', ...SCOPE_PROBES.map((p) => `scope.${p.resource}`), 'hooks']) checks.push(skip(G, id(what), 'not checked: the store could not be read'));
    return checks;
  }

  // Plan and quota, from what BigCommerce says, against what is configured.
  if (!rate || rate.quota === 0)
    checks.push(fail(G, id('quota'), 'BigCommerce sent no rate-limit headers', `Check ${storeVar(config, 'apiUrl', store)}: it does not answer like BigCommerce`));
  else if (rate.quota === store.quotaPerWindow && rate.windowMs === store.windowMs)
    checks.push(ok(G, id('quota'), `${rate.quota} requests per ${rate.windowMs} ms (${planOf(rate)} plan; configured ${store.plan})`));
  else
    checks.push(
      fail(
        G,
        id('quota'),
        `BigCommerce allows ${rate.quota} requests per ${rate.windowMs} ms (${planOf(rate)} plan); configured: ${store.quotaPerWindow} per ${store.windowMs} ms (${store.plan})`,
        `Set ${storeVar(config, 'plan', store)} to match${rate.windowMs !== store.windowMs ? ` and BC_RATE_WINDOW_MS=${rate.windowMs}` : ''}: ${
          planOf(rate) === 'enterprise' ? `BC_PLAN=enterprise BC_QUOTA=${rate.quota}` : `BC_PLAN=${planOf(rate) === 'pro' ? 'pro' : 'standard'}`
        }`,
      ),
    );

  // The scopes, one read each.
  for (const probe of SCOPE_PROBES) {
    if (!probe.enabled(config)) {
      checks.push(skip(G, id(`scope.${probe.resource}`), `not needed: ${probe.off}`));
      continue;
    }
    try {
      await client.request({ method: 'GET', path: probe.path, query: { limit: 1 } }, anyBody);
      checks.push(ok(G, id(`scope.${probe.resource}`), `${probe.scope}: ${probe.path} readable (${probe.usedBy}; write access is not tested)`));
    } catch (err) {
      const forbidden = err instanceof BigCommerceError && err.kind === 'forbidden';
      checks.push(
        fail(
          G,
          id(`scope.${probe.resource}`),
          forbidden ? `missing scope ${probe.scope}: GET ${probe.path} answered 403 (needed by ${probe.usedBy})` : `GET ${probe.path}: ${messageOf(err)}`,
          forbidden
            ? `Give the store's API account the ${probe.scope} scope (${probe.setting}), then put its new token in ${storeVar(config, 'accessToken', store)}`
            : `Check ${storeVar(config, 'apiUrl', store)} and try again`,
        ),
      );
    }
  }

  // Our hooks, present and active at our destination, with our secret header.
  const destination = config.health.destination;
  if (!destination) {
    checks.push(
      fail(
        G,
        id('hooks'),
        'HOOKS_DESTINATION is not set: where our hooks should point is unknown',
        'Set HOOKS_DESTINATION to the public URL of POST /webhooks/bigcommerce, then run `bcsync hooks register --destination <that URL>`',
      ),
    );
    return checks;
  }
  try {
    const required = requiredHooks(destination, config.health.exceptionDestination, { inventory: config.inventory.enabled });
    const { checks: hooks } = await checkAndRepairHooks(client, required, { [WEBHOOK_SECRET_HEADER]: config.api.webhookSecret }, { repair: false });
    const bad = hooks.filter((h) => h.was !== 'ok');
    if (bad.length === 0) checks.push(ok(G, id('hooks'), `${hooks.length} hooks active at ${destination}[/exceptions]`));
    else
      checks.push(
        fail(
          G,
          id('hooks'),
          bad
            .map(
              (h) =>
                `${h.scope} -> ${h.destination}: ${h.was === 'wrong-headers' ? 'its X-Bcsync-Secret header is not WEBHOOK_SECRET' : h.was}${h.hookId !== null ? ` (hook ${h.hookId})` : ''}`,
            )
            .join('; '),
          `Run \`bcsync hooks register --destination ${destination}\` (creates, reactivates and fixes them; the webhook-health schedule does the same every HEALTH_INTERVAL)`,
        ),
      );
  } catch (err) {
    checks.push(fail(G, id('hooks'), `cannot list the hooks: ${messageOf(err)}`, `Check ${storeVar(config, 'apiUrl', store)} and try again`));
  }
  return checks;
}
