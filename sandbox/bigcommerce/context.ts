import type express from 'express';
import type { FaultRegistry } from './faults';
import type { StoreRateLimiter } from './rate-limiter';
import type { RequestLog } from './request-log';
import type { BcSandboxData } from './state';
import type { WebhookDispatcher } from './webhook-dispatcher';

/** An API account: its token authenticates requests, its secret signs webhook deliveries. */
export interface ApiClient {
  clientId: string;
  clientSecret: string;
}

export interface SandboxSettings {
  taxRate: number;
  /** The orders spec declares 200 for POST /v2/orders; the status-code page says 201. */
  orderCreateStatus: 200 | 201;
  /** Real BigCommerce only accepts https on port 443; off by default so hooks can reach localhost. */
  strictHookDestinations: boolean;
  /** Inventory adjustments are asynchronous in BigCommerce ("a short delay"): applied after this. */
  inventoryDelayMs: number;
  /** V2's stated maximum page size (the orders spec gives none; older V2 docs say 250). */
  v2MaxLimit: number;
  /** The location an order's stock is taken from. */
  orderStockLocationId: number;
}

/** What every route of the BigCommerce sandbox shares. */
export interface SandboxContext {
  storeHash: string;
  storeId: string;
  data: BcSandboxData;
  settings: SandboxSettings;
  clients: ReadonlyMap<string, ApiClient>;
  dispatcher: WebhookDispatcher;
  limiter: StoreRateLimiter;
  /** Every request answered, by method, route, status and client (GET /__sandbox/requests). */
  requests: RequestLog;
  faults: FaultRegistry;
  now: () => number;
  /** Marks the data dirty so it is persisted. */
  changed: () => void;
  /** Fires a webhook event to every matching active hook. */
  emit: (scope: string, data: Record<string, unknown>) => void;
  /** Absolute base of V2 links in responses, e.g. http://127.0.0.1:4010/stores/sandbox/v2 */
  v2Base: (req: express.Request) => string;
  /** Replaces all data with a fresh seed (POST /__sandbox/reset). */
  reset: () => void;
}
