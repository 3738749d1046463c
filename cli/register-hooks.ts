import { createOmsClient } from '../config/connections';
import type { Config, StoreConfig } from '../config/env';
import { ensureWebhook } from '../connectors/oms/shipstation/webhooks';
import { BigCommerceClient } from '../connectors/bigcommerce/client';
import { checkAndRepairHooks, type HookCheck } from '../connectors/bigcommerce/hooks-repair';
import { requiredHooks } from '../domain/monitoring/required-hooks';
import { WEBHOOK_SECRET_HEADER } from '../api/shared/webhook-secret';

/**
 * Creates, reactivates or fixes the store's hooks so each required scope reaches `destination`
 * (and delivery exceptions `exceptionDestination`), and removes our own hooks at those
 * destinations for scopes no longer required. The same repair the webhook-health schedule runs.
 */
export async function registerHooks(
  store: StoreConfig,
  destination: string,
  webhookSecret: string,
  exceptionDestination?: string,
  opts: { inventory?: boolean } = {},
): Promise<HookCheck[]> {
  const client = new BigCommerceClient({ apiUrl: store.apiUrl, storeHash: store.storeHash, accessToken: store.accessToken });
  const { checks } = await checkAndRepairHooks(client, requiredHooks(destination, exceptionDestination, opts), { [WEBHOOK_SECRET_HEADER]: webhookSecret });
  return checks;
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
