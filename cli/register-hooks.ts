import type { StoreConfig } from '../config/env';
import { BigCommerceClient } from '../connectors/bigcommerce/client';
import { ensureHook, type EnsureHookOutcome } from '../connectors/bigcommerce/hooks';
import { WEBHOOK_SECRET_HEADER } from '../api/webhook-secret';

/** The scopes this product consumes today. Every order event wakes the order's workflow. */
export const REQUIRED_SCOPES = ['store/order/*'];

/** Creates, reactivates or fixes the store's hooks so each required scope reaches `destination`. */
export async function registerHooks(
  store: StoreConfig,
  destination: string,
  webhookSecret: string,
): Promise<{ scope: string; id: number; outcome: EnsureHookOutcome }[]> {
  const client = new BigCommerceClient({ apiUrl: store.apiUrl, storeHash: store.storeHash, accessToken: store.accessToken });
  const results = [];
  for (const scope of REQUIRED_SCOPES) {
    const { hook, outcome } = await ensureHook(client, { scope, destination, headers: { [WEBHOOK_SECRET_HEADER]: webhookSecret } });
    results.push({ scope, id: hook.id, outcome });
  }
  return results;
}
