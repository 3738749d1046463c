import type express from 'express';
import type { StoreRateLimiter } from './rate-limiter';
import type { BcSandboxData } from './state';
import type { WebhookDispatcher } from './webhook-dispatcher';

/** What every route of the BigCommerce sandbox shares. */
export interface SandboxContext {
  storeHash: string;
  data: BcSandboxData;
  dispatcher: WebhookDispatcher;
  limiter: StoreRateLimiter;
  taxRate: number;
  orderCreateStatus: 200 | 201;
  strictHookDestinations: boolean;
  now: () => number;
  /** Marks the data dirty so it is persisted. */
  changed: () => void;
  /** Absolute base of V2 links in responses, e.g. http://127.0.0.1:4010/stores/sandbox/v2 */
  v2Base: (req: express.Request) => string;
}
