import type { Config, StoreConfig } from './env';
import { BigCommerceClient } from '../connectors/bigcommerce/client';
import { QuotaPacer } from '../connectors/bigcommerce/quota-pacer';
import { ShipStationClient } from '../connectors/oms/shipstation/client';
import type { Logger } from '../lib/logger';
import { bcCalls, bcPacerWait, bcQuotaLeft, bcQuotaResetMs, bcRateLimited } from '../lib/metrics';

/**
 * One client per store and process, with its quota pacer and metrics. Every activity of the store
 * in this process shares the pacer, so each call knows what the previous one learned.
 */
export function createStoreClient(store: StoreConfig, fetchImpl?: typeof fetch, logger?: Logger): BigCommerceClient {
  const labels = { store: store.storeHash };
  let quotaMismatchLogged = false;
  return new BigCommerceClient({
    apiUrl: store.apiUrl,
    storeHash: store.storeHash,
    accessToken: store.accessToken,
    fetch: fetchImpl,
    pacer: new QuotaPacer({ reserve: 1, reserveShare: store.headroom }),
    onRateLimit: (info) => {
      bcQuotaLeft.set(labels, info.left);
      bcQuotaResetMs.set(labels, info.resetMs);
      if (!quotaMismatchLogged && (info.quota !== store.quotaPerWindow || info.windowMs !== store.windowMs)) {
        // The task queue's rate comes from the configuration; the pacer follows the headers.
        quotaMismatchLogged = true;
        logger?.warn(
          { store: store.storeHash, configured: { quota: store.quotaPerWindow, windowMs: store.windowMs }, reported: { quota: info.quota, windowMs: info.windowMs } },
          'BigCommerce reports a different quota than configured (BC_PLAN/BC_QUOTA/BC_RATE_WINDOW_MS): pacing by what BigCommerce reports',
        );
      }
    },
    onCall: ({ method, route, status, waitedMs, rateHeaders }) => {
      bcCalls.inc({ ...labels, method, route, status: String(status) });
      bcPacerWait.observe(labels, waitedMs / 1000);
      if (status === 429) bcRateLimited.inc({ ...labels, kind: rateHeaders ? 'rate_limited' : 'platform_load' });
    },
  });
}

/** One OMS client per process, with its own pacer over the OMS's rate headers. */
export function createOmsClient(config: Config, fetchImpl?: typeof fetch): ShipStationClient {
  return new ShipStationClient({ apiUrl: config.oms.apiUrl, apiKey: config.oms.apiKey, apiSecret: config.oms.apiSecret, fetch: fetchImpl, pacer: new QuotaPacer({ reserve: 1 }) });
}
