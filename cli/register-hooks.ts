import { createOmsClient } from '../config/clients';
import type { Config, StoreConfig } from '../config/env';
import { ensureWebhook } from '../connectors/oms/shipstation/webhooks';
import { BigCommerceClient } from '../connectors/bigcommerce/client';
import { deleteHook, ensureHook, listHooks, type EnsureHookOutcome } from '../connectors/bigcommerce/hooks';
import { WEBHOOK_SECRET_HEADER } from '../api/webhook-secret';

/**
 * The scopes this product consumes. Named one by one rather than `store/order/*`: a status change
 * fires both `statusUpdated` and `updated`, and the wildcard would wake the order's workflow twice
 * (each signal is a billed Temporal action) for one change. `updated` covers status changes.
 */
export const REQUIRED_SCOPES = ['store/order/created', 'store/order/updated', 'store/order/archived', 'store/order/refund/created'];

/**
 * Creates, reactivates or fixes the store's hooks so each required scope reaches `destination`, and
 * removes our own hooks at that destination for scopes no longer required (other apps' hooks and
 * other destinations are left alone).
 */
export async function registerHooks(
  store: StoreConfig,
  destination: string,
  webhookSecret: string,
): Promise<{ scope: string; id: number; outcome: EnsureHookOutcome | 'removed' }[]> {
  const client = new BigCommerceClient({ apiUrl: store.apiUrl, storeHash: store.storeHash, accessToken: store.accessToken });
  const results: { scope: string; id: number; outcome: EnsureHookOutcome | 'removed' }[] = [];
  for (const scope of REQUIRED_SCOPES) {
    const { hook, outcome } = await ensureHook(client, { scope, destination, headers: { [WEBHOOK_SECRET_HEADER]: webhookSecret } });
    results.push({ scope, id: hook.id, outcome });
  }
  for (const stale of (await listHooks(client, { destination })).filter((h) => !REQUIRED_SCOPES.includes(h.scope))) {
    await deleteHook(client, stale.id);
    results.push({ scope: stale.scope, id: stale.id, outcome: 'removed' });
  }
  return results;
}

/**
 * The OMS's SHIP_NOTIFY webhook to our API. ShipStation signs nothing, so the URL carries a token
 * (OMS_WEBHOOK_TOKEN) the API checks.
 */
export async function registerOmsWebhook(config: Config, destination: string): Promise<{ webhookId: number; outcome: string }> {
  const url = new URL(destination);
  url.searchParams.set('token', config.oms.webhookToken);
  return ensureWebhook(createOmsClient(config), { targetUrl: url.toString(), event: 'SHIP_NOTIFY', friendlyName: 'bcsync shipments' });
}
