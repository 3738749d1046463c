import { readFileSync } from 'node:fs';
import type { Config, StoreConfig } from './env';
import { BigCommerceClient } from '../connectors/bigcommerce/client';
import { netSuiteTokenUrl } from '../connectors/erp/netsuite/auth/account';
import { bearerAuth } from '../connectors/erp/netsuite/auth/bearer';
import { M2mAuth, parsePrivateKey } from '../connectors/erp/netsuite/auth/m2m';
import { tbaAuth } from '../connectors/erp/netsuite/auth/tba';
import type { ErpAuth } from '../connectors/erp/netsuite/auth/types';
import { NetSuiteClient } from '../connectors/erp/netsuite/client';
import { ConfigError } from './errors';
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

/**
 * The ERP's authorization, built once per process and configuration: every client of the process (the
 * worker's, the API's per-request ones) shares one M2M token and its refresh.
 */
const erpAuths = new Map<string, ErpAuth>();

function erpAuthOf(erp: Config['erp'], fetchImpl: typeof fetch | undefined, readFile: (path: string) => string): ErpAuth {
  const key = JSON.stringify([erp.authMode, erp.apiUrl, erp.accountId, erp.clientId, erp.certificateId, erp.privateKeyFile, erp.scopes, erp.consumerKey, erp.tokenId]);
  let auth = erpAuths.get(key);
  if (auth) return auth;
  // config/erp.ts checks that each mode's settings are set; these are the same rules, for the types.
  const need = <T>(value: T | undefined, env: string): T => {
    if (value === undefined) throw new ConfigError([`${env}: required when NETSUITE_AUTH=${erp.authMode}`]);
    return value;
  };
  switch (erp.authMode) {
    case 'bearer':
      auth = bearerAuth(need(erp.accessToken, 'ERP_ACCESS_TOKEN'));
      break;
    case 'tba':
      auth = tbaAuth({
        realm: need(erp.account, 'NETSUITE_ACCOUNT_ID').realm,
        consumerKey: need(erp.consumerKey, 'NETSUITE_CONSUMER_KEY'),
        consumerSecret: need(erp.consumerSecret, 'NETSUITE_CONSUMER_SECRET'),
        tokenId: need(erp.tokenId, 'NETSUITE_TOKEN_ID'),
        tokenSecret: need(erp.tokenSecret, 'NETSUITE_TOKEN_SECRET'),
      });
      break;
    case 'm2m': {
      const file = need(erp.privateKeyFile, 'NETSUITE_PRIVATE_KEY_FILE');
      let pem: string;
      try {
        pem = readFile(file);
      } catch (err) {
        throw new ConfigError([`NETSUITE_PRIVATE_KEY_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
      }
      let privateKey: ReturnType<typeof parsePrivateKey>['key'];
      try {
        privateKey = parsePrivateKey(pem).key;
      } catch (err) {
        throw new ConfigError([`NETSUITE_PRIVATE_KEY_FILE: ${file}: ${(err as Error).message}`]);
      }
      need(erp.accountId, 'NETSUITE_ACCOUNT_ID');
      auth = new M2mAuth({
        tokenUrl: netSuiteTokenUrl(erp.apiUrl),
        clientId: need(erp.clientId, 'NETSUITE_CLIENT_ID'),
        certificateId: need(erp.certificateId, 'NETSUITE_CERTIFICATE_ID'),
        privateKey,
        scopes: erp.scopes,
        fetch: fetchImpl,
      });
      break;
    }
  }
  erpAuths.set(key, auth);
  return auth;
}

/**
 * The ERP client: its auth built once per process (config/erp.ts NETSUITE_AUTH; for m2m the key file
 * is read and checked here, a bad key a ConfigError naming NETSUITE_PRIVATE_KEY_FILE). Call it at start.
 */
export function createErpClient(
  config: Pick<Config, 'erp'>,
  opts: { fetch?: typeof fetch; timeoutMs?: number; auth?: ErpAuth; readFile?: (path: string) => string } = {},
): NetSuiteClient {
  const auth = opts.auth ?? erpAuthOf(config.erp, opts.fetch, opts.readFile ?? ((p) => readFileSync(p, 'utf8')));
  return new NetSuiteClient({ apiUrl: config.erp.apiUrl, auth, fetch: opts.fetch, timeoutMs: opts.timeoutMs });
}
